using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNets.__Internals;

/// <summary>
/// Stores of vectors of channels at consecutive positions into channel-major planes, transposed in registers: what a
/// kernel with the channels across the lanes writes its <c>[C][HW]</c> output with, instead of a channels-last buffer
/// and a transpose after it.
/// </summary>
public static partial class Transpose
{
    /// <summary>
    /// Four vectors of 16 channels, one per position p to p + 3, stored as each channel's run of four positions:
    /// <c>destination[i * stride + j] = aj[i]</c> for i below 16 and j below 4. Within each 128-bit lane, unpack the
    /// pairs, then the pairs of pairs: lane L of the four results holds channels 4L to 4L + 3, four positions each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Columns4(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3, ref float destination, int stride)
    {
        if (!Avx512F.IsSupported)
        {
            Columns4Scalar(a0, a1, a2, a3, ref destination, stride);
            return;
        }
        var (r0, r1, r2, r3) = Unpack4(a0, a1, a2, a3);
        Lane4(r0.GetLower().GetLower(), r1.GetLower().GetLower(), r2.GetLower().GetLower(), r3.GetLower().GetLower(), ref destination, stride);
        Lane4(Avx512F.ExtractVector128(r0, 1), Avx512F.ExtractVector128(r1, 1), Avx512F.ExtractVector128(r2, 1), Avx512F.ExtractVector128(r3, 1),
            ref Unsafe.Add(ref destination, 4 * stride), stride);
        Lane4(Avx512F.ExtractVector128(r0, 2), Avx512F.ExtractVector128(r1, 2), Avx512F.ExtractVector128(r2, 2), Avx512F.ExtractVector128(r3, 2),
            ref Unsafe.Add(ref destination, 8 * stride), stride);
        Lane4(Avx512F.ExtractVector128(r0, 3), Avx512F.ExtractVector128(r1, 3), Avx512F.ExtractVector128(r2, 3), Avx512F.ExtractVector128(r3, 3),
            ref Unsafe.Add(ref destination, 12 * stride), stride);
    }

    /// <summary>
    /// Four vectors of 8 channels, one per position p to p + 3, stored as each channel's run of four positions:
    /// <c>destination[i * stride + j] = aj[i]</c> for i below 8 and j below 4.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Columns4(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3, ref float destination, int stride)
    {
        if (!Avx.IsSupported)
        {
            Columns4Scalar(a0, a1, a2, a3, ref destination, stride);
            return;
        }
        var (r0, r1, r2, r3) = Unpack4(a0, a1, a2, a3);
        Lane4(r0.GetLower(), r1.GetLower(), r2.GetLower(), r3.GetLower(), ref destination, stride);
        Lane4(r0.GetUpper(), r1.GetUpper(), r2.GetUpper(), r3.GetUpper(), ref Unsafe.Add(ref destination, 4 * stride), stride);
    }

    /// <summary>
    /// Four vectors of 16 positions, one per filter k to k + 3, stored as each position's run of four filters at its own
    /// place: <c>destination[offsets[i] + j] = aj[i]</c> for i below 16 and j below 4. The same unpacks as
    /// <see cref="Columns4(Vector512{float}, Vector512{float}, Vector512{float}, Vector512{float}, ref float, int)"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Scatter4(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3, ref float destination, ref int offsets)
    {
        if (!Avx512F.IsSupported)
        {
            Scatter4Scalar(a0, a1, a2, a3, ref destination, ref offsets);
            return;
        }
        var (r0, r1, r2, r3) = Unpack4(a0, a1, a2, a3);
        Lane4(r0.GetLower().GetLower(), r1.GetLower().GetLower(), r2.GetLower().GetLower(), r3.GetLower().GetLower(), ref destination, ref offsets);
        Lane4(Avx512F.ExtractVector128(r0, 1), Avx512F.ExtractVector128(r1, 1), Avx512F.ExtractVector128(r2, 1), Avx512F.ExtractVector128(r3, 1),
            ref destination, ref Unsafe.Add(ref offsets, 4));
        Lane4(Avx512F.ExtractVector128(r0, 2), Avx512F.ExtractVector128(r1, 2), Avx512F.ExtractVector128(r2, 2), Avx512F.ExtractVector128(r3, 2),
            ref destination, ref Unsafe.Add(ref offsets, 8));
        Lane4(Avx512F.ExtractVector128(r0, 3), Avx512F.ExtractVector128(r1, 3), Avx512F.ExtractVector128(r2, 3), Avx512F.ExtractVector128(r3, 3),
            ref destination, ref Unsafe.Add(ref offsets, 12));
    }

