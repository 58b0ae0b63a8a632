using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticNets.__Internals;

public static partial class PointwiseBackward
{
    /// <summary>
    /// <c>out[i*cRow + j*cCol] = sum over t &lt; depth of a[i*aRow + t*aCol] * b[t*bRow + j*bCol]</c> for i &lt; m, j &lt; n,
    /// added into out where <paramref name="add"/>: b packed into panels of a vector of columns, then four rows by two
    /// panels at a time (eight accumulators), the rows left over one at a time, an odd last panel alone.
    /// </summary>
    private static void Product<TL, TV>(
        ref float a, int aRow, int aCol, ref float b, int bRow, int bCol, ref float c, int cRow, int cCol,
        int m, int n, int depth, bool add, ref float panels)
        where TL : struct, ILanes<TV>
        where TV : struct
    {
        int lanes = TL.Count;
        int count = (n + lanes - 1) / lanes;
        Pack<TL, TV>(ref b, bRow, bCol, n, depth, ref panels);
        Span<float> spill = stackalloc float[16];
        ref float s = ref MemoryMarshal.GetReference(spill);
        for (int v = 0; v < count; v += 2)
        {
            int j = v * lanes, i = 0;
            ref float p0 = ref Panel(ref b, bRow, bCol, n, depth, lanes, ref panels, v, out int s0);
            if (v + 1 < count)
            {
                ref float p1 = ref Panel(ref b, bRow, bCol, n, depth, lanes, ref panels, v + 1, out int s1);
                for (; i + 4 <= m; i += 4) Rows4x2<TL, TV>(ref Unsafe.Add(ref a, i * aRow), aRow, aCol, ref p0, s0, ref p1, s1, depth, ref c, cRow, cCol, i, j, n, add, ref s);
                for (; i < m; i++) Rows1x2<TL, TV>(ref Unsafe.Add(ref a, i * aRow), aCol, ref p0, s0, ref p1, s1, depth, ref c, cRow, cCol, i, j, n, add, ref s);
            }
            else
            {
                for (; i + 4 <= m; i += 4) Rows4x1<TL, TV>(ref Unsafe.Add(ref a, i * aRow), aRow, aCol, ref p0, s0, depth, ref c, cRow, cCol, i, j, n, add, ref s);
                for (; i < m; i++) Rows1x1<TL, TV>(ref Unsafe.Add(ref a, i * aRow), aCol, ref p0, s0, depth, ref c, cRow, cCol, i, j, n, add, ref s);
            }
        }
    }

    /// <summary>
    /// Whether panel v is b itself: a whole vector of columns, contiguous (<c>bCol == 1</c>), read at b's row stride;
    /// else it is packed.
    /// </summary>
    private static bool InPlace(int bCol, int n, int lanes, int v) => bCol == 1 && (v + 1) * lanes <= n;

    /// <summary>Panel v and the distance between its rows: b's columns in place, or the packed panel.</summary>
    private static ref float Panel(ref float b, int bRow, int bCol, int n, int depth, int lanes, ref float panels, int v, out int stride)
    {
        if (InPlace(bCol, n, lanes, v))
        {
            stride = bRow;
            return ref Unsafe.Add(ref b, v * lanes);
        }
        stride = lanes;
        return ref Unsafe.Add(ref panels, v * depth * lanes);
    }

