using Xunit;

namespace StaticNets.Tests.Numerics;

/// <summary>The optimizers' vector loops (Vector512, Vector256) give the bits of their scalar loop, over a length with a remainder after every width.</summary>
[Collection(SimdCollection.Name)]
public class OptimizerPathTests
{
    [Fact]
    public void Adam_steps_give_the_same_bits_on_every_vector_path()
    {
        float[] Run(int width)
        {
            using var _ = new SimdScope(width);
            var random = new Random(5);
            var parameters = Enumerable.Range(0, 1003).Select(_ => random.NextSingle() - 0.5f).ToArray();
            var adam = new Adam(0.01f);
            for (int step = 0; step < 5; step++)
            {
                var gradients = Enumerable.Range(0, parameters.Length).Select(_ => (random.NextSingle() - 0.5f) * (step + 1)).ToArray();
                adam.Step(parameters, gradients);
            }
            return parameters;
        }

        float[] scalar = Run(0);
        Assert.Equal(scalar, Run(256));
        Assert.Equal(scalar, Run(512));
        var start = new Random(5);
        Assert.NotEqual(Enumerable.Range(0, 1003).Select(_ => start.NextSingle() - 0.5f).ToArray(), scalar); // the steps moved the parameters
    }

    [Theory]
    [InlineData(512)]
    [InlineData(256)]
    [InlineData(0)]
    public void Adam_moments_never_become_subnormal(int width)
    {
        using var _ = new SimdScope(width);
        var parameters = Enumerable.Range(0, 37).Select(i => i * 0.01f).ToArray();
        var adam = new Adam(0.001f);
        adam.Step(parameters, Enumerable.Range(0, 37).Select(i => 1f + i).ToArray());
        var zero = new float[37];
        var first = (float[])typeof(Adam).GetField("firstMoment", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(adam)!;
        bool sawTiny = false;
        for (int step = 0; step < 1200; step++)
        {
            adam.Step(parameters, zero);
            Assert.All(first, m => Assert.False(float.IsSubnormal(m), $"step {step}: first moment {m:R} is subnormal"));
            sawTiny |= first.Any(m => m != 0f && Math.Abs(m) < 1e-36f);
        }
        Assert.True(sawTiny, "the first moments never came near the subnormal range: the test does not reach the case");
        Assert.All(first, m => Assert.Equal(0f, m)); // 0.9^1200 of them: flushed
    }
}
