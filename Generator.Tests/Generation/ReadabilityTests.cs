using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticNets.Generator.Emit;
using StaticNets.Generator.Tests.Support;
using Xunit;

namespace StaticNets.Generator.Tests.Generation;

/// <summary>The promises the generated file keeps to a person reading it, measured on LeNet-5 and the every-layer network.</summary>
public class ReadabilityTests
{
    private const int MaxLine = 160;
    private const int MaxGlobalInLeNet5 = 300;

    public static TheoryData<string, string> Networks => new()
    {
        { "LeNet5", GeneratedSourceTests.LeNet5 },
        { "AllLayers", GeneratedSourceTests.AllLayers },
        { "SmallBatchNorm", BatchNormSourceTests.BatchNorm },
        { "Residual", GeneratedSourceTests.Residual },
        { "ResBn", ProjectionBatchNormSourceTests.ResidualBatchNorm },
        // A long class name in a long namespace: the members that name the class wrap instead of running past 160.
        { "ResidualKeywordSpotterWithBatchNormalisedShortcuts", ProjectionBatchNormSourceTests.ResidualBatchNorm
            .Replace("namespace Samples;", "namespace Samples.KeywordSpotting.OnDevice.Experiments;")
            .Replace("class ResBn", "class ResidualKeywordSpotterWithBatchNormalisedShortcuts") },
        // Wider layers (buffer lengths of three and four digits) in a namespace: field comments and batch-training calls wrap.
        { "OracleResNet8", ProjectionBatchNormSourceTests.ResidualBatchNorm
            .Replace("namespace Samples;", "namespace StaticNets.Tests.Oracle;")
            .Replace("Conv2D(8, ", "Conv2D(64, ").Replace("Conv2D(4, ", "Conv2D(32, ")
            .Replace("class ResBn", "class OracleResNet8") },
        // A standalone activation last, with a long buffer name, in a namespace: Predict's return wraps.
        { "WinogradChainPads", "using StaticNets;\n\nnamespace StaticNets.Tests.Numerics;\n\n"
            + "[Input(8, 8, 2)]\n[Conv2D(4, 3, Padding = 1)]\n[BatchNorm]\n[LeakyReLU]\npublic partial class WinogradChainPads { }\n" },
        // The small-plane paths of a separable block: a 1x1 across the channels on a whole 3x3 plane (18 accumulators),
        // handing its output to a depthwise chain, and that chain's own stores.
        { "SeparableSmallPlane", "using StaticNets;\n\nnamespace StaticNets.Tests.Numerics;\n\n"
            + "[Input(3, 3, 32)]\n[Conv2D(32, 1, Bias = false)]\n[BatchNorm]\n[ReLU]\n"
            + "[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)]\n[BatchNorm]\n[ReLU]\n[GlobalAvgPool]\n[Dense(2)]\n"
            + "public partial class SeparableSmallPlane { }\n" },
    };

