using Xunit;

namespace StaticNets.Tests.Oracle;

/// <summary>
/// MLPerf Tiny's ResNet-8 in PyTorch's conventions (<c>make_oracle.py</c>), with its ConvBatchNorm projection shortcuts:
/// as <see cref="MlperfTinyOracleTests"/> for the other three models, and PyTorch's export, with BatchNorm folded into
/// the convolutions and without, imported with its outputs.
/// </summary>
[Trait(Numerics.VectorPath.Trait, Numerics.VectorPath.Value)]
public class ResNet8OracleTests
{
    [Fact]
    public void ResNet8_counts_outputs_and_training_step_are_PyTorchs() => MlperfTinyOracleTests.Check(new OracleResNet8(), "resnet8");

    [Theory]
    [InlineData("model.onnx")]
    [InlineData("model-unfolded.onnx")]
    public void PyTorchs_ResNet8_export_imports_with_its_outputs(string file)
    {
        string directory = MlperfTinyOracleTests.CaseDirectory("resnet8");
        var net = new OracleResNet8(seed: 3);

        net.ImportOnnx(Path.Combine(directory, file));

        MlperfTinyOracleTests.MatchesOutputs(net, directory);
        if (file == "model-unfolded.onnx")
        {
            // With BatchNormalization nodes, every parameter and running statistic comes over as PyTorch has it.
            Assert.Equal(MlperfTinyOracleTests.Floats(directory, "parameters.f32"), net.Parameters.ToArray());
            Assert.Equal(MlperfTinyOracleTests.Floats(directory, "statistics.f32"), net.Statistics.ToArray());
        }
    }

}

#pragma warning disable SN3004 // PyTorch's padding 1 on the stride-2 layers: the last padding row and column are unread

[Input(32, 32, 3)]
[Conv2D(16, 3, Padding = 1, Bias = false)] [BatchNorm] [ReLU(Name = "a0")]
[Conv2D(16, 3, Padding = 1, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(16, 3, Padding = 1, Bias = false)] [BatchNorm]
[Add("a0")] [ReLU(Name = "a1")]
[Conv2D(32, 3, Stride = 2, Padding = 1, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(32, 3, Padding = 1, Bias = false)] [BatchNorm]
[Add("a1", Projection = Projection.ConvBatchNorm)] [ReLU(Name = "a2")]
[Conv2D(64, 3, Stride = 2, Padding = 1, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(64, 3, Padding = 1, Bias = false)] [BatchNorm]
[Add("a2", Projection = Projection.ConvBatchNorm)] [ReLU]
[GlobalAvgPool]
[Dense(10, Activation = Activation.Softmax)]
public partial class OracleResNet8 { }
