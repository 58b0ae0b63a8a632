using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticNets.__Internals;

// The forwards with U shared: batch training's replicas share the network's parameters, so they share its U too. The
// batch pass brings the network's U up to date once, on its own thread, before any replica runs (Prepare); each
// replica's forward then reads U from the network's scratch (shared), neither comparing the weights nor transforming
// them, and uses its own scratch for the parity planes, V and M. Nothing writes the shared U while the replicas read it.
public static partial class Winograd
{
    /// <summary>
    /// Brings the U in <paramref name="scratch"/> up to date with the weights <c>[K][C][3][3]</c> at
    /// <paramref name="offset"/> in <paramref name="parameters"/> (transformed again only where they differ from the ones
    /// it was computed from), in the layout of the forward with the filters across the lanes where <paramref name="lanes"/>,
    /// for the forwards that read it shared.
    /// </summary>
    public static void Prepare(
        ReadOnlySpan<float> parameters, int offset, int channels, int filters, int outputHeight, int outputWidth, bool lanes, Span<float> scratch)
    {
        int c = channels, k = filters;
        if (c < 1 || k < FilterBlock || k % FilterBlock != 0 || outputHeight < 1 || outputWidth < 1 || offset < 0
            || parameters.Length - offset < k * c * 9 || scratch.Length < Length(c, k, outputHeight, outputWidth))
        {
            throw new ArgumentException($"Winograd's Prepare does not fit C={c}, K={k}, {outputHeight}x{outputWidth}: "
                + $"parameters {parameters.Length} from {offset}, scratch {scratch.Length}.");
        }
        var weights = parameters.Slice(offset, k * c * 9);
        var (rows, stride, tp) = Tiles(outputHeight, outputWidth);
        int plane = (rows + 1) * stride;
        FiltersOnce(weights, KeptOf(scratch, c, k, plane, tp), k, c, ref Unsafe.Add(ref At(scratch), c * 4 * plane), lanes);
    }

    /// <summary><see cref="ForwardVector512"/> reading U from <paramref name="shared"/>, a scratch <see cref="Prepare"/> brought up to date (empty: its own).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardSharedVector512(ReadOnlySpan<float> padded, int channels, int paddedHeight, int paddedWidth,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int filters, Span<float> scratch, Span<float> shared, Span<float> z) =>
        ForwardFrom512(
            padded, paddedHeight, paddedWidth, 0, 0, channels, paddedHeight, paddedWidth, weights, bias, filters, scratch, z, shared);

    /// <summary><see cref="ForwardVector256"/> reading U from <paramref name="shared"/>, a scratch <see cref="Prepare"/> brought up to date (empty: its own).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardSharedVector256(ReadOnlySpan<float> padded, int channels, int paddedHeight, int paddedWidth,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int filters, Span<float> scratch, Span<float> shared, Span<float> z) =>
        ForwardFrom256(
            padded, paddedHeight, paddedWidth, 0, 0, channels, paddedHeight, paddedWidth, weights, bias, filters, scratch, z, shared);

    /// <summary>
    /// <see cref="ForwardLanesVector512"/> reading U from <paramref name="shared"/>, a scratch <see cref="Prepare"/> brought up
    /// to date (empty: its own).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardLanesSharedVector512(ReadOnlySpan<float> padded, int channels, int paddedHeight, int paddedWidth,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int filters, Span<float> scratch, Span<float> shared, Span<float> z) =>
        ForwardLanes<Vector512<float>, Lanes512>(
            padded, paddedHeight, paddedWidth, 0, 0, channels, paddedHeight, paddedWidth, weights, bias, filters, scratch, z, shared);

    /// <summary>
    /// <see cref="ForwardLanesVector256"/> reading U from <paramref name="shared"/>, a scratch <see cref="Prepare"/> brought up
    /// to date (empty: its own).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardLanesSharedVector256(ReadOnlySpan<float> padded, int channels, int paddedHeight, int paddedWidth,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int filters, Span<float> scratch, Span<float> shared, Span<float> z) =>
        ForwardLanes<Vector256<float>, Lanes256>(
            padded, paddedHeight, paddedWidth, 0, 0, channels, paddedHeight, paddedWidth, weights, bias, filters, scratch, z, shared);

    /// <summary>
    /// Where the forward reads U: in its own scratch at <paramref name="at"/>, or in <paramref name="shared"/>'s, which must be
    /// of the same size and prepared (its flag set).
    /// </summary>
    private static ref float UOf(Span<float> scratch, Span<float> shared, int c, int k, int ho, int wo, int at)
    {
        if (shared.IsEmpty) return ref Unsafe.Add(ref At(scratch), at);
        var (rows, stride, tp) = Tiles(ho, wo);
        if (shared.Length < Length(c, k, ho, wo) || KeptOf(shared, c, k, (rows + 1) * stride, tp)[k * c * 9] != 1f)
        {
            throw new InvalidOperationException("The shared Winograd scratch is short, or its U was never prepared.");
        }
        return ref Unsafe.Add(ref At(shared), at);
    }
}
