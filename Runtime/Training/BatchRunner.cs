using System.ComponentModel;
using System.Runtime.ExceptionServices;

namespace StaticNets.__Internals;

/// <summary>
/// Runs the per-sample work of a generated network's <c>ComputeBatchGradients</c> (one segment of the layers on each
/// sample's replica; a dense layer's product over the batch, by blocks of rows) on <see cref="Threads"/> workers. The caller sets the thread count around its call
/// (<c>using var _ = BatchRunner.UseThreads(n);</c>); 0 or 1 runs the samples one after another on the calling thread.
/// The work of a sample touches only its own replica, and every sum across samples is taken by the caller afterwards
/// in sample order, so the result has the same bits for any thread count.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static class BatchRunner
{
    [ThreadStatic]
    private static int t_threads;

    /// <summary>The workers of the calling thread's batch passes (0 or 1: sequential). Per thread, so workers of an outer loop each have their own.</summary>
    public static int Threads
    {
        get => t_threads;
        set => t_threads = value;
    }

    /// <summary>Sets <see cref="Threads"/> until the returned scope is disposed, which restores the previous value.</summary>
    public static Scope UseThreads(int threads)
    {
        var scope = new Scope(t_threads);
        t_threads = threads;
        return scope;
    }

    /// <summary>Restores the thread count it was created over.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [Obsolete(InternalUse.Message)]
    public readonly struct Scope : IDisposable
    {
        private readonly int _previous;

        internal Scope(int previous) => _previous = previous;

        /// <summary>Restores the thread count.</summary>
        public void Dispose() => t_threads = _previous;
    }

    /// <summary>
    /// Calls <paramref name="body"/> for each sample <c>0..count-1</c>: in order on the calling thread when
    /// <see cref="Threads"/> is at most 1, else on <c>min(Threads, count)</c> workers, worker w taking the samples
    /// w, w + workers, ... An exception of a sample is rethrown as it was thrown.
    /// </summary>
    public static void For<TState>(int count, TState state, Action<TState, int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        int workers = Math.Min(t_threads, count);
        if (workers <= 1)
        {
            for (int s = 0; s < count; s++)
            {
                body(state, s);
            }

            return;
        }

        Parallel(count, workers, state, body);
    }

    /// <summary>Floats per range of <see cref="SumAndClear"/>: 32 kB per buffer.</summary>
    private const int SumRange = 8192;

    /// <summary>
    /// Adds <c>parts[1]</c> to <c>parts[count - 1]</c> into <paramref name="total"/>, in that order, range by range, each
    /// part's range cleared once added (while it is in cache, so that the parts start the next pass from zero without a
    /// pass of their own). The ranges run as <see cref="For"/> runs samples, on <see cref="Threads"/>; every value sees
    /// the same additions in the same order, so the sum is the same bits for any thread count.
    /// </summary>
    public static void SumAndClear(float[] total, float[][] parts, int count)
    {
        Sum(total, parts, count, null);
    }

    /// <summary>
    /// <see cref="SumAndClear"/> over the spans <c>[spans[2k], spans[2k + 1])</c> of the
    /// gradients only (in increasing order, not overlapping): the ones the parts write, where the others (a dense
    /// layer's, which <see cref="DenseBatch"/> adds into the total directly) stay zero in every part.
    /// </summary>
    public static void SumAndClearSpans(float[] total, float[][] parts, int count, int[] spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        if (spans.Length % 2 != 0)
        {
            throw new ArgumentException($"The spans are [start, end) pairs; got {spans.Length} values.", nameof(spans));
        }

        Sum(total, parts, count, spans);
    }

    /// <summary><see cref="SumAndClear"/> and <see cref="SumAndClearSpans"/>: <paramref name="spans"/> null for the whole total (no array made per call).</summary>
    private static void Sum(float[] total, float[][] parts, int count, int[]? spans)
    {
        ArgumentNullException.ThrowIfNull(total);
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, parts.Length);
        for (int s = 1; s < count; s++)
        {
            if (parts[s] is null || parts[s].Length < total.Length)
            {
                throw new ArgumentException($"Part {s} is missing or shorter than the total ({total.Length} floats).", nameof(parts));
            }
        }

        int ranges = spans is null ? (total.Length + SumRange - 1) / SumRange : 0;
        for (int k = 0; spans is not null && k + 1 < spans.Length; k += 2)
        {
            if (spans[k] < (k == 0 ? 0 : spans[k - 1]) || spans[k + 1] < spans[k] || spans[k + 1] > total.Length)
            {
                throw new ArgumentException($"The spans must increase within the total ({total.Length} floats).", nameof(spans));
            }

            ranges += (spans[k + 1] - spans[k] + SumRange - 1) / SumRange;
        }

        For(ranges, (total, parts, count, spans), static (state, range) =>
        {
            // The span the range falls in, and where in it.
            int k = 0;
            int first = range;
            int start = range * SumRange, length = Math.Min(SumRange, state.total.Length - start);
            while (state.spans is not null)
            {
                int inSpan = (state.spans[k + 1] - state.spans[k] + SumRange - 1) / SumRange;
                if (first < inSpan)
                {
                    start = state.spans[k] + first * SumRange;
                    length = Math.Min(SumRange, state.spans[k + 1] - start);
                    break;
                }

                first -= inSpan;
                k += 2;
            }

            Span<float> sum = state.total.AsSpan(start, length);
            for (int s = 1; s < state.count; s++)
            {
                Span<float> part = state.parts[s].AsSpan(start, length);
                System.Numerics.Tensors.TensorPrimitives.Add(sum, part, sum);
                part.Clear();
            }
        });
    }

    /// <summary>
    /// The workers' loop, a method of its own so that the sequential path allocates no closure: on the kept threads of
    /// <see cref="Workers"/>, or where they cannot take the pass, on the thread pool.
    /// </summary>
    private static void Parallel<TState>(int count, int workers, TState state, Action<TState, int> body)
    {
        if (Workers.TryRun(count, workers, state, body)) return;
        try
        {
            System.Threading.Tasks.Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
            {
                for (int s = w; s < count; s += workers)
                {
                    body(state, s);
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
    }
}
