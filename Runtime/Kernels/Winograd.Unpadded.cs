using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticNets.__Internals;

public static partial class Winograd
{
    // The forwards from the unpadded input: x [C][H][W] at pads top padTop and left padLeft of the padded plane
    // [C][HP][WP], whose zero border the split into parity planes makes at the edge tiles, so that no padded copy is
    // written. Fused inference chains call them (their backward never reads a padded copy); the same scratch, the same
    // sums in the same order, so the same bits as the forwards from the padded copy.

    /// <summary><see cref="ForwardVector256"/> from x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardUnpaddedVector256(ReadOnlySpan<float> x, int channels, int height, int width, int padTop, int padLeft,
        int paddedHeight, int paddedWidth, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int filters, Span<float> scratch, Span<float> z) =>
        ForwardFrom256(x, height, width, padTop, padLeft, channels, paddedHeight, paddedWidth, weights, bias, filters, scratch, z);

    /// <summary><see cref="ForwardVector512"/> from x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardUnpaddedVector512(ReadOnlySpan<float> x, int channels, int height, int width, int padTop, int padLeft,
        int paddedHeight, int paddedWidth, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int filters, Span<float> scratch, Span<float> z) =>
        ForwardFrom512(x, height, width, padTop, padLeft, channels, paddedHeight, paddedWidth, weights, bias, filters, scratch, z);

    /// <summary><see cref="ForwardLanesVector256"/> from x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardLanesUnpaddedVector256(ReadOnlySpan<float> x, int channels, int height, int width, int padTop, int padLeft,
        int paddedHeight, int paddedWidth, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int filters, Span<float> scratch, Span<float> z) =>
        ForwardLanes<Vector256<float>, Lanes256>(x, height, width, padTop, padLeft, channels, paddedHeight, paddedWidth, weights, bias, filters, scratch, z);

    /// <summary><see cref="ForwardLanesVector512"/> from x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardLanesUnpaddedVector512(ReadOnlySpan<float> x, int channels, int height, int width, int padTop, int padLeft,
        int paddedHeight, int paddedWidth, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int filters, Span<float> scratch, Span<float> z) =>
        ForwardLanes<Vector512<float>, Lanes512>(x, height, width, padTop, padLeft, channels, paddedHeight, paddedWidth, weights, bias, filters, scratch, z);
}
