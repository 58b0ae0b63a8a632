using StaticNets.__Internals;
using Xunit;

namespace StaticNets.Tests.Training;

/// <summary>
/// <see cref="BatchRunner.SumAndClear"/>, which sums the per-sample replicas' gradients of batch training: the same bits
/// as adding the parts one after the other, for any thread count and across range boundaries, each part left at zero,
/// the parts past <c>count</c> untouched, and bad arguments refused before anything changes.
/// </summary>
public class BatchRunnerTests
{
    private static float[] Random(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

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
            var total = Random(length, 1);
            var parts = Enumerable.Range(0, count + 1).Select(s => Random(length + 3, 10 + s)).ToArray();
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
        var total = Random(10, 2);
        var before = total.ToArray();
        Assert.Throws<ArgumentException>(() => BatchRunner.SumAndClear(total, [new float[10], new float[9]], 2));
        Assert.Throws<ArgumentException>(() => BatchRunner.SumAndClear(total, [new float[10], null!], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchRunner.SumAndClear(total, [new float[10]], 2));
        Assert.Equal(before, total);
    }
}
