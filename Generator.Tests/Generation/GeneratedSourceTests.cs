using Microsoft.CodeAnalysis;
using StaticNets.Generator.Tests.Support;
using Xunit;

namespace StaticNets.Generator.Tests.Generation;

/// <summary>Snapshots of every generated file, and the promises the generated code keeps.</summary>
public class GeneratedSourceTests
{
    public const string LeNet5 = """
        using StaticNets;

        namespace Samples;

        [Input(28, 28, 1)]
        [Conv2D(6, 5, Padding = 2, Activation = Activation.ReLU)]
        [MaxPool(2)]
        [Conv2D(16, 5, Activation = Activation.ReLU)]
        [MaxPool(2)]
        [Flatten]
        [Dense(120, Activation = Activation.ReLU)]
        [Dense(84, Activation = Activation.ReLU)]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class LeNet5 { }
        """;

    /// <summary>Every layer kind and option: stride, padding, several channels, both poolings with stride != size, every activation inline and standalone, dropout.</summary>
    public const string AllLayers = """
        using StaticNets;

        namespace Samples;

        [Budget(MaxMultiplyAdds = 100000, MaxBytes = 100000)]
        [Input(9, 9, 2)]
        [Conv2D(4, 3, Stride = 2, Padding = 1, Activation = Activation.LeakyReLU, Init = Init.HeUniform, L2 = 0.001)]
        [MaxPool(3, Stride = 1)]
        [Conv2D(3, 2, Activation = Activation.GELU, L1 = 0.0001)]
        [AvgPool(2)]
        [Sigmoid]
        [Flatten]
        [Dense(8, Activation = Activation.Tanh, Init = Init.XavierNormal)]
        [Dropout(0.25)]
        [LeakyReLU(0.2)]
        [Dense(6, Name = "hidden")]
        [GELU]
        [ReLU]
        [ReLU6(Name = "clipped")]
        [Tanh]
        [Dense(4, Activation = Activation.Sigmoid)]
        [Dense(3)]
        [Softmax]
        public partial class AllLayers { }
        """;

    /// <summary>
    /// The convolution geometry: a rectangular kernel with "same" padding and per-axis strides (the keyword spotter's
    /// first layer), per-side pads with two groups, a depthwise "same" layer, per-axis strides.
    /// </summary>
    public const string Geometry = """
        using StaticNets;

        namespace Samples;

        [Input(49, 10, 1)]
        [Conv2D(8, 10, 4, Stride = 2, PaddingMode = PaddingMode.Same, Bias = false, Activation = Activation.ReLU)]
        [Conv2D(8, 3, 1, Pads = new[] { 1, 0, 1, 0 }, Groups = 2)]
        [DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Activation = Activation.ReLU)]
        [Conv2D(4, 1, 3, StrideHeight = 1, StrideWidth = 2, Pads = new[] { 0, 1, 0, 0 })]
        [Flatten]
        [Dense(12, Activation = Activation.Softmax)]
        public partial class Geometry { }
        """;

    /// <summary>
    /// Residual connections: an identity Add over two convolutions, a stride-2 Add with a 1x1 convolution projection
    /// (its scalar and vector paths as a convolution's), and a dense residual after global pooling.
    /// </summary>
    public const string Residual = """
        using StaticNets;

        namespace Samples;

        [Input(16, 16, 3)]
        [Conv2D(8, 3, Padding = 1, Activation = Activation.ReLU, Name = "a0")]
        [Conv2D(8, 3, Padding = 1)]
        [Add("a0")]
        [ReLU(Name = "a1")]
        [Conv2D(16, 2, Stride = 2, Activation = Activation.ReLU)]
        [Conv2D(16, 3, Padding = 1)]
        [Add("a1", Projection = Projection.Conv)]
        [ReLU]
        [GlobalAvgPool(Name = "pooled")]
        [Dense(16, Activation = Activation.Tanh)]
        [Add("pooled")]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class Residual { }
        """;

    [Fact]
    public void Network_with_residual_connections_matches_its_snapshot()
    {
        var (result, _, diagnostics) = GeneratorHarness.Run(Residual);
        Assert.Empty(diagnostics);
        Snapshot.Match("Residual", Assert.Single(result.GeneratedTrees).ToString());
    }

    [Fact]
    public void Network_with_the_convolution_geometry_matches_its_snapshot()
    {
        var (result, _, diagnostics) = GeneratorHarness.Run(Geometry);
        Assert.Empty(diagnostics);
        Snapshot.Match("Geometry", Assert.Single(result.GeneratedTrees).ToString());
    }

