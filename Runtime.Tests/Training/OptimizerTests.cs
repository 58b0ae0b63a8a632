using StaticNets.Tests.Support;
using Xunit;

namespace StaticNets.Tests.Training;

public class OptimizerTests
{
    // Float arithmetic against numbers worked out by hand in exact decimals: a few ulps apart.
    private const float HandTolerance = 1e-6f;

    private static float[] Run(Optimizer optimizer, float[] start, params float[][] gradients)
    {
        float[] parameters = [.. start];
        foreach (float[] gradient in gradients)
        {
            optimizer.Step(parameters, gradient);
        }

        return parameters;
    }

    [Fact]
    public void Sgd_steps_against_the_gradient()
    {
        var sgd = new Sgd(0.1f);
        float[] p = [1f, -2f];

        sgd.Step(p, [0.5f, -1f]);
        Assert.Equal(0.95f, p[0], HandTolerance);
        Assert.Equal(-1.9f, p[1], HandTolerance);
        sgd.Step(p, [0.5f, -1f]);
        Assert.Equal(0.9f, p[0], HandTolerance);
        Assert.Equal(-1.8f, p[1], HandTolerance);
    }

    [Fact]
    public void Sgd_momentum_follows_pytorch()
    {
        // v = 0.9 v + g; p -= 0.1 v.   v: 0.5, 0.95, 1.355.   p: 0.95, 0.855, 0.7195.
        var sgd = new Sgd(0.1f, momentum: 0.9f);
        float[] p = [1f];

        sgd.Step(p, [0.5f]);
        Assert.Equal(0.95f, p[0], HandTolerance);
        sgd.Step(p, [0.5f]);
        Assert.Equal(0.855f, p[0], HandTolerance);
        sgd.Step(p, [0.5f]);
        Assert.Equal(0.7195f, p[0], HandTolerance);
    }

    [Fact]
    public void Sgd_nesterov_follows_pytorch()
    {
        // v as above; p -= 0.1 (g + 0.9 v).   p: 1 - 0.095 = 0.905, - 0.1355 = 0.7695, - 0.17195 = 0.59755.
        var sgd = new Sgd(0.1f, momentum: 0.9f, nesterov: true);
        float[] p = [1f];

        sgd.Step(p, [0.5f]);
        Assert.Equal(0.905f, p[0], HandTolerance);
        sgd.Step(p, [0.5f]);
        Assert.Equal(0.7695f, p[0], HandTolerance);
        sgd.Step(p, [0.5f]);
        Assert.Equal(0.59755f, p[0], HandTolerance);
    }

    [Fact]
    public void Adam_applies_bias_correction()
    {
        // Step 1: m = 0.05, v = 0.00025, m^ = 0.5, v^ = 0.25: the first step is lr * g / |g| = 0.1 exactly (up to epsilon).
        // Steps 2 and 3 (g = -0.25, then 1) worked out in double: 0.8733662987, 0.8075551397.
        var adam = new Adam(0.1f);
        float[] p = [1f];

        adam.Step(p, [0.5f]);
        Assert.Equal(0.9f, p[0], HandTolerance);
        adam.Step(p, [-0.25f]);
        Assert.Equal(0.8733663f, p[0], HandTolerance);
        adam.Step(p, [1f]);
        Assert.Equal(0.8075551f, p[0], HandTolerance);
    }

    [Fact]
    public void Adam_first_step_is_the_learning_rate_whatever_the_gradient_scale()
    {
        // m^ = g and v^ = g^2 after bias correction; uncorrected, the step would be lr * 0.3 / sqrt(0.009) = 3.16 lr.
        float[] p = Run(new Adam(0.01f), [0f], [3f]);
        Assert.Equal(-0.01f, p[0], 1e-7f);
    }

    public static TheoryData<string> Configurations => ["sgd", "momentum", "nesterov", "adam"];

