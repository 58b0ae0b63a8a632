using StaticNets.__Internals;
using Xunit;

namespace StaticNets.Tests.Numerics;

/// <summary>
/// <see cref="DenseKernels.Backward"/> against a double-precision reference: layers below and above the 1,024 units
/// its live list holds at once, dz with zeros where a ReLU was off, input counts on and off a vector, with and
/// without dx, on every vector path (one per process: <see cref="VectorPath"/>).
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class DenseKernelTests
{
    [Fact]
    public void Backward_matches_the_reference()
    {
        var random = new Random(3);
        foreach (var (units, n) in new[] { (1, 1), (5, 9), (120, 400), (2500, 13) })
        {
            var weights = Enumerable.Range(0, units * n).Select(_ => random.NextSingle() - 0.5f).ToArray();
            var x = Enumerable.Range(0, n).Select(_ => random.NextSingle() * 2 - 1).ToArray();
            var dz = Enumerable.Range(0, units).Select(_ => random.Next(3) == 0 ? 0f : random.NextSingle() - 0.5f).ToArray();
            var weightGradient = Enumerable.Range(0, units * n).Select(i => 0.01f * (i % 7)).ToArray();
            var biasGradient = Enumerable.Range(0, units).Select(i => 0.1f * (i % 3)).ToArray();
            var startWeights = weightGradient.ToArray();
            var startBias = biasGradient.ToArray();
            var dx = Enumerable.Repeat(float.NaN, n).ToArray();

            DenseKernels.Backward(weights, x, dz, weightGradient, biasGradient, dx);

            for (int u = 0; u < units; u++)
            {
                Assert.Equal(startBias[u] + dz[u], biasGradient[u], 1e-6f);
                for (int i = 0; i < n; i++)
                {
                    Assert.Equal(startWeights[u * n + i] + (double)dz[u] * x[i], weightGradient[u * n + i], 1e-5);
                }
            }
            for (int i = 0; i < n; i++)
            {
                double expected = 0;
                for (int u = 0; u < units; u++) expected += (double)dz[u] * weights[u * n + i];
                Assert.True(Math.Abs(dx[i] - expected) <= 1e-4 + 1e-5 * Math.Abs(expected), $"{units}x{n}, dx[{i}]: {dx[i]} against {expected}");
            }

            // Without dx: the same weight gradient, nothing else written.
            var again = startWeights.ToArray();
            DenseKernels.Backward(weights, x, dz, again, startBias.ToArray(), default);
            Assert.Equal(weightGradient, again);
        }
    }

    [Fact]
    public void Backward_rejects_a_dx_of_the_wrong_length()
    {
        var ex = Assert.Throws<ArgumentException>(() => DenseKernels.Backward(new float[6], new float[3], new float[2], new float[6], new float[2], new float[4]));
        Assert.Contains("writes dx of 3 values; got 4", ex.Message);
    }
}
