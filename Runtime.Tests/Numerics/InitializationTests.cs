using StaticNets.__Internals;
using StaticNets.Tests.Networks;
using Xunit;

namespace StaticNets.Tests.Numerics;

/// <summary>
/// He (2015) and Glorot (2010) initialisation: the empirical mean and variance of many weights against
/// the definition. With n weights the sample variance has a relative standard error of about sqrt(2/n)
/// (0.6% for 48,000), so a 5% tolerance on the variance is over eight standard errors.
/// </summary>
public class InitializationTests
{
    [Theory]
    [InlineData(Init.HeNormal, 400, 120, 2.0 / 400)]
    [InlineData(Init.HeUniform, 400, 120, 2.0 / 400)]
    [InlineData(Init.XavierNormal, 400, 120, 2.0 / 520)]
    [InlineData(Init.XavierUniform, 400, 120, 2.0 / 520)]
    public void Variance_matches_the_definition(Init init, int fanIn, int fanOut, double variance)
    {
        var weights = new float[48_000];
        Initializers.Fill(weights, init, fanIn, fanOut, seed: 1, layer: 1);
        double mean = weights.Average(w => (double)w);
        double sampleVariance = weights.Sum(w => (w - mean) * (w - mean)) / (weights.Length - 1);
        Assert.InRange(mean, -0.05 * Math.Sqrt(variance), 0.05 * Math.Sqrt(variance));
        Assert.InRange(sampleVariance, 0.95 * variance, 1.05 * variance);
        if (init is Init.HeUniform or Init.XavierUniform)
        {
            double limit = Math.Sqrt(3 * variance);
            Assert.All(weights, w => Assert.InRange(w, -limit, limit));
            Assert.True(weights.Max() > 0.99 * limit);
        }
    }

    [Fact]
    public void Auto_picks_He_for_the_ReLU_family_and_Xavier_otherwise()
    {
        var lenet = LeNet5.Info.Layers.Where(l => l.WeightCount > 0).ToDictionary(l => l.Name, l => l.Init);
        Assert.Equal(Init.HeNormal, lenet["conv1"]);
        Assert.Equal(Init.HeNormal, lenet["dense2"]);
        Assert.Equal(Init.XavierUniform, lenet["dense3"]); // softmax
        var a = ConvNetA.Info.Layers.Where(l => l.WeightCount > 0).ToDictionary(l => l.Name, l => l.Init);
        Assert.Equal(Init.XavierUniform, a["conv1"]); // tanh
        Assert.Equal(Init.HeNormal, a["conv2"]); // relu
        var mlp = MlpMse.Info.Layers.Where(l => l.WeightCount > 0).ToDictionary(l => l.Name, l => l.Init);
        Assert.Equal(Init.HeNormal, mlp["dense1"]); // followed by a standalone GELU
        Assert.Equal(Init.XavierUniform, mlp["dense3"]); // linear output
    }

    [Fact]
    public void Generated_network_weights_have_the_layer_variance()
    {
        var net = new LeNet5(seed: 4);
        var dense1 = LeNet5.Info.Layers.Single(l => l.Name == "dense1");
        var w = net.Parameters.Slice(dense1.ParameterOffset, dense1.WeightCount).ToArray();
        double variance = w.Sum(x => (double)x * x) / w.Length;
        Assert.InRange(variance, 0.95 * 2.0 / 400, 1.05 * 2.0 / 400);
    }
}
