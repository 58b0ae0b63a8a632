using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticNets.__Internals;

public static partial class Winograd
{
    /// <summary>
    /// The forward on Vector512: <c>z[K][HO][WO]</c> from the padded input <c>[C][HP][WP]</c>, the weights
    /// <c>[K][C][3][3]</c> and the biases (<c>[K]</c>, or empty for none), with <paramref name="scratch"/> of
    /// <see cref="Length"/> floats. HO = HP - 2 and WO = WP - 2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardVector512(ReadOnlySpan<float> padded, int channels, int paddedHeight, int paddedWidth,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int filters, Span<float> scratch, Span<float> z) =>
        ForwardFrom512(padded, paddedHeight, paddedWidth, 0, 0, channels, paddedHeight, paddedWidth, weights, bias, filters, scratch, z);

    /// <summary>
    /// The forward from x <c>[C][H][W]</c> at pads top <paramref name="pt"/> and left <paramref name="pl"/> of the padded
    /// plane (the padded input itself with pads 0 and its own sizes): the zero border is made in the split.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardFrom512(ReadOnlySpan<float> x, int h, int w, int pt, int pl, int channels, int paddedHeight, int paddedWidth,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int filters, Span<float> scratch, Span<float> z, Span<float> shared = default)
    {
        int c = channels, k = filters, ho = paddedHeight - 2, wo = paddedWidth - 2;
        Check(c, k, paddedHeight, paddedWidth, h, w, pt, pl, x, weights, bias, scratch, z);
        var (rows, stride, tp) = Tiles(ho, wo);
        int plane = (rows + 1) * stride;
        ref float q = ref At(scratch);
        ref float u = ref UOf(scratch, shared, c, k, ho, wo, c * 4 * plane);
        ref float v = ref Unsafe.Add(ref q, c * 4 * plane + 16 * Spread(k * c)); // this scratch's own, U being maybe shared
        ref float m = ref Unsafe.Add(ref v, 16 * Spread(c * tp));
        Split(ref At(x), c, h, w, pt, pl, ref q, rows, stride);
        if (shared.IsEmpty) FiltersOnce(weights, KeptOf(scratch, c, k, plane, tp), k, c, ref u, lanes: false);
        InputVector512(ref q, c, plane, stride, tp, ref v);
        ProductsVector512(ref u, ref v, ref m, k, c, tp);
        OutputVector512(ref m, ref At(bias), bias.Length != 0, k, rows * stride, tp);
        Gather(ref m, k, ho, wo, stride, tp, ref At(z));
    }

