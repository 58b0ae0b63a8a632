using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNets.__Internals;

// The Winograd forward with the filters across the lanes, for filters in multiples of 32: no rounding of the tiles to
// whole vectors (an 8x8 output has 16 tiles), and the filter transform's layout read whole: written once for both
// widths over ILanes.
public static partial class Winograd
{
    /// <summary>Tiles a block of the filter-lane products takes: each weight vector loaded once feeds this many.</summary>
    internal const int LaneTiles = 4;

    /// <summary>
    /// The forward with the filters across Vector512 lanes (<see cref="ForwardLanes{TVector, TLanes}"/>); the filters
    /// in multiples of 32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardLanesVector512(ReadOnlySpan<float> padded, int channels, int paddedHeight, int paddedWidth,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int filters, Span<float> scratch, Span<float> z) =>
        ForwardLanes<Vector512<float>, Lanes512>(padded, paddedHeight, paddedWidth, 0, 0, channels, paddedHeight, paddedWidth, weights, bias, filters, scratch, z);

    /// <summary>
    /// The forward with the filters across Vector256 lanes (<see cref="ForwardLanes{TVector, TLanes}"/>); the filters
    /// in multiples of 16.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardLanesVector256(ReadOnlySpan<float> padded, int channels, int paddedHeight, int paddedWidth,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int filters, Span<float> scratch, Span<float> z) =>
        ForwardLanes<Vector256<float>, Lanes256>(padded, paddedHeight, paddedWidth, 0, 0, channels, paddedHeight, paddedWidth, weights, bias, filters, scratch, z);

    /// <summary>
    /// The forward as <see cref="ForwardVector256"/> computes it, in the same scratch (<see cref="Length"/>), with the
    /// filters across the lanes: U is <c>[16][C][K]</c>, V <c>[16][C][TP]</c> as there, and the products
    /// <c>M_ξ[t][k] = Σ_c V_ξ[c][t] U_ξ[c][k]</c> take <see cref="LaneTiles"/> tiles (each value broadcast) by two
    /// vectors of filters, over the tiles of the plane only (not the one past each row, nor TP's rounding). The output
    /// transform then runs over vectors of filters, and the outputs are written into <c>z[K][HO][WO]</c> one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardLanes<TVector, TLanes>(ReadOnlySpan<float> x, int h, int w, int pt, int pl, int channels, int paddedHeight, int paddedWidth,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int filters, Span<float> scratch, Span<float> z, Span<float> shared = default)
        where TVector : struct
        where TLanes : struct, ILanes<TVector>
    {
        int c = channels, k = filters, ho = paddedHeight - 2, wo = paddedWidth - 2;
        Check(c, k, paddedHeight, paddedWidth, h, w, pt, pl, x, weights, bias, scratch, z);
        if (k % (2 * TLanes.Count) != 0)
        {
            throw new ArgumentException($"The filter-lane Winograd forward needs the filters in multiples of {2 * TLanes.Count}: K={k}.");
        }
        var (rows, stride, tp) = Tiles(ho, wo);
        int plane = (rows + 1) * stride;
        ref float q = ref At(scratch);
        ref float u = ref UOf(scratch, shared, c, k, ho, wo, c * 4 * plane);
        ref float v = ref Unsafe.Add(ref q, c * 4 * plane + 16 * Spread(k * c)); // this scratch's own, U being maybe shared
        ref float m = ref Unsafe.Add(ref v, 16 * Spread(c * tp));
        Split(ref At(x), c, h, w, pt, pl, ref q, rows, stride);
        if (shared.IsEmpty) FiltersOnce(weights, KeptOf(scratch, c, k, plane, tp), k, c, ref u, lanes: true);
        if (TLanes.Count == 16) InputVector512(ref q, c, plane, stride, tp, ref v);
        else InputVector256(ref q, c, plane, stride, tp, ref v);
        ProductsLanes<TVector, TLanes>(ref u, ref v, ref m, k, c, tp, rows, stride);
        OutputLanes<TVector, TLanes>(ref m, ref At(bias), bias.Length != 0, k, rows, stride, tp);
        GatherLanes(ref m, k, ho, wo, stride, tp, ref At(z));
    }

