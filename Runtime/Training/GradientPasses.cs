using System.Numerics.Tensors;

namespace StaticNets.__Internals;

/// <summary>
/// The passes over a whole batch's gradients around the network's batch pass (clearing them before, the mean and the
/// finiteness check after): on <see cref="BatchRunner"/>'s threads where it has several and the gradients are long,
/// in ranges of <see cref="RangeLength"/> values, else on the calling thread. Every value sees the same operation
/// whichever thread takes it, and the check's sum adds the ranges' sums in range order, so no result depends on the
/// thread count.
/// </summary>
#pragma warning disable CS0618 // the batch runner is the Runtime's own
internal static unsafe class GradientPasses
{
    /// <summary>The fewest values split across the threads.</summary>
    private const int ParallelLeast = 1 << 15;

    /// <summary>Values per range: 32 kB.</summary>
    private const int RangeLength = 1 << 13;

    /// <summary>Sets every value to zero.</summary>
    public static void Clear(Span<float> values)
    {
        if (!Split(values.Length))
        {
            values.Clear();
            return;
        }

        fixed (float* v = values)
        {
            BatchRunner.For(Ranges(values.Length), new Job((nint)v, values.Length, 0, 0), static (job, r) => job.Values(r).Clear());
        }
    }

    /// <summary>Divides every value by <paramref name="divisor"/> (the same bits as <see cref="TensorPrimitives.Divide(ReadOnlySpan{float}, float, Span{float})"/>).</summary>
    public static void Divide(Span<float> values, int divisor)
    {
        if (!Split(values.Length))
        {
            TensorPrimitives.Divide(values, divisor, values);
            return;
        }

        fixed (float* v = values)
        {
            BatchRunner.For(Ranges(values.Length), new Job((nint)v, values.Length, divisor, 0), static (job, r) =>
            {
                Span<float> range = job.Values(r);
                TensorPrimitives.Divide(range, job.Divisor, range);
            });
        }
    }

    /// <summary>
    /// Whether the sum of the values is finite (no NaN or infinity among them, and no overflow): each range summed
    /// by <see cref="TensorPrimitives.Sum(ReadOnlySpan{float})"/>, the ranges' sums added in order.
    /// </summary>
    public static bool SumIsFinite(ReadOnlySpan<float> values)
    {
        int ranges = Ranges(values.Length);
        if (!Split(values.Length))
        {
            float total = 0;
            for (int r = 0; r < ranges; r++)
            {
                total += TensorPrimitives.Sum(values.Slice(r * RangeLength, Math.Min(RangeLength, values.Length - r * RangeLength)));
            }

            return float.IsFinite(total);
        }

        // At most 2^31 / 2^13 ranges: 1 MB of sums at worst, on the heap past 4 kB of them.
        float[]? heap = ranges > 1024 ? new float[ranges] : null;
        Span<float> sums = heap is not null ? heap : stackalloc float[ranges];
        fixed (float* v = values, s = sums)
        {
            BatchRunner.For(ranges, new Job((nint)v, values.Length, 0, (nint)s), static (job, r) => job.Sums[r] = TensorPrimitives.Sum(job.Values(r)));
            float total = 0;
            for (int r = 0; r < ranges; r++)
            {
                total += s[r];
            }

            return float.IsFinite(total);
        }
    }

    private static bool Split(int length) => BatchRunner.Threads > 1 && length >= ParallelLeast;

    private static int Ranges(int length) => (length + RangeLength - 1) / RangeLength;

    /// <summary>A split pass: the values (and the ranges' sums), pinned by the caller until every range is done.</summary>
    private readonly struct Job(nint values, int length, int divisor, nint sums)
    {
        public int Divisor => divisor;

        public float* Sums => (float*)sums;

        public Span<float> Values(int range)
        {
            int start = range * RangeLength;
            return new Span<float>((float*)values + start, Math.Min(RangeLength, length - start));
        }
    }
}
#pragma warning restore CS0618
