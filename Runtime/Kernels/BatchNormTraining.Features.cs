using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNets.__Internals;

/// <summary>BatchNorm over features (a plane of one value): the normalisation and the backward in vectors across the features.</summary>
public static partial class BatchNormTraining
{
    /// <summary><c>x̂ = (x - mean) invstd</c>, <c>y = γ x̂ + β</c>, feature by feature, as the per-channel loop rounds it.</summary>
    private static void NormalizeFeatures(
        ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd, Span<float> y, Span<float> xhat)
    {
        int n = gamma.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float gr = ref MemoryMarshal.GetReference(gamma);
        ref float br = ref MemoryMarshal.GetReference(beta);
        ref float mr = ref MemoryMarshal.GetReference(mean);
        ref float sr = ref MemoryMarshal.GetReference(invStd);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float hr = ref MemoryMarshal.GetReference(xhat);
        if (Simd.IsEnabled)
        {
            for (; i <= n - 8; i += 8)
            {
                var h = (Vector256.LoadUnsafe(ref xr, (nuint)i) - Vector256.LoadUnsafe(ref mr, (nuint)i)) * Vector256.LoadUnsafe(ref sr, (nuint)i);
                h.StoreUnsafe(ref hr, (nuint)i);
                (Vector256.LoadUnsafe(ref gr, (nuint)i) * h + Vector256.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float h = (Unsafe.Add(ref xr, i) - Unsafe.Add(ref mr, i)) * Unsafe.Add(ref sr, i);
            Unsafe.Add(ref hr, i) = h;
            Unsafe.Add(ref yr, i) = Unsafe.Add(ref gr, i) * h + Unsafe.Add(ref br, i);
        }
    }

    /// <summary><c>dx = k dy - shift - slope x̂</c> (added where <paramref name="add"/>), feature by feature, as the per-channel loop rounds it.</summary>
    private static void BackwardFeatures(
        ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat, ReadOnlySpan<float> k, ReadOnlySpan<float> shift, ReadOnlySpan<float> slope, Span<float> dx, bool add)
    {
        int n = k.Length, i = 0;
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float hr = ref MemoryMarshal.GetReference(xhat);
        ref float kr = ref MemoryMarshal.GetReference(k);
        ref float sr = ref MemoryMarshal.GetReference(shift);
        ref float lr = ref MemoryMarshal.GetReference(slope);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        if (Simd.IsEnabled)
        {
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref kr, (nuint)i) * Vector256.LoadUnsafe(ref dyr, (nuint)i) - Vector256.LoadUnsafe(ref sr, (nuint)i)
                    - Vector256.LoadUnsafe(ref lr, (nuint)i) * Vector256.LoadUnsafe(ref hr, (nuint)i);
                if (add) v = Vector256.LoadUnsafe(ref dxr, (nuint)i) + v;
                v.StoreUnsafe(ref dxr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref kr, i) * Unsafe.Add(ref dyr, i) - Unsafe.Add(ref sr, i) - Unsafe.Add(ref lr, i) * Unsafe.Add(ref hr, i);
            Unsafe.Add(ref dxr, i) = add ? Unsafe.Add(ref dxr, i) + v : v;
        }
    }
}
