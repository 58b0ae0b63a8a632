using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNets.Generator.Tests.Support;
using Xunit;

namespace StaticNets.Generator.Tests.Diagnostics;

/// <summary>
/// The whole build as the compiler runs it: user code, the generator's output and the analyzer together.
/// What a user sees: SN2001 as an error on the attribute's line; lowered in .editorconfig, a warning and
/// working code that follows PyTorch's floor.
/// </summary>
public class BuildTests
{
    private const string StrideTwo = """
        using StaticNets;

        [Input(28, 28, 1)]
        [Conv2D(6, 5, Stride = 2{0})]
        [Flatten]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class N { }

        public static class Use
        {
            public static int Run(float[] image) => new N(seed: 1).Predict(image) + N.OutputSize;
        }
        """;

    private static string Source(string padding = "") => StrideTwo.Replace("{0}", padding);

    private static IEnumerable<Diagnostic> Errors(IEnumerable<Diagnostic> diagnostics) => diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

    [Fact]
    public void SN2001_is_an_error_on_the_line_of_the_attribute_and_nothing_else_fails()
    {
        var (output, _) = AnalyzerHarness.Generate(AnalyzerHarness.Compile(Source()));
        Assert.Empty(Errors(output.GetDiagnostics()));
        var diagnostic = Assert.Single(Errors(AnalyzerHarness.Analyze(output)));
        Assert.Equal("SN2001", diagnostic.Id);
        var line = diagnostic.Location.GetLineSpan();
        Assert.Equal(3, line.StartLinePosition.Line); // 0-based: the [Conv2D] line
        // As the command line prints it.
        Assert.StartsWith("/src/Test0.cs(4,15): error SN2001: conv1 (Conv2D 5x5, stride 2) on 28x28x1: (28 - 5 + 2*0) = 23 is not a multiple of 2;", diagnostic.ToString());
    }

    [Theory]
    [InlineData("root = true\n\n[*.cs]\ndotnet_diagnostic.SN2001.severity = warning\n", "", 12)]
    [InlineData("root = true\n\n[*.cs]\ndotnet_diagnostic.SN2001.severity = warning\n", ", Padding = 2", 14)]
    [InlineData("is_global = true\ndotnet_diagnostic.SN2001.severity = warning\n", "", 12)]
    [InlineData("root = true\n\n[*.cs]\ndotnet_diagnostic.SN2001.severity = none\n", ", Padding = 2", 14)]
    public void Lowered_in_editorconfig_SN2001_leaves_a_build_without_errors_and_code_that_floors(string editorConfig, string padding, int side)
    {
        var compilation = AnalyzerHarness.Compile(Source(padding), editorConfig);
        var (output, run) = AnalyzerHarness.Generate(compilation);
        Assert.Empty(Errors(output.GetDiagnostics()));
        var analyzer = AnalyzerHarness.Analyze(output);
        Assert.Empty(Errors(analyzer));
        // With padding, only trailing padding goes unread: that is the warning SN3004 whatever SN2001's severity.
        string warning = padding.Length == 0 ? "SN2001" : "SN3004";
        if (editorConfig.Contains("warning") || padding.Length > 0) Assert.Equal(warning, Assert.Single(analyzer, d => d.Severity == DiagnosticSeverity.Warning).Id);

        // The generated network is the floored one: conv1 is side x side x 6, the output 10.
        var n = output.GetTypeByMetadataName("N")!;
        Assert.Equal(784, Constant(n, "InputSize"));
        Assert.Equal(10, Constant(n, "OutputSize"));
        Assert.Equal(6 * 25 + 6 + side * side * 6 * 10 + 10, Constant(n, "ParameterCount"));
        string generated = Assert.Single(run.GeneratedTrees).ToString();
        Assert.Contains($"{side}x{side}x6", generated);
    }

    [Fact]
    public void The_diagnostics_are_source_locations_so_pragma_suppresses_them()
    {
        string source = Source().Replace("[Conv2D(", "#pragma warning disable SN2001\n[Conv2D(").Replace("[Flatten]", "#pragma warning restore SN2001\n[Flatten]");
        var (output, _) = AnalyzerHarness.Generate(AnalyzerHarness.Compile(source));
        Assert.Empty(AnalyzerHarness.Analyze(output));
        Assert.Empty(Errors(output.GetDiagnostics()));
    }

    private static object? Constant(INamedTypeSymbol type, string name) =>
        type.GetMembers(name).OfType<IFieldSymbol>().Single().ConstantValue;
}
