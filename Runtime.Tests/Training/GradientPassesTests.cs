using System.Numerics.Tensors;
using StaticNets.__Internals;
using StaticNets.Tests.Support;
using Xunit;

#pragma warning disable CS0618 // BatchRunner is for generated code; these tests set its threads directly

namespace StaticNets.Tests.Training;

/// <summary>
/// <see cref="GradientPasses"/>, the passes over a whole batch's gradients: the same values on one thread and on two
/// (split into ranges from 2^15 values on), <c>Divide</c> the same bits as <see cref="TensorPrimitives.Divide(ReadOnlySpan{float}, float, Span{float})"/>,
/// and the finiteness check failing on a NaN or an infinity in any range (the last, partial one too) and on a sum that
/// overflows.
/// </summary>
public class GradientPassesTests
{
    [Theory]
    [InlineData(100)]
    [InlineData(32_768)]
    [InlineData(70_001)]
    public void Clear_and_Divide_touch_every_value_on_any_thread_count(int length)
    {
        foreach (int threads in new[] { 1, 2 })
        {
            using var _ = BatchRunner.UseThreads(threads);
            var values = TestData.Uniform(length, 3);
            var expected = new float[length];
            TensorPrimitives.Divide(values, 32f, expected);
            GradientPasses.Divide(values, 32);
            Assert.Equal(expected, values);

            GradientPasses.Clear(values);
            Assert.All(values, v => Assert.Equal(0f, v));
        }
    }

    [Theory]
    [InlineData(100, 57)]
    [InlineData(70_001, 0)]
    [InlineData(70_001, 40_000)]
    [InlineData(70_001, 70_000)]
    public void The_check_finds_a_value_that_is_not_finite_in_any_range(int length, int at)
    {
        foreach (int threads in new[] { 1, 2 })
        {
            using var _ = BatchRunner.UseThreads(threads);
            var values = TestData.Uniform(length, 5);
            Assert.True(GradientPasses.SumIsFinite(values));
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                values[at] = bad;
                Assert.False(GradientPasses.SumIsFinite(values), $"{bad} at {at} of {length} on {threads} thread(s)");
            }
        }
    }

    [Fact]
    public void The_check_fails_on_a_sum_that_overflows()
    {
        foreach (int threads in new[] { 1, 2 })
        {
            using var _ = BatchRunner.UseThreads(threads);
            var values = new float[50_000];
            values[10] = float.MaxValue;
            Assert.True(GradientPasses.SumIsFinite(values));
            values[45_000] = float.MaxValue; // in another range: the ranges' sums overflow when added
            Assert.False(GradientPasses.SumIsFinite(values));
        }
    }
}