    private static string Generate(string source)
    {
        var (result, _, diagnostics) = GeneratorHarness.Run(source);
        Assert.Empty(diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        return Assert.Single(result.GeneratedTrees).ToString();
    }

    private static string[] Lines(string text) => text.Replace("\r\n", "\n").Split('\n');

    [Theory]
    [MemberData(nameof(Networks))]
    public void No_line_is_longer_than_160_characters(string name, string source)
    {
        var lines = Lines(Generate(source));
        var longest = lines.Select((text, index) => (text, index)).MaxBy(l => l.text.Length);
        Assert.True(
            longest.text.Length <= MaxLine,
            $"{name}: line {longest.index + 1} has {longest.text.Length} characters: {longest.text.Trim()}");
    }

    [Fact]
    public void LeNet5_names_at_most_300_types_in_full()
    {
        string text = Generate(GeneratedSourceTests.LeNet5);
        int count = Regex.Matches(text, "global::").Count;
        Assert.True(count <= MaxGlobalInLeNet5, $"LeNet5's generated file writes global:: {count} times (at most {MaxGlobalInLeNet5}).");
        // The layer bodies import their namespaces: global:: belongs to the partial class alone.
        Assert.DoesNotContain("global::", LayersClass(text));
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Each_line_holds_one_statement(string name, string source)
    {
        foreach (var (line, index) in Lines(Generate(source)).Select((l, i) => (l, i)))
        {
            string code = Regex.Replace(line, "\"(\\\\.|[^\"\\\\])*\"", "\"\""); // string literals
            int comment = code.IndexOf("//", StringComparison.Ordinal);
            if (comment >= 0) code = code.Substring(0, comment);
            code = code.Trim();
            if (code.StartsWith("for (", StringComparison.Ordinal)) continue; // a for header's two semicolons
            Assert.True(code.Count(ch => ch == ';') <= 1, $"{name}: line {index + 1} holds more than one statement: {line.Trim()}");
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Every_buffer_field_says_what_it_holds_and_its_shape(string name, string source)
    {
        // The comment ends the field's line, or stands on the line above where both would pass 160 characters.
        var lines = Lines(Generate(source));
        var fields = lines.Select((l, i) => l.TrimEnd().EndsWith("];", StringComparison.Ordinal) && i > 0 ? lines[i - 1].Trim() + " " + l.Trim() : l)
            .Where(l => l.Contains("private readonly float[] _", StringComparison.Ordinal) && l.Contains("= new float[", StringComparison.Ordinal))
            .Select(l => l.StartsWith("// ", StringComparison.Ordinal) ? l.Substring(l.IndexOf("private", StringComparison.Ordinal)) + " " + l.Substring(0, l.IndexOf(" private", StringComparison.Ordinal)) : l)
            .ToList();
        Assert.NotEmpty(fields);
        Assert.All(fields, f => Assert.Matches(@"= new float\[\w+\]; // \w+ .*\[\d+\]", f));
        if (name == "LeNet5")
        {
            Assert.Contains(fields, f => f.EndsWith("_conv1Output = new float[4704]; // conv1 output [6][28][28]", StringComparison.Ordinal));
            Assert.Contains(fields, f => f.EndsWith("_dense1Tile = new float[960]; // dense1 tile [8][120]", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Layer_bodies_read_no_field_only_their_parameters(string name, string source)
    {
        string layers = LayersClass(Generate(source));
        Assert.Contains($"file static class {name}Layers", layers);
        var fields = Regex.Matches(layers, @"(?<![\w.])_[a-z]\w*").Select(m => m.Value).Distinct().ToList();
        Assert.True(fields.Count == 0, $"{name}: the layer bodies name fields: {string.Join(", ", fields)}");
        Assert.DoesNotContain("this.", layers);
    }

    [Fact]
    public void Every_public_member_is_declared_by_valid_and_invalid_networks_alike()
    {
        string valid = Generate(GeneratedSourceTests.LeNet5);
        var (result, _, _) = GeneratorHarness.Run("using StaticNets;\nnamespace Samples;\n[Input(4, 4, 16)][Dense(120)] public partial class LeNet5 { }");
        string invalid = Assert.Single(result.GeneratedTrees).ToString();
        Assert.Contains("has build errors", invalid);
        // A long declaration is written on two lines: compare with runs of white space made one space.
        static string Spaced(string text) => Regex.Replace(text, @"\s+", " ");
        valid = Spaced(valid);
        invalid = Spaced(invalid);
        foreach (var member in PublicMembers.All)
        {
            string declaration = Spaced(PublicMembers.Declaration("LeNet5", member));
            Assert.Contains(declaration, valid);
            Assert.Contains(declaration + " => throw new global::System.InvalidOperationException(", invalid);
        }
    }

    [Fact]
    public void Doc_comments_compile_without_warnings_where_the_project_writes_documentation()
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose);
        var sources = new[] { GeneratedSourceTests.LeNet5, GeneratedSourceTests.AllLayers.Replace("namespace Samples;", "namespace Samples.Other;") };
        var compilation = CSharpCompilation.Create(
            "Documented",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, options, path: $"Network{i}.cs")),
            GeneratorHarness.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        CSharpGeneratorDriver.Create([new NetworkGenerator().AsSourceGenerator()], parseOptions: options)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        Assert.Equal(4, output.SyntaxTrees.Count());
        var warnings = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree?.FilePath.EndsWith(".g.cs") == true);
        Assert.Empty(warnings.Select(d => d.ToString()));
    }

    /// <summary>The text from the file-local layers class to the end of the file.</summary>
    private static string LayersClass(string text)
    {
        int at = text.IndexOf("namespace StaticNets.Generated", StringComparison.Ordinal);
        Assert.True(at >= 0, "The file has no StaticNets.Generated part.");
        return text.Substring(at);
    }
}
