using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNets.__Internals;

/// <summary>
/// The backward of a 1x1 convolution of stride 1 without padding, as two matrix products over the <c>[C][P]</c> and
/// <c>[K][P]</c> planes (<c>P = H*W</c>): the weight gradient <c>dW[k][c] += sum over p of dz[k][p] * x[c][p]</c> and the
/// input gradient <c>dx[c][p] = sum over k of w[k][c] * dz[k][p]</c> (or added into dx). Each product is computed as
/// <c>out[i][j] = sum over t of a[i][t] * b[t][j]</c> with j across the vector lanes, by panels of a vector of columns:
/// b itself where they are whole and contiguous, else packed (<c>[depth][lanes]</c>, transposed, zero past the last
/// column); four rows of out by two panels at a time take two panel loads and four broadcasts of a per eight multiply-adds. Of the product and its transpose, the one
/// whose columns fill the lanes best is taken (the channels across the lanes on a 3x3 plane, the positions on 25x5).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static partial class PointwiseBackward
{
    /// <summary>
    /// Floats of the panels either gradient packs at either width: the larger of <c>⌈max(C, K)/16⌉·16·P</c> and
    /// <c>⌈max(P, C)/16⌉·16·K</c>.
    /// </summary>
    public static long PanelLength(int channels, int filters, int positions) =>
        Math.Max(Round16(Math.Max(channels, filters)) * positions, Round16(Math.Max(positions, channels)) * filters);

    private static long Round16(int n) => (n + 15L) / 16 * 16;

    /// <summary>Adds <c>dz[k][p] * x[c][p]</c> summed over p into <c>weightGradients[k * C + c]</c>, on Vector256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGradientVector256(
        ReadOnlySpan<float> dz, ReadOnlySpan<float> x, Span<float> weightGradients, int filters, int channels, int positions, Span<float> panels)
    {
        CheckWeight(dz, x, weightGradients, filters, channels, positions, panels);
        WeightGradient<Lanes256, Vector256<float>>(dz, x, weightGradients, filters, channels, positions, panels);
    }

    /// <summary>The weight gradient of <see cref="WeightGradientVector256"/> on Vector512.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGradientVector512(
        ReadOnlySpan<float> dz, ReadOnlySpan<float> x, Span<float> weightGradients, int filters, int channels, int positions, Span<float> panels)
    {
        CheckWeight(dz, x, weightGradients, filters, channels, positions, panels);
        WeightGradient<Lanes512, Vector512<float>>(dz, x, weightGradients, filters, channels, positions, panels);
    }

    /// <summary>
    /// Writes <c>dx[c][p] = sum over k of weights[k * C + c] * dz[k][p]</c>, or adds it into dx where
    /// <paramref name="add"/>, on Vector256.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InputGradientVector256(
        ReadOnlySpan<float> weights, ReadOnlySpan<float> dz, Span<float> dx, int filters, int channels, int positions, bool add, Span<float> panels)
    {
        CheckInput(weights, dz, dx, filters, channels, positions, panels);
        InputGradient<Lanes256, Vector256<float>>(weights, dz, dx, filters, channels, positions, add, panels);
    }

    /// <summary>The input gradient of <see cref="InputGradientVector256"/> on Vector512.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InputGradientVector512(
        ReadOnlySpan<float> weights, ReadOnlySpan<float> dz, Span<float> dx, int filters, int channels, int positions, bool add, Span<float> panels)
    {
        CheckInput(weights, dz, dx, filters, channels, positions, panels);
        InputGradient<Lanes512, Vector512<float>>(weights, dz, dx, filters, channels, positions, add, panels);
    }

    /// <summary>The weight gradient one value at a time: the reference the vector kernels are tested against.</summary>
    public static void WeightGradientScalar(ReadOnlySpan<float> dz, ReadOnlySpan<float> x, Span<float> weightGradients, int filters, int channels, int positions)
    {
        for (int k = 0; k < filters; k++)
        {
            for (int c = 0; c < channels; c++)
            {
                float s = 0f;
                for (int p = 0; p < positions; p++) s += dz[k * positions + p] * x[c * positions + p];
                weightGradients[k * channels + c] += s;
            }
        }
    }

    /// <summary>The input gradient one value at a time: the reference the vector kernels are tested against.</summary>
    public static void InputGradientScalar(ReadOnlySpan<float> weights, ReadOnlySpan<float> dz, Span<float> dx, int filters, int channels, int positions, bool add)
    {
        for (int c = 0; c < channels; c++)
        {
            for (int p = 0; p < positions; p++)
            {
                float s = 0f;
                for (int k = 0; k < filters; k++) s += weights[k * channels + c] * dz[k * positions + p];
                dx[c * positions + p] = add ? dx[c * positions + p] + s : s;
            }
        }
    }

    private static void CheckWeight(ReadOnlySpan<float> dz, ReadOnlySpan<float> x, Span<float> dw, int filters, int channels, int positions, Span<float> panels)
    {
        if (filters < 1 || channels < 1 || positions < 1) throw new ArgumentOutOfRangeException(nameof(filters), "The sizes must be positive.");
        long plane = (long)channels * positions, output = (long)filters * positions;
        if (x.Length < plane || dz.Length < output || dw.Length < (long)filters * channels || panels.Length < PanelLength(channels, filters, positions))
        {
            throw new ArgumentException("A buffer is shorter than the sizes need.");
        }
    }

    private static void CheckInput(ReadOnlySpan<float> w, ReadOnlySpan<float> dz, Span<float> dx, int filters, int channels, int positions, Span<float> panels)
    {
        if (filters < 1 || channels < 1 || positions < 1) throw new ArgumentOutOfRangeException(nameof(filters), "The sizes must be positive.");
        long plane = (long)channels * positions, output = (long)filters * positions;
        if (dx.Length < plane || dz.Length < output || w.Length < (long)filters * channels || panels.Length < PanelLength(channels, filters, positions))
        {
            throw new ArgumentException("A buffer is shorter than the sizes need.");
        }
    }

    /// <summary>
    /// dW [K][C] += dz [K][P] · xᵀ [P][C] (the channels across the lanes), or its transpose dWᵀ [C][K] += x [C][P] · dzᵀ [P][K]
    /// (the filters across the lanes) where the filters fill the lanes better.
    /// </summary>
    private static void WeightGradient<TL, TV>(
        ReadOnlySpan<float> dz, ReadOnlySpan<float> x, Span<float> dw, int filters, int channels, int positions, Span<float> panels)
        where TL : struct, ILanes<TV>
        where TV : struct
    {
        ref float z = ref MemoryMarshal.GetReference(dz);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float g = ref MemoryMarshal.GetReference(dw);
        ref float pr = ref MemoryMarshal.GetReference(panels);
        if (Direct<TL, TV>(filters, channels))
        {
            // out[k][c] = sum over p of dz[k][p] * x[c][p]: a = dz (row P, column 1), b[p][c] = x[c][p].
            Product<TL, TV>(ref z, positions, 1, ref xr, 1, positions, ref g, channels, 1, filters, channels, positions, add: true, ref pr);
        }
        else
        {
            // out[c][k] = sum over p of x[c][p] * dz[k][p], stored at dW[k][c]: a = x, b[p][k] = dz[k][p].
            Product<TL, TV>(ref xr, positions, 1, ref z, 1, positions, ref g, 1, channels, channels, filters, positions, add: true, ref pr);
        }
    }

    /// <summary>
    /// dx [C][P] = wᵀ [C][K] · dz [K][P] (the positions across the lanes), or its transpose dxᵀ [P][C] = dzᵀ [P][K] · w [K][C]
    /// (the channels across the lanes) where the channels fill the lanes better.
    /// </summary>
    private static void InputGradient<TL, TV>(
        ReadOnlySpan<float> weights, ReadOnlySpan<float> dz, Span<float> dx, int filters, int channels, int positions, bool add, Span<float> panels)
        where TL : struct, ILanes<TV>
        where TV : struct
    {
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float z = ref MemoryMarshal.GetReference(dz);
        ref float d = ref MemoryMarshal.GetReference(dx);
        ref float pr = ref MemoryMarshal.GetReference(panels);
        if (Direct<TL, TV>(channels, positions))
        {
            // out[c][p] = sum over k of w[k][c] * dz[k][p]: a[c][k] = w[k][c] (row 1, column C), b = dz (row P, column 1).
            Product<TL, TV>(ref w, 1, channels, ref z, positions, 1, ref d, positions, 1, channels, positions, filters, add, ref pr);
        }
        else
        {
            // out[p][c] = sum over k of dz[k][p] * w[k][c], stored at dx[c][p]: a[p][k] = dz[k][p], b = w (row C, column 1).
            Product<TL, TV>(ref z, 1, positions, ref w, channels, 1, ref d, 1, positions, positions, channels, filters, add, ref pr);
        }
    }

    /// <summary>
    /// Whether the m by n product is taken as it is rather than transposed (whose stores scatter): unless the transpose
    /// computes a fifth fewer vectors.
    /// </summary>
    private static bool Direct<TL, TV>(int m, int n)
        where TL : struct, ILanes<TV>
        where TV : struct => 4 * Work<TL, TV>(m, n) <= 5 * Work<TL, TV>(n, m);

    /// <summary>Vectors computed for an m by n product, per step of its depth: m rows by ⌈n/lanes⌉ panels.</summary>
    private static long Work<TL, TV>(int m, int n)
        where TL : struct, ILanes<TV>
        where TV : struct => (long)m * ((n + TL.Count - 1) / TL.Count);
}