    /// <summary><see cref="Filters"/> into <c>U_ξ[c][k]</c>: with AVX2, 8 filters of a channel at a time (gathered 9C floats apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void FiltersLanes(ref float g, int k, int c, ref float u)
    {
        int kc = Spread(k * c);
        if (!Avx2.IsSupported || k % 8 != 0)
        {
            for (int ch = 0; ch < c; ch++)
            {
                for (int f = 0; f < k; f++)
                {
                    ref float w = ref Unsafe.Add(ref g, (f * c + ch) * 9);
                    ref float uo = ref Unsafe.Add(ref u, ch * k + f);
                    var (a0, a1, a2, a3) = Transform(Unsafe.Add(ref w, 0), Unsafe.Add(ref w, 1), Unsafe.Add(ref w, 2));
                    var (b0, b1, b2, b3) = Transform(Unsafe.Add(ref w, 3), Unsafe.Add(ref w, 4), Unsafe.Add(ref w, 5));
                    var (c0, c1, c2, c3) = Transform(Unsafe.Add(ref w, 6), Unsafe.Add(ref w, 7), Unsafe.Add(ref w, 8));
                    Column(ref uo, 0, kc, a0, b0, c0);
                    Column(ref uo, 1, kc, a1, b1, c1);
                    Column(ref uo, 2, kc, a2, b2, c2);
                    Column(ref uo, 3, kc, a3, b3, c3);
                }
            }
            return;
        }
        var taps = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * (9 * c);
        fixed (float* weights = &g)
        {
            for (int ch = 0; ch < c; ch++)
            {
                for (int f = 0; f < k; f += 8)
                {
                    Filters8(weights + (f * c + ch) * 9, taps, ref Unsafe.Add(ref u, ch * k + f), kc);
                }
            }
        }
    }

    /// <summary>
    /// <c>M_ξ[t][k] = Σ_c V_ξ[c][t] U_ξ[c][k]</c> over each row's tiles: <see cref="LaneTiles"/> tiles at a time, then
    /// one at a time for the rest of the row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ProductsLanes<TVector, TLanes>(ref float u, ref float v, ref float m, int k, int c, int tp, int rows, int stride)
        where TVector : struct
        where TLanes : struct, ILanes<TVector>
    {
        int columns = stride - 1;
        for (int xi = 0; xi < 16; xi++)
        {
            ref float ux = ref Unsafe.Add(ref u, xi * Spread(k * c));
            ref float vx = ref Unsafe.Add(ref v, xi * Spread(c * tp));
            ref float mx = ref Unsafe.Add(ref m, xi * Spread(k * tp));
            for (int ty = 0; ty < rows; ty++)
            {
                int tx = 0;
                for (; tx + LaneTiles <= columns; tx += LaneTiles) ProductsLanes4<TVector, TLanes>(ref ux, ref vx, ref mx, k, c, tp, ty * stride + tx);
                for (; tx < columns; tx++) ProductsLanes1<TVector, TLanes>(ref ux, ref vx, ref mx, k, c, tp, ty * stride + tx);
            }
        }
    }

    /// <summary>Tiles t to t+3 of one position ξ: two vectors of filters at a time, each weight vector loaded once for 4 multiply-adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ProductsLanes4<TVector, TLanes>(ref float ux, ref float vx, ref float mx, int k, int c, int tp, int t)
        where TVector : struct
        where TLanes : struct, ILanes<TVector>
    {
        int n = TLanes.Count;
        ref float vt = ref Unsafe.Add(ref vx, t);
        for (int f = 0; f < k; f += 2 * n)
        {
            TVector a00 = TLanes.Zero, a01 = TLanes.Zero, a10 = TLanes.Zero, a11 = TLanes.Zero;
            TVector a20 = TLanes.Zero, a21 = TLanes.Zero, a30 = TLanes.Zero, a31 = TLanes.Zero;
            ref float uc = ref Unsafe.Add(ref ux, f);
            ref float vc = ref vt;
            for (int ch = 0; ch < c; ch++)
            {
                var w0 = TLanes.Load(ref uc, 0);
                var w1 = TLanes.Load(ref uc, (nuint)n);
                var x = TLanes.Splat(vc);
                a00 = TLanes.MultiplyAdd(x, w0, a00);
                a01 = TLanes.MultiplyAdd(x, w1, a01);
                x = TLanes.Splat(Unsafe.Add(ref vc, 1));
                a10 = TLanes.MultiplyAdd(x, w0, a10);
                a11 = TLanes.MultiplyAdd(x, w1, a11);
                x = TLanes.Splat(Unsafe.Add(ref vc, 2));
                a20 = TLanes.MultiplyAdd(x, w0, a20);
                a21 = TLanes.MultiplyAdd(x, w1, a21);
                x = TLanes.Splat(Unsafe.Add(ref vc, 3));
                a30 = TLanes.MultiplyAdd(x, w0, a30);
                a31 = TLanes.MultiplyAdd(x, w1, a31);
                uc = ref Unsafe.Add(ref uc, k);
                vc = ref Unsafe.Add(ref vc, tp);
            }
            ref float mt = ref Unsafe.Add(ref mx, t * k + f);
            TLanes.Store(a00, ref mt, 0);
            TLanes.Store(a01, ref mt, (nuint)n);
            TLanes.Store(a10, ref mt, (nuint)k);
            TLanes.Store(a11, ref mt, (nuint)(k + n));
            TLanes.Store(a20, ref mt, (nuint)(2 * k));
            TLanes.Store(a21, ref mt, (nuint)(2 * k + n));
            TLanes.Store(a30, ref mt, (nuint)(3 * k));
            TLanes.Store(a31, ref mt, (nuint)(3 * k + n));
        }
    }

