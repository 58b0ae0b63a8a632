using StaticNets.Generator.Model;
using StaticNets.Generator.Tests.Support;
using Xunit;

namespace StaticNets.Generator.Tests.Shapes;

/// <summary>[BatchNorm]'s rule as a plain function: the shape, γ and β, the statistics, the texts and SN1003.</summary>
public class BatchNormRuleTests
{
    private static NetworkShape Infer(string attributes) =>
        AnalyzerHarness.Infer($"using StaticNets;\n{attributes}\npublic partial class N {{ }}\n").Shape;

    [Fact]
    public void Per_channel_after_a_convolution_per_feature_after_a_dense_layer()
    {
        var shape = Infer("[Input(8, 8, 3)][Conv2D(4, 3, Padding = 1, Bias = false)][BatchNorm][ReLU][Flatten][Dense(5, Bias = false)][BatchNorm(Momentum = 0.2, Epsilon = 1e-3)][Dense(2)]");
        Assert.True(shape.CanEmit);
        Assert.Empty(shape.Diagnostics);
        var bn1 = shape.Layers[1];
        var bn2 = shape.Layers[5];
        Assert.Equal(["conv1", "bn1", "relu1", "flatten1", "dense1", "bn2", "dense2"], shape.Layers.Select(l => l.Name));
        Assert.Equal(bn1.In, bn1.Out);
        Assert.Equal("8x8x4", bn1.Out.ToString());
        Assert.Equal((4, 4, 4), (bn1.Units, bn1.WeightCount, bn1.BiasCount));
        Assert.Equal(4 * 3 * 3 * 3, bn1.ParameterOffset);
        Assert.Equal((0, 8), (bn1.StatisticsOffset, bn1.StatisticsCount));
        Assert.Equal((0.1, 1e-5), (bn1.Momentum, bn1.Epsilon));
        Assert.Equal((5, 5, 5), (bn2.Units, bn2.WeightCount, bn2.BiasCount));
        Assert.Equal((8, 10), (bn2.StatisticsOffset, bn2.StatisticsCount));
        Assert.Equal((0.2, 1e-3), (bn2.Momentum, bn2.Epsilon));
        Assert.Equal(18, shape.StatisticsCount);
        Assert.Equal(108 + 8 + 256 * 5 + 10 + 12, shape.ParameterCount);
        Assert.Equal("BatchNorm 4", bn1.TableText);
        Assert.Equal("BatchNorm over 4 channels, momentum 0.1, epsilon 1E-05", bn1.Title);
        Assert.Equal("BatchNorm over 5 features, momentum 0.2, epsilon 0.001", bn2.Title);
        Assert.Equal(8 * 8 * 4, bn1.MultiplyAdds); // one scale-and-shift per value
    }

    [Fact]
    public void The_activation_after_a_batchnorm_chooses_the_initialisation_of_the_layer_before_it()
    {
        var shape = Infer("[Input(6, 6, 1)][Conv2D(2, 3, Bias = false)][BatchNorm][ReLU][Flatten][Dense(3)][BatchNorm][Tanh][Dense(2)]");
        Assert.Equal(InitKind.HeNormal, shape.Layers[0].Init);
        Assert.Equal(InitKind.XavierUniform, shape.Layers[4].Init);
        Assert.Equal(InitKind.Auto, shape.Layers[1].Init);
    }

    [Theory]
    [InlineData("[BatchNorm(Momentum = -0.1)]", "Momentum = -0.1 must be between 0 and 1")]
    [InlineData("[BatchNorm(Momentum = 1.01)]", "Momentum = 1.01 must be between 0 and 1")]
    [InlineData("[BatchNorm(Momentum = double.NaN)]", "Momentum = NaN must be between 0 and 1")]
    [InlineData("[BatchNorm(Epsilon = 0)]", "Epsilon = 0 must be positive")]
    [InlineData("[BatchNorm(Epsilon = -1e-5)]", "Epsilon = -1E-05 must be positive")]
    [InlineData("[BatchNorm(Epsilon = double.PositiveInfinity)]", "Epsilon = Infinity must be positive")]
    public void Momentum_outside_zero_to_one_or_epsilon_not_positive_is_SN1003(string layer, string message)
    {
        var shape = Infer($"[Input(4)][Dense(3, Bias = false)]{layer}[Dense(2)]");
        var d = Assert.Single(shape.Diagnostics);
        Assert.Equal("SN1003", d.Id);
        Assert.StartsWith("bn1 (BatchNorm): " + message, d.Message);
        Assert.False(shape.CanEmit);
    }

    [Fact]
    public void An_argument_error_in_a_batchnorm_does_not_hide_a_shape_error_after_it()
    {
        var shape = Infer("[Input(8, 8, 1)][BatchNorm(Epsilon = 0)][Conv2D(2, 9)]");
        Assert.Equal(["SN1003", "SN2003"], shape.Diagnostics.Select(d => d.Id));
    }
}