    [Fact]
    public void LeNet5_source_matches_its_snapshot()
    {
        var (result, _, diagnostics) = GeneratorHarness.Run(LeNet5);
        Assert.Empty(diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        var file = Assert.Single(result.GeneratedTrees);
        Assert.EndsWith("Samples.LeNet5.g.cs", file.FilePath);
        Snapshot.Match("LeNet5", file.ToString());
    }

    [Fact]
    public void Network_with_every_layer_kind_matches_its_snapshot()
    {
        var (result, _, diagnostics) = GeneratorHarness.Run(AllLayers);
        Assert.Empty(diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Snapshot.Match("AllLayers", Assert.Single(result.GeneratedTrees).ToString());
    }

    [Fact]
    public void LeNet5_summary_has_the_lecture_parameter_counts()
    {
        var (result, _, _) = GeneratorHarness.Run(LeNet5);
        string text = result.GeneratedTrees[0].ToString();
        Assert.Contains("conv1     Conv2D 6@5x5 s1 p2 ReLU     28x28x6          156", text);
        Assert.Contains("conv2     Conv2D 16@5x5 s1 p0 ReLU    10x10x16       2,416", text);
        Assert.Contains("total                                               61,706", text);
        Assert.Contains("public const int ParameterCount = 61706;", text);
    }

    [Fact]
    public void Generated_class_carries_the_table_in_its_doc_comment_for_hover()
    {
        var (result, output, _) = GeneratorHarness.Run(LeNet5);
        var type = output.GetTypeByMetadataName("Samples.LeNet5")!;
        string? xml = type.GetDocumentationCommentXml();
        Assert.NotNull(xml);
        Assert.Contains("61,706 parameters", xml);
        Assert.Contains("conv2     Conv2D 16@5x5 s1 p0 ReLU    10x10x16       2,416", xml);
        Assert.Contains("// conv1     Conv2D 6@5x5 s1 p2 ReLU", result.GeneratedTrees[0].ToString());
    }

    [Fact]
    public void Layer_methods_are_named_after_the_layers_and_windows_are_unrolled()
    {
        var (result, _, _) = GeneratorHarness.Run(LeNet5);
        string text = result.GeneratedTrees[0].ToString();
        foreach (var name in new[] { "Conv1Forward", "Conv1Backward", "Pool1Forward", "Pool1Backward", "Conv2Forward", "Conv2Backward", "Dense3Forward", "Dense3Backward" })
        {
            Assert.Contains($"internal static void {name}(", text);
            Assert.Contains($"LeNet5Layers.{name}(", text);
        }
        Assert.Contains("/// <summary>conv1: Conv2D 6@5x5, stride 1, padding 2, ReLU. 28x28x1 -> 28x28x6.</summary>", text);
        // The 5x5 window of conv1 is written out tap by tap, with constant offsets into the 32-wide padded rows.
        Assert.Contains("LoadUnsafe(ref xc, 132)", text); // ky = 4, kx = 4: 4 * 32 + 4
        // The first layer computes no input gradient; the second does.
        Assert.DoesNotContain(" dx", Signature(text, "Conv1Backward"));
        Assert.Contains("Span<float> dx", Signature(text, "Conv2Backward"));
    }

    /// <summary>The parameter list of a layer method, from its declaration to the closing parenthesis.</summary>
    private static string Signature(string text, string method)
    {
        int start = text.IndexOf($"internal static void {method}(", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{method} is not declared.");
        return text.Substring(start, text.IndexOf(')', start) - start);
    }

    [Fact]
    public void Generated_code_compiles_without_warnings_in_a_project_that_treats_them_as_errors()
    {
        var (_, output, diagnostics) = GeneratorHarness.Run(LeNet5, AllLayers.Replace("namespace Samples;", "namespace Samples.Other;"));
        Assert.Empty(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Equal(2, output.SyntaxTrees.Count() - 2);
    }

    [Fact]
    public void A_user_type_named_like_the_layers_class_does_not_capture_the_calls()
    {
        var (result, _, diagnostics) = GeneratorHarness.Run(LeNet5, "namespace Samples;\ninternal static class LeNet5Layers { public static void Conv1Forward() { } }");
        Assert.Empty(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Contains("file static class LeNet5Layers", Assert.Single(result.GeneratedTrees).ToString());
    }

    [Theory]
    [InlineData("public partial class Outer { [Input(4)] [Dense(2)] public partial class Net { } }", "Outer.Net")]
    [InlineData("internal partial class Net2 { } [Input(4)] [Dense(2)] internal partial class Net2 { }", "Net2")]
    [InlineData("public partial record Outer2 { [Input(4)] [Dense(2)] internal partial class Net { } }", "Outer2.Net")]
    public void Nested_and_split_declarations_get_code(string declaration, string typeName)
    {
        var (result, output, diagnostics) = GeneratorHarness.Run("using StaticNets;\nnamespace N;\n" + declaration);
        Assert.Empty(diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Single(result.GeneratedTrees);
        Assert.NotNull(output.GetTypeByMetadataName("N." + typeName.Replace('.', '+')));
    }

    [Fact]
    public void Global_namespace_network_gets_code()
    {
        var (result, _, diagnostics) = GeneratorHarness.Run("using StaticNets;\n[Input(4)] [Dense(2)] public partial class Tiny { }");
        Assert.Empty(diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.DoesNotContain("namespace", result.GeneratedTrees[0].ToString().Split('\n')[4]);
    }
}
