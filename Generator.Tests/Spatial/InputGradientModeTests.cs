using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticNets.Generator.Emit;
using StaticNets.Generator.Model;
using StaticNets.Generator.Tests.Support;
using Xunit;

namespace StaticNets.Generator.Tests.Spatial;

/// <summary>
/// The two ways a convolution or pooling backward stores its input gradient: written (the first backward to reach a
/// tensor) or added into what another layer's backward already wrote there. Each layer is emitted both ways into a
/// class of its own (its methods are static and take every buffer as a parameter), compiled in memory and run on the
/// scalar, Vector256 and Vector512 paths: the added dx must be the prefilled dx plus the written one, with the same
/// weight gradients.
/// </summary>
public class InputGradientModeTests
{
    public static TheoryData<string, string[]> Layers => new()
    {
        // Stride 1 with the filters across the lanes (K = 8), then with wide-row dot products and a GELU kept linear.
        { "[Input(12, 12, 3)] [Conv2D(8, 3, Padding = 1, Activation = Activation.ReLU)]", ["Vector512", "Vector256", "Scalar"] },
        { "[Input(8, 8, 2)] [Conv2D(16, 3, Padding = 1)]", ["Vector512", "Vector256", "Scalar"] },
        { "[Input(10, 10, 2)] [Conv2D(3, 5, Padding = 2, Activation = Activation.GELU)]", ["Vector512", "Vector256", "Scalar"] },
        // A window over 7x7 loops instead of being unrolled; stride 2's vector paths run the stride-1 backward over dz dilated.
        { "[Input(10, 10, 1)] [Conv2D(2, 8, Padding = 3)]", ["Vector512", "Vector256", "Scalar"] },
        { "[Input(9, 9, 2)] [Conv2D(4, 3, Stride = 2, Padding = 1, Activation = Activation.LeakyReLU)]", ["Vector512", "Vector256", "Scalar"] },
        // 1x1 kernels, as an [Add]'s projection uses them: stride 1 (wide rows) and stride 2.
        { "[Input(6, 6, 3)] [Conv2D(8, 1)]", ["Vector512", "Vector256", "Scalar"] },
        { "[Input(8, 8, 2)] [Conv2D(8, 1, Stride = 2)]", ["Vector512", "Vector256", "Scalar"] },
        // Tiled 2x2 max windows: Vector256 blocks with a tail of two, exact blocks, Vector128 with a tail, uncovered edges.
        { "[Input(20, 20, 2)] [MaxPool(2)]", ["Vector256", "Scalar"] },
        { "[Input(16, 16, 1)] [MaxPool(2)]", ["Vector256", "Scalar"] },
        { "[Input(10, 10, 3)] [MaxPool(2)]", ["Vector128", "Scalar"] },
        { "[Input(9, 9, 2)] [MaxPool(2)]", ["Vector128", "Scalar"] },
        // Tiled 3x3 windows, overlapping windows, average pooling: one path each.
        { "[Input(9, 9, 2)] [MaxPool(3)]", [] },
        { "[Input(5, 5, 4)] [MaxPool(3, Stride = 1)]", [] },
        { "[Input(8, 8, 2)] [AvgPool(2)]", [] },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void Adding_into_dx_gives_the_prefilled_values_plus_the_written_gradient_on_every_path(string attributes, string[] variants)
    {
        var shape = AnalyzerHarness.Infer($"using StaticNets;\n{attributes}\npublic partial class N {{ }}\n").Shape;
        Assert.True(shape.CanEmit);
        var layer = shape.Layers[0];
        var (writes, adds) = Compile(layer, shape.ParameterCount);
        var methods = writes.Assembly.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.NonPublic | BindingFlags.Static)).Select(m => m.Name).ToList();
        foreach (string variant in variants)
        {
            Assert.Contains($"{layer.Member}Backward{variant}", methods);
        }
        Check(layer, shape.ParameterCount, writes, adds, "layers class");
    }

    private static void Check(LayerShape layer, int parameterCount, Type writes, Type adds, string mode)
    {
        var random = new Random(17);
        float[] parameters = Values(random, parameterCount);
        float[] x = Values(random, layer.In.Size);
        float[] dy = Values(random, layer.Out.Size);
        float[] prefill = Values(random, layer.In.Size);
        float[]? reference = null;
        foreach (var (enabled, wide) in new[] { (false, false), (true, false), (true, true) })
        {
            var written = Run(writes, enabled, wide, parameters, x, dy, Enumerable.Repeat(float.NaN, layer.In.Size).ToArray());
            var added = Run(adds, enabled, wide, parameters, x, dy, (float[])prefill.Clone());
            string path = $"{(!enabled ? "scalar" : wide ? "Vector512" : "Vector256")} path ({mode})";
            for (int i = 0; i < prefill.Length; i++)
            {
                float expected = prefill[i] + written.Dx[i];
                Assert.True(MathF.Abs(added.Dx[i] - expected) <= 1e-5f * (1 + MathF.Abs(expected)),
                    $"{layer.Name} on the {path}: dx[{i}] added is {added.Dx[i]}, prefill {prefill[i]} + written {written.Dx[i]} = {expected}");
            }
            Assert.Equal(written.Gradients, added.Gradients);

            // Every path computes the same gradient, up to the order of the additions.
            reference ??= written.Dx;
            for (int i = 0; i < reference.Length; i++)
            {
                Assert.True(MathF.Abs(written.Dx[i] - reference[i]) <= 1e-4f * (1 + MathF.Abs(reference[i])),
                    $"{layer.Name}: dx[{i}] is {written.Dx[i]} on the {path}, {reference[i]} on the scalar path");
            }
        }
    }

    private static float[] Values(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    private sealed record Result(float[] Dx, float[] Gradients);

    private static Result Run(Type type, bool enabled, bool wide, float[] parameters, float[] x, float[] dy, float[] dx)
    {
        var paths = type.Assembly.GetType("Probe.Simd")!;
        paths.GetField("IsEnabled")!.SetValue(null, enabled);
        paths.GetField("UseVector512")!.SetValue(null, wide);
        object layer = Activator.CreateInstance(type)!;
        void Set(string name, float[] values) => values.CopyTo((float[])type.GetField(name)!.GetValue(layer)!, 0);
        Set("_parameters", parameters);
        Set("_x", x);
        Set("_dx", dx);
        type.GetMethod("Forward")!.Invoke(layer, null);
        Set("_dy", dy);
        type.GetMethod("Backward")!.Invoke(layer, null);
        return new Result((float[])type.GetField("_dx")!.GetValue(layer)!, (float[])type.GetField("_gradients")!.GetValue(layer)!);
    }

    /// <summary>
    /// The layer's methods in a class per mode, with its buffers as fields and <c>Forward()</c> and <c>Backward()</c>
    /// making the calls the network's passes make; the methods sit in a file-local layers class under the usings the
    /// generated file gives that class, as in a network's file. The dispatch reads <c>Probe.Simd</c> instead of the
    /// runtime's switches (in the file's own namespace, it takes precedence over the usings), so that each path runs
    /// without touching the process-wide ones.
    /// </summary>
    private static (Type Writes, Type Adds) Compile(LayerShape layer, int parameterCount)
    {
        var source = new StringBuilder();
        foreach (string ns in RuntimeNames.LayerUsings)
        {
            source.Append($"using {ns};\n");
        }
        source.Append("namespace Probe;\n\npublic static class Simd\n{\n    public static bool IsEnabled;\n    public static bool UseVector512;\n}\n");
        foreach (bool adds in new[] { false, true })
        {
            string name = adds ? "Adds" : "Writes";
            var context = new LayerContext(layer, 1)
            {
                Input = "_x", Output = "_y", OutputGrad = "_dy", InputGrad = "_dx", HasParametersUpToHere = true, AddsInputGrad = adds,
                LayersClass = name + "Layers",
            };
            var emitter = LayerEmitter.For(layer.Type);
            var w = new SourceWriter();
            w.Open($"public sealed class {name}");
            w.Line($"public float[] _parameters = new float[{parameterCount}];");
            w.Line($"public float[] _gradients = new float[{parameterCount}];");
            w.Line($"public float[] _x = new float[{layer.In.Size}];");
            w.Line($"public float[] _dx = new float[{layer.In.Size}];");
            w.Line($"public float[] _y = new float[{layer.Out.Size}];");
            w.Line($"public float[] _dy = new float[{layer.Out.Size}];");
            foreach (var (field, length, type) in emitter.Buffers(context)) w.Line($"public {type}[] {field} = new {type}[{length}];");
            w.Member("public void Forward()", emitter.ForwardCall(context).TrimEnd(';'));
            w.Member("public void Backward()", emitter.BackwardCall(context)!.TrimEnd(';'));
            w.Close();
            w.Open($"file static class {context.LayersClass}");
            emitter.Forward(w, context);
            emitter.Backward(w, context);
            w.Close();
            source.Append(w);
        }

        string text = source.ToString();
        // Only what the layers class's usings do not cover stays qualified, and every line fits in 160 characters.
        Assert.All(text.Split('\n'), line => Assert.True(line.Length <= 160, $"{line.Length} characters: {line}"));
        Assert.DoesNotContain("global::System.Runtime.Intrinsics", text);
        Assert.DoesNotContain("global::System.Span", text);
        var compilation = CSharpCompilation.Create(
            "Probe" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(text, new CSharpParseOptions(LanguageVersion.Latest))],
            AnalyzerHarness.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)) + "\n" + text);
        var assembly = Assembly.Load(stream.ToArray());
        return (assembly.GetType("Probe.Writes")!, assembly.GetType("Probe.Adds")!);
    }
}
