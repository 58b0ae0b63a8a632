using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace StaticNets.__Internals;

/// <summary>
/// What a kernel with the channels across the vector lanes needs to apply a fused inference epilogue itself, per lane,
/// before it writes its output: BatchNorm's scale and shift per channel, rounded as <see cref="Epilogue"/> rounds
/// them (the kernel then computes <c>act(z * scale + shift)</c>, the product then the shift, as it does), so that the
/// fused pass gives the same bits as the layers one by one.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static class EpilogueLanes
{
    /// <summary>
    /// <c>scales[c] = γ[c] / sqrt(var[c] + ε)</c> and <c>shifts[c] = β[c] - mean[c] * scales[c]</c> for every channel of
    /// <paramref name="gamma"/>. Division and square root are correctly rounded in vectors as in scalars.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScaleShift(
        ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta,
        ReadOnlySpan<float> mean,
        ReadOnlySpan<float> variance,
        float epsilon,
        Span<float> scales,
        Span<float> shifts)
    {
        int n = gamma.Length;
        if (beta.Length < n || mean.Length < n || variance.Length < n || scales.Length < n || shifts.Length < n)
        {
            throw new ArgumentException($"The spans of the scales and shifts are shorter than the {n} channels.");
        }
        Epilogue.ScaleShift(gamma, beta, mean, variance, epsilon, scales, shifts);
    }
}
