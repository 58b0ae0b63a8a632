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
}
