using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNets.__Internals;

/// <summary>The activation an <see cref="Epilogue"/> applies last: the standalone activation layer it takes the place of.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public enum EpilogueActivation
{
    /// <summary>No activation.</summary>
    None,

    /// <summary><c>max(v, 0)</c>, as <see cref="Activations.ReLU"/>.</summary>
    ReLU,

    /// <summary><c>min(max(v, 0), 6)</c>, as <see cref="Activations.ReLU6"/>.</summary>
    ReLU6,

    /// <summary><c>v</c> if positive, else <c>alpha * v</c>, as <see cref="Activations.LeakyReLU"/>.</summary>
    LeakyReLU,
}

/// <summary>
/// The fused inference epilogue of a chain producer -> BatchNorm -> [Add] -> activation: what the BatchNorm, the Add
/// and the activation layer compute one after the other, applied in one pass while the producer's values are hot,
/// <c>y = act(z * scale + shift (+ residual))</c>. Every operation rounds as the separate layers do (the product, then
/// the shift, then the residual, no fused multiply-add), so the fused pass gives the same bits as the layers one by one.
/// <c>y</c> may be the same span as <c>z</c> or <c>residual</c>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static class Epilogue
{
    /// <summary>
    /// One channel of a convolution's output: <c>y = act(z * scale + shift + residual)</c>, residual left out where
    /// empty. The scale and shift are BatchNorm's, <c>γ/sqrt(var + ε)</c> and <c>β - mean * scale</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Channel(
        ReadOnlySpan<float> z, float scale, float shift, ReadOnlySpan<float> residual, Span<float> y, EpilogueActivation activation, float alpha)
    {
        switch (activation)
        {
            case EpilogueActivation.ReLU: Channel<ReLUAct>(z, scale, shift, residual, y, alpha); break;
            case EpilogueActivation.ReLU6: Channel<ReLU6Act>(z, scale, shift, residual, y, alpha); break;
            case EpilogueActivation.LeakyReLU: Channel<LeakyAct>(z, scale, shift, residual, y, alpha); break;
            default: Channel<NoAct>(z, scale, shift, residual, y, alpha); break;
        }
    }

    /// <summary>
    /// A convolution's whole output, <c>[C][plane]</c> with C the length of <paramref name="gamma"/>: channel by channel,
    /// <c>y = act(z * scale + shift + residual)</c> (residual left out where empty), with BatchNorm's
    /// <c>scale = γ/sqrt(var + ε)</c> and <c>shift = β - mean * scale</c> computed first for a block of channels at once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Planes(
        ReadOnlySpan<float> z,
        int plane,
        ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta,
        ReadOnlySpan<float> mean,
        ReadOnlySpan<float> variance,
        float epsilon,
        ReadOnlySpan<float> residual,
        Span<float> y,
        EpilogueActivation activation,
        float alpha)
    {
        int channels = gamma.Length, n = channels * plane;
        if (plane < 1 || z.Length < n || y.Length < n || beta.Length < channels || mean.Length < channels || variance.Length < channels
            || !residual.IsEmpty && residual.Length < n)
        {
            throw new ArgumentException($"The epilogue's spans are shorter than its {channels} channels of {plane}.");
        }
        switch (activation)
        {
            case EpilogueActivation.ReLU: Planes<ReLUAct>(z, plane, gamma, beta, mean, variance, epsilon, residual, y, alpha); break;
            case EpilogueActivation.ReLU6: Planes<ReLU6Act>(z, plane, gamma, beta, mean, variance, epsilon, residual, y, alpha); break;
            case EpilogueActivation.LeakyReLU: Planes<LeakyAct>(z, plane, gamma, beta, mean, variance, epsilon, residual, y, alpha); break;
            default: Planes<NoAct>(z, plane, gamma, beta, mean, variance, epsilon, residual, y, alpha); break;
        }
    }

    /// <summary>Channels per block of <see cref="Planes"/>: their scales and shifts on the stack.</summary>
    private const int Block = 128;

    private static void Planes<TAct>(
        ReadOnlySpan<float> z,
        int plane,
        ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta,
        ReadOnlySpan<float> mean,
        ReadOnlySpan<float> variance,
        float epsilon,
        ReadOnlySpan<float> residual,
        Span<float> y,
        float alpha)
        where TAct : struct, IAct
    {
        Span<float> scales = stackalloc float[Block];
        Span<float> shifts = stackalloc float[Block];
        int channels = gamma.Length;
        bool add = !residual.IsEmpty;
        for (int c0 = 0; c0 < channels; c0 += Block)
        {
            int count = Math.Min(Block, channels - c0);
            ScaleShift(gamma.Slice(c0, count), beta.Slice(c0, count), mean.Slice(c0, count), variance.Slice(c0, count), epsilon, scales, shifts);
            for (int k = 0; k < count; k++)
            {
                int at = (c0 + k) * plane;
                ReadOnlySpan<float> r = add ? residual.Slice(at, plane) : default;
                Channel<TAct>(z.Slice(at, plane), scales[k], shifts[k], r, y.Slice(at, plane), alpha);
            }
        }
    }

    /// <summary>BatchNorm's scale and shift per channel, rounded as its inference forward rounds them (the one formula of both epilogues).</summary>
    internal static void ScaleShift(
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, float epsilon, Span<float> scales, Span<float> shifts)
    {
        int n = gamma.Length, i = 0;
        if (Simd.IsEnabled)
        {
            var e = Vector256.Create(epsilon);
            for (; i <= n - 8; i += 8)
            {
                var s = Vector256.Create(gamma.Slice(i, 8)) / Vector256.Sqrt(Vector256.Create(variance.Slice(i, 8)) + e);
                s.CopyTo(scales.Slice(i, 8));
                (Vector256.Create(beta.Slice(i, 8)) - Vector256.Create(mean.Slice(i, 8)) * s).CopyTo(shifts.Slice(i, 8));
            }
        }
        for (; i < n; i++)
        {
            float s = gamma[i] / MathF.Sqrt(variance[i] + epsilon);
            scales[i] = s;
            shifts[i] = beta[i] - mean[i] * s;
        }
    }

    /// <summary>
    /// Flat features (a dense layer's output, or one value per channel): <c>y[i] = act(z[i] * s[i] + t[i] + residual[i])</c>
    /// with <c>s[i] = γ[i]/sqrt(var[i] + ε)</c> and <c>t[i] = β[i] - mean[i] * s[i]</c> computed here as BatchNorm computes them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Features(
        ReadOnlySpan<float> z,
        ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta,
        ReadOnlySpan<float> mean,
        ReadOnlySpan<float> variance,
        float epsilon,
        ReadOnlySpan<float> residual,
        Span<float> y,
        EpilogueActivation activation,
        float alpha)
    {
        int n = z.Length;
        if (gamma.Length < n || beta.Length < n || mean.Length < n || variance.Length < n || y.Length < n || !residual.IsEmpty && residual.Length < n)
        {
            throw new ArgumentException($"The epilogue's spans are shorter than its {n} features.");
        }
        switch (activation)
        {
            case EpilogueActivation.ReLU: Features<ReLUAct>(z, gamma, beta, mean, variance, epsilon, residual, y, alpha); break;
            case EpilogueActivation.ReLU6: Features<ReLU6Act>(z, gamma, beta, mean, variance, epsilon, residual, y, alpha); break;
            case EpilogueActivation.LeakyReLU: Features<LeakyAct>(z, gamma, beta, mean, variance, epsilon, residual, y, alpha); break;
            default: Features<NoAct>(z, gamma, beta, mean, variance, epsilon, residual, y, alpha); break;
        }
    }

    /// <summary>An [Add] followed by its activation: <c>y = act(x + skip)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sum(ReadOnlySpan<float> x, ReadOnlySpan<float> skip, Span<float> y, EpilogueActivation activation, float alpha)
    {
        switch (activation)
        {
            case EpilogueActivation.ReLU: Sum<ReLUAct>(x, skip, y, alpha); break;
            case EpilogueActivation.ReLU6: Sum<ReLU6Act>(x, skip, y, alpha); break;
            case EpilogueActivation.LeakyReLU: Sum<LeakyAct>(x, skip, y, alpha); break;
            default: Sum<NoAct>(x, skip, y, alpha); break;
        }
    }

    private static void Channel<TAct>(ReadOnlySpan<float> z, float scale, float shift, ReadOnlySpan<float> residual, Span<float> y, float alpha)
        where TAct : struct, IAct
    {
        int n = z.Length, i = 0;
        bool add = !residual.IsEmpty;
        if (y.Length < n || add && residual.Length < n) throw new ArgumentException($"The epilogue's spans are shorter than its {n} values.");
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float rr = ref MemoryMarshal.GetReference(residual);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Simd.IsEnabled && n >= 8)
        {
            var s = Vector256.Create(scale);
            var t = Vector256.Create(shift);
            var a = Vector256.Create(alpha);
            // The last vector overlaps the one before; in place, its overlap must not be computed twice, so it is loaded first.
            int last = n - 8;
            var tail = Vector256.LoadUnsafe(ref zr, (nuint)last) * s + t;
            if (add) tail += Vector256.LoadUnsafe(ref rr, (nuint)last);
            tail = TAct.Apply(tail, a);
            for (; i < last; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref zr, (nuint)i) * s + t;
                if (add) v += Vector256.LoadUnsafe(ref rr, (nuint)i);
                Vector256.StoreUnsafe(TAct.Apply(v, a), ref yr, (nuint)i);
            }
            Vector256.StoreUnsafe(tail, ref yr, (nuint)last);
            return;
        }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref zr, i) * scale;
            v += shift;
            if (add) v += Unsafe.Add(ref rr, i);
            Unsafe.Add(ref yr, i) = TAct.Apply(v, alpha);
        }
    }

    private static void Features<TAct>(
        ReadOnlySpan<float> z,
        ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta,
        ReadOnlySpan<float> mean,
        ReadOnlySpan<float> variance,
        float epsilon,
        ReadOnlySpan<float> residual,
        Span<float> y,
        float alpha)
        where TAct : struct, IAct
    {
        int n = z.Length, i = 0;
        bool add = !residual.IsEmpty;
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float gr = ref MemoryMarshal.GetReference(gamma);
        ref float br = ref MemoryMarshal.GetReference(beta);
        ref float mr = ref MemoryMarshal.GetReference(mean);
        ref float vr = ref MemoryMarshal.GetReference(variance);
        ref float rr = ref MemoryMarshal.GetReference(residual);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Simd.IsEnabled)
        {
            var e = Vector256.Create(epsilon);
            var a = Vector256.Create(alpha);
            for (; i <= n - 8; i += 8)
            {
                // Division and square root are correctly rounded in vectors as in scalars: the same bits as BatchNorm's loop.
                var s = Vector256.LoadUnsafe(ref gr, (nuint)i) / Vector256.Sqrt(Vector256.LoadUnsafe(ref vr, (nuint)i) + e);
                var t = Vector256.LoadUnsafe(ref br, (nuint)i) - Vector256.LoadUnsafe(ref mr, (nuint)i) * s;
                var v = Vector256.LoadUnsafe(ref zr, (nuint)i) * s + t;
                if (add) v += Vector256.LoadUnsafe(ref rr, (nuint)i);
                Vector256.StoreUnsafe(TAct.Apply(v, a), ref yr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float s = Unsafe.Add(ref gr, i) / MathF.Sqrt(Unsafe.Add(ref vr, i) + epsilon);
            float t = Unsafe.Add(ref br, i) - Unsafe.Add(ref mr, i) * s;
            float v = Unsafe.Add(ref zr, i) * s;
            v += t;
            if (add) v += Unsafe.Add(ref rr, i);
            Unsafe.Add(ref yr, i) = TAct.Apply(v, alpha);
        }
    }

    private static void Sum<TAct>(ReadOnlySpan<float> x, ReadOnlySpan<float> skip, Span<float> y, float alpha)
        where TAct : struct, IAct
    {
        int n = x.Length, i = 0;
        if (skip.Length < n || y.Length < n) throw new ArgumentException($"The epilogue's spans are shorter than its {n} values.");
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float sr = ref MemoryMarshal.GetReference(skip);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Simd.IsEnabled)
        {
            var a = Vector256.Create(alpha);
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref xr, (nuint)i) + Vector256.LoadUnsafe(ref sr, (nuint)i);
                Vector256.StoreUnsafe(TAct.Apply(v, a), ref yr, (nuint)i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref yr, i) = TAct.Apply(Unsafe.Add(ref xr, i) + Unsafe.Add(ref sr, i), alpha);
    }

    /// <summary>An activation in vectors and in scalars, each as its standalone layer computes it.</summary>
    private interface IAct
    {
        static abstract Vector256<float> Apply(Vector256<float> v, Vector256<float> alpha);

        static abstract float Apply(float v, float alpha);
    }

    private struct NoAct : IAct
    {
        public static Vector256<float> Apply(Vector256<float> v, Vector256<float> alpha) => v;

        public static float Apply(float v, float alpha) => v;
    }

    /// <summary>As TensorPrimitives.Max(x, 0): IEEE maximum (NaN propagates, +0 above -0).</summary>
    private struct ReLUAct : IAct
    {
        public static Vector256<float> Apply(Vector256<float> v, Vector256<float> alpha) => Vector256.Max(v, Vector256<float>.Zero);

        public static float Apply(float v, float alpha) => Math.Max(v, 0f);
    }

    private struct ReLU6Act : IAct
    {
        public static Vector256<float> Apply(Vector256<float> v, Vector256<float> alpha) =>
            Vector256.Min(Vector256.Max(v, Vector256<float>.Zero), Vector256.Create(6f));

        public static float Apply(float v, float alpha) => Math.Min(Math.Max(v, 0f), 6f);
    }

    private struct LeakyAct : IAct
    {
        public static Vector256<float> Apply(Vector256<float> v, Vector256<float> alpha) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, v * alpha);

        public static float Apply(float v, float alpha) => v > 0f ? v : alpha * v;
    }
}