    /// <summary>b's columns in panels <c>[n/lanes][depth][lanes]</c>, the columns past n zero; panels read in place are skipped.</summary>
    private static void Pack<TL, TV>(ref float b, int bRow, int bCol, int n, int depth, ref float panels)
        where TL : struct, ILanes<TV>
        where TV : struct
    {
        int lanes = TL.Count;
        for (int j = 0, v = 0; j < n; j += lanes, v++)
        {
            if (InPlace(bCol, n, lanes, v)) continue;
            ref float panel = ref Unsafe.Add(ref panels, v * depth * lanes);
            int columns = Math.Min(lanes, n - j);
            if (columns < lanes)
            {
                MemoryMarshal.CreateSpan(ref panel, depth * lanes).Clear();
            }
            if (bRow == 1)
            {
                // Columns contiguous along the depth: the panel is their transpose, by 8x8 register blocks.
                var source = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref b, j * bCol), (columns - 1) * bCol + depth);
                Transpose.Matrix(source, bCol, columns, depth, MemoryMarshal.CreateSpan(ref panel, depth * lanes), lanes);
                continue;
            }
            for (int l = 0; l < columns; l++)
            {
                ref float column = ref Unsafe.Add(ref b, (j + l) * bCol);
                for (int t = 0; t < depth; t++) Unsafe.Add(ref panel, t * lanes + l) = Unsafe.Add(ref column, t * bRow);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows4x2<TL, TV>(
        ref float a, int aRow, int aCol, ref float p0, int s0, ref float p1, int s1, int depth, ref float c, int cRow, int cCol, int i, int j, int n, bool add, ref float s)
        where TL : struct, ILanes<TV>
        where TV : struct
    {
        int lanes = TL.Count;
        TV a00 = TL.Zero, a01 = TL.Zero, a10 = TL.Zero, a11 = TL.Zero, a20 = TL.Zero, a21 = TL.Zero, a30 = TL.Zero, a31 = TL.Zero;
        ref float at = ref a;
        for (int t = 0; t < depth; t++)
        {
            TV b0 = TL.Load(ref p0, 0);
            TV b1 = TL.Load(ref p1, 0);
            TV x = TL.Splat(at);
            a00 = TL.MultiplyAdd(b0, x, a00);
            a01 = TL.MultiplyAdd(b1, x, a01);
            x = TL.Splat(Unsafe.Add(ref at, aRow));
            a10 = TL.MultiplyAdd(b0, x, a10);
            a11 = TL.MultiplyAdd(b1, x, a11);
            x = TL.Splat(Unsafe.Add(ref at, 2 * aRow));
            a20 = TL.MultiplyAdd(b0, x, a20);
            a21 = TL.MultiplyAdd(b1, x, a21);
            x = TL.Splat(Unsafe.Add(ref at, 3 * aRow));
            a30 = TL.MultiplyAdd(b0, x, a30);
            a31 = TL.MultiplyAdd(b1, x, a31);
            at = ref Unsafe.Add(ref at, aCol);
            p0 = ref Unsafe.Add(ref p0, s0);
            p1 = ref Unsafe.Add(ref p1, s1);
        }
        Put<TL, TV>(a00, ref c, cRow, cCol, i, j, n, add, ref s);
        Put<TL, TV>(a01, ref c, cRow, cCol, i, j + lanes, n, add, ref s);
        Put<TL, TV>(a10, ref c, cRow, cCol, i + 1, j, n, add, ref s);
        Put<TL, TV>(a11, ref c, cRow, cCol, i + 1, j + lanes, n, add, ref s);
        Put<TL, TV>(a20, ref c, cRow, cCol, i + 2, j, n, add, ref s);
        Put<TL, TV>(a21, ref c, cRow, cCol, i + 2, j + lanes, n, add, ref s);
        Put<TL, TV>(a30, ref c, cRow, cCol, i + 3, j, n, add, ref s);
        Put<TL, TV>(a31, ref c, cRow, cCol, i + 3, j + lanes, n, add, ref s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows4x1<TL, TV>(
        ref float a, int aRow, int aCol, ref float p0, int s0, int depth, ref float c, int cRow, int cCol, int i, int j, int n, bool add, ref float s)
        where TL : struct, ILanes<TV>
        where TV : struct
    {
        // Two steps of the depth at a time into two sets of accumulators: eight independent chains, as in Rows4x2.
        TV a0 = TL.Zero, a1 = TL.Zero, a2 = TL.Zero, a3 = TL.Zero, e0 = TL.Zero, e1 = TL.Zero, e2 = TL.Zero, e3 = TL.Zero;
        ref float at = ref a;
        int t = 0;
        for (; t + 2 <= depth; t += 2)
        {
            TV b0 = TL.Load(ref p0, 0);
            TV b1 = TL.Load(ref p0, (nuint)s0);
            ref float next = ref Unsafe.Add(ref at, aCol);
            a0 = TL.MultiplyAdd(b0, TL.Splat(at), a0);
            e0 = TL.MultiplyAdd(b1, TL.Splat(next), e0);
            a1 = TL.MultiplyAdd(b0, TL.Splat(Unsafe.Add(ref at, aRow)), a1);
            e1 = TL.MultiplyAdd(b1, TL.Splat(Unsafe.Add(ref next, aRow)), e1);
            a2 = TL.MultiplyAdd(b0, TL.Splat(Unsafe.Add(ref at, 2 * aRow)), a2);
            e2 = TL.MultiplyAdd(b1, TL.Splat(Unsafe.Add(ref next, 2 * aRow)), e2);
            a3 = TL.MultiplyAdd(b0, TL.Splat(Unsafe.Add(ref at, 3 * aRow)), a3);
            e3 = TL.MultiplyAdd(b1, TL.Splat(Unsafe.Add(ref next, 3 * aRow)), e3);
            at = ref Unsafe.Add(ref at, 2 * aCol);
            p0 = ref Unsafe.Add(ref p0, 2 * s0);
        }
        if (t < depth)
        {
            TV b0 = TL.Load(ref p0, 0);
            a0 = TL.MultiplyAdd(b0, TL.Splat(at), a0);
            a1 = TL.MultiplyAdd(b0, TL.Splat(Unsafe.Add(ref at, aRow)), a1);
            a2 = TL.MultiplyAdd(b0, TL.Splat(Unsafe.Add(ref at, 2 * aRow)), a2);
            a3 = TL.MultiplyAdd(b0, TL.Splat(Unsafe.Add(ref at, 3 * aRow)), a3);
        }
        Put<TL, TV>(TL.Add(a0, e0), ref c, cRow, cCol, i, j, n, add, ref s);
        Put<TL, TV>(TL.Add(a1, e1), ref c, cRow, cCol, i + 1, j, n, add, ref s);
        Put<TL, TV>(TL.Add(a2, e2), ref c, cRow, cCol, i + 2, j, n, add, ref s);
        Put<TL, TV>(TL.Add(a3, e3), ref c, cRow, cCol, i + 3, j, n, add, ref s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows1x2<TL, TV>(
        ref float a, int aCol, ref float p0, int s0, ref float p1, int s1, int depth, ref float c, int cRow, int cCol, int i, int j, int n, bool add, ref float s)
        where TL : struct, ILanes<TV>
        where TV : struct
    {
        int lanes = TL.Count;
        TV a0 = TL.Zero, a1 = TL.Zero, e0 = TL.Zero, e1 = TL.Zero;
        ref float at = ref a;
        int t = 0;
        for (; t + 2 <= depth; t += 2)
        {
            TV x = TL.Splat(at), y = TL.Splat(Unsafe.Add(ref at, aCol));
            a0 = TL.MultiplyAdd(TL.Load(ref p0, 0), x, a0);
            a1 = TL.MultiplyAdd(TL.Load(ref p1, 0), x, a1);
            e0 = TL.MultiplyAdd(TL.Load(ref p0, (nuint)s0), y, e0);
            e1 = TL.MultiplyAdd(TL.Load(ref p1, (nuint)s1), y, e1);
            at = ref Unsafe.Add(ref at, 2 * aCol);
            p0 = ref Unsafe.Add(ref p0, 2 * s0);
            p1 = ref Unsafe.Add(ref p1, 2 * s1);
        }
        if (t < depth)
        {
            TV x = TL.Splat(at);
            a0 = TL.MultiplyAdd(TL.Load(ref p0, 0), x, a0);
            a1 = TL.MultiplyAdd(TL.Load(ref p1, 0), x, a1);
        }
        Put<TL, TV>(TL.Add(a0, e0), ref c, cRow, cCol, i, j, n, add, ref s);
        Put<TL, TV>(TL.Add(a1, e1), ref c, cRow, cCol, i, j + lanes, n, add, ref s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows1x1<TL, TV>(
        ref float a, int aCol, ref float p0, int s0, int depth, ref float c, int cRow, int cCol, int i, int j, int n, bool add, ref float s)
        where TL : struct, ILanes<TV>
        where TV : struct
    {
        TV a0 = TL.Zero, e0 = TL.Zero;
        ref float at = ref a;
        int t = 0;
        for (; t + 2 <= depth; t += 2)
        {
            a0 = TL.MultiplyAdd(TL.Load(ref p0, 0), TL.Splat(at), a0);
            e0 = TL.MultiplyAdd(TL.Load(ref p0, (nuint)s0), TL.Splat(Unsafe.Add(ref at, aCol)), e0);
            at = ref Unsafe.Add(ref at, 2 * aCol);
            p0 = ref Unsafe.Add(ref p0, 2 * s0);
        }
        if (t < depth) a0 = TL.MultiplyAdd(TL.Load(ref p0, 0), TL.Splat(at), a0);
        Put<TL, TV>(TL.Add(a0, e0), ref c, cRow, cCol, i, j, n, add, ref s);
    }

    /// <summary>
    /// Row i's columns j to j + lanes (those below n) of out: one vector store where they are whole and contiguous, else
    /// spilled and written one at a time at their stride.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<TL, TV>(TV x, ref float c, int cRow, int cCol, int i, int j, int n, bool add, ref float s)
        where TL : struct, ILanes<TV>
        where TV : struct
    {
        int lanes = TL.Count;
        ref float at = ref Unsafe.Add(ref c, i * cRow + j * cCol);
        if (cCol == 1 && j + lanes <= n)
        {
            TL.Store(add ? TL.Add(TL.Load(ref at, 0), x) : x, ref at, 0);
            return;
        }
        TL.Store(x, ref s, 0);
        int columns = Math.Min(lanes, n - j);
        for (int l = 0; l < columns; l++)
        {
            ref float o = ref Unsafe.Add(ref at, l * cCol);
            o = add ? o + Unsafe.Add(ref s, l) : Unsafe.Add(ref s, l);
        }
    }
}
