using Microsoft.CodeAnalysis;
using StaticNets.Generator.Tests.Support;
using Xunit;

namespace StaticNets.Generator.Tests.Generation;

/// <summary>The generated file of a small BatchNorm network: its snapshot, and what its batch training pass promises.</summary>
public class BatchNormSourceTests
{
    /// <summary>A BatchNorm per channel after a convolution, dropout, and a BatchNorm per feature after a dense layer.</summary>
    public const string BatchNorm = """
        using StaticNets;

        namespace Samples;

        [Input(8, 8, 1)]
        [Conv2D(4, 3, Padding = 1, Bias = false)]
        [BatchNorm]
        [ReLU]
        [MaxPool(2)]
        [Flatten]
        [Dropout(0.2)]
        [Dense(10)]
        [BatchNorm(Momentum = 0.05, Epsilon = 1e-3)]
        [ReLU]
        [Dense(3, Activation = Activation.Softmax)]
        public partial class SmallBatchNorm { }
        """;

    private static string Generate()
    {
        var (result, _, diagnostics) = GeneratorHarness.Run(BatchNorm);
        Assert.Empty(diagnostics);
        return Assert.Single(result.GeneratedTrees).ToString();
    }

    [Fact]
    public void Small_batchnorm_network_matches_its_snapshot() => Snapshot.Match("BatchNorm", Generate());

    [Fact]
    public void The_summary_counts_gamma_beta_and_the_statistics()
    {
        string text = Generate();
        Assert.Contains("bn1       BatchNorm 4", text);
        Assert.Contains("public const int StatisticsCount = 28;", text); // 2*4 + 2*10
        Assert.Contains("statistics: 28 BatchNorm running means and variances", text);
        Assert.Contains("statistics 112 B", text);
    }

    [Fact]
    public void Training_runs_the_segments_through_the_batch_runner_and_has_no_per_sample_backward()
    {
        string text = Generate();
        Assert.Contains("ForwardSegment2(", text);
        Assert.Contains("BackwardSegment0(", text);
        Assert.Contains("global::StaticNets.__Internals.BatchRunner.For(count, this, static (net, s) => net._replicas![s].ForwardSegment1(net));", text);
        Assert.DoesNotContain("private void BackwardCore(", text);
        // The flat BatchNorm refuses a batch of one, naming itself.
        Assert.Contains("bn2 (BatchNorm over 10 features)", text);
    }

    /// <summary>The segments' edge cases: BatchNorm first, last, twice in a row, after a global pool, on 1x1 images, after dropout.</summary>
    [Theory]
    [InlineData("[Input(10)][BatchNorm][Dense(4)][BatchNorm]")]
    [InlineData("[Input(6, 6, 2)][Conv2D(3, 3)][BatchNorm][BatchNorm(Momentum = 0.5)][GlobalAvgPool][BatchNorm][Dense(2, Activation = Activation.Softmax)]")]
    [InlineData("[Input(4, 4, 1)][Dropout(0.5)][Conv2D(2, 4)][BatchNorm][Flatten][Dense(3)]")]
    [InlineData("[Input(5, 5, 1)][ReLU][BatchNorm][MaxPool(5)][Flatten][Dense(2, Activation = Activation.Softmax)]")]
    public void Batchnorm_anywhere_compiles_without_a_diagnostic(string layers)
    {
        var (result, _, diagnostics) = GeneratorHarness.Run($"using StaticNets;\nnamespace Samples;\n{layers}\npublic partial class Edge {{ }}\n");
        Assert.Empty(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Contains("private float BatchCore(int count)", Assert.Single(result.GeneratedTrees).ToString());
    }

    [Fact]
    public void Without_batchnorm_the_batch_gradients_are_per_sample_calls()
    {
        var (result, _, _) = GeneratorHarness.Run(GeneratedSourceTests.LeNet5);
        string text = Assert.Single(result.GeneratedTrees).ToString();
        Assert.Contains("loss += ComputeGradients(inputs.Slice(s * InputSize, InputSize), labels[s]);", text);
        Assert.Contains("public global::System.Span<float> Statistics => global::System.Span<float>.Empty;", text);
        Assert.DoesNotContain("Segment", text);
    }
}
