using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNets.__Internals;

/// <summary>
/// Winograd F(2x2, 3x3): the forward of a 3x3, stride-1, ungrouped convolution with 16 multiplies per 2x2 output
/// tile, input channel and filter instead of 36. Each 2x2 output tile reads a 4x4 input tile d; with
/// <c>V = Bᵀ d B</c> (per tile and channel, adds only), <c>U = G g Gᵀ</c> (per filter and channel) and, for each of the
/// 16 positions ξ of the 4x4 transform, the product <c>M_ξ[K][T] = U_ξ[K][C] · V_ξ[C][T]</c>, the tile is
/// <c>Y = Aᵀ M A</c> plus the bias (adds only).
/// </summary>
/// <remarks>
/// <para>
/// Tiles: <c>TH = ⌈HO/2⌉</c> rows of <c>TW = ⌈WO/2⌉</c>, numbered <c>t = ty*S + tx</c> with <c>S = TW + 1</c>: one
/// tile a row more than there are (never written out), so that every tile's inputs are at offsets 0, 1, S and S+1
/// from <c>t</c> in the four parity planes of the padded input (<see cref="Split"/>), and the input transform is a run
/// of contiguous vectors over t. The planes hold <c>TH + 1</c> rows of S; cells past the padded input are zero, and
/// feed only the outputs a partial tile (odd HO or WO) drops.
/// </para>
/// <para>
/// The scratch (<see cref="Length"/>), in order: the parity planes <c>[C][4][TH+1][S]</c>, U <c>[16][K][C]</c>,
/// V <c>[16][C][TP]</c> and M <c>[16][K][TP]</c>, where TP is <c>TH*S</c> rounded up to whole blocks of 16
/// tiles, each of the 16 positions ξ <see cref="Spread"/> apart; the weights U was computed from and a flag
/// (<see cref="Kept"/>); then <see cref="Slack"/> floats. U is computed again whenever the weights differ from the
/// kept ones (<see cref="FiltersOnce"/>), since they may change between calls.
/// The vector paths are in <c>Winograd.Vector256.cs</c> and <c>Winograd.Vector512.cs</c>; the generated scalar
/// path stays the direct convolution.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static partial class Winograd
{
    /// <summary>Tiles per block of the products at either width (TP is a whole number of them).</summary>
    internal const int TileBlock = 16;

    /// <summary>Spare floats at the end of the scratch: the input transform's last vectors read up to 32 past the planes.</summary>
    internal const int Slack = 16;

    /// <summary>Filters a block of the products takes: the layer's filter count must be a multiple of it.</summary>
    internal const int FilterBlock = 4;

    /// <summary>The tiles of an output plane: <c>TH</c>, <c>S = TW + 1</c> (tiles a row, one past the last), and TP.</summary>
    internal static (int Rows, int Stride, int Padded) Tiles(int outputHeight, int outputWidth)
    {
        int rows = (outputHeight + 1) / 2, stride = (outputWidth + 1) / 2 + 1;
        int padded = (rows * stride + TileBlock - 1) / TileBlock * TileBlock;
        return (rows, stride, padded);
    }

    /// <summary>
    /// The distance between consecutive positions ξ of U, V and M, in floats: the matrix's size rounded up to whole
    /// 64-byte lines, and to an odd number of them, so that the 16 positions of one tile (stored and loaded together)
    /// fall in 16 different sets of the L1 cache rather than thrash a few (a multiple of 4 KB would put them in one).
    /// </summary>
    internal static int Spread(int floats)
    {
        int lines = (floats + 15) / 16;
        return (lines | 1) * 16;
    }

    /// <summary>The scratch's length in floats: parity planes, U, V, M, the weights U was computed from, and the slack.</summary>
    public static long Length(int channels, int filters, int outputHeight, int outputWidth)
    {
        var (rows, stride, padded) = Tiles(outputHeight, outputWidth);
        return (long)channels * 4 * (rows + 1) * stride
            + 16L * (Spread(filters * channels) + Spread(channels * padded) + Spread(filters * padded)) + Kept(filters, channels) + Slack;
    }

    /// <summary>
    /// Floats after M: a copy of the weights U was last computed from (<c>K*C*9</c>), then a flag (1 once U is), rounded
    /// up to a whole 64-byte line.
    /// </summary>
    internal static int Kept(int filters, int channels) => filters * channels * 9 + 16;

    /// <summary>
    /// U from the weights, unless U was already computed from weights of the same bits (compared as integers, so that
    /// NaNs and signed zeros compare by their bits): inference on unchanged weights transforms them once. Training, which
    /// changes them between calls, pays a comparison (that stops at the first difference) and a copy.
    /// </summary>
    private static void FiltersOnce(ReadOnlySpan<float> weights, Span<float> kept, int k, int c, ref float u, bool lanes)
    {
        int n = k * c * 9;
        if (kept[n] == 1f && MemoryMarshal.Cast<float, int>(weights).SequenceEqual(MemoryMarshal.Cast<float, int>(kept[..n])))
        {
            return;
        }
        if (lanes) FiltersLanes(ref At(weights), k, c, ref u);
        else Filters(ref At(weights), k, c, ref u);
        weights.CopyTo(kept);
        kept[n] = 1f;
    }

    /// <summary>The kept weights and flag of <see cref="FiltersOnce"/>: right after M.</summary>
    private static Span<float> KeptOf(Span<float> scratch, int c, int k, int plane, int tp) =>
        scratch.Slice(c * 4 * plane + 16 * (Spread(k * c) + Spread(c * tp) + Spread(k * tp)), Kept(k, c));

    /// <summary>
    /// Checks the sizes and the spans, once per call (the vector paths then index without bounds checks): the input of
    /// <paramref name="h"/>x<paramref name="w"/> at pads top <paramref name="pt"/> and left <paramref name="pl"/> of the
    /// <paramref name="hp"/>x<paramref name="wp"/> padded plane.
    /// </summary>
    private static void Check(int c, int k, int hp, int wp, int h, int w, int pt, int pl, ReadOnlySpan<float> input, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias, Span<float> scratch, Span<float> z)
    {
        if (h < 1 || w < 1 || pt < 0 || pl < 0 || pt + h > hp || pl + w > wp)
        {
            throw new ArgumentException($"Winograd's input {h}x{w} at pads {pt}, {pl} does not fit the padded plane {hp}x{wp}.");
        }
        int ho = hp - 2, wo = wp - 2;
        if (c < 1 || k < FilterBlock || k % FilterBlock != 0 || ho < 1 || wo < 1)
        {
            throw new ArgumentException(
                $"Winograd needs at least one channel, filters in fours and a padded plane of 3x3 or more: C={c}, K={k}, {hp}x{wp}.");
        }
        if (input.Length < c * h * w || weights.Length != k * c * 9 || (bias.Length != 0 && bias.Length != k)
            || scratch.Length < Length(c, k, ho, wo) || z.Length < k * ho * wo)
        {
            throw new ArgumentException($"Winograd spans do not fit C={c}, K={k}, {hp}x{wp}: input {input.Length}, weights {weights.Length}, "
                + $"bias {bias.Length}, scratch {scratch.Length}, output {z.Length}.");
        }
    }

    /// <summary>
    /// Splits each channel of the padded input into its four parity planes <c>[2a+b][m][n] = xp[2m+a][2n+b]</c>,
    /// <c>TH+1</c> rows of S, zero past the padded plane. The input is <c>x[C][H][W]</c> at pads top
    /// <paramref name="pt"/> and left <paramref name="pl"/> (<c>xp[r][j] = x[r - pt][j - pl]</c>, zero outside x): the
    /// padded input itself with pads 0, or x with its zero border made here, at the edge tiles, instead of copied.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Split(ref float x, int c, int h, int w, int pt, int pl, ref float q, int rows, int stride)
    {
        int plane = (rows + 1) * stride;
        for (int ch = 0; ch < c; ch++)
        {
            ref float qc = ref Unsafe.Add(ref q, ch * 4 * plane);
            for (int r = 0; r < 2 * (rows + 1); r++)
            {
                ref float even = ref Unsafe.Add(ref qc, ((r & 1) * 2 * (rows + 1) + (r >> 1)) * stride);
                ref float odd = ref Unsafe.Add(ref even, plane);
                int xr = r - pt;
                if (xr < 0 || xr >= h)
                {
                    for (int i = 0; i < stride; i++)
                    {
                        Unsafe.Add(ref even, i) = 0f;
                        Unsafe.Add(ref odd, i) = 0f;
                    }
                    continue;
                }
                ref float row = ref Unsafe.Add(ref x, (ch * h + xr) * w);
                int n = 0;
                if (pl == 0)
                {
                    for (; n + 8 <= w / 2; n += 8)
                    {
                        // Each half's evens to its low lanes, odds to its high lanes; then the two halves' lows and highs.
                        var a = Vector256.Shuffle(Vector256.LoadUnsafe(ref row, (nuint)(2 * n)), Unzip);
                        var b = Vector256.Shuffle(Vector256.LoadUnsafe(ref row, (nuint)(2 * n + 8)), Unzip);
                        Vector256.Create(a.GetLower(), b.GetLower()).StoreUnsafe(ref even, (nuint)n);
                        Vector256.Create(a.GetUpper(), b.GetUpper()).StoreUnsafe(ref odd, (nuint)n);
                    }
                }
                else if (pl == 1)
                {
                    // Padded column 2n is x's 2n - 1: x's evens go to the odd plane at n, its odds to the even plane at n + 1.
                    for (; 2 * n + 16 <= w; n += 8)
                    {
                        var a = Vector256.Shuffle(Vector256.LoadUnsafe(ref row, (nuint)(2 * n)), Unzip);
                        var b = Vector256.Shuffle(Vector256.LoadUnsafe(ref row, (nuint)(2 * n + 8)), Unzip);
                        Vector256.Create(a.GetLower(), b.GetLower()).StoreUnsafe(ref odd, (nuint)n);
                        Vector256.Create(a.GetUpper(), b.GetUpper()).StoreUnsafe(ref even, (nuint)(n + 1));
                    }
                    // Column 0 is the left pad; the loop below writes from n on (the even plane's n again, the same value).
                    even = 0f;
                }
                for (; n < stride; n++)
                {
                    int j0 = 2 * n - pl, j1 = j0 + 1;
                    Unsafe.Add(ref even, n) = j0 >= 0 && j0 < w ? Unsafe.Add(ref row, j0) : 0f;
                    Unsafe.Add(ref odd, n) = j1 >= 0 && j1 < w ? Unsafe.Add(ref row, j1) : 0f;
                }
            }
        }
    }

    /// <summary>
    /// <c>U_ξ[k][c] = (G g Gᵀ)[ξ]</c> for each filter k and channel c, with
    /// <c>G = [[1, 0, 0], [½, ½, ½], [½, -½, ½], [0, 0, 1]]</c>: the halves are exact in binary.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Filters(ref float g, int k, int c, ref float u)
    {
        int kc = Spread(k * c);
        if (Avx2.IsSupported && c >= 8)
        {
            FiltersGathered(ref g, k, c, kc, ref u);
            return;
        }
        for (int f = 0; f < k; f++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                ref float w = ref Unsafe.Add(ref g, (f * c + ch) * 9);
                ref float uo = ref Unsafe.Add(ref u, f * c + ch);
                // Along each kernel row first, then down the four columns that gives.
                var (a0, a1, a2, a3) = Transform(Unsafe.Add(ref w, 0), Unsafe.Add(ref w, 1), Unsafe.Add(ref w, 2));
                var (b0, b1, b2, b3) = Transform(Unsafe.Add(ref w, 3), Unsafe.Add(ref w, 4), Unsafe.Add(ref w, 5));
                var (c0, c1, c2, c3) = Transform(Unsafe.Add(ref w, 6), Unsafe.Add(ref w, 7), Unsafe.Add(ref w, 8));
                Column(ref uo, 0, kc, a0, b0, c0);
                Column(ref uo, 1, kc, a1, b1, c1);
                Column(ref uo, 2, kc, a2, b2, c2);
                Column(ref uo, 3, kc, a3, b3, c3);
            }
        }
    }

    /// <summary>
    /// <see cref="Filters"/> for 8 channels at a time: each tap of 8 consecutive (filter, channel) kernels gathered
    /// into a vector (9 floats apart), transformed as the scalar loop does, and stored where U's rows are contiguous
    /// over channels. A channel count that is not a multiple of 8 ends with a block overlapping the one before.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void FiltersGathered(ref float g, int k, int c, int kc, ref float u)
    {
        var taps = Vector256.Create(0, 9, 18, 27, 36, 45, 54, 63);
        fixed (float* weights = &g)
        {
            for (int f = 0; f < k; f++)
            {
                for (int c0 = 0; c0 < c; c0 += 8)
                {
                    int ch = Math.Min(c0, c - 8);
                    Filters8(weights + (f * c + ch) * 9, taps, ref Unsafe.Add(ref u, f * c + ch), kc);
                }
            }
        }
    }

    /// <summary>
    /// Eight 3x3 kernels, their taps gathered from <paramref name="w"/> by <paramref name="taps"/>, transformed (G g Gᵀ) and
    /// written as the 4x4 transformed kernels' columns from <paramref name="uo"/>, <paramref name="kc"/> apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Filters8(float* w, Vector256<int> taps, ref float uo, int kc)
    {
        var (a0, a1, a2, a3) = Transform(Gather(w, taps), Gather(w + 1, taps), Gather(w + 2, taps));
        var (b0, b1, b2, b3) = Transform(Gather(w + 3, taps), Gather(w + 4, taps), Gather(w + 5, taps));
        var (d0, d1, d2, d3) = Transform(Gather(w + 6, taps), Gather(w + 7, taps), Gather(w + 8, taps));
        Column(ref uo, 0, kc, a0, b0, d0);
        Column(ref uo, 1, kc, a1, b1, d1);
        Column(ref uo, 2, kc, a2, b2, d2);
        Column(ref uo, 3, kc, a3, b3, d3);
    }

    /// <summary>8 floats 9 apart (<paramref name="taps"/>) from <paramref name="w"/>: one tap of 8 kernels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<float> Gather(float* w, Vector256<int> taps) => Avx2.GatherVector256(w, taps, 4);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>) Transform(
        Vector256<float> w0, Vector256<float> w1, Vector256<float> w2)
    {
        var half = Vector256.Create(0.5f);
        return (w0, half * (w0 + w1 + w2), half * (w0 - w1 + w2), w2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column(ref float uo, int j, int kc, Vector256<float> s0, Vector256<float> s1, Vector256<float> s2)
    {
        var (u0, u1, u2, u3) = Transform(s0, s1, s2);
        u0.StoreUnsafe(ref uo, (nuint)(j * kc));
        u1.StoreUnsafe(ref uo, (nuint)((4 + j) * kc));
        u2.StoreUnsafe(ref uo, (nuint)((8 + j) * kc));
        u3.StoreUnsafe(ref uo, (nuint)((12 + j) * kc));
    }

    /// <summary>G times three values: <c>(w0, ½(w0 + w1 + w2), ½(w0 - w1 + w2), w2)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float, float, float, float) Transform(float w0, float w1, float w2) =>
        (w0, 0.5f * (w0 + w1 + w2), 0.5f * (w0 - w1 + w2), w2);

    /// <summary>Column j of U from column j of the row-transformed kernel: <c>U[i][j]</c> at <c>(4i + j)</c> times U's spread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column(ref float uo, int j, int kc, float s0, float s1, float s2)
    {
        var (u0, u1, u2, u3) = Transform(s0, s1, s2);
        Unsafe.Add(ref uo, j * kc) = u0;
        Unsafe.Add(ref uo, (4 + j) * kc) = u1;
        Unsafe.Add(ref uo, (8 + j) * kc) = u2;
        Unsafe.Add(ref uo, (12 + j) * kc) = u3;
    }

    /// <summary>
    /// Writes the tiles' outputs into <c>z[K][HO][WO]</c> from the four output planes that the vector paths leave in
    /// the first four positions of M: <c>[2i+j][k][t]</c> holds output <c>(2ty+i, 2tx+j)</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gather(ref float m, int k, int ho, int wo, int stride, int padded, ref float z)
    {
        int plane = Spread(k * padded);
        for (int f = 0; f < k; f++)
        {
            for (int oy = 0; oy < ho; oy++)
            {
                ref float even = ref Unsafe.Add(ref m, (oy & 1) * 2 * plane + f * padded + (oy >> 1) * stride);
                ref float odd = ref Unsafe.Add(ref even, plane);
                ref float zr = ref Unsafe.Add(ref z, (f * ho + oy) * wo);
                int pairs = wo / 2, n = 0;
                for (; n + 8 <= pairs; n += 8)
                {
                    // Four evens and four odds side by side, then interleaved.
                    var e = Vector256.LoadUnsafe(ref even, (nuint)n);
                    var o = Vector256.LoadUnsafe(ref odd, (nuint)n);
                    Vector256.Shuffle(Vector256.Create(e.GetLower(), o.GetLower()), Zip).StoreUnsafe(ref zr, (nuint)(2 * n));
                    Vector256.Shuffle(Vector256.Create(e.GetUpper(), o.GetUpper()), Zip).StoreUnsafe(ref zr, (nuint)(2 * n + 8));
                }
                for (; n < pairs; n++)
                {
                    Unsafe.Add(ref zr, 2 * n) = Unsafe.Add(ref even, n);
                    Unsafe.Add(ref zr, 2 * n + 1) = Unsafe.Add(ref odd, n);
                }
                if ((wo & 1) != 0) Unsafe.Add(ref zr, wo - 1) = Unsafe.Add(ref even, pairs);
            }
        }
    }

    /// <summary>The lanes' order that puts the even lanes of a vector first: <c>[0, 2, 4, 6, 1, 3, 5, 7]</c>.</summary>
    private static Vector256<int> Unzip => Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);

    /// <summary>The lanes' order that interleaves a vector's halves: <c>[0, 4, 1, 5, 2, 6, 3, 7]</c>.</summary>
    private static Vector256<int> Zip => Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);

    private static ref float At(Span<float> span) => ref MemoryMarshal.GetReference(span);

    private static ref float At(ReadOnlySpan<float> span) => ref MemoryMarshal.GetReference(span);
}
