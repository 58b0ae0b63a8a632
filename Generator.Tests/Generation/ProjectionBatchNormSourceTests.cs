using Microsoft.CodeAnalysis;
using StaticNets.Generator.Tests.Support;
using Xunit;

namespace StaticNets.Generator.Tests.Generation;

/// <summary>
/// The generated file of a residual network whose shortcut is a ConvBatchNorm projection: its snapshot, and how its
/// batch pass cuts a segment at the projection's BatchNorm.
/// </summary>
public class ProjectionBatchNormSourceTests
{
    /// <summary>A conv-BatchNorm block and a stride-2 one, whose Add maps a0 through a 1x1 convolution and a BatchNorm.</summary>
    public const string ResidualBatchNorm = """
        using StaticNets;

        namespace Samples;

        [Input(8, 8, 3)]
        [Conv2D(4, 3, Padding = 1, Bias = false)]
        [BatchNorm]
        [ReLU(Name = "a0")]
        [Conv2D(8, 3, Stride = 2, Padding = 1, Bias = false)]
        [BatchNorm]
        [ReLU]
        [Conv2D(8, 3, Padding = 1, Bias = false)]
        [BatchNorm]
        [Add("a0", Projection = Projection.ConvBatchNorm)]
        [ReLU]
        [GlobalAvgPool]
        [Dense(3, Activation = Activation.Softmax)]
        public partial class ResBn { }
        """;

    private static string Generate()
    {
        var (result, _, diagnostics) = GeneratorHarness.Run(ResidualBatchNorm);
        Assert.Empty(diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        return Assert.Single(result.GeneratedTrees).ToString();
    }

    [Fact]
    public void Residual_batchnorm_network_matches_its_snapshot() => Snapshot.Match("ResidualBatchNorm", Generate());

    [Fact]
    public void The_projection_is_a_convolution_without_bias_then_a_BatchNorm_whose_gamma_starts_at_one()
    {
        string text = Generate();
        Assert.Contains("add1      Add bn3 + a0 (1x1 conv s2, BN)", text);
        Assert.Contains("public const int StatisticsCount = 56;", text); // 2*4 + 2*8 + 2*8 + 2*8
        Assert.Contains("Add1ProjectionForward(", text);
        Assert.Contains("Add1NormForward(_parameters, _statistics, _add1ProjectionOutput, _add1ProjectionOutput);", text);
        // γ stands after the projection's 8x4 weights: offset 108 + 8 + 288 + 16 + 576 + 16 + 32.
        Assert.Contains("new global::System.Span<float>(_parameters, 1044, 8).Fill(1f);", text);
    }

    [Fact]
    public void The_batch_pass_cuts_a_segment_at_the_projections_BatchNorm()
    {
        string text = Generate();
        // Three BatchNorms and the projection's: five forward segments; the projection's moments, each sample's in its segment, combined between the last two.
        Assert.Contains("private void ForwardSegment4(", text);
        Assert.DoesNotContain("ForwardSegment5(", text);
        Assert.Contains("Add1NormMoments(_add1ProjectionOutput, _add1NormSample);", text);
        Assert.Contains("Add1NormAddSums(replicas[s]._add1NormSample, _add1NormBatch);", text);
        Assert.Contains("Add1NormNormalize(\n                _parameters,\n                _add1ProjectionOutput,\n                _add1ProjectionOutput,\n                _add1NormXhat,\n                owner._add1NormCoefficients);", text.Replace("\r\n", "\n"));
        Assert.Contains("Add1NormGradientSums(_add1OutputGrad, _add1NormXhat, _add1NormSample);", text);
        Assert.Contains("Add1NormAddGradientSums(replicas[s]._add1NormSample, _add1NormBatch);", text);
    }
}
