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
    /// <paramref name="destinationStride"/> apart). Rows of 8 or more go by vectors, the last one overlapping; shorter
    /// rows by one vector each, blended into the destination, where the spans (which must not overlap) hold 8 floats.
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
        if (Simd.IsEnabled && width < 8) first = Narrow(ref s, sourceStride, source.Length, ref d, destinationStride, destination.Length, rows, width);
        for (int r = first; r < rows; r++)
        {
            ref float sr = ref Unsafe.Add(ref s, r * sourceStride);
            ref float dr = ref Unsafe.Add(ref d, r * destinationStride);
            for (int i = 0; i < width; i++) Unsafe.Add(ref dr, i) = Unsafe.Add(ref sr, i);
        }
    }

    /// <summary>
    /// Rows narrower than a Vector256: the 8 floats from each source row's start blended into the 8 destination floats
    /// from its row's start, the lanes past the row keeping their values, as long as both spans hold those 8 floats
    /// (the spans must not overlap). Returns the first row left to copy one float at a time.
    /// </summary>
    private static int Narrow(ref float s, int sourceStride, int sourceLength, ref float d, int destinationStride, int destinationLength, int rows, int width)
    {
        var row = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(width)).AsSingle();
        int r = 0;
        for (; r < rows; r++)
        {
            int si = r * sourceStride, di = r * destinationStride;
            if (si + 8 > sourceLength || di + 8 > destinationLength) break;
            ref float dr = ref Unsafe.Add(ref d, di);
            Vector256.ConditionalSelect(row, Vector256.LoadUnsafe(ref s, (nuint)si), Vector256.LoadUnsafe(ref dr)).StoreUnsafe(ref dr);
        }
        return r;
    }
}
