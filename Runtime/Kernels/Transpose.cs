using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNets.__Internals;

/// <summary>
/// Matrix transposes between a convolution's channel-major planes <c>[C][HW]</c> and the channels-last layout
/// <c>[HW][C]</c> that a depthwise convolution computes in, with the channels across the vector lanes.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static partial class Transpose
{
    /// <summary>
    /// Writes <c>destination[j * destinationStride + i] = source[i * sourceStride + j]</c> for <paramref name="rows"/>
    /// rows i and <paramref name="columns"/> columns j: blocks of 8x8 transposed in Vector256 registers where AVX is
    /// there and vectors are enabled, the edges one float at a time. Nothing else of the destination is written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Matrix(ReadOnlySpan<float> source, int sourceStride, int rows, int columns, Span<float> destination, int destinationStride)
    {
        if (rows <= 0 || columns <= 0) return;
        if ((long)(rows - 1) * sourceStride + columns > source.Length || (long)(columns - 1) * destinationStride + rows > destination.Length)
        {
            throw new ArgumentException($"A {rows}x{columns} transpose does not fit the spans ({source.Length} and {destination.Length} floats, strides {sourceStride} and {destinationStride}).");
        }
        ref float s = ref MemoryMarshal.GetReference(source);
        ref float d = ref MemoryMarshal.GetReference(destination);
        int rows8 = 0, columns8 = 0;
        if (Simd.IsEnabled && Avx.IsSupported)
        {
            rows8 = rows & ~7;
            columns8 = columns & ~7;
            for (int i = 0; i < rows8; i += 8)
            {
                for (int j = 0; j < columns8; j += 8)
                {
                    Block8(ref Unsafe.Add(ref s, i * sourceStride + j), sourceStride, ref Unsafe.Add(ref d, j * destinationStride + i), destinationStride);
                }
            }
        }
        // The edges: the rows below rows8 past columns8, then every column of the rows from rows8.
        for (int i = 0; i < rows8; i++)
        {
            for (int j = columns8; j < columns; j++) Unsafe.Add(ref d, j * destinationStride + i) = Unsafe.Add(ref s, i * sourceStride + j);
        }
        for (int i = rows8; i < rows; i++)
        {
            for (int j = 0; j < columns; j++) Unsafe.Add(ref d, j * destinationStride + i) = Unsafe.Add(ref s, i * sourceStride + j);
        }
    }

    /// <summary>
    /// Writes x <c>[C][H][W]</c> into the interior of a zero-bordered channels-last buffer: <c>x[c][h][w]</c> at
    /// <c>((h + padTop) * paddedWidth + w + padLeft) * C + c</c>. The border is not written (it stays as it was: zero
    /// where nothing else writes there). Blocks of 8 channels by 8 positions of the plane (positions that may run over
    /// rows) are transposed in Vector256 registers where AVX is there and vectors are enabled; the edges one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Padded(ReadOnlySpan<float> x, int channels, int height, int width, Span<float> destination, int paddedWidth, int padTop, int padLeft)
    {
        int plane = height * width;
        if (channels <= 0 || plane <= 0) return;
        if ((long)channels * plane > x.Length || ((long)(height - 1 + padTop) * paddedWidth + width + padLeft) * channels > destination.Length)
        {
            throw new ArgumentException($"{channels} planes of {height}x{width} do not fit the spans ({x.Length} and {destination.Length} floats, padded width {paddedWidth}).");
        }
        ref float s = ref MemoryMarshal.GetReference(x);
        ref float d = ref MemoryMarshal.GetReference(destination);
        int channels8 = 0, plane8 = 0;
        if (Simd.IsEnabled && Avx.IsSupported)
        {
            channels8 = channels & ~7;
            plane8 = plane & ~7;
            Span<int> at = stackalloc int[8];
            int h = 0, w = 0; // the row and column of position p
            for (int p = 0; p < plane8; p += 8)
            {
                Offsets8(at, ref h, ref w, width, paddedWidth, padTop, padLeft, channels);
                for (int c = 0; c < channels8; c += 8)
                {
                    Block8(ref Unsafe.Add(ref s, c * plane + p), plane, out var o0, out var o1, out var o2, out var o3, out var o4, out var o5, out var o6, out var o7);
                    o0.StoreUnsafe(ref d, (nuint)(at[0] + c));
                    o1.StoreUnsafe(ref d, (nuint)(at[1] + c));
                    o2.StoreUnsafe(ref d, (nuint)(at[2] + c));
                    o3.StoreUnsafe(ref d, (nuint)(at[3] + c));
                    o4.StoreUnsafe(ref d, (nuint)(at[4] + c));
                    o5.StoreUnsafe(ref d, (nuint)(at[5] + c));
                    o6.StoreUnsafe(ref d, (nuint)(at[6] + c));
                    o7.StoreUnsafe(ref d, (nuint)(at[7] + c));
                }
            }
        }
        // The edges: the channels from channels8 of the positions below plane8 (if any), then every channel of the positions from plane8.
        int start = channels8 == channels ? plane8 : 0; // where every channel is in whole blocks, the positions from plane8 only
        for (int h = start / width, p = h * width; h < height; h++)
        {
            for (int w = 0; w < width; w++, p++)
            {
                if (p < start) continue;
                int first = p < plane8 ? channels8 : 0;
                if (first == channels) continue;
                int at = ((h + padTop) * paddedWidth + w + padLeft) * channels;
                for (int c = first; c < channels; c++) Unsafe.Add(ref d, at + c) = Unsafe.Add(ref s, c * plane + p);
            }
        }
    }

    /// <summary>
    /// The channels-last offsets <c>((h + padTop) * paddedWidth + w + padLeft) * channels</c> of the 8 positions from
    /// (<paramref name="h"/>, <paramref name="w"/>) on, running over rows of <paramref name="width"/>; leaves h and w at
    /// the position after them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Offsets8(Span<int> at, ref int h, ref int w, int width, int paddedWidth, int padTop, int padLeft, int channels)
    {
        for (int j = 0; j < 8; j++)
        {
            at[j] = ((h + padTop) * paddedWidth + w + padLeft) * channels;
            if (++w == width)
            {
                w = 0;
                h++;
            }
        }
    }

    /// <summary>One 8x8 block stored in place: see <see cref="Block8(ref float, int, out Vector256{float}, out Vector256{float}, out Vector256{float}, out Vector256{float}, out Vector256{float}, out Vector256{float}, out Vector256{float}, out Vector256{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block8(ref float s, int sourceStride, ref float d, int destinationStride)
    {
        Block8(ref s, sourceStride, out var o0, out var o1, out var o2, out var o3, out var o4, out var o5, out var o6, out var o7);
        o0.StoreUnsafe(ref d);
        o1.StoreUnsafe(ref d, (nuint)destinationStride);
        o2.StoreUnsafe(ref d, (nuint)(2 * destinationStride));
        o3.StoreUnsafe(ref d, (nuint)(3 * destinationStride));
        o4.StoreUnsafe(ref d, (nuint)(4 * destinationStride));
        o5.StoreUnsafe(ref d, (nuint)(5 * destinationStride));
        o6.StoreUnsafe(ref d, (nuint)(6 * destinationStride));
        o7.StoreUnsafe(ref d, (nuint)(7 * destinationStride));
    }

    /// <summary>
    /// One 8x8 block, rows <paramref name="sourceStride"/> apart, transposed: <c>o[j][i] = s[i][j]</c>. Unpack pairs of
    /// rows, shuffle pairs of pairs, then exchange the 128-bit halves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block8(
        ref float s,
        int sourceStride,
        out Vector256<float> o0,
        out Vector256<float> o1,
        out Vector256<float> o2,
        out Vector256<float> o3,
        out Vector256<float> o4,
        out Vector256<float> o5,
        out Vector256<float> o6,
        out Vector256<float> o7)
    {
        var r0 = Vector256.LoadUnsafe(ref s);
        var r1 = Vector256.LoadUnsafe(ref s, (nuint)sourceStride);
        var r2 = Vector256.LoadUnsafe(ref s, (nuint)(2 * sourceStride));
        var r3 = Vector256.LoadUnsafe(ref s, (nuint)(3 * sourceStride));
        var r4 = Vector256.LoadUnsafe(ref s, (nuint)(4 * sourceStride));
        var r5 = Vector256.LoadUnsafe(ref s, (nuint)(5 * sourceStride));
        var r6 = Vector256.LoadUnsafe(ref s, (nuint)(6 * sourceStride));
        var r7 = Vector256.LoadUnsafe(ref s, (nuint)(7 * sourceStride));
        (o0, o1, o2, o3, o4, o5, o6, o7) = Rows8(r0, r1, r2, r3, r4, r5, r6, r7);
    }

    /// <summary>
    /// An 8x8 transpose in registers: row i of the result is lane i of each of the eight vectors. Unpack pairs of rows,
    /// shuffle pairs of pairs, then exchange the 128-bit halves. The one 8x8 transpose of the kernels.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>,
        Vector256<float>) Rows8(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3, Vector256<float> r4,
        Vector256<float> r5, Vector256<float> r6, Vector256<float> r7)
    {
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        return (Avx.Permute2x128(u0, u4, 0x20), Avx.Permute2x128(u1, u5, 0x20), Avx.Permute2x128(u2, u6, 0x20), Avx.Permute2x128(u3, u7, 0x20),
            Avx.Permute2x128(u0, u4, 0x31), Avx.Permute2x128(u1, u5, 0x31), Avx.Permute2x128(u2, u6, 0x31), Avx.Permute2x128(u3, u7, 0x31));
    }
}
