using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNets.__Internals;

/// <summary>
/// BatchNorm's training kernels on one sample <c>[C][plane]</c>, run by each replica in its segment: the sample's
/// moments per channel (its sum and the sum of squared deviations from its own mean, which the network combines across
/// the batch in sample order), the normalisation with the batch's statistics, the sample's sums of <c>dy</c> and
/// <c>dy·x̂</c>, and the backward's <c>dx</c>. The sums are taken in double (float values widened), in lanes then
/// summed in a fixed order; the scalar loops, where vectors are disabled, are the reference. The normalisation and the
/// backward round as the scalar loops do (no fused multiply-add), so they give the same bits on every path.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static partial class BatchNormTraining
{
    /// <summary>
    /// One sample's moments: <c>moments[c] = Σ x</c> and <c>moments[C + c] = Σ (x - mean_c)²</c> over channel c's
    /// plane, with <c>mean_c = moments[c] / plane</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Moments(ReadOnlySpan<float> x, int channels, int plane, Span<double> moments)
    {
        Check(x.Length, channels, plane, "x");
        if (moments.Length < 2 * channels) throw new ArgumentException($"The moments need {2 * channels} values.", nameof(moments));
        if (plane == 1)
        {
            for (int c = 0; c < channels; c++)
            {
                moments[c] = x[c];
                moments[channels + c] = 0;
            }
            return;
        }
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> p = x.Slice(c * plane, plane);
            double sum = Sum(p);
            moments[c] = sum;
            moments[channels + c] = SquaredDeviations(p, sum / plane);
        }
    }

    /// <summary>One sample's backward sums: <c>sums[c] = Σ dy</c> and <c>sums[C + c] = Σ dy·x̂</c> over channel c's plane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GradientSums(ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat, int channels, int plane, Span<double> sums)
    {
        Check(dy.Length, channels, plane, "dy");
        Check(xhat.Length, channels, plane, "xhat");
        if (sums.Length < 2 * channels) throw new ArgumentException($"The sums need {2 * channels} values.", nameof(sums));
        if (plane == 1)
        {
            for (int c = 0; c < channels; c++)
            {
                sums[c] = dy[c];
                sums[channels + c] = (double)dy[c] * xhat[c];
            }
            return;
        }
        for (int c = 0; c < channels; c++)
        {
            (sums[c], sums[channels + c]) = SumAndDot(dy.Slice(c * plane, plane), xhat.Slice(c * plane, plane));
        }
    }

    /// <summary>
    /// One sample normalised with the batch's statistics: <c>x̂ = (x - mean_c) invstd_c</c>, <c>y = γ_c x̂ + β_c</c>;
    /// <paramref name="coefficients"/> holds the means then the inverse deviations <c>[2][C]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Normalize(
        ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> coefficients, int plane, Span<float> y, Span<float> xhat)
    {
        int channels = gamma.Length;
        Check(x.Length, channels, plane, "x");
        Check(y.Length, channels, plane, "y");
        Check(xhat.Length, channels, plane, "xhat");
        if (beta.Length < channels || coefficients.Length < 2 * channels) throw new ArgumentException("β or the coefficients are short.");
        if (plane == 1)
        {
            NormalizeFeatures(x, gamma, beta, coefficients.Slice(0, channels), coefficients.Slice(channels, channels), y, xhat);
            return;
        }
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
                for (; i <= end - 16; i += 16)
                {
                    var h = (Vector512.LoadUnsafe(ref xr, (nuint)i) - m) * s;
                    h.StoreUnsafe(ref hr, (nuint)i);
                    (gv * h + bv).StoreUnsafe(ref yr, (nuint)i);
                }
            }
            if (Simd.IsEnabled)
            {
                var m = Vector256.Create(mean);
                var s = Vector256.Create(invStd);
                var gv = Vector256.Create(g);
                var bv = Vector256.Create(b);
                for (; i <= end - 8; i += 8)
                {
                    var h = (Vector256.LoadUnsafe(ref xr, (nuint)i) - m) * s;
                    h.StoreUnsafe(ref hr, (nuint)i);
                    (gv * h + bv).StoreUnsafe(ref yr, (nuint)i);
                }
            }
            for (; i < end; i++)
            {
                float h = (Unsafe.Add(ref xr, i) - mean) * invStd;
                Unsafe.Add(ref hr, i) = h;
                Unsafe.Add(ref yr, i) = g * h + b;
            }
        }
    }

    /// <summary>
    /// One sample's input gradient from the batch's factors: <c>dx = k_c dy - shift_c - slope_c x̂</c>, added into
    /// <paramref name="dx"/> where <paramref name="add"/>; <paramref name="factors"/> holds k, shift and slope <c>[3][C]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat, ReadOnlySpan<float> factors, int channels, int plane, Span<float> dx, bool add)
    {
        Check(dy.Length, channels, plane, "dy");
        Check(xhat.Length, channels, plane, "xhat");
        Check(dx.Length, channels, plane, "dx");
        if (factors.Length < 3 * channels) throw new ArgumentException($"The factors need {3 * channels} values.", nameof(factors));
        if (plane == 1)
        {
            BackwardFeatures(dy, xhat, factors.Slice(0, channels), factors.Slice(channels, channels), factors.Slice(2 * channels, channels), dx, add);
            return;
        }
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float hr = ref MemoryMarshal.GetReference(xhat);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        for (int c = 0; c < channels; c++)
        {
            float k = factors[c];
            float shift = factors[channels + c];
            float slope = factors[2 * channels + c];
            int i = c * plane, end = i + plane;
            if (Simd.UseVector512)
            {
                var kv = Vector512.Create(k);
                var sv = Vector512.Create(shift);
                var lv = Vector512.Create(slope);
                for (; i <= end - 16; i += 16)
                {
                    var v = kv * Vector512.LoadUnsafe(ref dyr, (nuint)i) - sv - lv * Vector512.LoadUnsafe(ref hr, (nuint)i);
                    if (add) v = Vector512.LoadUnsafe(ref dxr, (nuint)i) + v;
                    v.StoreUnsafe(ref dxr, (nuint)i);
                }
            }
            if (Simd.IsEnabled)
            {
                var kv = Vector256.Create(k);
                var sv = Vector256.Create(shift);
                var lv = Vector256.Create(slope);
                for (; i <= end - 8; i += 8)
                {
                    var v = kv * Vector256.LoadUnsafe(ref dyr, (nuint)i) - sv - lv * Vector256.LoadUnsafe(ref hr, (nuint)i);
                    if (add) v = Vector256.LoadUnsafe(ref dxr, (nuint)i) + v;
                    v.StoreUnsafe(ref dxr, (nuint)i);
                }
            }
            for (; i < end; i++)
            {
                float v = k * Unsafe.Add(ref dyr, i) - shift - slope * Unsafe.Add(ref hr, i);
                Unsafe.Add(ref dxr, i) = add ? Unsafe.Add(ref dxr, i) + v : v;
            }
        }
    }

    /// <summary>
    /// Σ x in double: float lanes widened into two accumulators of Vector512 (16 values a step), then of Vector256 (8),
    /// each summed across its lanes and added in that fixed order, then the scalar tail.
    /// </summary>
    private static double Sum(ReadOnlySpan<float> x)
    {
        ref float r = ref MemoryMarshal.GetReference(x);
        int i = 0, n = x.Length;
        double total = 0;
        if (Simd.UseVector512 && n >= 16)
        {
            var a0 = Vector512<double>.Zero;
            var a1 = Vector512<double>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref r, (nuint)i));
                a0 += lo;
                a1 += hi;
            }
            total = Vector512.Sum(a0 + a1);
        }
        if (Simd.IsEnabled && i <= n - 8)
        {
            var a0 = Vector256<double>.Zero;
            var a1 = Vector256<double>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)i));
                a0 += lo;
                a1 += hi;
            }
            total += Vector256.Sum(a0 + a1);
        }
        for (; i < n; i++) total += Unsafe.Add(ref r, i);
        return total;
    }

    /// <summary>Σ (x - mean)² in double, in lanes as <see cref="Sum"/>.</summary>
    private static double SquaredDeviations(ReadOnlySpan<float> x, double mean)
    {
        ref float r = ref MemoryMarshal.GetReference(x);
        int i = 0, n = x.Length;
        double total = 0;
        if (Simd.UseVector512 && n >= 16)
        {
            var m = Vector512.Create(mean);
            var a0 = Vector512<double>.Zero;
            var a1 = Vector512<double>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref r, (nuint)i));
                lo -= m;
                hi -= m;
                a0 += lo * lo;
                a1 += hi * hi;
            }
            total = Vector512.Sum(a0 + a1);
        }
        if (Simd.IsEnabled && i <= n - 8)
        {
            var m = Vector256.Create(mean);
            var a0 = Vector256<double>.Zero;
            var a1 = Vector256<double>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)i));
                lo -= m;
                hi -= m;
                a0 += lo * lo;
                a1 += hi * hi;
            }
            total += Vector256.Sum(a0 + a1);
        }
        for (; i < n; i++)
        {
            double d = Unsafe.Add(ref r, i) - mean;
            total += d * d;
        }
        return total;
    }

    /// <summary>Σ dy and Σ dy·x̂ in double, in lanes as <see cref="Sum"/>.</summary>
    private static (double Sum, double Dot) SumAndDot(ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat)
    {
        ref float dr = ref MemoryMarshal.GetReference(dy);
        ref float hr = ref MemoryMarshal.GetReference(xhat);
        int i = 0, n = dy.Length;
        double sum = 0, dot = 0;
        if (Simd.UseVector512 && n >= 16)
        {
            var s0 = Vector512<double>.Zero;
            var s1 = Vector512<double>.Zero;
            var d0 = Vector512<double>.Zero;
            var d1 = Vector512<double>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref dr, (nuint)i));
                var (hlo, hhi) = Vector512.Widen(Vector512.LoadUnsafe(ref hr, (nuint)i));
                s0 += lo;
                s1 += hi;
                d0 += lo * hlo;
                d1 += hi * hhi;
            }
            sum = Vector512.Sum(s0 + s1);
            dot = Vector512.Sum(d0 + d1);
        }
        if (Simd.IsEnabled && i <= n - 8)
        {
            var s0 = Vector256<double>.Zero;
            var s1 = Vector256<double>.Zero;
            var d0 = Vector256<double>.Zero;
            var d1 = Vector256<double>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref dr, (nuint)i));
                var (hlo, hhi) = Vector256.Widen(Vector256.LoadUnsafe(ref hr, (nuint)i));
                s0 += lo;
                s1 += hi;
                d0 += lo * hlo;
                d1 += hi * hhi;
            }
            sum += Vector256.Sum(s0 + s1);
            dot += Vector256.Sum(d0 + d1);
        }
        for (; i < n; i++)
        {
            float d = Unsafe.Add(ref dr, i);
            sum += d;
            dot += (double)d * Unsafe.Add(ref hr, i);
        }
        return (sum, dot);
    }

    private static void Check(int length, int channels, int plane, string name)
    {
        if (channels < 0 || plane < 1 || length < channels * plane)
        {
            throw new ArgumentException($"BatchNorm's {name} has {length} values, fewer than its {channels} channels of {plane}.", name);
        }
    }
}