    /// <summary>
    /// <c>V_ξ[c][t] = (Bᵀ d B)[ξ]</c> for 16 tiles at a time, with <c>Bᵀ = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0],
    /// [0, 1, 0, -1]]</c>: tile t's row i, column j is parity plane <c>2(i&amp;1) + (j&amp;1)</c> at
    /// <c>t + (i&gt;&gt;1)*S + (j&gt;&gt;1)</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputVector512(ref float q, int c, int plane, int stride, int tp, ref float v)
    {
        int vs = Spread(c * tp);
        nuint s = (nuint)stride, s1 = (nuint)stride + 1;
        for (int ch = 0; ch < c; ch++)
        {
            ref float vc = ref Unsafe.Add(ref v, ch * tp);
            for (int t = 0; t < tp; t += 16)
            {
                ref float p00 = ref Unsafe.Add(ref q, ch * 4 * plane + t);
                ref float p01 = ref Unsafe.Add(ref p00, plane);
                ref float p10 = ref Unsafe.Add(ref p00, 2 * plane);
                ref float p11 = ref Unsafe.Add(ref p00, 3 * plane);
                // Down the tile's columns first (Bᵀ d), then along the rows that gives ((Bᵀ d) B).
                var (r00, r10, r20, r30) = Bt(L512(ref p00, 0), L512(ref p10, 0), L512(ref p00, s), L512(ref p10, s));
                var (r01, r11, r21, r31) = Bt(L512(ref p01, 0), L512(ref p11, 0), L512(ref p01, s), L512(ref p11, s));
                var (r02, r12, r22, r32) = Bt(L512(ref p00, 1), L512(ref p10, 1), L512(ref p00, s1), L512(ref p10, s1));
                var (r03, r13, r23, r33) = Bt(L512(ref p01, 1), L512(ref p11, 1), L512(ref p01, s1), L512(ref p11, s1));
                Store(Bt(r00, r01, r02, r03), ref vc, 0, vs, t);
                Store(Bt(r10, r11, r12, r13), ref vc, 4, vs, t);
                Store(Bt(r20, r21, r22, r23), ref vc, 8, vs, t);
                Store(Bt(r30, r31, r32, r33), ref vc, 12, vs, t);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> L512(ref float p, nuint offset) => Vector512.LoadUnsafe(ref p, offset);

    /// <summary>Bᵀ times four values: <c>(d0 - d2, d1 + d2, d2 - d1, d1 - d3)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>) Bt(
        Vector512<float> d0, Vector512<float> d1, Vector512<float> d2, Vector512<float> d3) => (d0 - d2, d1 + d2, d2 - d1, d1 - d3);

    /// <summary>Stores four values at positions ξ .. ξ+3 of a matrix whose positions are <paramref name="step"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store((Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>) x, ref float at, int xi, int step, int t)
    {
        x.Item1.StoreUnsafe(ref at, (nuint)(xi * step + t));
        x.Item2.StoreUnsafe(ref at, (nuint)((xi + 1) * step + t));
        x.Item3.StoreUnsafe(ref at, (nuint)((xi + 2) * step + t));
        x.Item4.StoreUnsafe(ref at, (nuint)((xi + 3) * step + t));
    }

    /// <summary>
    /// <c>Y = Aᵀ M A</c> plus the bias, with <c>Aᵀ = [[1, 1, 1, 0], [0, 1, -1, -1]]</c>, for 16 tiles at a time; the
    /// four outputs of each tile go to positions 0 to 3 of M (<c>[2i+j][k][t]</c>), which only this tile's
    /// transform reads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OutputVector512(ref float m, ref float bias, bool hasBias, int k, int tiles, int tp)
    {
        int ms = Spread(k * tp);
        for (int f = 0; f < k; f++)
        {
            var b = hasBias ? Vector512.Create(Unsafe.Add(ref bias, f)) : Vector512<float>.Zero;
            ref float mf = ref Unsafe.Add(ref m, f * tp);
            for (int t = 0; t < tiles; t += 16)
            {
                // Down the columns first (Aᵀ M), then along the two rows that gives.
                var (a00, a10) = At4(LM512(ref mf, 0, ms, t), LM512(ref mf, 4, ms, t), LM512(ref mf, 8, ms, t), LM512(ref mf, 12, ms, t));
                var (a01, a11) = At4(LM512(ref mf, 1, ms, t), LM512(ref mf, 5, ms, t), LM512(ref mf, 9, ms, t), LM512(ref mf, 13, ms, t));
                var (a02, a12) = At4(LM512(ref mf, 2, ms, t), LM512(ref mf, 6, ms, t), LM512(ref mf, 10, ms, t), LM512(ref mf, 14, ms, t));
                var (a03, a13) = At4(LM512(ref mf, 3, ms, t), LM512(ref mf, 7, ms, t), LM512(ref mf, 11, ms, t), LM512(ref mf, 15, ms, t));
                var (y00, y01) = At4(a00, a01, a02, a03);
                var (y10, y11) = At4(a10, a11, a12, a13);
                (y00 + b).StoreUnsafe(ref mf, (nuint)t);
                (y01 + b).StoreUnsafe(ref mf, (nuint)(ms + t));
                (y10 + b).StoreUnsafe(ref mf, (nuint)(2 * ms + t));
                (y11 + b).StoreUnsafe(ref mf, (nuint)(3 * ms + t));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> LM512(ref float mf, int xi, int step, int t) => Vector512.LoadUnsafe(ref mf, (nuint)(xi * step + t));

    /// <summary>Aᵀ times four values: <c>(m0 + m1 + m2, m1 - m2 - m3)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float>, Vector512<float>) At4(Vector512<float> m0, Vector512<float> m1, Vector512<float> m2, Vector512<float> m3) =>
        (m0 + m1 + m2, m1 - m2 - m3);
}
