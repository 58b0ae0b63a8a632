using StaticNets.__Internals;
using StaticNets.Tests.Numerics;
using Xunit;

namespace StaticNets.Tests.BatchNorm;

/// <summary>
/// BatchNorm's per-sample training kernels (<see cref="BatchNormTraining"/>) on the Vector512, Vector256 and scalar
/// paths (one per process: <see cref="VectorPath"/>), over planes that leave a tail after the vectors: the moments and
/// gradient sums against a plain double reference, the normalisation and the backward's dx against the scalar float
/// formula, bit for bit (the kernels round as it does, no fused multiply-add).
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class BatchNormTrainingKernelTests
{
    private const int Channels = 3;

    private static float[] Values(int count, int seed, float offset, float scale)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = offset + (float)(random.NextDouble() * 2 - 1) * scale;
        return values;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(81)]
    [InlineData(1024)]
    public void A_samples_moments_match_a_double_reference(int plane)
    {
        float[] x = Values(Channels * plane, plane, 1000f, 0.05f);
        for (int i = plane; i < 2 * plane; i++) x[i] -= 1000f; // channel 1 around zero
        var moments = new double[2 * Channels];

        BatchNormTraining.Moments(x, Channels, plane, moments);

        for (int c = 0; c < Channels; c++)
        {
            double sum = 0;
            for (int i = 0; i < plane; i++) sum += x[c * plane + i];
            double mean = sum / plane, m2 = 0;
            for (int i = 0; i < plane; i++) m2 += (x[c * plane + i] - mean) * (x[c * plane + i] - mean);
            Assert.Equal(sum, moments[c], Math.Abs(sum) * 1e-14 + 1e-12);
            Assert.Equal(m2, moments[Channels + c], m2 * 1e-9 + 1e-12);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(16)]
    [InlineData(23)]
    [InlineData(125)]
    public void A_samples_gradient_sums_match_a_double_reference(int plane)
    {
        float[] dy = Values(Channels * plane, 1, 0f, 1f);
        float[] xhat = Values(Channels * plane, 2, 0.1f, 2f);
        var sums = new double[2 * Channels];

        BatchNormTraining.GradientSums(dy, xhat, Channels, plane, sums);

        for (int c = 0; c < Channels; c++)
        {
            double sum = 0, dot = 0;
            for (int i = c * plane; i < c * plane + plane; i++)
            {
                sum += dy[i];
                dot += (double)dy[i] * xhat[i];
            }
            Assert.Equal(sum, sums[c], 1e-12);
            Assert.Equal(dot, sums[Channels + c], 1e-12);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(16)]
    [InlineData(23)]
    [InlineData(125)]
    public void Normalize_and_the_backward_give_the_scalar_formulas_bits(int plane)
    {
        float[] x = Values(Channels * plane, 3, 0.5f, 2f);
        float[] gamma = [0.5f, 1.25f, -0.75f];
        float[] beta = [0.1f, -0.2f, 0.3f];
        float[] coefficients = [0.4f, -0.1f, 0.6f, 1.7f, 0.9f, 2.3f]; // means, then inverse deviations
        float[] factors = [0.8f, -1.1f, 0.3f, 0.05f, -0.02f, 0.01f, 0.2f, 0.15f, -0.4f]; // k, shift, slope
        var y = new float[x.Length];
        var xhat = new float[x.Length];
        float[] dy = Values(x.Length, 4, 0f, 1f);
        float[] dx = Values(x.Length, 5, 0f, 1f);
        float[] added = (float[])dx.Clone();

        BatchNormTraining.Normalize(x, gamma, beta, coefficients, plane, y, xhat);
        BatchNormTraining.Backward(dy, xhat, factors, Channels, plane, dx, add: false);
        BatchNormTraining.Backward(dy, xhat, factors, Channels, plane, added, add: true);

        var before = Values(x.Length, 5, 0f, 1f);
        for (int c = 0; c < Channels; c++)
        {
            for (int i = c * plane; i < c * plane + plane; i++)
            {
                float h = (x[i] - coefficients[c]) * coefficients[Channels + c];
                Assert.Equal(h, xhat[i]);
                Assert.Equal(gamma[c] * h + beta[c], y[i]);
                float d = factors[c] * dy[i] - factors[Channels + c] - factors[2 * Channels + c] * h;
                Assert.Equal(d, dx[i]);
                Assert.Equal(before[i] + d, added[i]);
            }
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(21)]
    [InlineData(128)]
    public void Over_features_normalize_and_the_backward_give_the_scalar_formulas_bits(int features)
    {
        float[] x = Values(features, 6, 0.5f, 2f);
        float[] gamma = Values(features, 7, 1f, 0.5f);
        float[] beta = Values(features, 8, 0f, 0.5f);
        float[] coefficients = [.. Values(features, 9, 0f, 1f), .. Values(features, 10, 1.5f, 1f)];
        float[] factors = [.. Values(features, 11, 1f, 0.5f), .. Values(features, 12, 0f, 0.1f), .. Values(features, 13, 0f, 0.3f)];
        float[] dy = Values(features, 14, 0f, 1f);
        float[] before = Values(features, 15, 0f, 1f);
        var y = new float[features];
        var xhat = new float[features];
        var dx = new float[features];
        float[] added = (float[])before.Clone();
        var moments = new double[2 * features];
        var sums = new double[2 * features];

        BatchNormTraining.Normalize(x, gamma, beta, coefficients, 1, y, xhat);
        BatchNormTraining.Backward(dy, xhat, factors, features, 1, dx, add: false);
        BatchNormTraining.Backward(dy, xhat, factors, features, 1, added, add: true);
        BatchNormTraining.Moments(x, features, 1, moments);
        BatchNormTraining.GradientSums(dy, xhat, features, 1, sums);

        for (int c = 0; c < features; c++)
        {
            float h = (x[c] - coefficients[c]) * coefficients[features + c];
            Assert.Equal(h, xhat[c]);
            Assert.Equal(gamma[c] * h + beta[c], y[c]);
            float d = factors[c] * dy[c] - factors[features + c] - factors[2 * features + c] * h;
            Assert.Equal(d, dx[c]);
            Assert.Equal(before[c] + d, added[c]);
            Assert.Equal((double)x[c], moments[c]);
            Assert.Equal(0.0, moments[features + c]);
            Assert.Equal((double)dy[c], sums[c]);
            Assert.Equal((double)dy[c] * h, sums[features + c]);
        }
    }
}
