using System.Globalization;
using System.Text.RegularExpressions;
using StaticNets.Generator.Tests.Support;
using Xunit;

namespace StaticNets.Generator.Tests.Diagnostics;

/// <summary>
/// [Budget] (SN2008) agrees with what the generated class says of itself: <c>MultiplyAdds</c> and the total of
/// <c>Summary</c>'s memory line are exactly the largest budgets that pass, on several networks. And a layer's
/// <c>Name</c> replaces its default in <c>Summary</c> and <c>Info</c>, while members keep the default stem.
/// </summary>
public class BudgetAndNameTests
{
    public static TheoryData<string> Networks => new()
    {
        "[Input(10)][Dense(20)][Dense(5)]",
        """
        [Input(28, 28, 1)]
        [Conv2D(6, 5, Padding = 2, Activation = Activation.ReLU)] [MaxPool(2)]
        [Conv2D(16, 5, Activation = Activation.ReLU)] [MaxPool(2)]
        [Flatten] [Dense(120, Activation = Activation.ReLU)] [Dense(84, Activation = Activation.ReLU)]
        [Dense(10, Activation = Activation.Softmax)]
        """,
        "[Input(9, 9, 2)][Conv2D(4, 3, Stride = 2, Padding = 1, Activation = Activation.GELU)][AvgPool(1)][Dropout(0.5)][Flatten][Dense(6)][ReLU6][Dense(3)]",
        "[Input(16, 19, 2)][Conv2D(16, 3, Padding = 1, Activation = Activation.Tanh)][MaxPool(3, Stride = 2)][Flatten][Dense(3, Activation = Activation.Softmax)]",
        "[Input(5)][Dense(7)][Sigmoid][Dense(4, Activation = Activation.Tanh)][ReLU][Dense(3)]",
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void The_budget_that_just_fits_is_the_generated_MultiplyAdds_and_Summary_total(string layers)
    {
        var (multiplyAdds, bytes) = Generated(layers);
        Assert.True(multiplyAdds > 0 && bytes > 0);

        Assert.DoesNotContain(Analyze(layers, multiplyAdds, bytes), d => d.Id == "SN2008");
        var over = Analyze(layers, multiplyAdds - 1, bytes - 1).Where(d => d.Id == "SN2008").ToList();
        Assert.Equal(2, over.Count);
        Assert.Contains(over, d => d.GetMessage().Contains($"needs {multiplyAdds.ToString("N0", CultureInfo.InvariantCulture)} multiply-adds per sample"));
        Assert.Contains(over, d => d.GetMessage().Contains($"needs {bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes per instance"));
    }

    [Fact]
    public void A_budget_of_zero_is_no_limit_and_a_negative_one_is_SN1003()
    {
        Assert.Empty(Analyze("[Input(10)][Dense(20)]", 0, 0));
        var diagnostics = AnalyzerHarness.Analyze(Source("[Budget(MaxMultiplyAdds = -1)][Input(10)][Dense(20)]"));
        var d = AnalyzerHarness.Single(diagnostics, "SN1003");
        Assert.Equal("[Budget]: MaxMultiplyAdds = -1 must be at least 0 (0: no limit).", d.GetMessage());
        Assert.Equal("MaxMultiplyAdds = -1", AnalyzerHarness.SpanText(d));
    }

    [Fact]
    public void A_name_replaces_the_default_in_Summary_and_Info_and_members_keep_the_default_stem()
    {
        string text = GeneratedText("[Input(4)][Dense(3, Name = \"hidden\")][ReLU6(Name = \"clipped\")][Dense(2)]");

        Assert.Contains("\"hidden    Dense 3", text);
        Assert.Contains("\"clipped   ReLU6", text);
        Assert.Contains("\"dense2    Dense 2", text);
        Assert.Contains("Name = \"hidden\",", text);
        Assert.Contains("Name = \"clipped\",", text);
        Assert.Contains("Dense1Forward(", text);
        Assert.Contains("_dense1Output", text);
        Assert.DoesNotContain("HiddenForward", text);
        Assert.Contains("dense1 (named hidden): Dense 3.", text);
    }

    /// <summary>
    /// A rejected name (the layer keeps its default) and an exceeded budget break nothing in the generated code: the
    /// build fails on the SN error alone, and the members are the network's, not the throwing ones.
    /// </summary>
    [Theory]
    [InlineData("SN1005", "[Input(4)][Dense(3, Name = \"a\")][Dense(2, Name = \"a\")]")]
    [InlineData("SN2008", "[Budget(MaxMultiplyAdds = 1, MaxBytes = 1)][Input(4)][Dense(3)][Dense(2)]")]
    public void A_name_or_budget_error_leaves_the_generated_network_whole(string id, string layers)
    {
        var (output, run) = AnalyzerHarness.Generate(AnalyzerHarness.Compile(Source(layers)));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
        var errors = AnalyzerHarness.Analyze(output).Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, d => Assert.Equal(id, d.Id));
        string generated = Assert.Single(run.GeneratedTrees).ToString();
        Assert.DoesNotContain("has build errors", generated);
        Assert.Contains("Dense2Forward(", generated);
    }

    [Fact]
    public void Inference_keeps_the_default_as_the_member_name_and_the_given_one_as_the_label()
    {
        var (_, shape) = AnalyzerHarness.Infer(Source("[Input(4)][Dense(3, Name = \"dense2\")][ReLU6][Dense(2, Name = \"out\")][ReLU6(Name = \"out\")]"));

        Assert.Equal(["dense1", "relu6_1", "dense2", "relu6_2"], shape.Layers.Select(l => l.Name));
        Assert.Equal(["dense2", "relu6_1", "out", "relu6_2"], shape.Layers.Select(l => l.Label));
        var d = Assert.Single(shape.Diagnostics);
        Assert.Equal("relu6_2 (ReLU6): Name = \"out\" is already given to dense2 (Dense 2). Names are unique: choose another.", d.Message);
    }

    private static string Source(string layers) => $"using StaticNets;\n\n{layers}\npublic partial class N {{ }}\n";

    private static IEnumerable<Microsoft.CodeAnalysis.Diagnostic> Analyze(string layers, long multiplyAdds, long bytes) =>
        AnalyzerHarness.Analyze(Source($"[Budget(MaxMultiplyAdds = {multiplyAdds}, MaxBytes = {bytes})]" + layers)).Where(d => d.Id.StartsWith("SN"));

    private static string GeneratedText(string layers)
    {
        var (output, _) = AnalyzerHarness.Generate(AnalyzerHarness.Compile(Source(layers)));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
        return string.Join("\n", output.SyntaxTrees.Skip(1).Select(t => t.ToString()));
    }

    private static (long MultiplyAdds, long Bytes) Generated(string layers)
    {
        string text = GeneratedText(layers);
        long multiplyAdds = long.Parse(Regex.Match(text, @"public const long MultiplyAdds = (\d+);").Groups[1].Value, CultureInfo.InvariantCulture);
        long bytes = long.Parse(Regex.Match(text, @"B; ([\d,]+) B in all").Groups[1].Value.Replace(",", ""), CultureInfo.InvariantCulture);
        return (multiplyAdds, bytes);
    }
}
