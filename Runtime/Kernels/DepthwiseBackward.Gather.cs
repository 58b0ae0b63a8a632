using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNets.__Internals;

public static partial class DepthwiseBackward
{
    /// <summary>
    /// The weight gradient of <see cref="WeightGradientVector256"/> with dz's rows <paramref name="dzRowStride"/> floats
    /// apart: dz read where it sits in the interior of a zero-bordered buffer (<see cref="InputGradientGatherVector256"/>'s).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGradientRowsVector256(
        ReadOnlySpan<float> xs, ReadOnlySpan<float> dz, int dzRowStride, Span<float> weightGradients, int channels, int outHeight, int outWidth,
        int paddedWidth, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth)
    {
        CheckRows(xs, dz, dzRowStride, weightGradients, channels, outHeight, outWidth, paddedWidth, kernelHeight, kernelWidth, strideHeight, strideWidth, 8);
        if (kernelHeight == 3 && kernelWidth == 3)
        {
            WeightGradient3x3<Lanes256, Vector256<float>>(xs, dz, dzRowStride, weightGradients, channels, outHeight, outWidth, paddedWidth, strideHeight, strideWidth);
            return;
        }
        WeightGradient<Lanes256, Vector256<float>>(
            xs, dz, dzRowStride, weightGradients, channels, outHeight, outWidth, paddedWidth, kernelHeight, kernelWidth, strideHeight, strideWidth);
    }

    /// <summary>The weight gradient of <see cref="WeightGradientRowsVector256"/> on Vector512.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGradientRowsVector512(
        ReadOnlySpan<float> xs, ReadOnlySpan<float> dz, int dzRowStride, Span<float> weightGradients, int channels, int outHeight, int outWidth,
        int paddedWidth, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth)
    {
        CheckRows(xs, dz, dzRowStride, weightGradients, channels, outHeight, outWidth, paddedWidth, kernelHeight, kernelWidth, strideHeight, strideWidth, 16);
        if (kernelHeight == 3 && kernelWidth == 3)
        {
            WeightGradient3x3<Lanes512, Vector512<float>>(xs, dz, dzRowStride, weightGradients, channels, outHeight, outWidth, paddedWidth, strideHeight, strideWidth);
            return;
        }
        WeightGradient<Lanes512, Vector512<float>>(
            xs, dz, dzRowStride, weightGradients, channels, outHeight, outWidth, paddedWidth, kernelHeight, kernelWidth, strideHeight, strideWidth);
    }

    /// <summary>
    /// The input gradient of a stride-1 depthwise convolution gathered, on Vector256: each input's gradient is the sum of
    /// its window's products, written (nothing to clear, nothing read back):
    /// <c>dxt[iy][ix][c] = sum over (ky, kx) of wt[ky*FW + kx][c] * dzp[iy + FH-1 - ky][ix + FW-1 - kx][c]</c>, where
    /// <paramref name="dzp"/> is dz <c>[HO][WO][C]</c> in the interior of a zero-bordered
    /// <c>[height + FH-1][width + FW-1][C]</c> (FH-1 - padTop rows above, FW-1 - padLeft columns left) and
    /// <paramref name="dxt"/> is <c>[height][width][C]</c>. A last block of channels that is not whole overlaps the one
    /// before and writes its channels again, with the same values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InputGradientGatherVector256(
        ReadOnlySpan<float> wt, ReadOnlySpan<float> dzp, Span<float> dxt, int channels, int height, int width, int kernelHeight, int kernelWidth)
    {
        CheckGather(wt, dzp, dxt, channels, height, width, kernelHeight, kernelWidth, 8);
        if (kernelHeight == 3 && kernelWidth == 3) Gather3x3<Lanes256, Vector256<float>>(wt, dzp, dxt, channels, height, width);
        else Gather<Lanes256, Vector256<float>>(wt, dzp, dxt, channels, height, width, kernelHeight, kernelWidth);
    }

    /// <summary>The input gradient of <see cref="InputGradientGatherVector256"/> on Vector512.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InputGradientGatherVector512(
        ReadOnlySpan<float> wt, ReadOnlySpan<float> dzp, Span<float> dxt, int channels, int height, int width, int kernelHeight, int kernelWidth)
    {
        CheckGather(wt, dzp, dxt, channels, height, width, kernelHeight, kernelWidth, 16);
        if (kernelHeight == 3 && kernelWidth == 3) Gather3x3<Lanes512, Vector512<float>>(wt, dzp, dxt, channels, height, width);
        else Gather<Lanes512, Vector512<float>>(wt, dzp, dxt, channels, height, width, kernelHeight, kernelWidth);
    }

    /// <summary>
    /// The 3x3 gather: the 9 weights in registers, 4 inputs of a row at a time (each of dz's 6 columns in a window row
    /// loaded once for the 4 sums), then the rest one by one. Tap (ky, kx) of input ix reads dz column ix + 2 - kx.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gather3x3<TLanes, TVector>(ReadOnlySpan<float> wt, ReadOnlySpan<float> dzp, Span<float> dxt, int channels, int height, int width)
        where TLanes : ILanes<TVector>
        where TVector : struct
    {
        int lanes = TLanes.Count, row = (width + 2) * channels, C = channels;
        ref float wr = ref MemoryMarshal.GetReference(wt);
        ref float dr = ref MemoryMarshal.GetReference(dzp);
        ref float xr = ref MemoryMarshal.GetReference(dxt);
        for (int c0 = 0; c0 < channels; c0 += lanes)
        {
            int c = Math.Min(c0, channels - lanes);
            // w{ky}{kx}
            TVector w00 = TLanes.Load(ref wr, (nuint)c), w01 = TLanes.Load(ref wr, (nuint)(C + c)), w02 = TLanes.Load(ref wr, (nuint)(2 * C + c));
            TVector w10 = TLanes.Load(ref wr, (nuint)(3 * C + c)), w11 = TLanes.Load(ref wr, (nuint)(4 * C + c)), w12 = TLanes.Load(ref wr, (nuint)(5 * C + c));
            TVector w20 = TLanes.Load(ref wr, (nuint)(6 * C + c)), w21 = TLanes.Load(ref wr, (nuint)(7 * C + c)), w22 = TLanes.Load(ref wr, (nuint)(8 * C + c));
            for (int iy = 0; iy < height; iy++)
            {
                // dz rows iy (ky = 2), iy + 1 (ky = 1), iy + 2 (ky = 0)
                ref float d = ref Unsafe.Add(ref dr, iy * row + c);
                ref float o = ref Unsafe.Add(ref xr, iy * width * C + c);
                int ix = 0;
                for (; ix <= width - 4; ix += 4)
                {
                    ref float b = ref Unsafe.Add(ref d, ix * C);
                    TVector a0 = TLanes.Zero, a1 = TLanes.Zero, a2 = TLanes.Zero, a3 = TLanes.Zero;
                    Row4<TLanes, TVector>(ref b, C, w22, w21, w20, ref a0, ref a1, ref a2, ref a3);
                    Row4<TLanes, TVector>(ref Unsafe.Add(ref b, row), C, w12, w11, w10, ref a0, ref a1, ref a2, ref a3);
                    Row4<TLanes, TVector>(ref Unsafe.Add(ref b, 2 * row), C, w02, w01, w00, ref a0, ref a1, ref a2, ref a3);
                    TLanes.Store(a0, ref o, (nuint)(ix * C));
                    TLanes.Store(a1, ref o, (nuint)((ix + 1) * C));
                    TLanes.Store(a2, ref o, (nuint)((ix + 2) * C));
                    TLanes.Store(a3, ref o, (nuint)((ix + 3) * C));
                }
                for (; ix < width; ix++)
                {
                    ref float b = ref Unsafe.Add(ref d, ix * C);
                    TVector a = TLanes.Zero;
                    a = TLanes.MultiplyAdd(TLanes.Load(ref b, 0), w22, a);
                    a = TLanes.MultiplyAdd(TLanes.Load(ref b, (nuint)C), w21, a);
                    a = TLanes.MultiplyAdd(TLanes.Load(ref b, (nuint)(2 * C)), w20, a);
                    a = TLanes.MultiplyAdd(TLanes.Load(ref b, (nuint)row), w12, a);
                    a = TLanes.MultiplyAdd(TLanes.Load(ref b, (nuint)(row + C)), w11, a);
                    a = TLanes.MultiplyAdd(TLanes.Load(ref b, (nuint)(row + 2 * C)), w10, a);
                    a = TLanes.MultiplyAdd(TLanes.Load(ref b, (nuint)(2 * row)), w02, a);
                    a = TLanes.MultiplyAdd(TLanes.Load(ref b, (nuint)(2 * row + C)), w01, a);
                    a = TLanes.MultiplyAdd(TLanes.Load(ref b, (nuint)(2 * row + 2 * C)), w00, a);
                    TLanes.Store(a, ref o, (nuint)(ix * C));
                }
            }
        }
    }

    /// <summary>
    /// One dz row's part of 4 neighbouring sums: its 6 columns from <paramref name="b"/> loaded once each; sum j takes
    /// columns j, j + 1, j + 2 times <paramref name="v0"/>, <paramref name="v1"/>, <paramref name="v2"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row4<TLanes, TVector>(
        ref float b, int C, TVector v0, TVector v1, TVector v2, ref TVector a0, ref TVector a1, ref TVector a2, ref TVector a3)
        where TLanes : ILanes<TVector>
        where TVector : struct
    {
        TVector x = TLanes.Load(ref b, 0);
        a0 = TLanes.MultiplyAdd(x, v0, a0);
        x = TLanes.Load(ref b, (nuint)C);
        a0 = TLanes.MultiplyAdd(x, v1, a0);
        a1 = TLanes.MultiplyAdd(x, v0, a1);
        x = TLanes.Load(ref b, (nuint)(2 * C));
        a0 = TLanes.MultiplyAdd(x, v2, a0);
        a1 = TLanes.MultiplyAdd(x, v1, a1);
        a2 = TLanes.MultiplyAdd(x, v0, a2);
        x = TLanes.Load(ref b, (nuint)(3 * C));
        a1 = TLanes.MultiplyAdd(x, v2, a1);
        a2 = TLanes.MultiplyAdd(x, v1, a2);
        a3 = TLanes.MultiplyAdd(x, v0, a3);
        x = TLanes.Load(ref b, (nuint)(4 * C));
        a2 = TLanes.MultiplyAdd(x, v2, a2);
        a3 = TLanes.MultiplyAdd(x, v1, a3);
        x = TLanes.Load(ref b, (nuint)(5 * C));
        a3 = TLanes.MultiplyAdd(x, v2, a3);
    }

    /// <summary>The gather of any window: the taps' weights loaded per tap, one input at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gather<TLanes, TVector>(
        ReadOnlySpan<float> wt, ReadOnlySpan<float> dzp, Span<float> dxt, int channels, int height, int width, int kernelHeight, int kernelWidth)
        where TLanes : ILanes<TVector>
        where TVector : struct
    {
        int lanes = TLanes.Count, row = (width + kernelWidth - 1) * channels;
        ref float wr = ref MemoryMarshal.GetReference(wt);
        ref float dr = ref MemoryMarshal.GetReference(dzp);
        ref float xr = ref MemoryMarshal.GetReference(dxt);
        for (int c0 = 0; c0 < channels; c0 += lanes)
        {
            int c = Math.Min(c0, channels - lanes);
            for (int iy = 0; iy < height; iy++)
            {
                for (int ix = 0; ix < width; ix++)
                {
                    TVector a = TLanes.Zero;
                    for (int ky = 0; ky < kernelHeight; ky++)
                    {
                        ref float d = ref Unsafe.Add(ref dr, (iy + kernelHeight - 1 - ky) * row + (ix + kernelWidth - 1) * channels + c);
                        for (int kx = 0; kx < kernelWidth; kx++)
                        {
                            TVector w = TLanes.Load(ref wr, (nuint)((ky * kernelWidth + kx) * channels + c));
                            a = TLanes.MultiplyAdd(TLanes.Load(ref Unsafe.Subtract(ref d, kx * channels), 0), w, a);
                        }
                    }
                    TLanes.Store(a, ref xr, (nuint)((iy * width + ix) * channels + c));
                }
            }
        }
    }

    private static void CheckRows(
        ReadOnlySpan<float> xs, ReadOnlySpan<float> dz, int dzRowStride, Span<float> weightGradients, int channels, int outHeight, int outWidth,
        int paddedWidth, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int lanes)
    {
        long padded = ((long)(outHeight - 1) * strideHeight + kernelHeight) * paddedWidth * channels;
        long rows = (long)(outHeight - 1) * dzRowStride + (long)outWidth * channels;
        if (channels < lanes || dzRowStride < outWidth * channels || rows > dz.Length || padded > xs.Length
            || (long)channels * kernelHeight * kernelWidth > weightGradients.Length)
        {
            throw new ArgumentException($"A depthwise backward of {channels} channels on {outHeight}x{outWidth} outputs does not fit the spans.");
        }
        if ((long)((outWidth - 1) * strideWidth + kernelWidth) > paddedWidth) throw new ArgumentException("The window runs past the padded width.");
    }

    private static void CheckGather(
        ReadOnlySpan<float> wt, ReadOnlySpan<float> dzp, Span<float> dxt, int channels, int height, int width, int kernelHeight, int kernelWidth, int lanes)
    {
        long padded = (long)(height + kernelHeight - 1) * (width + kernelWidth - 1) * channels;
        if (channels < lanes || kernelHeight < 1 || kernelWidth < 1 || padded > dzp.Length || (long)height * width * channels > dxt.Length
            || (long)channels * kernelHeight * kernelWidth > wt.Length)
        {
            throw new ArgumentException($"A depthwise input gradient of {channels} channels on {height}x{width} inputs does not fit the spans.");
        }
    }
}
