using Microsoft.CodeAnalysis;
using StaticNets.Generator.Tests.Support;
using Xunit;

namespace StaticNets.Generator.Tests.Diagnostics;

/// <summary>
/// Whatever the diagnostics, the generator emits every member it promises (bodies that throw where the network
/// is invalid), so user code compiles and the user sees only the analyzer's error, never CS8795 or CS0117;
/// and the class's documentation, what a hover shows, carries the network's table.
/// </summary>
public class GeneratedMembersTests
{
    /// <summary>Calls every member of the design's table, static and instance, and the generic INetwork contract.</summary>
    private const string User = """

        public static class Use
        {
            public static float Run(float[] x, float[] y, System.IO.Stream stream)
            {
                var n = new N(seed: 1);
                var m = new N();
                n.Forward(x, y);
                int digit = n.Predict(x);
                n.ZeroGradients();
                float loss = n.ComputeGradients(x, 3) + n.ComputeGradients(x, y);
                System.Span<float> p = n.Parameters, g = n.Gradients;
                TrainingReport report = n.Train(new Dataset(x, new int[1]), new TrainingOptions());
                Evaluation evaluation = n.Evaluate(new Dataset(x, new int[1]));
                n.Save("n.snw"); n.Save(stream);
                N a = N.Load("n.snw"), b = N.Load(stream);
                n.ExportOnnx("n.onnx"); n.ExportOnnx(stream);
                string summary = N.Summary;
                long multiplyAdds = N.MultiplyAdds;
                return loss + digit + N.InputSize + N.OutputSize + N.ParameterCount + multiplyAdds + Generic(m);
            }

            private static int Generic<T>(T network) where T : class, INetwork<T> => T.Create(2).Predict(new float[1]);
        }
        """;

    public static TheoryData<string, string> Invalid => new()
    {
        { "SN2005", "[Input(4, 4, 16)][Dense(120)]" },
        { "SN2003", "[Input(5, 5, 1)][Conv2D(6, 7)][Flatten][Dense(2)]" },
        { "SN2004", "[Input(784)][Conv2D(6, 5)]" },
        { "SN2006", "[Input(int.MaxValue, int.MaxValue, int.MaxValue)][Flatten][Dense(2)]" },
        { "SN2006", "[Input(100000)][Dense(100000)]" },
        { "SN1003", "[Input(28, 28, 1)][Conv2D(0, -5, Stride = 0)][Flatten][Dense(10)]" },
        { "SN1003", "[Input(10)][Dense(3, Activation = (Activation)42)]" },
        { "SN1002", "[Input(8)][Dense(3)][Input(9)]" },
        { "SN1002", "[Dense(3)][Input(8)]" },
        { "SN1004", "[Input(8)][Dense(3)] public partial class N { }\n[Dense(2)]" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_network_compiles_with_only_its_SN_error(string id, string attributes)
    {
        string source = $"using StaticNets;\n{attributes}\npublic partial class N {{ }}\n{User}";
        var (output, run) = AnalyzerHarness.Generate(AnalyzerHarness.Compile(source));
        var compilerErrors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(compilerErrors.Count == 0, "compiler errors: " + AnalyzerHarness.Describe(compilerErrors));
        var errors = AnalyzerHarness.Analyze(output).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, d => Assert.Equal(id, d.Id));

        // The members throw, naming the error.
        string generated = Assert.Single(run.GeneratedTrees).ToString();
        Assert.Contains($"throw new global::System.InvalidOperationException(\"N has build errors ({id}: ", generated);
    }

    [Fact]
    public void A_valid_network_compiles_with_no_diagnostic_at_all()
    {
        string source = "using StaticNets;\n[Input(4, 4, 1)][Conv2D(2, 3, Padding = 1)][MaxPool(2)][Flatten][Dense(3, Activation = Activation.Softmax)]\npublic partial class N { }\n" + User;
        var (output, _) = AnalyzerHarness.Generate(AnalyzerHarness.Compile(source));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Empty(AnalyzerHarness.Analyze(output));
    }

    [Fact]
    public void The_class_documentation_that_a_hover_shows_carries_the_summary_table()
    {
        string source = """
            using StaticNets;

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
        var (output, _) = AnalyzerHarness.Generate(AnalyzerHarness.Compile(source));
        string xml = output.GetTypeByMetadataName("LeNet5")!.GetDocumentationCommentXml() ?? "";
        Assert.Contains("<summary>", xml);
        Assert.Contains("61,706", xml);
        string[] rows = xml.Split('\n');
        foreach (var (layer, shape) in new[] { ("conv1", "28x28x6"), ("pool1", "14x14x6"), ("conv2", "10x10x16"), ("pool2", "5x5x16"), ("dense3", "10") })
        {
            Assert.Contains(rows, row => row.TrimStart().StartsWith(layer + " ", StringComparison.Ordinal) && row.Contains(" " + shape + " "));
        }
    }

    [Fact]
    public void The_documentation_of_an_invalid_network_carries_its_errors()
    {
        string source = "using StaticNets;\n[Input(28, 28, 1)][Conv2D(6, 5, Stride = 2)][Dense(10)]\npublic partial class N { }\n";
        var (output, _) = AnalyzerHarness.Generate(AnalyzerHarness.Compile(source));
        string xml = output.GetTypeByMetadataName("N")!.GetDocumentationCommentXml() ?? "";
        Assert.Contains("SN2005: dense1 (Dense 10) on 12x12x6: a dense layer needs a flat input.", xml);
    }
}
