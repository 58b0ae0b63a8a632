using StaticNets.__Internals;
using StaticNets.Tests.Support;
using Xunit;

namespace StaticNets.Tests.Training;

/// <summary>
/// <see cref="BatchRunner.SumAndClear"/>, which sums the per-sample replicas' gradients of batch training: the same bits
/// as adding the parts one after the other, for any thread count and across range boundaries, each part left at zero,
/// the parts past <c>count</c> untouched, and bad arguments refused before anything changes.
/// </summary>
public class BatchRunnerTests
{
    [Theory]
    [InlineData(1, 5)]
    [InlineData(7, 3)]
    [InlineData(20_000, 5)]
    [InlineData(8192, 2)]
    [InlineData(16_385, 1)]
    public void SumAndClear_adds_the_parts_in_order_and_clears_them_on_any_thread_count(int length, int count)
    {
        foreach (int threads in new[] { 0, 1, 2 })
        {
            var total = TestData.Uniform(length, 1);
            var parts = Enumerable.Range(0, count + 1).Select(s => TestData.Uniform(length + 3, 10 + s)).ToArray();
            var expected = (float[])total.Clone();
            for (int s = 1; s < count; s++)
            {
                for (int i = 0; i < length; i++) expected[i] += parts[s][i];
            }
            var untouched = parts[count].ToArray();
            var first = parts[0].ToArray();

            using (BatchRunner.UseThreads(threads))
            {
                BatchRunner.SumAndClear(total, parts, count);
            }

            Assert.Equal(expected, total);
            for (int s = 1; s < count; s++)
            {
                Assert.All(parts[s].AsSpan(0, length).ToArray(), v => Assert.Equal(0f, v));
            }
            Assert.Equal(first, parts[0]);
            Assert.Equal(untouched, parts[count]);
        }
    }

    [Fact]
    public void SumAndClear_refuses_a_short_or_missing_part_and_a_count_past_the_parts()
    {
        var total = TestData.Uniform(10, 2);
        var before = total.ToArray();
        Assert.Throws<ArgumentException>(() => BatchRunner.SumAndClear(total, [new float[10], new float[9]], 2));
        Assert.Throws<ArgumentException>(() => BatchRunner.SumAndClear(total, [new float[10], null!], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchRunner.SumAndClear(total, [new float[10]], 2));
        Assert.Equal(before, total);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(2, 7)]
    [InlineData(2, 64)]
    public void For_runs_each_item_once_and_worker_w_takes_w_then_every_workers_th(int threads, int count)
    {
        var runs = new int[count];
        var threadOf = new int[count];
        using (BatchRunner.UseThreads(threads))
        {
            for (int pass = 0; pass < 3; pass++) // the kept workers take pass after pass
            {
                BatchRunner.For(count, (runs, threadOf), static (state, s) =>
                {
                    Interlocked.Increment(ref state.runs[s]);
                    state.threadOf[s] = Environment.CurrentManagedThreadId;
                });
            }
        }

        Assert.All(runs, r => Assert.Equal(3, r));
        int workers = Math.Min(threads, count);
        for (int s = workers; s < count; s++) Assert.Equal(threadOf[s - workers], threadOf[s]); // one worker's share on one thread
    }

    [Fact]
    public void For_rethrows_an_item_s_exception_after_every_worker_is_done_and_runs_the_next_pass()
    {
        var done = new int[6];
        using (BatchRunner.UseThreads(2))
        {
            var e = Assert.Throws<InvalidOperationException>(() => BatchRunner.For(6, done, static (d, s) =>
            {
                if (s == 3) throw new InvalidOperationException("item 3");
                Interlocked.Increment(ref d[s]);
            }));
            Assert.Equal("item 3", e.Message);
            Assert.Equal(1, done[1]); // worker 1 ran 1, then 3 threw and its share stopped there
            Assert.Equal(0, done[3]);
            Assert.Equal(0, done[5]);

            Array.Clear(done);
            BatchRunner.For(6, done, static (d, s) => Interlocked.Increment(ref d[s]));
            Assert.Equal([1, 1, 1, 1, 1, 1], done);
        }
    }

    [Fact]
    public void For_from_two_threads_at_once_gives_each_its_own_results()
    {
        var a = new long[40];
        var b = new long[40];
        void Run(long[] target, int seed)
        {
            using (BatchRunner.UseThreads(2))
            {
                for (int pass = 0; pass < 200; pass++)
                {
                    BatchRunner.For(target.Length, (target, seed), static (state, s) => state.target[s] += s * state.seed);
                }
            }
        }

        Parallel.Invoke(() => Run(a, 3), () => Run(b, 5));

        for (int s = 0; s < 40; s++)
        {
            Assert.Equal(200L * s * 3, a[s]);
            Assert.Equal(200L * s * 5, b[s]);
        }
    }
}