    /// <summary>Tile t of one position ξ: two vectors of filters at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ProductsLanes1<TVector, TLanes>(ref float ux, ref float vx, ref float mx, int k, int c, int tp, int t)
        where TVector : struct
        where TLanes : struct, ILanes<TVector>
    {
        int n = TLanes.Count;
        for (int f = 0; f < k; f += 2 * n)
        {
            TVector a0 = TLanes.Zero, a1 = TLanes.Zero;
            ref float uc = ref Unsafe.Add(ref ux, f);
            ref float vc = ref Unsafe.Add(ref vx, t);
            for (int ch = 0; ch < c; ch++)
            {
                var x = TLanes.Splat(vc);
                a0 = TLanes.MultiplyAdd(x, TLanes.Load(ref uc, 0), a0);
                a1 = TLanes.MultiplyAdd(x, TLanes.Load(ref uc, (nuint)n), a1);
                uc = ref Unsafe.Add(ref uc, k);
                vc = ref Unsafe.Add(ref vc, tp);
            }
            ref float mt = ref Unsafe.Add(ref mx, t * k + f);
            TLanes.Store(a0, ref mt, 0);
            TLanes.Store(a1, ref mt, (nuint)n);
        }
    }

    /// <summary>
    /// <c>Y = Aᵀ M A</c> plus the bias over vectors of filters, for each tile of the plane; the four outputs of a tile go
    /// to positions 0 to 3 of M (<c>[2i+j][t][k]</c>), which only this tile's transform reads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OutputLanes<TVector, TLanes>(ref float m, ref float bias, bool hasBias, int k, int rows, int stride, int tp)
        where TVector : struct
        where TLanes : struct, ILanes<TVector>
    {
        int n = TLanes.Count;
        nuint ms = (nuint)Spread(k * tp);
        for (int ty = 0; ty < rows; ty++)
        {
            for (int tx = 0; tx < stride - 1; tx++)
            {
                for (int f = 0; f < k; f += n)
                {
                    var b = hasBias ? TLanes.Load(ref bias, (nuint)f) : TLanes.Zero;
                    ref float mt = ref Unsafe.Add(ref m, (ty * stride + tx) * k + f);
                    // Down the columns first (Aᵀ M), then along the two rows that gives.
                    var (a00, a10) = At4<TVector, TLanes>(ref mt, 0, ms);
                    var (a01, a11) = At4<TVector, TLanes>(ref mt, 1, ms);
                    var (a02, a12) = At4<TVector, TLanes>(ref mt, 2, ms);
                    var (a03, a13) = At4<TVector, TLanes>(ref mt, 3, ms);
                    var (y00, y01) = At4<TVector, TLanes>(a00, a01, a02, a03);
                    var (y10, y11) = At4<TVector, TLanes>(a10, a11, a12, a13);
                    TLanes.Store(TLanes.Add(y00, b), ref mt, 0);
                    TLanes.Store(TLanes.Add(y01, b), ref mt, ms);
                    TLanes.Store(TLanes.Add(y10, b), ref mt, 2 * ms);
                    TLanes.Store(TLanes.Add(y11, b), ref mt, 3 * ms);
                }
            }
        }
    }