    private static Optimizer Make(string name) => name switch
    {
        "sgd" => new Sgd(0.05f),
        "momentum" => new Sgd(0.05f, momentum: 0.8f),
        "nesterov" => new Sgd(0.05f, momentum: 0.8f, nesterov: true),
        _ => new Adam(0.05f, beta1: 0.8f, beta2: 0.99f, epsilon: 1e-6f),
    };

    /// <summary>The same update rules, scalar, in double.</summary>
    private static double[] Reference(string name, double[] start, double[][] gradients)
    {
        double[] p = [.. start];
        var v = new double[p.Length];
        var m = new double[p.Length];
        for (int t = 1; t <= gradients.Length; t++)
        {
            double[] g = gradients[t - 1];
            for (int i = 0; i < p.Length; i++)
            {
                switch (name)
                {
                    case "sgd":
                        p[i] -= 0.05 * g[i];
                        break;
                    case "momentum":
                        v[i] = 0.8 * v[i] + g[i];
                        p[i] -= 0.05 * v[i];
                        break;
                    case "nesterov":
                        v[i] = 0.8 * v[i] + g[i];
                        p[i] -= 0.05 * (g[i] + 0.8 * v[i]);
                        break;
                    default:
                        m[i] = 0.8 * m[i] + 0.2 * g[i];
                        v[i] = 0.99 * v[i] + 0.01 * g[i] * g[i];
                        double mHat = m[i] / (1 - Math.Pow(0.8, t));
                        double vHat = v[i] / (1 - Math.Pow(0.99, t));
                        p[i] -= 0.05 * mHat / (Math.Sqrt(vHat) + 1e-6);
                        break;
                }
            }
        }

        return p;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Vectorised_steps_match_a_scalar_double_reference(string name)
    {
        // 37 values: several vectors of any width plus a scalar tail.
        const int Length = 37;
        var random = new Random(12345);
        double[] start = [.. Enumerable.Range(0, Length).Select(_ => random.NextDouble() * 2 - 1)];
        double[][] gradients = [.. Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, Length).Select(_ => random.NextDouble() * 4 - 2).ToArray())];

        float[] actual = Run(Make(name), [.. start.Select(x => (float)x)], [.. gradients.Select(g => g.Select(x => (float)x).ToArray())]);
        double[] expected = Reference(name, start, gradients);

