using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNets.Generator.Emit;
using StaticNets.Generator.Parsing;
using StaticNets.Generator.Shapes;
using StaticNets.Generator.Tests.Support;
using Xunit;

namespace StaticNets.Generator.Tests.Generation;

/// <summary>
/// A backward writes its input gradient where it is the first to reach it, and adds into it where another layer's
/// backward wrote it first (a tensor read by two layers). Here every backward is made to add, the generated code is
/// compiled and run, and each layer kind's added gradient is checked against the written one.
/// </summary>
public class GradientModeTests
{
    /// <summary>
    /// The layer under test sits between two dense layers. The first, without an activation, reads the tested layer's
    /// input gradient as its own output gradient and leaves it as it is; the last writes the tested layer's output gradient.
    /// </summary>
    public static TheoryData<string> Layers => new()
    {
        "[Dropout(0.5)]",
        "[ReLU]",
        "[LeakyReLU(0.1)]",
        "[GELU]",
        "[Sigmoid]",
        "[Tanh]",
        "[Softmax]",
        "[Dense(4)]",
        "[Dense(4, Activation = Activation.ReLU)]",
        "[Dense(4, Activation = Activation.GELU)]",
        "[Dense(4, Activation = Activation.Softmax)]",
        // Both terms are the first dense layer's output: the Add delivers dy into its gradient twice.
        "[Add(\"dense1\")]",
    };

    private const string Probe = """
        namespace Probe;

        public partial class Net
        {
            public float Run(float[] input, float[] target) => ComputeGradients(input, target);
        }
        """;

    private static string Source(string layer) =>
        $"using StaticNets;\nnamespace Probe;\n[Input(6)]\n[Dense(5)]\n{layer}\n[Dense(3)]\npublic partial class Net {{ }}\n";

    [Fact]
    public void The_plan_writes_every_input_gradient_while_each_tensor_has_one_reader()
    {
        var (spec, shape) = Analyse(GeneratedSourceTests.AllLayers);
        var plan = NetworkPlan.Build(spec, shape);
        Assert.Contains(plan.Contexts, c => c.NeedsInputGrad);
        Assert.All(plan.Contexts, c => Assert.False(c.AddsInputGrad, c.Layer.Name));
        Assert.All(NetworkPlan.Build(spec, shape, addEveryInputGrad: true).Contexts.Where(c => c.NeedsInputGrad && !c.FusedSoftmax && c.Layer.Type != Model.LayerType.Flatten),
            c => Assert.True(c.AddsInputGrad, c.Layer.Name));
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void A_backward_that_adds_gives_the_prefilled_gradient_plus_the_written_one(string layer)
    {
        string source = Source(layer);
        var (spec, shape) = Analyse(source);
        var writePlan = NetworkPlan.Build(spec, shape);
        var addPlan = NetworkPlan.Build(spec, shape, addEveryInputGrad: true);
        var tested = addPlan.Contexts[1];
        Assert.True(tested.AddsInputGrad);
        string shared = tested.InputGrad!; // the first dense layer's output gradient

        string writeCode = NetworkEmitter.Emit(spec, shape, writePlan);
        string addCode = NetworkEmitter.Emit(spec, shape, addPlan);
        Assert.NotEqual(writeCode, addCode);

        var input = new float[] { 0.5f, -1.25f, 2f, 0.75f, -0.5f, 1.5f };
        var target = new float[] { 0.25f, -0.5f, 1f };
        var prefill = new float[] { 0.3f, -0.7f, 1.1f, 0.05f, -2f };

        var (writeNet, writeType) = Instantiate(source, writeCode);
        var (addNet, addType) = Instantiate(source, addCode);
        Array.Copy(prefill, Field(addType, addNet, shared), prefill.Length);

        float writeLoss = Run(writeType, writeNet, input, target);
        float addLoss = Run(addType, addNet, input, target);
        Assert.Equal(writeLoss, addLoss);

        // The shared gradient: what the tested layer added to the prefill.
        var writeShared = Field(writeType, writeNet, shared);
        var addShared = Field(addType, addNet, shared);
        Assert.Contains(writeShared, v => v != 0f);
        for (int i = 0; i < prefill.Length; i++) Near(prefill[i] + writeShared[i], addShared[i], $"{shared}[{i}]");

        // The first dense layer's parameters see the prefill as extra output gradient: dW[u][i] += p[u] * x[i], db[u] += p[u].
        var writeGrad = Field(writeType, writeNet, "_gradients");
        var addGrad = Field(addType, addNet, "_gradients");
        var dense1 = shape.Layers[0];
        for (int u = 0; u < 5; u++)
        {
            for (int i = 0; i < 6; i++)
            {
                int at = dense1.ParameterOffset + u * 6 + i;
                Near(writeGrad[at] + prefill[u] * input[i], addGrad[at], $"dense1 dW[{u}][{i}]");
            }
            int bias = dense1.ParameterOffset + dense1.WeightCount + u;
            Near(writeGrad[bias] + prefill[u], addGrad[bias], $"dense1 db[{u}]");
        }
        // The later layers' gradients do not depend on the prefill.
        for (int at = dense1.ParameterCount; at < writeGrad.Length; at++) Assert.Equal(writeGrad[at], addGrad[at]);
    }

    private static void Near(float expected, float actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5f * Math.Max(1f, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    private static float Run(Type type, object net, float[] input, float[] target) =>
        (float)type.GetMethod("Run")!.Invoke(net, new object[] { input, target })!;

    private static float[] Field(Type type, object net, string name) =>
        (float[])type.GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(net)!;

    private static (Model.NetworkSpec Spec, Model.NetworkShape Shape) Analyse(string source)
    {
        var compilation = GeneratorHarness.Compile(source);
        var tree = compilation.SyntaxTrees.Single();
        var declaration = tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Single();
        var symbol = compilation.GetSemanticModel(tree).GetDeclaredSymbol(declaration)!;
        var spec = NetworkParser.Parse(symbol, CancellationToken.None);
        var shape = ShapeInference.Infer(spec);
        Assert.True(shape.CanEmit, string.Join("; ", shape.Diagnostics.Select(d => d.Message)));
        return (spec, shape);
    }

    private static int _assemblies;

    /// <summary>Compiles the network with the given generated file (no generator run), loads it, and makes a Probe.Net with seed 7.</summary>
    private static (object Net, Type Type) Instantiate(string source, string generated)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = GeneratorHarness.Compile(source, Probe)
            .WithAssemblyName("GradientMode" + Interlocked.Increment(ref _assemblies))
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText(generated, options, path: "Net.g.cs"));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        var type = Assembly.Load(stream.ToArray()).GetType("Probe.Net")!;
        return (Activator.CreateInstance(type, 7)!, type);
    }
}