    /// <summary>The same for four vectors of 8 positions: <c>destination[offsets[i] + j] = aj[i]</c> for i below 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Scatter4(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3, ref float destination, ref int offsets)
    {
        if (!Avx.IsSupported)
        {
            Scatter4Scalar(a0, a1, a2, a3, ref destination, ref offsets);
            return;
        }
        var (r0, r1, r2, r3) = Unpack4(a0, a1, a2, a3);
        Lane4(r0.GetLower(), r1.GetLower(), r2.GetLower(), r3.GetLower(), ref destination, ref offsets);
        Lane4(r0.GetUpper(), r1.GetUpper(), r2.GetUpper(), r3.GetUpper(), ref destination, ref Unsafe.Add(ref offsets, 4));
    }

    /// <summary>The same for four vectors of 4 positions: <c>destination[offsets[i] + j] = aj[i]</c> for i below 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Scatter4(Vector128<float> a0, Vector128<float> a1, Vector128<float> a2, Vector128<float> a3, ref float destination, ref int offsets)
    {
        if (!Sse2.IsSupported)
        {
            Scatter4Scalar(a0, a1, a2, a3, ref destination, ref offsets);
            return;
        }
        var t0 = Sse.UnpackLow(a0, a1).AsDouble();
        var t1 = Sse.UnpackHigh(a0, a1).AsDouble();
        var t2 = Sse.UnpackLow(a2, a3).AsDouble();
        var t3 = Sse.UnpackHigh(a2, a3).AsDouble();
        Lane4(Sse2.UnpackLow(t0, t2).AsSingle(), Sse2.UnpackHigh(t0, t2).AsSingle(), Sse2.UnpackLow(t1, t3).AsSingle(), Sse2.UnpackHigh(t1, t3).AsSingle(),
            ref destination, ref offsets);
    }

    /// <summary>
    /// Where each position of a <c>[height][width]</c> plane stands in a zero-bordered channels-last buffer
    /// <c>[paddedHeight][paddedWidth][channels]</c>: <c>((h + padTop) * paddedWidth + w + padLeft) * channels</c>, for
    /// <see cref="Scatter4(Vector512{float}, Vector512{float}, Vector512{float}, Vector512{float}, ref float, ref int)"/>.
    /// </summary>
    public static int[] PaddedOffsets(int height, int width, int paddedWidth, int padTop, int padLeft, int channels) =>
        WideOffsets(height, width, width, paddedWidth, padTop, padLeft, channels, 0);

    /// <summary>
    /// The same for the wide rows of a plane, rows <paramref name="rowWidth"/> apart, (<c>(height - 1) * rowWidth + width</c>
    /// positions): the columns past <paramref name="width"/> hold nothing of the plane, and their offset is
    /// <paramref name="elsewhere"/>, a place of at least four floats that nothing reads.
    /// </summary>
    public static int[] WideOffsets(int height, int width, int rowWidth, int paddedWidth, int padTop, int padLeft, int channels, int elsewhere)
    {
        if (height < 1 || width < 1 || rowWidth < width || channels < 1 || padTop < 0 || padLeft < 0 || paddedWidth < width + padLeft || elsewhere < 0)
        {
            throw new ArgumentException(
                $"No channels-last offsets for a {height}x{width} plane in wide rows of {rowWidth}, padded rows of {paddedWidth} from ({padTop}, {padLeft}), "
                + $"{channels} channels, the rest at {elsewhere}.");
        }
        var offsets = new int[(height - 1) * rowWidth + width];
        for (int i = 0; i < offsets.Length; i++)
        {
            int h = i / rowWidth, w = i % rowWidth;
            offsets[i] = w < width ? ((h + padTop) * paddedWidth + w + padLeft) * channels : elsewhere;
        }
        return offsets;
    }

    /// <summary>
    /// Where the window of each output position of a strided convolution starts in its channels-last padded input
    /// <c>[HP][paddedWidth][channels]</c>: <c>(oy * strideHeight * paddedWidth + ox * strideWidth) * channels</c>, for the
    /// positions in their flat order.
    /// </summary>
    public static int[] WindowOffsets(int outputHeight, int outputWidth, int strideHeight, int strideWidth, int paddedWidth, int channels)
    {
        if (outputHeight < 1 || outputWidth < 1 || strideHeight < 1 || strideWidth < 1 || channels < 1 || paddedWidth < (outputWidth - 1) * strideWidth + 1)
        {
            throw new ArgumentException(
                $"No window offsets for a {outputHeight}x{outputWidth} output, strides {strideHeight}x{strideWidth}, padded rows of {paddedWidth}, {channels} channels.");
        }
        var offsets = new int[outputHeight * outputWidth];
        for (int i = 0; i < offsets.Length; i++) offsets[i] = (i / outputWidth * strideHeight * paddedWidth + i % outputWidth * strideWidth) * channels;
        return offsets;
    }

