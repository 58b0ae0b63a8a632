using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticNets.__Internals;

// The products of the Winograd forward at each width, over blocks of 16 tiles (TP is a whole number of them).
public static partial class Winograd
{
    /// <summary>
    /// <c>M_ξ[k][t] = Σ_c U_ξ[k][c] V_ξ[c][t]</c>: 4 filters by 2 vectors of tiles, each tile vector loaded once for 4
    /// multiply-adds and each weight broadcast once for 2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ProductsVector256(ref float u, ref float v, ref float m, int k, int c, int tp)
    {
        for (int xi = 0; xi < 16; xi++)
        {
            ref float ux = ref Unsafe.Add(ref u, xi * Spread(k * c));
            ref float vx = ref Unsafe.Add(ref v, xi * Spread(c * tp));
            ref float mx = ref Unsafe.Add(ref m, xi * Spread(k * tp));
            for (int f = 0; f < k; f += 4)
            {
                ref float u0 = ref Unsafe.Add(ref ux, f * c);
                ref float u1 = ref Unsafe.Add(ref u0, c);
                ref float u2 = ref Unsafe.Add(ref u1, c);
                ref float u3 = ref Unsafe.Add(ref u2, c);
                for (int t = 0; t < tp; t += 2 * 8)
                {
                    Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default;
                    Vector256<float> a20 = default, a21 = default, a30 = default, a31 = default;
                    ref float vt = ref Unsafe.Add(ref vx, t);
                    for (int ch = 0; ch < c; ch++)
                    {
                        var x0 = Vector256.LoadUnsafe(ref vt, (nuint)(ch * tp));
                        var x1 = Vector256.LoadUnsafe(ref vt, (nuint)(ch * tp + 8));
                        var w = Vector256.Create(Unsafe.Add(ref u0, ch));
                        a00 = Vector256.MultiplyAddEstimate(x0, w, a00);
                        a01 = Vector256.MultiplyAddEstimate(x1, w, a01);
                        w = Vector256.Create(Unsafe.Add(ref u1, ch));
                        a10 = Vector256.MultiplyAddEstimate(x0, w, a10);
                        a11 = Vector256.MultiplyAddEstimate(x1, w, a11);
                        w = Vector256.Create(Unsafe.Add(ref u2, ch));
                        a20 = Vector256.MultiplyAddEstimate(x0, w, a20);
                        a21 = Vector256.MultiplyAddEstimate(x1, w, a21);
                        w = Vector256.Create(Unsafe.Add(ref u3, ch));
                        a30 = Vector256.MultiplyAddEstimate(x0, w, a30);
                        a31 = Vector256.MultiplyAddEstimate(x1, w, a31);
                    }
                    ref float mt = ref Unsafe.Add(ref mx, f * tp + t);
                    a00.StoreUnsafe(ref mt, 0);
                    a01.StoreUnsafe(ref mt, 8);
                    a10.StoreUnsafe(ref mt, (nuint)tp);
                    a11.StoreUnsafe(ref mt, (nuint)(tp + 8));
                    a20.StoreUnsafe(ref mt, (nuint)(2 * tp));
                    a21.StoreUnsafe(ref mt, (nuint)(2 * tp + 8));
                    a30.StoreUnsafe(ref mt, (nuint)(3 * tp));
                    a31.StoreUnsafe(ref mt, (nuint)(3 * tp + 8));
                }
            }
        }
    }