        for (int i = 0; i < Length; i++)
        {
            // float inputs and float arithmetic over six steps: within 1e-5 of the double result.
            Assert.True(Math.Abs(actual[i] - expected[i]) < 1e-5, $"{name}[{i}]: {actual[i]} vs {expected[i]}");
        }
    }

    [Theory]
    [InlineData(70_001)]
    [InlineData(1 << 15)]
    public void Adam_split_across_threads_gives_the_bits_of_one_thread(int n)
    {
        var random = new Random(n);
        var start = new float[n];
        var gradients = new float[n][];
        for (int i = 0; i < n; i++) start[i] = (float)(random.NextDouble() * 2 - 1);
        for (int k = 0; k < 3; k++)
        {
            gradients[k] = new float[n];
            for (int i = 0; i < n; i++) gradients[k][i] = (float)((random.NextDouble() * 2 - 1) * Math.Pow(10, random.Next(-8, 3)));
        }
        float[] Run(int threads)
        {
            var parameters = (float[])start.Clone();
            var adam = new Adam(0.01f);
            using (StaticNets.__Internals.BatchRunner.UseThreads(threads))
            {
                for (int k = 0; k < 3; k++) adam.Step(parameters, gradients[k]);
            }
            return parameters;
        }

        float[] one = Run(1);
        Assert.NotEqual(start, one);
        Assert.Equal(one, Run(2));
    }

    [Fact]
    public void Adam_minimises_a_quadratic()
    {
        // f(p) = 0.5 * sum a_i (p_i - c_i)^2, badly conditioned (a from 0.01 to 100); gradient a_i (p_i - c_i).
        float[] a = [0.01f, 0.3f, 1f, 7f, 100f];
        float[] c = [2f, -1f, 0.5f, 3f, -0.25f];
        var p = new float[a.Length];
        var g = new float[a.Length];
        var adam = new Adam(0.05f);

        for (int step = 0; step < 3000; step++)
        {
            for (int i = 0; i < p.Length; i++)
            {
                g[i] = a[i] * (p[i] - c[i]);
            }

            adam.Step(p, g);
        }

        for (int i = 0; i < p.Length; i++)
        {
            Assert.True(Math.Abs(p[i] - c[i]) < 1e-2, $"p[{i}] = {p[i]}, minimum at {c[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Steps_after_the_first_allocate_nothing(string name)
    {
        Optimizer optimizer = Make(name);
        var p = new float[1000];
        var g = new float[1000];
        g.AsSpan().Fill(0.01f);
        optimizer.Step(p, g);
        optimizer.Step(p, g);

        Assert.Equal(0, Allocations.Fewest(() => optimizer.Step(p, g), calls: 200));
    }

    [Fact]
    public void State_is_sized_by_the_first_step_until_reset()
    {
        var adam = new Adam();
        adam.Step(new float[4], new float[4]);

        var e = Assert.Throws<ArgumentException>(() => adam.Step(new float[5], new float[5]));
        Assert.Contains("sized for 4 parameters", e.Message);
        Assert.Contains("passes 5", e.Message);

        adam.Reset();
        adam.Step(new float[5], new float[5]);
    }

    [Fact]
    public void Reset_forgets_momentum()
    {
        var sgd = new Sgd(0.1f, momentum: 0.9f);
        float[] p = [1f];
        sgd.Step(p, [0.5f]);
        sgd.Reset();
        p[0] = 1f;

        sgd.Step(p, [0.5f]);

        Assert.Equal(0.95f, p[0], HandTolerance);
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Gradients_must_match_the_parameters(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => Make(name).Step(new float[3], new float[2]));
        Assert.Contains("3 parameters but 2 gradients", e.Message);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Learning_rate_must_be_positive_and_finite(float learningRate)
    {
        Assert.Equal("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(learningRate)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(learningRate));
        var adam = new Adam();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => adam.LearningRate = learningRate);
        Assert.Contains("positive and finite", e.Message);
        Assert.Equal(0.001f, adam.LearningRate);
    }

    [Fact]
    public void Learning_rate_can_be_changed_between_steps()
    {
        var sgd = new Sgd(0.1f);
        float[] p = [1f];
        sgd.Step(p, [1f]);
        sgd.LearningRate = 0.01f;

        sgd.Step(p, [1f]);

        Assert.Equal(0.89f, p[0], HandTolerance);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    [InlineData(float.NaN)]
    public void Momentum_must_be_in_0_to_1(float momentum)
    {
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1f, momentum)).ParamName);
    }

    [Fact]
    public void Nesterov_needs_momentum()
    {
        Assert.Equal("nesterov", Assert.Throws<ArgumentException>(() => new Sgd(0.1f, nesterov: true)).ParamName);
    }

    [Theory]
    [InlineData(1f, 0.999f, 1e-8f, "beta1")]
    [InlineData(-0.1f, 0.999f, 1e-8f, "beta1")]
    [InlineData(0.9f, 1f, 1e-8f, "beta2")]
    [InlineData(0.9f, 0.999f, 0f, "epsilon")]
    [InlineData(0.9f, 0.999f, float.NaN, "epsilon")]
    public void Adam_arguments_are_checked(float beta1, float beta2, float epsilon, string parameter)
    {
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(0.001f, beta1, beta2, epsilon)).ParamName);
    }

    [Fact]
    public void Zero_betas_are_allowed()
    {
        // beta1 = 0 is RMSProp-like with bias correction; beta2 = 0 normalises by the current gradient.
        float[] p = Run(new Adam(0.1f, beta1: 0f, beta2: 0f), [1f], [4f]);
        Assert.Equal(0.9f, p[0], HandTolerance);
    }
}
