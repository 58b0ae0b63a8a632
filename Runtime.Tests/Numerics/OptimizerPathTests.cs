using Xunit;

namespace StaticNets.Tests.Numerics;

/// <summary>
/// The optimizers' loops on this process's vector path (Vector512, Vector256 or scalar; see <see cref="VectorPath"/>)
/// give the bits of the scalar update written out below, over a length with a remainder after every width.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class OptimizerPathTests
{
    [Fact]
    public void Adam_steps_give_the_bits_of_the_scalar_update()
    {
        float learningRate = 0.01f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
        float oneMinusB1 = 1 - b1, oneMinusB2 = 1 - b2, tiny = 1.17549435e-38f; // Adam's flush to zero: below the smallest normal float
        var random = new Random(5);
        var parameters = Enumerable.Range(0, 1003).Select(_ => random.NextSingle() - 0.5f).ToArray();
        var start = parameters.ToArray();
        var expected = parameters.ToArray();
        var m = new float[parameters.Length];
        var v = new float[parameters.Length];
        var adam = new Adam(learningRate, b1, b2, eps);
        for (int step = 1; step <= 5; step++)
        {
            var gradients = Enumerable.Range(0, parameters.Length).Select(_ => (random.NextSingle() - 0.5f) * step).ToArray();
            adam.Step(parameters, gradients);

            // Adam's scalar loop, operation for operation: the vector loops must give these bits.
            float stepSize = (float)(learningRate / (1 - Math.Pow(b1, step)));
            float inverseCorrection2 = 1f / (float)Math.Sqrt(1 - Math.Pow(b2, step));
            for (int i = 0; i < expected.Length; i++)
            {
                float g = gradients[i];
                float mi = b1 * m[i] + oneMinusB1 * g;
                float vi = b2 * v[i] + oneMinusB2 * (g * g);
                if (MathF.Abs(mi) < tiny) mi = 0f;
                if (vi < tiny) vi = 0f;
                m[i] = mi;
                v[i] = vi;
                expected[i] -= stepSize * mi / (MathF.Sqrt(vi) * inverseCorrection2 + eps);
            }
        }

        Assert.Equal(expected, parameters);
        Assert.NotEqual(start, parameters); // the steps moved the parameters
    }

    [Fact]
    public void Adam_moments_never_become_subnormal()
    {
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
