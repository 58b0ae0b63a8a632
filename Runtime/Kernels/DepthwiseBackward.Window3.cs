using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticNets.__Internals;

public static partial class DepthwiseBackward
{
    /// <summary>
    /// The weight gradient of a 3x3 window: the 9 taps' sums held in registers, each output's dz loaded once for all 9
    /// (against once per tap), the window's 9 inputs loaded beside it. dz's rows are <paramref name="dzRow"/> floats apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WeightGradient3x3<TLanes, TVector>(
        ReadOnlySpan<float> xs, ReadOnlySpan<float> dzt, int dzRow, Span<float> weightGradients, int channels, int outHeight, int outWidth, int paddedWidth,
        int strideHeight, int strideWidth)
        where TLanes : ILanes<TVector>
        where TVector : struct
    {
        int lanes = TLanes.Count, row = paddedWidth * channels, step = strideWidth * channels;
        ref float xr = ref MemoryMarshal.GetReference(xs);
        ref float dr = ref MemoryMarshal.GetReference(dzt);
        ref float gr = ref MemoryMarshal.GetReference(weightGradients);
        Span<float> lane = stackalloc float[lanes];
        ref float lr = ref MemoryMarshal.GetReference(lane);
        for (int c0 = 0; c0 < channels; c0 += lanes)
        {
            int c = Math.Min(c0, channels - lanes), skip = c0 - c;
            TVector a0 = TLanes.Zero, a1 = TLanes.Zero, a2 = TLanes.Zero, a3 = TLanes.Zero, a4 = TLanes.Zero;
            TVector a5 = TLanes.Zero, a6 = TLanes.Zero, a7 = TLanes.Zero, a8 = TLanes.Zero;
            for (int oy = 0; oy < outHeight; oy++)
            {
                ref float d = ref Unsafe.Add(ref dr, oy * dzRow + c);
                ref float x = ref Unsafe.Add(ref xr, oy * strideHeight * row + c);
                int ox = 0;
                if (strideWidth == 1)
                {
                    // Two outputs at a time: a window row's 4 inputs loaded once for both (14 loads per 18 multiply-adds, against 20).
                    for (; ox <= outWidth - 2; ox += 2)
                    {
                        TVector g0 = TLanes.Load(ref d, (nuint)(ox * channels));
                        TVector g1 = TLanes.Load(ref d, (nuint)((ox + 1) * channels));
                        ref float w = ref Unsafe.Add(ref x, ox * channels);
                        Row2<TLanes, TVector>(ref w, channels, g0, g1, ref a0, ref a1, ref a2);
                        Row2<TLanes, TVector>(ref Unsafe.Add(ref w, row), channels, g0, g1, ref a3, ref a4, ref a5);
                        Row2<TLanes, TVector>(ref Unsafe.Add(ref w, 2 * row), channels, g0, g1, ref a6, ref a7, ref a8);
                    }
                }
                for (; ox < outWidth; ox++)
                {
                    TVector g = TLanes.Load(ref d, (nuint)(ox * channels));
                    ref float w = ref Unsafe.Add(ref x, ox * step);
                    a0 = TLanes.MultiplyAdd(g, TLanes.Load(ref w, 0), a0);
                    a1 = TLanes.MultiplyAdd(g, TLanes.Load(ref w, (nuint)channels), a1);
                    a2 = TLanes.MultiplyAdd(g, TLanes.Load(ref w, (nuint)(2 * channels)), a2);
                    a3 = TLanes.MultiplyAdd(g, TLanes.Load(ref w, (nuint)row), a3);
                    a4 = TLanes.MultiplyAdd(g, TLanes.Load(ref w, (nuint)(row + channels)), a4);
                    a5 = TLanes.MultiplyAdd(g, TLanes.Load(ref w, (nuint)(row + 2 * channels)), a5);
                    a6 = TLanes.MultiplyAdd(g, TLanes.Load(ref w, (nuint)(2 * row)), a6);
                    a7 = TLanes.MultiplyAdd(g, TLanes.Load(ref w, (nuint)(2 * row + channels)), a7);
                    a8 = TLanes.MultiplyAdd(g, TLanes.Load(ref w, (nuint)(2 * row + 2 * channels)), a8);
                }
            }
            Flush<TLanes, TVector>(a0, ref lr, ref gr, c, skip, 0);
            Flush<TLanes, TVector>(a1, ref lr, ref gr, c, skip, 1);
            Flush<TLanes, TVector>(a2, ref lr, ref gr, c, skip, 2);
            Flush<TLanes, TVector>(a3, ref lr, ref gr, c, skip, 3);
            Flush<TLanes, TVector>(a4, ref lr, ref gr, c, skip, 4);
            Flush<TLanes, TVector>(a5, ref lr, ref gr, c, skip, 5);
            Flush<TLanes, TVector>(a6, ref lr, ref gr, c, skip, 6);
            Flush<TLanes, TVector>(a7, ref lr, ref gr, c, skip, 7);
            Flush<TLanes, TVector>(a8, ref lr, ref gr, c, skip, 8);
        }
    }

    /// <summary>One window row's 3 taps for two neighbouring outputs (dz <paramref name="g0"/>, <paramref name="g1"/>): its 4 inputs loaded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row2<TLanes, TVector>(ref float w, int channels, TVector g0, TVector g1, ref TVector a0, ref TVector a1, ref TVector a2)
        where TLanes : ILanes<TVector>
        where TVector : struct
    {
        TVector x = TLanes.Load(ref w, 0);
        a0 = TLanes.MultiplyAdd(g0, x, a0);
        x = TLanes.Load(ref w, (nuint)channels);
        a0 = TLanes.MultiplyAdd(g1, x, a0);
        a1 = TLanes.MultiplyAdd(g0, x, a1);
        x = TLanes.Load(ref w, (nuint)(2 * channels));
        a1 = TLanes.MultiplyAdd(g1, x, a1);
        a2 = TLanes.MultiplyAdd(g0, x, a2);
        x = TLanes.Load(ref w, (nuint)(3 * channels));
        a2 = TLanes.MultiplyAdd(g1, x, a2);
    }

    /// <summary>Tap <paramref name="t"/>'s sums of the block's channels from <paramref name="skip"/> added into <c>[c][9]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Flush<TLanes, TVector>(TVector a, ref float lr, ref float gr, int c, int skip, int t)
        where TLanes : ILanes<TVector>
        where TVector : struct
    {
        TLanes.Store(a, ref lr, 0);
        for (int j = skip; j < TLanes.Count; j++) Unsafe.Add(ref gr, (c + j) * 9 + t) += Unsafe.Add(ref lr, j);
    }
}
