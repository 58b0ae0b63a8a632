using StaticNets;
using StaticNets.Tests.Numerics;
using Xunit;

namespace StaticNets.Tests.BatchNorm;

/// <summary>BatchNorm on the input, its running statistics the batch's own (momentum 1): the combined moments, read back.</summary>
[Input(9, 9, 2)]
[BatchNorm(Momentum = 1.0)]
[Flatten]
[Dense(2)]
public partial class LargeMeanBatchNorm { }

/// <summary>
/// The batch's variance combined from the samples' own moments (Chan et al., in sample order) against a two-pass
/// double reference over the whole batch, where the mean is large against the spread: a channel of 1000 plus noise of
/// ±0.05 (one-pass sums of squares in float would lose it all), beside a channel around zero.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class BatchVarianceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(16)]
    public void The_combined_mean_and_variance_match_a_two_pass_double_reference(int count)
    {
        const int P = 81, C = 2;
        var random = new Random(count);
        var inputs = new float[count * LargeMeanBatchNorm.InputSize];
        for (int s = 0; s < count; s++)
        {
            for (int i = 0; i < P; i++)
            {
                inputs[s * C * P + i] = 1000f + (float)(random.NextDouble() * 2 - 1) * 0.05f + 0.01f * s;
                inputs[s * C * P + P + i] = (float)(random.NextDouble() * 2 - 1);
            }
        }
        var net = new LargeMeanBatchNorm(seed: 1);

        net.ComputeBatchGradients(inputs, new float[count * LargeMeanBatchNorm.OutputSize]);

        for (int c = 0; c < C; c++)
        {
            double n = (double)count * P, sum = 0, squares = 0;
            for (int s = 0; s < count; s++)
            {
                for (int i = 0; i < P; i++) sum += inputs[s * C * P + c * P + i];
            }
            double mean = sum / n;
            for (int s = 0; s < count; s++)
            {
                for (int i = 0; i < P; i++) squares += (inputs[s * C * P + c * P + i] - mean) * (inputs[s * C * P + c * P + i] - mean);
            }
            double unbiased = squares / (n - 1);
            Assert.Equal((float)mean, net.Statistics[c]);
            Assert.Equal(unbiased, net.Statistics[C + c], unbiased * 1e-6);
        }
    }
}
