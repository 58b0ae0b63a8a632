using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNets.__Internals;

/// <summary>
/// BatchNorm's training kernels with the ReLU or ReLU6 that follows it fused in: the normalisation writes the
/// activation's output, and the backward's sums and <c>dx</c> take <c>dy·[0 &lt; y (&lt; 6)]</c>, the mask recomputed
/// from x̂ as the normalisation computed it (<c>γ x̂ + β</c>, the same rounding on every path), so neither the
/// normalised values before the activation nor the masked gradient are kept.
/// </summary>
public static partial class BatchNormTraining
{
    /// <summary>
    /// <see cref="Normalize"/> then the activation: <c>y = max(γ_c x̂ + β_c, 0)</c>, capped at 6 where
    /// <paramref name="six"/>; x̂ kept. Channels of planes of more than one value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void NormalizeReLU(
        ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> coefficients, int plane, bool six,
        Span<float> y, Span<float> xhat)
    {
        int channels = gamma.Length;
        Check(x.Length, channels, plane, "x");
        Check(y.Length, channels, plane, "y");
        Check(xhat.Length, channels, plane, "xhat");
        if (beta.Length < channels || coefficients.Length < 2 * channels) throw new ArgumentException("β or the coefficients are short.");
        float cap = six ? 6f : float.PositiveInfinity;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float hr = ref MemoryMarshal.GetReference(xhat);
        for (int c = 0; c < channels; c++)
        {
            float mean = coefficients[c];
            float invStd = coefficients[channels + c];
            float g = gamma[c];
            float b = beta[c];
            int i = c * plane, end = i + plane;
            if (Simd.UseVector512)
            {
                var m = Vector512.Create(mean);
                var s = Vector512.Create(invStd);
                var gv = Vector512.Create(g);
                var bv = Vector512.Create(b);
                var top = Vector512.Create(cap);
                for (; i <= end - 16; i += 16)
                {
                    var h = (Vector512.LoadUnsafe(ref xr, (nuint)i) - m) * s;
                    h.StoreUnsafe(ref hr, (nuint)i);
                    Vector512.Min(Vector512.Max(gv * h + bv, Vector512<float>.Zero), top).StoreUnsafe(ref yr, (nuint)i);
                }
            }
            if (Simd.IsEnabled)
            {
                var m = Vector256.Create(mean);
                var s = Vector256.Create(invStd);
                var gv = Vector256.Create(g);
                var bv = Vector256.Create(b);
                var top = Vector256.Create(cap);
                for (; i <= end - 8; i += 8)
                {
                    var h = (Vector256.LoadUnsafe(ref xr, (nuint)i) - m) * s;
                    h.StoreUnsafe(ref hr, (nuint)i);
                    Vector256.Min(Vector256.Max(gv * h + bv, Vector256<float>.Zero), top).StoreUnsafe(ref yr, (nuint)i);
                }
            }
            for (; i < end; i++)
            {
                float h = (Unsafe.Add(ref xr, i) - mean) * invStd;
                Unsafe.Add(ref hr, i) = h;
                Unsafe.Add(ref yr, i) = Math.Min(Math.Max(g * h + b, 0f), cap);
            }
        }
    }

    /// <summary>
    /// <see cref="GradientSums"/> of the activation's gradient taken back through it: <c>sums[c] = Σ dy·m</c> and
    /// <c>sums[C + c] = Σ dy·m·x̂</c>, <c>m = [0 &lt; γ_c x̂ + β_c (&lt; 6)]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GradientSumsReLU(
        ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, int plane, bool six, Span<double> sums)
    {
        int channels = gamma.Length;
        Check(dy.Length, channels, plane, "dy");
        Check(xhat.Length, channels, plane, "xhat");
        if (beta.Length < channels || sums.Length < 2 * channels) throw new ArgumentException("β or the sums are short.");
        float cap = six ? 6f : float.PositiveInfinity;
        ref float dr = ref MemoryMarshal.GetReference(dy);
        ref float hr = ref MemoryMarshal.GetReference(xhat);
        for (int c = 0; c < channels; c++)
        {
            float g = gamma[c];
            float b = beta[c];
            int i = c * plane, end = i + plane;
            double sum = 0, dot = 0;
            if (Simd.UseVector512 && plane >= 16)
            {
                var gv = Vector512.Create(g);
                var bv = Vector512.Create(b);
                var top = Vector512.Create(cap);
                var s0 = Vector512<double>.Zero;
                var s1 = Vector512<double>.Zero;
                var d0 = Vector512<double>.Zero;
                var d1 = Vector512<double>.Zero;
                for (; i <= end - 16; i += 16)
                {
                    var h = Vector512.LoadUnsafe(ref hr, (nuint)i);
                    var v = Mask(gv * h + bv, top, six) & Vector512.LoadUnsafe(ref dr, (nuint)i);
                    var (lo, hi) = Vector512.Widen(v);
                    var (hlo, hhi) = Vector512.Widen(h);
                    s0 += lo;
                    s1 += hi;
                    d0 += lo * hlo;
                    d1 += hi * hhi;
                }
                sum = Vector512.Sum(s0 + s1);
                dot = Vector512.Sum(d0 + d1);
            }
            if (Simd.IsEnabled && i <= end - 8)
            {
                var gv = Vector256.Create(g);
                var bv = Vector256.Create(b);
                var top = Vector256.Create(cap);
                var s0 = Vector256<double>.Zero;
                var s1 = Vector256<double>.Zero;
                var d0 = Vector256<double>.Zero;
                var d1 = Vector256<double>.Zero;
                for (; i <= end - 8; i += 8)
                {
                    var h = Vector256.LoadUnsafe(ref hr, (nuint)i);
                    var v = Mask(gv * h + bv, top, six) & Vector256.LoadUnsafe(ref dr, (nuint)i);
                    var (lo, hi) = Vector256.Widen(v);
                    var (hlo, hhi) = Vector256.Widen(h);
                    s0 += lo;
                    s1 += hi;
                    d0 += lo * hlo;
                    d1 += hi * hhi;
                }
                sum += Vector256.Sum(s0 + s1);
                dot += Vector256.Sum(d0 + d1);
            }
            for (; i < end; i++)
            {
                float h = Unsafe.Add(ref hr, i);
                float d = Passes(g * h + b, cap, six) ? Unsafe.Add(ref dr, i) : 0f;
                sum += d;
                dot += (double)d * h;
            }
            sums[c] = sum;
            sums[channels + c] = dot;
        }
    }

    /// <summary>
    /// <see cref="Backward"/> of the activation's gradient taken back through it: <c>dx = k_c dy·m - shift_c - slope_c x̂</c>,
    /// <c>m = [0 &lt; γ_c x̂ + β_c (&lt; 6)]</c>, added into <paramref name="dx"/> where <paramref name="add"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardReLU(
        ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> factors, int plane,
        bool six, Span<float> dx, bool add)
    {
        int channels = gamma.Length;
        Check(dy.Length, channels, plane, "dy");
        Check(xhat.Length, channels, plane, "xhat");
        Check(dx.Length, channels, plane, "dx");
        if (beta.Length < channels || factors.Length < 3 * channels) throw new ArgumentException("β or the factors are short.");
        float cap = six ? 6f : float.PositiveInfinity;
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float hr = ref MemoryMarshal.GetReference(xhat);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        for (int c = 0; c < channels; c++)
        {
            float g = gamma[c];
            float b = beta[c];
            float k = factors[c];
            float shift = factors[channels + c];
            float slope = factors[2 * channels + c];
            int i = c * plane, end = i + plane;
            if (Simd.UseVector512)
            {
                var gv = Vector512.Create(g);
                var bv = Vector512.Create(b);
                var top = Vector512.Create(cap);
                var kv = Vector512.Create(k);
                var sv = Vector512.Create(shift);
                var lv = Vector512.Create(slope);
                for (; i <= end - 16; i += 16)
                {
                    var h = Vector512.LoadUnsafe(ref hr, (nuint)i);
                    var d = Mask(gv * h + bv, top, six) & Vector512.LoadUnsafe(ref dyr, (nuint)i);
                    var v = kv * d - sv - lv * h;
                    if (add) v = Vector512.LoadUnsafe(ref dxr, (nuint)i) + v;
                    v.StoreUnsafe(ref dxr, (nuint)i);
                }
            }
            if (Simd.IsEnabled)
            {
                var gv = Vector256.Create(g);
                var bv = Vector256.Create(b);
                var top = Vector256.Create(cap);
                var kv = Vector256.Create(k);
                var sv = Vector256.Create(shift);
                var lv = Vector256.Create(slope);
                for (; i <= end - 8; i += 8)
                {
                    var h = Vector256.LoadUnsafe(ref hr, (nuint)i);
                    var d = Mask(gv * h + bv, top, six) & Vector256.LoadUnsafe(ref dyr, (nuint)i);
                    var v = kv * d - sv - lv * h;
                    if (add) v = Vector256.LoadUnsafe(ref dxr, (nuint)i) + v;
                    v.StoreUnsafe(ref dxr, (nuint)i);
                }
            }
            for (; i < end; i++)
            {
                float h = Unsafe.Add(ref hr, i);
                float d = Passes(g * h + b, cap, six) ? Unsafe.Add(ref dyr, i) : 0f;
                float v = k * d - shift - slope * h;
                Unsafe.Add(ref dxr, i) = add ? Unsafe.Add(ref dxr, i) + v : v;
            }
        }
    }

    /// <summary>Where the activation passes the gradient: <c>0 &lt; v</c>, and <c>v &lt; 6</c> for ReLU6 (0 at the clip points, as PyTorch's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Passes(float v, float cap, bool six) => v > 0f && (!six || v < cap);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Mask(Vector512<float> v, Vector512<float> cap, bool six)
    {
        var m = Vector512.GreaterThan(v, Vector512<float>.Zero);
        return six ? m & Vector512.LessThan(v, cap) : m;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Mask(Vector256<float> v, Vector256<float> cap, bool six)
    {
        var m = Vector256.GreaterThan(v, Vector256<float>.Zero);
        return six ? m & Vector256.LessThan(v, cap) : m;
    }
}