    /// <summary>
    /// <c>M_ξ[k][t] = Σ_c U_ξ[k][c] V_ξ[c][t]</c>: 8 filters (4 where the filters are not in eights) by one vector of 16
    /// tiles, each tile vector loaded once for 8 multiply-adds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ProductsVector512(ref float u, ref float v, ref float m, int k, int c, int tp)
    {
        if (k % 8 != 0)
        {
            ProductsVector512By4(ref u, ref v, ref m, k, c, tp);
            return;
        }
        for (int xi = 0; xi < 16; xi++)
        {
            ref float ux = ref Unsafe.Add(ref u, xi * Spread(k * c));
            ref float vx = ref Unsafe.Add(ref v, xi * Spread(c * tp));
            ref float mx = ref Unsafe.Add(ref m, xi * Spread(k * tp));
            for (int f = 0; f < k; f += 8)
            {
                ref float u0 = ref Unsafe.Add(ref ux, f * c);
                for (int t = 0; t < tp; t += 16)
                {
                    Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                    Vector512<float> a4 = default, a5 = default, a6 = default, a7 = default;
                    ref float vt = ref Unsafe.Add(ref vx, t);
                    for (int ch = 0; ch < c; ch++)
                    {
                        var x = Vector512.LoadUnsafe(ref vt, (nuint)(ch * tp));
                        ref float w = ref Unsafe.Add(ref u0, ch);
                        a0 = Vector512.MultiplyAddEstimate(x, Vector512.Create(w), a0);
                        a1 = Vector512.MultiplyAddEstimate(x, Vector512.Create(Unsafe.Add(ref w, c)), a1);
                        a2 = Vector512.MultiplyAddEstimate(x, Vector512.Create(Unsafe.Add(ref w, 2 * c)), a2);
                        a3 = Vector512.MultiplyAddEstimate(x, Vector512.Create(Unsafe.Add(ref w, 3 * c)), a3);
                        a4 = Vector512.MultiplyAddEstimate(x, Vector512.Create(Unsafe.Add(ref w, 4 * c)), a4);
                        a5 = Vector512.MultiplyAddEstimate(x, Vector512.Create(Unsafe.Add(ref w, 5 * c)), a5);
                        a6 = Vector512.MultiplyAddEstimate(x, Vector512.Create(Unsafe.Add(ref w, 6 * c)), a6);
                        a7 = Vector512.MultiplyAddEstimate(x, Vector512.Create(Unsafe.Add(ref w, 7 * c)), a7);
                    }
                    ref float mt = ref Unsafe.Add(ref mx, f * tp + t);
                    a0.StoreUnsafe(ref mt, 0);
                    a1.StoreUnsafe(ref mt, (nuint)tp);
                    a2.StoreUnsafe(ref mt, (nuint)(2 * tp));
                    a3.StoreUnsafe(ref mt, (nuint)(3 * tp));
                    a4.StoreUnsafe(ref mt, (nuint)(4 * tp));
                    a5.StoreUnsafe(ref mt, (nuint)(5 * tp));
                    a6.StoreUnsafe(ref mt, (nuint)(6 * tp));
                    a7.StoreUnsafe(ref mt, (nuint)(7 * tp));
                }
            }
        }
    }

    /// <summary><see cref="ProductsVector512"/> with 4 filters by one vector of tiles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ProductsVector512By4(ref float u, ref float v, ref float m, int k, int c, int tp)
    {
        for (int xi = 0; xi < 16; xi++)
        {
            ref float ux = ref Unsafe.Add(ref u, xi * Spread(k * c));
            ref float vx = ref Unsafe.Add(ref v, xi * Spread(c * tp));
            ref float mx = ref Unsafe.Add(ref m, xi * Spread(k * tp));
            for (int f = 0; f < k; f += 4)
            {
                ref float u0 = ref Unsafe.Add(ref ux, f * c);
                for (int t = 0; t < tp; t += 16)
                {
                    Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                    ref float vt = ref Unsafe.Add(ref vx, t);
                    for (int ch = 0; ch < c; ch++)
                    {
                        var x = Vector512.LoadUnsafe(ref vt, (nuint)(ch * tp));
                        ref float w = ref Unsafe.Add(ref u0, ch);
                        a0 = Vector512.MultiplyAddEstimate(x, Vector512.Create(w), a0);
                        a1 = Vector512.MultiplyAddEstimate(x, Vector512.Create(Unsafe.Add(ref w, c)), a1);
                        a2 = Vector512.MultiplyAddEstimate(x, Vector512.Create(Unsafe.Add(ref w, 2 * c)), a2);
                        a3 = Vector512.MultiplyAddEstimate(x, Vector512.Create(Unsafe.Add(ref w, 3 * c)), a3);
                    }
                    ref float mt = ref Unsafe.Add(ref mx, f * tp + t);
                    a0.StoreUnsafe(ref mt, 0);
                    a1.StoreUnsafe(ref mt, (nuint)tp);
                    a2.StoreUnsafe(ref mt, (nuint)(2 * tp));
                    a3.StoreUnsafe(ref mt, (nuint)(3 * tp));
                }
            }
        }
    }
}
