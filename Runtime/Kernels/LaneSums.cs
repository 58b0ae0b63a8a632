using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNets.__Internals;

/// <summary>
/// The sums of the lanes of four vectors at once, for the kernels whose accumulators run across the input channels:
/// each vector folded to four lanes (the upper half added to the lower, twice), then two rounds of pairwise horizontal
/// additions give the four sums in one <see cref="Vector128{T}"/>, about five instructions a sum where a sum alone takes
/// more than twenty. Sixteen at once (<see cref="Sum16"/>, the same additions in the same order) give a whole vector of
/// sums that a 1x1 over a small plane stores, its epilogue applied per lane, without taking each sum out of its vector.
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

    /// <summary>
    /// <c>[sum of a0, ..., sum of a15]</c>: each sum the same additions in the same order as <see cref="Sum4(Vector512{float}, Vector512{float}, Vector512{float}, Vector512{float})"/>'s
    /// (the same bits), the sixteen folded together with whole-vector shuffles, about three instructions a sum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sum16(
        Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3, Vector512<float> a4, Vector512<float> a5,
        Vector512<float> a6, Vector512<float> a7, Vector512<float> a8, Vector512<float> a9, Vector512<float> a10, Vector512<float> a11,
        Vector512<float> a12, Vector512<float> a13, Vector512<float> a14, Vector512<float> a15)
    {
        if (!Avx512F.IsSupported)
        {
            return Vector512.Create(
                Vector256.Create(Sum4(a0, a1, a2, a3), Sum4(a4, a5, a6, a7)), Vector256.Create(Sum4(a8, a9, a10, a11), Sum4(a12, a13, a14, a15)));
        }
        // Each vector's upper half added to its lower, two vectors a result: [a.b0 + a.b2, a.b1 + a.b3, b.b0 + b.b2, b.b1 + b.b3].
        Vector512<float> u0 = Halves(a0, a1), u1 = Halves(a2, a3), u2 = Halves(a4, a5), u3 = Halves(a6, a7);
        Vector512<float> u4 = Halves(a8, a9), u5 = Halves(a10, a11), u6 = Halves(a12, a13), u7 = Halves(a14, a15);
        // Then its two remaining blocks of four: [a, b, c, d] folded to four lanes each, as Fold leaves them.
        Vector512<float> w0 = Quarters(u0, u1), w1 = Quarters(u2, u3), w2 = Quarters(u4, u5), w3 = Quarters(u6, u7);
        // Two rounds of pairwise sums within each block of four, as the horizontal additions of Sum4: block j holds the
        // sums of a_j, a_(4 + j), a_(8 + j), a_(12 + j), put back in order at the end.
        Vector512<float> g = Pairs(Pairs(w0, w1), Pairs(w2, w3));
        return Avx512F.PermuteVar16x32(g, Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Halves(Vector512<float> a, Vector512<float> b) => Avx512F.Shuffle4x128(a, b, 0x44) + Avx512F.Shuffle4x128(a, b, 0xEE);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Quarters(Vector512<float> u, Vector512<float> v) => Avx512F.Shuffle4x128(u, v, 0x88) + Avx512F.Shuffle4x128(u, v, 0xDD);

    /// <summary>In each block of four: <c>[a0 + a1, a2 + a3, b0 + b1, b2 + b3]</c>, as <c>haddps</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pairs(Vector512<float> a, Vector512<float> b) => Avx512F.Shuffle(a, b, 0x88) + Avx512F.Shuffle(a, b, 0xDD);

    /// <summary>All ones in the lanes from <paramref name="first"/> on, zero below: which of sixteen sums belong to the next filter.</summary>
    public static Vector512<float> From(int first) =>
        Vector512.GreaterThanOrEqual(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create(first)).AsSingle();

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
