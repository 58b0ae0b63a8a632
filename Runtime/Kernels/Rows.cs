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
}
