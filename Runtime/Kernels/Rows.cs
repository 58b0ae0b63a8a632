using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNets.__Internals;

/// <summary>Copies of short rows between planes of different strides (padding an input, gathering wide rows), in one call per plane.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static class Rows
{
    /// <summary>
    /// Copies <paramref name="rows"/> rows of <paramref name="width"/> floats from <paramref name="source"/>
    /// (rows <paramref name="sourceStride"/> apart) to <paramref name="destination"/> (rows
    /// <paramref name="destinationStride"/> apart). Rows of 8 or more go by vectors, the last one overlapping; rows of
    /// 4 to 7 by two Vector128s, the second overlapping.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Copy(ReadOnlySpan<float> source, int sourceStride, Span<float> destination, int destinationStride, int rows, int width)
    {
        if (rows <= 0) return;
        if ((long)(rows - 1) * sourceStride + width > source.Length || (long)(rows - 1) * destinationStride + width > destination.Length)
        {
            throw new ArgumentException($"{rows} rows of {width} do not fit the spans ({source.Length} and {destination.Length} floats, strides {sourceStride} and {destinationStride}).");
        }
        ref float s = ref MemoryMarshal.GetReference(source);
        ref float d = ref MemoryMarshal.GetReference(destination);
        if (Simd.IsEnabled && width >= 8)
        {
            int last = width - 8;
            for (int r = 0; r < rows; r++)
            {
                ref float sr = ref Unsafe.Add(ref s, r * sourceStride);
                ref float dr = ref Unsafe.Add(ref d, r * destinationStride);
                for (int i = 0; i < last; i += 8)
                {
                    Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref sr, (nuint)i), ref dr, (nuint)i);
                }
                Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref sr, (nuint)last), ref dr, (nuint)last);
            }
            return;
        }
        int first = 0;
        if (Simd.IsEnabled && width < 8) first = Narrow(ref s, sourceStride, ref d, destinationStride, rows, width);
        for (int r = first; r < rows; r++)
        {
            ref float sr = ref Unsafe.Add(ref s, r * sourceStride);
            ref float dr = ref Unsafe.Add(ref d, r * destinationStride);
            for (int i = 0; i < width; i++) Unsafe.Add(ref dr, i) = Unsafe.Add(ref sr, i);
        }
    }

    /// <summary>
    /// Rows of 4 to 7 floats: two Vector128s each, the second ending at the row's end (overlapping the first), so that
    /// nothing past the row is read or written. Returns the first row left to copy one float at a time: all of them
    /// where the rows are narrower.
    /// </summary>
    private static int Narrow(ref float s, int sourceStride, ref float d, int destinationStride, int rows, int width)
    {
        if (width < 4) return 0;
        nuint last = (nuint)(width - 4);
        for (int r = 0; r < rows; r++)
        {
            ref float sr = ref Unsafe.Add(ref s, r * sourceStride);
            ref float dr = ref Unsafe.Add(ref d, r * destinationStride);
            var head = Vector128.LoadUnsafe(ref sr);
            var tail = Vector128.LoadUnsafe(ref sr, last);
            head.StoreUnsafe(ref dr);
            tail.StoreUnsafe(ref dr, last);
        }
        return rows;
    }

    /// <summary>
    /// Splits one padded plane of <paramref name="height"/> by <paramref name="width"/> into its phases for strides
    /// <paramref name="strideRows"/> and <paramref name="strideColumns"/>: phase (a, b), at
    /// <c>(a * strideColumns + b) * phaseRows * phaseColumns</c> in <paramref name="phases"/>, holds
    /// <c>plane[strideRows * i + a][strideColumns * j + b]</c> at <c>[i][j]</c>, for a below <paramref name="usedRows"/>
    /// and b below <paramref name="usedColumns"/> (the phases a window reads). Cells past the plane are left as they
    /// are. Stride 2 across the columns splits each row by vectors of 16 floats, then of 8.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SplitPhases(
        ReadOnlySpan<float> plane, int height, int width, int strideRows, int strideColumns, int usedRows, int usedColumns,
        Span<float> phases, int phaseRows, int phaseColumns)
    {
        if (height <= 0 || width <= 0) return;
        if ((long)height * width > plane.Length || (long)strideRows * strideColumns * phaseRows * phaseColumns > phases.Length
            || (long)phaseRows * strideRows < height || (long)phaseColumns * strideColumns < width)
        {
            throw new ArgumentException($"A {height}x{width} plane does not split into {strideRows}x{strideColumns} phases of {phaseRows}x{phaseColumns} in spans of {plane.Length} and {phases.Length} floats.");
        }
        ref float p = ref MemoryMarshal.GetReference(plane);
        ref float q = ref MemoryMarshal.GetReference(phases);
        int phase = phaseRows * phaseColumns;
        bool pairs = strideColumns == 2 && usedColumns == 2 && Simd.IsEnabled && Vector256.IsHardwareAccelerated;
        var split = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        for (int a = 0; a < usedRows; a++)
        {
            for (int i = 0; strideRows * i + a < height; i++)
            {
                ref float row = ref Unsafe.Add(ref p, (strideRows * i + a) * width);
                if (pairs)
                {
                    ref float even = ref Unsafe.Add(ref q, (a * 2 * phaseRows + i) * phaseColumns);
                    ref float odd = ref Unsafe.Add(ref even, phase);
                    int j = 0;
                    for (; 2 * j + 16 <= width; j += 8)
                    {
                        var x = Vector256.Shuffle(Vector256.LoadUnsafe(ref row, (nuint)(2 * j)), split);
                        var y = Vector256.Shuffle(Vector256.LoadUnsafe(ref row, (nuint)(2 * j + 8)), split);
                        Vector256.Create(x.GetLower(), y.GetLower()).StoreUnsafe(ref even, (nuint)j);
                        Vector256.Create(x.GetUpper(), y.GetUpper()).StoreUnsafe(ref odd, (nuint)j);
                    }
                    for (; 2 * j + 8 <= width; j += 4)
                    {
                        var x = Vector256.Shuffle(Vector256.LoadUnsafe(ref row, (nuint)(2 * j)), split);
                        x.GetLower().StoreUnsafe(ref even, (nuint)j);
                        x.GetUpper().StoreUnsafe(ref odd, (nuint)j);
                    }
                    for (; 2 * j < width; j++)
                    {
                        Unsafe.Add(ref even, j) = Unsafe.Add(ref row, 2 * j);
                        if (2 * j + 1 < width) Unsafe.Add(ref odd, j) = Unsafe.Add(ref row, 2 * j + 1);
                    }
                    continue;
                }
                for (int b = 0; b < usedColumns; b++)
                {
                    ref float target = ref Unsafe.Add(ref q, ((a * strideColumns + b) * phaseRows + i) * phaseColumns);
                    for (int j = 0; strideColumns * j + b < width; j++)
                    {
                        Unsafe.Add(ref target, j) = Unsafe.Add(ref row, strideColumns * j + b);
                    }
                }
            }
        }
    }
}