    /// <summary>
    /// Within each 128-bit lane, the pairs of a0, a1 and of a2, a3 unpacked, then the pairs of pairs: lane L of result j
    /// holds element 4L + j of a0, a1, a2 and a3, in that order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>) Unpack4(
        Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3)
    {
        var t0 = Avx512F.UnpackLow(a0, a1).AsDouble();
        var t1 = Avx512F.UnpackHigh(a0, a1).AsDouble();
        var t2 = Avx512F.UnpackLow(a2, a3).AsDouble();
        var t3 = Avx512F.UnpackHigh(a2, a3).AsDouble();
        return (Avx512F.UnpackLow(t0, t2).AsSingle(), Avx512F.UnpackHigh(t0, t2).AsSingle(), Avx512F.UnpackLow(t1, t3).AsSingle(),
            Avx512F.UnpackHigh(t1, t3).AsSingle());
    }

    /// <summary>The same on Vector256: lane L of result j holds element 4L + j of the four.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>) Unpack4(
        Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3)
    {
        var t0 = Avx.UnpackLow(a0, a1).AsDouble();
        var t1 = Avx.UnpackHigh(a0, a1).AsDouble();
        var t2 = Avx.UnpackLow(a2, a3).AsDouble();
        var t3 = Avx.UnpackHigh(a2, a3).AsDouble();
        return (Avx.UnpackLow(t0, t2).AsSingle(), Avx.UnpackHigh(t0, t2).AsSingle(), Avx.UnpackLow(t1, t3).AsSingle(), Avx.UnpackHigh(t1, t3).AsSingle());
    }

    /// <summary>Four positions' runs of four filters, each at its offset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lane4(Vector128<float> r0, Vector128<float> r1, Vector128<float> r2, Vector128<float> r3, ref float destination, ref int offsets)
    {
        r0.StoreUnsafe(ref Unsafe.Add(ref destination, offsets));
        r1.StoreUnsafe(ref Unsafe.Add(ref destination, Unsafe.Add(ref offsets, 1)));
        r2.StoreUnsafe(ref Unsafe.Add(ref destination, Unsafe.Add(ref offsets, 2)));
        r3.StoreUnsafe(ref Unsafe.Add(ref destination, Unsafe.Add(ref offsets, 3)));
    }

    /// <summary>The scattered stores one float at a time, where the hardware lacks the unpacks.</summary>
    private static void Scatter4Scalar<TVector>(TVector a0, TVector a1, TVector a2, TVector a3, ref float destination, ref int offsets)
        where TVector : struct
    {
        ReadOnlySpan<float> v0 = Floats(ref a0), v1 = Floats(ref a1), v2 = Floats(ref a2), v3 = Floats(ref a3);
        for (int i = 0; i < v0.Length; i++)
        {
            ref float d = ref Unsafe.Add(ref destination, Unsafe.Add(ref offsets, i));
            d = v0[i];
            Unsafe.Add(ref d, 1) = v1[i];
            Unsafe.Add(ref d, 2) = v2[i];
            Unsafe.Add(ref d, 3) = v3[i];
        }
    }

    /// <summary>Four channels' runs of four positions, <paramref name="stride"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lane4(Vector128<float> r0, Vector128<float> r1, Vector128<float> r2, Vector128<float> r3, ref float destination, int stride)
    {
        r0.StoreUnsafe(ref destination);
        r1.StoreUnsafe(ref destination, (nuint)stride);
        r2.StoreUnsafe(ref destination, (nuint)(2 * stride));
        r3.StoreUnsafe(ref destination, (nuint)(3 * stride));
    }

    /// <summary>The same stores one float at a time, where the hardware lacks the unpacks.</summary>
    private static void Columns4Scalar<TVector>(TVector a0, TVector a1, TVector a2, TVector a3, ref float destination, int stride)
        where TVector : struct
    {
        ReadOnlySpan<float> v0 = Floats(ref a0), v1 = Floats(ref a1), v2 = Floats(ref a2), v3 = Floats(ref a3);
        for (int i = 0; i < v0.Length; i++)
        {
            ref float d = ref Unsafe.Add(ref destination, i * stride);
            d = v0[i];
            Unsafe.Add(ref d, 1) = v1[i];
            Unsafe.Add(ref d, 2) = v2[i];
            Unsafe.Add(ref d, 3) = v3[i];
        }
    }

    /// <summary>A vector's lanes.</summary>
    private static ReadOnlySpan<float> Floats<TVector>(ref TVector v)
        where TVector : struct => MemoryMarshal.Cast<TVector, float>(MemoryMarshal.CreateReadOnlySpan(ref v, 1));
}
