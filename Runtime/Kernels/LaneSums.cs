using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNets.__Internals;

/// <summary>
/// The sums of the lanes of four vectors at once, for the kernels whose accumulators run across the input channels:
/// each vector folded to four lanes (the upper half added to the lower, twice), then two rounds of pairwise horizontal
/// additions give the four sums in one <see cref="Vector128{T}"/>, about five instructions a sum where a sum alone takes
/// more than twenty.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static class LaneSums
{
    /// <summary><c>[sum of a, sum of b, sum of c, sum of d]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d) =>
        Sum4(Fold(a.GetLower() + a.GetUpper()), Fold(b.GetLower() + b.GetUpper()), Fold(c.GetLower() + c.GetUpper()), Fold(d.GetLower() + d.GetUpper()));

    /// <summary><c>[sum of a, sum of b, sum of c, sum of d]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d) =>
        Sum4(Fold(a), Fold(b), Fold(c), Fold(d));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Fold(Vector256<float> v) => v.GetLower() + v.GetUpper();

    /// <summary>Each sum as <c>(v0 + v1) + (v2 + v3)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Sum4(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d)
    {
        if (Sse3.IsSupported) return Sse3.HorizontalAdd(Sse3.HorizontalAdd(a, b), Sse3.HorizontalAdd(c, d));
        return Vector128.Create(Pairs(a), Pairs(b), Pairs(c), Pairs(d));
    }

    private static float Pairs(Vector128<float> v) => (v.GetElement(0) + v.GetElement(1)) + (v.GetElement(2) + v.GetElement(3));
}
