using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNets.__Internals;

/// <summary>
/// The depthwise convolution's backward with the channels across the vector lanes, over the channels-last layouts its
/// forward computes in: x as the zero-bordered <c>xs [HP][WP][C]</c>, the weights <c>wt [FH*FW][C]</c>, the output
/// gradient <c>dzt [HO][WO][C]</c>, the input gradient <c>dxs [HP][WP][C]</c>. A last block of channels that is not
/// whole overlaps the one before and counts only its channels past it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static partial class DepthwiseBackward
{
    /// <summary>
    /// Adds <c>sum over (oy, ox) of dzt[oy][ox][c] * xs[oy*SH + ky][ox*SW + kx][c]</c> into
    /// <c>weightGradients[c * FH*FW + ky * FW + kx]</c> for every channel and tap, on Vector256.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGradientVector256(
        ReadOnlySpan<float> xs, ReadOnlySpan<float> dzt, Span<float> weightGradients, int channels, int outHeight, int outWidth, int paddedWidth,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth)
    {
        const int L = 8;
        Check(xs, dzt, weightGradients, channels, outHeight, outWidth, paddedWidth, kernelHeight, kernelWidth, strideHeight, strideWidth, L);
        if (kernelHeight == 3 && kernelWidth == 3)
        {
            WeightGradient3x3<Lanes256, Vector256<float>>(xs, dzt, outWidth * channels, weightGradients, channels, outHeight, outWidth, paddedWidth, strideHeight, strideWidth);
            return;
        }
        WeightGradient<Lanes256, Vector256<float>>(
            xs, dzt, outWidth * channels, weightGradients, channels, outHeight, outWidth, paddedWidth, kernelHeight, kernelWidth, strideHeight, strideWidth);
    }

    /// <summary>The weight gradient of <see cref="WeightGradientVector256"/> on Vector512.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGradientVector512(
        ReadOnlySpan<float> xs, ReadOnlySpan<float> dzt, Span<float> weightGradients, int channels, int outHeight, int outWidth, int paddedWidth,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth)
    {
        const int L = 16;
        Check(xs, dzt, weightGradients, channels, outHeight, outWidth, paddedWidth, kernelHeight, kernelWidth, strideHeight, strideWidth, L);
        if (kernelHeight == 3 && kernelWidth == 3)
        {
            WeightGradient3x3<Lanes512, Vector512<float>>(xs, dzt, outWidth * channels, weightGradients, channels, outHeight, outWidth, paddedWidth, strideHeight, strideWidth);
            return;
        }
        WeightGradient<Lanes512, Vector512<float>>(
            xs, dzt, outWidth * channels, weightGradients, channels, outHeight, outWidth, paddedWidth, kernelHeight, kernelWidth, strideHeight, strideWidth);
    }

    /// <summary>
    /// Adds <c>wt[ky*FW + kx][c] * dzt[oy][ox][c]</c> into <c>dxs[oy*SH + ky][ox*SW + kx][c]</c> for every output, tap
    /// and channel, on Vector256: each output's gradient flows back to its window's inputs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InputGradientVector256(
        ReadOnlySpan<float> wt, ReadOnlySpan<float> dzt, Span<float> dxs, int channels, int outHeight, int outWidth, int paddedWidth,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth)
    {
        const int L = 8;
        CheckInput(wt, dzt, dxs, channels, outHeight, outWidth, paddedWidth, kernelHeight, kernelWidth, strideHeight, strideWidth, L);
        InputGradient<Lanes256, Vector256<float>>(wt, dzt, dxs, channels, outHeight, outWidth, paddedWidth, kernelHeight, kernelWidth, strideHeight, strideWidth);
    }

    /// <summary>The input gradient of <see cref="InputGradientVector256"/> on Vector512.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InputGradientVector512(
        ReadOnlySpan<float> wt, ReadOnlySpan<float> dzt, Span<float> dxs, int channels, int outHeight, int outWidth, int paddedWidth,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth)
    {
        const int L = 16;
        CheckInput(wt, dzt, dxs, channels, outHeight, outWidth, paddedWidth, kernelHeight, kernelWidth, strideHeight, strideWidth, L);
        InputGradient<Lanes512, Vector512<float>>(wt, dzt, dxs, channels, outHeight, outWidth, paddedWidth, kernelHeight, kernelWidth, strideHeight, strideWidth);
    }

    /// <summary>
    /// The weight gradient of any window, at either width: four chains of multiply-adds per tap, added pairwise. dz's
    /// rows are <paramref name="dzRow"/> floats apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WeightGradient<TLanes, TVector>(
        ReadOnlySpan<float> xs, ReadOnlySpan<float> dzt, int dzRow, Span<float> weightGradients, int channels, int outHeight, int outWidth, int paddedWidth,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth)
        where TLanes : ILanes<TVector>
        where TVector : struct
    {
        int ff = kernelHeight * kernelWidth, step = strideWidth * channels;
        ref float xr = ref MemoryMarshal.GetReference(xs);
        ref float dr = ref MemoryMarshal.GetReference(dzt);
        ref float gr = ref MemoryMarshal.GetReference(weightGradients);
        Span<float> lane = stackalloc float[TLanes.Count];
        ref float lr = ref MemoryMarshal.GetReference(lane);
        for (int c0 = 0; c0 < channels; c0 += TLanes.Count)
        {
            int c = Math.Min(c0, channels - TLanes.Count), skip = c0 - c;
            for (int t = 0; t < ff; t++)
            {
                int ky = t / kernelWidth, kx = t % kernelWidth;
                TVector a0 = TLanes.Zero;
                TVector a1 = TLanes.Zero;
                TVector a2 = TLanes.Zero;
                TVector a3 = TLanes.Zero;
                for (int oy = 0; oy < outHeight; oy++)
                {
                    ref float d = ref Unsafe.Add(ref dr, oy * dzRow + c);
                    ref float x = ref Unsafe.Add(ref xr, ((oy * strideHeight + ky) * paddedWidth + kx) * channels + c);
                    int ox = 0;
                    for (; ox <= outWidth - 4; ox += 4)
                    {
                        a0 = TLanes.MultiplyAdd(TLanes.Load(ref d, (nuint)(ox * channels)), TLanes.Load(ref x, (nuint)(ox * step)), a0);
                        a1 = TLanes.MultiplyAdd(TLanes.Load(ref d, (nuint)((ox + 1) * channels)), TLanes.Load(ref x, (nuint)((ox + 1) * step)), a1);
                        a2 = TLanes.MultiplyAdd(TLanes.Load(ref d, (nuint)((ox + 2) * channels)), TLanes.Load(ref x, (nuint)((ox + 2) * step)), a2);
                        a3 = TLanes.MultiplyAdd(TLanes.Load(ref d, (nuint)((ox + 3) * channels)), TLanes.Load(ref x, (nuint)((ox + 3) * step)), a3);
                    }
                    for (; ox < outWidth; ox++)
                    {
                        a0 = TLanes.MultiplyAdd(TLanes.Load(ref d, (nuint)(ox * channels)), TLanes.Load(ref x, (nuint)(ox * step)), a0);
                    }
                }
                TLanes.Store(TLanes.Add(TLanes.Add(a0, a1), TLanes.Add(a2, a3)), ref lr, 0);
                for (int j = skip; j < TLanes.Count; j++) Unsafe.Add(ref gr, (c + j) * ff + t) += Unsafe.Add(ref lr, j);
            }
        }
    }


    /// <summary>The input gradient of any window, at either width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputGradient<TLanes, TVector>(
        ReadOnlySpan<float> wt, ReadOnlySpan<float> dzt, Span<float> dxs, int channels, int outHeight, int outWidth, int paddedWidth,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth)
        where TLanes : ILanes<TVector>
        where TVector : struct
    {
        int ff = kernelHeight * kernelWidth, step = strideWidth * channels;
        ref float dr = ref MemoryMarshal.GetReference(dzt);
        ref float xr = ref MemoryMarshal.GetReference(dxs);
        Span<float> weights = stackalloc float[TLanes.Count];
        ref float wl = ref MemoryMarshal.GetReference(weights);
        for (int c0 = 0; c0 < channels; c0 += TLanes.Count)
        {
            int c = Math.Min(c0, channels - TLanes.Count), skip = c0 - c;
            // The overlapping block adds nothing into the channels the block before has done: their weights zero.
            for (int t = 0; t < ff; t++)
            {
                int ky = t / kernelWidth, kx = t % kernelWidth;
                wt.Slice(t * channels + c, TLanes.Count).CopyTo(weights);
                weights.Slice(0, skip).Clear();
                TVector w = TLanes.Load(ref wl, 0);
                for (int oy = 0; oy < outHeight; oy++)
                {
                    ref float d = ref Unsafe.Add(ref dr, oy * outWidth * channels + c);
                    ref float x = ref Unsafe.Add(ref xr, ((oy * strideHeight + ky) * paddedWidth + kx) * channels + c);
                    for (int ox = 0; ox < outWidth; ox++)
                    {
                        ref float at = ref Unsafe.Add(ref x, ox * step);
                        TLanes.Store(TLanes.MultiplyAdd(TLanes.Load(ref d, (nuint)(ox * channels)), w, TLanes.Load(ref at, 0)), ref at, 0);
                    }
                }
            }
        }
    }


    /// <summary>
    /// The interior of a zero-bordered channels-last <c>[HP][WP][C]</c> back to <c>[C][H][W]</c>: <c>destination[c][h][w]</c>
    /// written (or, with <paramref name="add"/>, added into) from <c>source[((h + padTop) * paddedWidth + w + padLeft) * C + c]</c>.
    /// Blocks of 8 positions by 8 channels transposed in Vector256 registers where AVX is there and vectors are enabled.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unpadded(ReadOnlySpan<float> source, int channels, int height, int width, int paddedWidth, int padTop, int padLeft, Span<float> destination, bool add)
    {
        int plane = height * width;
        if (channels <= 0 || plane <= 0) return;
        if ((long)channels * plane > destination.Length || ((long)(height - 1 + padTop) * paddedWidth + width + padLeft) * channels > source.Length)
        {
            throw new ArgumentException($"{channels} planes of {height}x{width} do not fit the spans ({source.Length} and {destination.Length} floats, padded width {paddedWidth}).");
        }
        ref float s = ref MemoryMarshal.GetReference(source);
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
                Transpose.Offsets8(at, ref h, ref w, width, paddedWidth, padTop, padLeft, channels);
                for (int c = 0; c < channels8; c += 8)
                {
                    Block8(
                        Vector256.LoadUnsafe(ref s, (nuint)(at[0] + c)),
                        Vector256.LoadUnsafe(ref s, (nuint)(at[1] + c)),
                        Vector256.LoadUnsafe(ref s, (nuint)(at[2] + c)),
                        Vector256.LoadUnsafe(ref s, (nuint)(at[3] + c)),
                        Vector256.LoadUnsafe(ref s, (nuint)(at[4] + c)),
                        Vector256.LoadUnsafe(ref s, (nuint)(at[5] + c)),
                        Vector256.LoadUnsafe(ref s, (nuint)(at[6] + c)),
                        Vector256.LoadUnsafe(ref s, (nuint)(at[7] + c)),
                        ref Unsafe.Add(ref d, c * plane + p),
                        plane,
                        add);
                }
            }
        }
        // The edges: the channels from channels8 of the positions below plane8, then every channel of the positions from plane8.
        for (int h = 0, p = 0; h < height; h++)
        {
            for (int w = 0; w < width; w++, p++)
            {
                int first = p < plane8 ? channels8 : 0;
                int at = ((h + padTop) * paddedWidth + w + padLeft) * channels;
                for (int c = first; c < channels; c++)
                {
                    float v = Unsafe.Add(ref s, at + c);
                    ref float o = ref Unsafe.Add(ref d, c * plane + p);
                    o = add ? o + v : v;
                }
            }
        }
    }

    /// <summary>Rows r0..r7 (8 positions' 8 channels) transposed and stored (or added) as 8 channels' 8 positions, <paramref name="stride"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block8(
        Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7, ref float d, int stride, bool add)
    {
        var (o0, o1, o2, o3, o4, o5, o6, o7) = Transpose.Rows8(r0, r1, r2, r3, r4, r5, r6, r7);
        Store(o0, ref d, 0, add);
        Store(o1, ref d, stride, add);
        Store(o2, ref d, 2 * stride, add);
        Store(o3, ref d, 3 * stride, add);
        Store(o4, ref d, 4 * stride, add);
        Store(o5, ref d, 5 * stride, add);
        Store(o6, ref d, 6 * stride, add);
        Store(o7, ref d, 7 * stride, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<float> v, ref float d, int offset, bool add)
    {
        if (add) v += Vector256.LoadUnsafe(ref d, (nuint)offset);
        v.StoreUnsafe(ref d, (nuint)offset);
    }

    private static void Check(
        ReadOnlySpan<float> xs, ReadOnlySpan<float> dzt, Span<float> weightGradients, int channels, int outHeight, int outWidth, int paddedWidth,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int lanes)
    {
        long padded = ((long)(outHeight - 1) * strideHeight + kernelHeight) * paddedWidth * channels;
        if (channels < lanes || (long)outHeight * outWidth * channels > dzt.Length || padded > xs.Length || (long)channels * kernelHeight * kernelWidth > weightGradients.Length)
        {
            throw new ArgumentException($"A depthwise backward of {channels} channels on {outHeight}x{outWidth} outputs does not fit the spans.");
        }
        if ((long)((outWidth - 1) * strideWidth + kernelWidth) > paddedWidth) throw new ArgumentException("The window runs past the padded width.");
    }

    private static void CheckInput(
        ReadOnlySpan<float> wt, ReadOnlySpan<float> dzt, Span<float> dxs, int channels, int outHeight, int outWidth, int paddedWidth,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int lanes)
    {
        long padded = ((long)(outHeight - 1) * strideHeight + kernelHeight) * paddedWidth * channels;
        if (channels < lanes || (long)outHeight * outWidth * channels > dzt.Length || padded > dxs.Length || (long)channels * kernelHeight * kernelWidth > wt.Length)
        {
            throw new ArgumentException($"A depthwise backward of {channels} channels on {outHeight}x{outWidth} outputs does not fit the spans.");
        }
        if ((long)((outWidth - 1) * strideWidth + kernelWidth) > paddedWidth) throw new ArgumentException("The window runs past the padded width.");
    }
}