    /// <summary>Aᵀ down column j of a tile's M: positions j, 4+j, 8+j and 12+j.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector, TVector) At4<TVector, TLanes>(ref float mt, int j, nuint ms)
        where TVector : struct
        where TLanes : struct, ILanes<TVector> =>
        At4<TVector, TLanes>(TLanes.Load(ref mt, (nuint)j * ms), TLanes.Load(ref mt, (nuint)(4 + j) * ms),
            TLanes.Load(ref mt, (nuint)(8 + j) * ms), TLanes.Load(ref mt, (nuint)(12 + j) * ms));

    /// <summary>Aᵀ times four values: <c>(m0 + m1 + m2, m1 - m2 - m3)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector, TVector) At4<TVector, TLanes>(TVector m0, TVector m1, TVector m2, TVector m3)
        where TVector : struct
        where TLanes : struct, ILanes<TVector> =>
        (TLanes.Add(TLanes.Add(m0, m1), m2), TLanes.Subtract(TLanes.Subtract(m1, m2), m3));

    /// <summary>Writes <c>z[K][HO][WO]</c> from the four output planes the filter-lane transform leaves in M (<c>[2i+j][t][k]</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GatherLanes(ref float m, int k, int ho, int wo, int stride, int tp, ref float z)
    {
        int plane = Spread(k * tp);
        if (Avx.IsSupported && wo % 8 == 0)
        {
            GatherLanes8x8(ref m, k, ho, wo, stride, plane, ref z);
            return;
        }
        for (int f = 0; f < k; f++)
        {
            ref float zf = ref Unsafe.Add(ref z, f * ho * wo);
            for (int oy = 0; oy < ho; oy++)
            {
                ref float row = ref Unsafe.Add(ref m, (oy & 1) * 2 * plane + (oy >> 1) * stride * k + f);
                ref float zr = ref Unsafe.Add(ref zf, oy * wo);
                for (int ox = 0; ox < wo; ox++)
                {
                    Unsafe.Add(ref zr, ox) = Unsafe.Add(ref row, (ox & 1) * plane + (ox >> 1) * k);
                }
            }
        }
    }

    /// <summary>
    /// <see cref="GatherLanes"/> for rows of whole vectors: 8 outputs of a row for 8 filters read as 8 vectors of filters
    /// (one an output), transposed, and stored as 8 vectors of outputs (one a filter).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GatherLanes8x8(ref float m, int k, int ho, int wo, int stride, int plane, ref float z)
    {
        int hw = ho * wo;
        for (int oy = 0; oy < ho; oy++)
        {
            ref float even = ref Unsafe.Add(ref m, (oy & 1) * 2 * plane + (oy >> 1) * stride * k);
            ref float odd = ref Unsafe.Add(ref even, plane);
            for (int ox = 0; ox < wo; ox += 8)
            {
                ref float e = ref Unsafe.Add(ref even, (ox >> 1) * k);
                ref float o = ref Unsafe.Add(ref odd, (ox >> 1) * k);
                ref float zo = ref Unsafe.Add(ref z, oy * wo + ox);
                for (int f = 0; f < k; f += 8)
                {
                    // Outputs ox .. ox+7 alternate between the even and the odd plane, one tile apart every two.
                    var (t0, t1, t2, t3, t4, t5, t6, t7) = Transpose.Rows8(
                        Vector256.LoadUnsafe(ref e, (nuint)f), Vector256.LoadUnsafe(ref o, (nuint)f),
                        Vector256.LoadUnsafe(ref e, (nuint)(k + f)), Vector256.LoadUnsafe(ref o, (nuint)(k + f)),
                        Vector256.LoadUnsafe(ref e, (nuint)(2 * k + f)), Vector256.LoadUnsafe(ref o, (nuint)(2 * k + f)),
                        Vector256.LoadUnsafe(ref e, (nuint)(3 * k + f)), Vector256.LoadUnsafe(ref o, (nuint)(3 * k + f)));
                    ref float zf = ref Unsafe.Add(ref zo, f * hw);
                    t0.StoreUnsafe(ref zf);
                    t1.StoreUnsafe(ref zf, (nuint)hw);
                    t2.StoreUnsafe(ref zf, (nuint)(2 * hw));
                    t3.StoreUnsafe(ref zf, (nuint)(3 * hw));
                    t4.StoreUnsafe(ref zf, (nuint)(4 * hw));
                    t5.StoreUnsafe(ref zf, (nuint)(5 * hw));
                    t6.StoreUnsafe(ref zf, (nuint)(6 * hw));
                    t7.StoreUnsafe(ref zf, (nuint)(7 * hw));
                }
            }
        }
    }
}
