using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNets.__Internals;

/// <summary>
/// The forward of a strided convolution with the filters across the vector lanes: each output position's value of
/// two vectors of filters accumulated from its window's inputs (each broadcast) times the weights of those filters,
/// 4 positions at a time, read from the padded input directly (no phases, no wide rows, none of their dropped
/// positions). Written once for both widths over <see cref="ILanes{TVector}"/>.
/// </summary>
/// <remarks>
/// The scratch (<see cref="Length"/>), in order: the weights as <c>[C][FH][FW][K]</c> (filters contiguous), the weights
/// they were made from and a flag (made again only when those change, as the Winograd forward keeps its U), the
/// output as <c>[HO*WO][K]</c> (then transposed into <c>z[K][HO][WO]</c>), and 16 spare floats.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static class ConvolutionLanes
{
    /// <summary>Output positions a block takes: each weight vector loaded once feeds this many multiply-adds.</summary>
    private const int Positions = 4;

    /// <summary>The scratch's length in floats.</summary>
    public static long Length(int channels, int filters, int kernelHeight, int kernelWidth, int outputHeight, int outputWidth)
    {
        long weights = (long)filters * channels * kernelHeight * kernelWidth;
        return 2 * weights + 16 + (long)outputHeight * outputWidth * filters + 16;
    }

    /// <summary>The forward on Vector512: the filters in multiples of 32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardVector512(ReadOnlySpan<float> padded, int channels, int paddedHeight, int paddedWidth, int kernelHeight,
        int kernelWidth, int strideHeight, int strideWidth, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int filters,
        Span<float> scratch, Span<float> z) =>
        Forward<Vector512<float>, Lanes512>(padded, channels, paddedHeight, paddedWidth, kernelHeight, kernelWidth, strideHeight, strideWidth,
            weights, bias, filters, scratch, default, z);

    /// <summary>The forward on Vector256: the filters in multiples of 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardVector256(ReadOnlySpan<float> padded, int channels, int paddedHeight, int paddedWidth, int kernelHeight,
        int kernelWidth, int strideHeight, int strideWidth, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int filters,
        Span<float> scratch, Span<float> z) =>
        Forward<Vector256<float>, Lanes256>(padded, channels, paddedHeight, paddedWidth, kernelHeight, kernelWidth, strideHeight, strideWidth,
            weights, bias, filters, scratch, default, z);

    /// <summary>
    /// <see cref="ForwardVector512"/> reading the arranged weights from <paramref name="shared"/>, a scratch that
    /// <see cref="Prepare"/> brought up to date with these weights (empty: its own scratch's, arranged where they changed).
    /// Batch training's replicas share the network's, prepared once per batch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardSharedVector512(ReadOnlySpan<float> padded, int channels, int paddedHeight, int paddedWidth, int kernelHeight,
        int kernelWidth, int strideHeight, int strideWidth, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int filters,
        Span<float> scratch, ReadOnlySpan<float> shared, Span<float> z) =>
        Forward<Vector512<float>, Lanes512>(padded, channels, paddedHeight, paddedWidth, kernelHeight, kernelWidth, strideHeight, strideWidth,
            weights, bias, filters, scratch, shared, z);

    /// <summary><see cref="ForwardSharedVector512"/> on Vector256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardSharedVector256(ReadOnlySpan<float> padded, int channels, int paddedHeight, int paddedWidth, int kernelHeight,
        int kernelWidth, int strideHeight, int strideWidth, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int filters,
        Span<float> scratch, ReadOnlySpan<float> shared, Span<float> z) =>
        Forward<Vector256<float>, Lanes256>(padded, channels, paddedHeight, paddedWidth, kernelHeight, kernelWidth, strideHeight, strideWidth,
            weights, bias, filters, scratch, shared, z);

    /// <summary>
    /// The weights of a layer (<c>[K][C][FH][FW]</c> at <paramref name="offset"/> in the parameters) arranged in
    /// <paramref name="scratch"/>, unless they already are (the same bits): what batch training runs once per batch on its
    /// own thread before the replicas' forwards read them (<see cref="ForwardSharedVector512"/>).
    /// </summary>
    public static void Prepare(ReadOnlySpan<float> parameters, int offset, int channels, int filters, int kernelHeight, int kernelWidth,
        int outputHeight, int outputWidth, Span<float> scratch)
    {
        int taps = kernelHeight * kernelWidth, n = filters * channels * taps;
        if (channels < 1 || filters < 1 || taps < 1 || offset < 0 || parameters.Length - offset < n
            || scratch.Length < Length(channels, filters, kernelHeight, kernelWidth, outputHeight, outputWidth))
        {
            throw new ArgumentException($"Filter-lane Prepare does not fit C={channels}, K={filters}, {kernelHeight}x{kernelWidth}: "
                + $"parameters {parameters.Length} from {offset}, scratch {scratch.Length}.");
        }
        Arrange(parameters.Slice(offset, n), scratch[..n], scratch.Slice(n, n + 16), filters, channels, taps);
    }

    /// <summary>
    /// <c>z[K][HO][WO]</c> from the padded input <c>[C][HP][WP]</c>, the weights <c>[K][C][FH][FW]</c> and the biases
    /// (<c>[K]</c>, or empty for none); <c>HO = (HP - FH) / SH + 1</c>, <c>WO = (WP - FW) / SW + 1</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Forward<TVector, TLanes>(ReadOnlySpan<float> padded, int c, int hp, int wp, int fh, int fw, int sh, int sw,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int k, Span<float> scratch, ReadOnlySpan<float> shared, Span<float> z)
        where TVector : struct
        where TLanes : struct, ILanes<TVector>
    {
        int ho = (hp - fh) / sh + 1, wo = (wp - fw) / sw + 1, taps = fh * fw, n = k * c * taps;
        if (c < 1 || k < 1 || k % (2 * TLanes.Count) != 0 || fh < 1 || fw < 1 || sh < 1 || sw < 1 || hp < fh || wp < fw
            || padded.Length < c * hp * wp || weights.Length != n || (bias.Length != 0 && bias.Length != k)
            || scratch.Length < Length(c, k, fh, fw, ho, wo) || z.Length < k * ho * wo)
        {
            throw new ArgumentException($"Filter-lane convolution: sizes or spans do not fit C={c}, K={k}, {hp}x{wp}, {fh}x{fw} stride {sh}x{sw}: "
                + $"padded {padded.Length}, weights {weights.Length}, bias {bias.Length}, scratch {scratch.Length}, output {z.Length}.");
        }
        if (!shared.IsEmpty && shared.Length < n)
        {
            throw new ArgumentException($"The shared arranged weights ({shared.Length}) are shorter than the layer's {n}.", nameof(shared));
        }
        if (shared.IsEmpty) Arrange(weights, scratch[..n], scratch.Slice(n, n + 16), k, c, taps);
        ref float xp = ref MemoryMarshal.GetReference(padded);
        ref float wr = ref MemoryMarshal.GetReference(shared.IsEmpty ? scratch[..n] : shared[..n]);
        ref float o = ref Unsafe.Add(ref MemoryMarshal.GetReference(scratch), 2 * n + 16);
        ref float b = ref MemoryMarshal.GetReference(bias);
        bool hasBias = bias.Length != 0;
        int positions = ho * wo, p = 0;
        var block = new Block(c, k, hp * wp, fh, fw, wp);
        for (; p + Positions <= positions; p += Positions)
        {
            Block4<TVector, TLanes>(ref xp, ref wr, ref b, hasBias, ref Unsafe.Add(ref o, p * k), block,
                Offset(p, wo, sh, sw, wp), Offset(p + 1, wo, sh, sw, wp), Offset(p + 2, wo, sh, sw, wp), Offset(p + 3, wo, sh, sw, wp));
        }
        for (; p < positions; p++)
        {
            Block1<TVector, TLanes>(ref xp, ref wr, ref b, hasBias, ref Unsafe.Add(ref o, p * k), block, Offset(p, wo, sh, sw, wp));
        }
        Transpose(ref o, positions, k, ref MemoryMarshal.GetReference(z));
    }

    /// <summary>The sizes a block's loops take.</summary>
    private readonly record struct Block(int Channels, int Filters, int Plane, int Rows, int Columns, int Width);

    /// <summary>Where output position p's window starts in a channel of the padded input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Offset(int p, int wo, int sh, int sw, int wp) => p / wo * sh * wp + p % wo * sw;

    /// <summary>
    /// The weights as <c>[C][FH*FW][K]</c>, unless they were already arranged from weights of the same bits (kept after
    /// them with a flag, compared as integers).
    /// </summary>
    private static void Arrange(ReadOnlySpan<float> weights, Span<float> wt, Span<float> kept, int k, int c, int taps)
    {
        int n = k * c * taps;
        if (kept[n] == 1f && MemoryMarshal.Cast<float, int>(weights).SequenceEqual(MemoryMarshal.Cast<float, int>(kept[..n])))
        {
            return;
        }
        for (int f = 0; f < k; f++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                for (int t = 0; t < taps; t++) wt[(ch * taps + t) * k + f] = weights[(f * c + ch) * taps + t];
            }
        }
        weights.CopyTo(kept);
        kept[n] = 1f;
    }

    /// <summary>Four output positions (their windows at o0 to o3), two vectors of filters at a time, over the channels and taps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4<TVector, TLanes>(ref float xp, ref float wr, ref float bias, bool hasBias, ref float out0, Block s,
        int o0, int o1, int o2, int o3)
        where TVector : struct
        where TLanes : struct, ILanes<TVector>
    {
        int n = TLanes.Count, k = s.Filters;
        for (int f = 0; f < k; f += 2 * n)
        {
            TVector b0 = hasBias ? TLanes.Load(ref bias, (nuint)f) : TLanes.Zero;
            TVector b1 = hasBias ? TLanes.Load(ref bias, (nuint)(f + n)) : TLanes.Zero;
            TVector a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
            ref float wc = ref Unsafe.Add(ref wr, f);
            for (int ch = 0; ch < s.Channels; ch++)
            {
                ref float xc = ref Unsafe.Add(ref xp, ch * s.Plane);
                for (int ky = 0; ky < s.Rows; ky++)
                {
                    ref float x0 = ref Unsafe.Add(ref xc, o0 + ky * s.Width);
                    ref float x1 = ref Unsafe.Add(ref xc, o1 + ky * s.Width);
                    ref float x2 = ref Unsafe.Add(ref xc, o2 + ky * s.Width);
                    ref float x3 = ref Unsafe.Add(ref xc, o3 + ky * s.Width);
                    for (int kx = 0; kx < s.Columns; kx++)
                    {
                        var w0 = TLanes.Load(ref wc, 0);
                        var w1 = TLanes.Load(ref wc, (nuint)n);
                        var x = TLanes.Splat(Unsafe.Add(ref x0, kx));
                        a00 = TLanes.MultiplyAdd(x, w0, a00);
                        a01 = TLanes.MultiplyAdd(x, w1, a01);
                        x = TLanes.Splat(Unsafe.Add(ref x1, kx));
                        a10 = TLanes.MultiplyAdd(x, w0, a10);
                        a11 = TLanes.MultiplyAdd(x, w1, a11);
                        x = TLanes.Splat(Unsafe.Add(ref x2, kx));
                        a20 = TLanes.MultiplyAdd(x, w0, a20);
                        a21 = TLanes.MultiplyAdd(x, w1, a21);
                        x = TLanes.Splat(Unsafe.Add(ref x3, kx));
                        a30 = TLanes.MultiplyAdd(x, w0, a30);
                        a31 = TLanes.MultiplyAdd(x, w1, a31);
                        wc = ref Unsafe.Add(ref wc, k);
                    }
                }
            }
            ref float of = ref Unsafe.Add(ref out0, f);
            TLanes.Store(a00, ref of, 0);
            TLanes.Store(a01, ref of, (nuint)n);
            TLanes.Store(a10, ref of, (nuint)k);
            TLanes.Store(a11, ref of, (nuint)(k + n));
            TLanes.Store(a20, ref of, (nuint)(2 * k));
            TLanes.Store(a21, ref of, (nuint)(2 * k + n));
            TLanes.Store(a30, ref of, (nuint)(3 * k));
            TLanes.Store(a31, ref of, (nuint)(3 * k + n));
        }
    }

    /// <summary>One output position (its window at o0), two vectors of filters at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block1<TVector, TLanes>(ref float xp, ref float wr, ref float bias, bool hasBias, ref float out0, Block s, int o0)
        where TVector : struct
        where TLanes : struct, ILanes<TVector>
    {
        int n = TLanes.Count, k = s.Filters;
        for (int f = 0; f < k; f += 2 * n)
        {
            TVector a0 = hasBias ? TLanes.Load(ref bias, (nuint)f) : TLanes.Zero;
            TVector a1 = hasBias ? TLanes.Load(ref bias, (nuint)(f + n)) : TLanes.Zero;
            ref float wc = ref Unsafe.Add(ref wr, f);
            for (int ch = 0; ch < s.Channels; ch++)
            {
                ref float xc = ref Unsafe.Add(ref xp, ch * s.Plane);
                for (int ky = 0; ky < s.Rows; ky++)
                {
                    ref float x0 = ref Unsafe.Add(ref xc, o0 + ky * s.Width);
                    for (int kx = 0; kx < s.Columns; kx++)
                    {
                        var x = TLanes.Splat(Unsafe.Add(ref x0, kx));
                        a0 = TLanes.MultiplyAdd(x, TLanes.Load(ref wc, 0), a0);
                        a1 = TLanes.MultiplyAdd(x, TLanes.Load(ref wc, (nuint)n), a1);
                        wc = ref Unsafe.Add(ref wc, k);
                    }
                }
            }
            ref float of = ref Unsafe.Add(ref out0, f);
            TLanes.Store(a0, ref of, 0);
            TLanes.Store(a1, ref of, (nuint)n);
        }
    }

    /// <summary><c>z[K][P]</c> from <c>o[P][K]</c>: 8x8 blocks transposed where AVX allows, the rest one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose(ref float o, int positions, int k, ref float z)
    {
        int p0 = 0;
        if (Avx.IsSupported && k % 8 == 0)
        {
            for (; p0 + 8 <= positions; p0 += 8)
            {
                ref float op = ref Unsafe.Add(ref o, p0 * k);
                for (int f = 0; f < k; f += 8)
                {
                    var (t0, t1, t2, t3, t4, t5, t6, t7) = global::StaticNets.__Internals.Transpose.Rows8(
                        Vector256.LoadUnsafe(ref op, (nuint)f), Vector256.LoadUnsafe(ref op, (nuint)(k + f)),
                        Vector256.LoadUnsafe(ref op, (nuint)(2 * k + f)), Vector256.LoadUnsafe(ref op, (nuint)(3 * k + f)),
                        Vector256.LoadUnsafe(ref op, (nuint)(4 * k + f)), Vector256.LoadUnsafe(ref op, (nuint)(5 * k + f)),
                        Vector256.LoadUnsafe(ref op, (nuint)(6 * k + f)), Vector256.LoadUnsafe(ref op, (nuint)(7 * k + f)));
                    ref float zf = ref Unsafe.Add(ref z, f * positions + p0);
                    t0.StoreUnsafe(ref zf);
                    t1.StoreUnsafe(ref zf, (nuint)positions);
                    t2.StoreUnsafe(ref zf, (nuint)(2 * positions));
                    t3.StoreUnsafe(ref zf, (nuint)(3 * positions));
                    t4.StoreUnsafe(ref zf, (nuint)(4 * positions));
                    t5.StoreUnsafe(ref zf, (nuint)(5 * positions));
                    t6.StoreUnsafe(ref zf, (nuint)(6 * positions));
                    t7.StoreUnsafe(ref zf, (nuint)(7 * positions));
                }
            }
        }
        for (int p = p0; p < positions; p++)
        {
            for (int f = 0; f < k; f++) Unsafe.Add(ref z, f * positions + p) = Unsafe.Add(ref o, p * k + f);
        }
    }
}
