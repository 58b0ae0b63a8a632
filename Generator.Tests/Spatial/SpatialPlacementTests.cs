using System.Reflection;
using Microsoft.CodeAnalysis;
using StaticNets.Generator.Tests.Support;
using Xunit;

namespace StaticNets.Generator.Tests.Spatial;

/// <summary>
/// Convolutions and poolings where the common networks do not put them: last (with the loss fused into its softmax,
/// or a GELU that keeps its linear output), first with nothing to differentiate, a window too large to unroll. The
/// generated file must compile without warnings, and a training step must give finite gradients that a second step
/// doubles (the backward adds into the parameter gradients).
/// </summary>
public class SpatialPlacementTests
{
    [Theory]
    [InlineData("[Input(6, 6, 2)] [Conv2D(3, 3, Activation = Activation.Softmax)]")]
    [InlineData("[Input(6, 6, 2)] [Conv2D(3, 3, Activation = Activation.GELU)]")]
    [InlineData("[Input(8, 8, 1)] [MaxPool(2)] [Conv2D(2, 3, Padding = 1, Activation = Activation.Tanh)] [AvgPool(2)]")]
    [InlineData("[Input(9, 9, 1)] [Conv2D(2, 3)] [MaxPool(3, Stride = 1)] [Conv2D(2, 2, Stride = 2)] [Flatten] [Dense(3)]")]
    [InlineData("[Input(12, 12, 2)] [Conv2D(2, 9, Padding = 1, Activation = Activation.Sigmoid)] [Conv2D(8, 3, Padding = 1)] [MaxPool(2)]")]
    public void The_network_compiles_and_its_gradients_add_up(string attributes)
    {
        string network = $"using StaticNets;\nnamespace P;\n{attributes}\npublic partial class N {{ }}\n";
        const string Runner = """
            namespace P;
            public static class Runner
            {
                public static float[] Gradients(float[] input, int steps)
                {
                    var net = new N(3);
                    var target = new float[N.OutputSize];
                    target[0] = 1f;
                    for (int s = 0; s < steps; s++)
                    {
                        if (N.Info.Loss == StaticNets.LossKind.CrossEntropy) net.ComputeGradients(input, 0);
                        else net.ComputeGradients(input, target);
                    }
                    return net.Gradients.ToArray();
                }
            }
            """;
        var (_, output, diagnostics) = GeneratorHarness.Run(network, Runner);
        Assert.Empty(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && !d.Id.StartsWith("SN3", StringComparison.Ordinal)));
        using var stream = new MemoryStream();
        var emitted = output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var runner = Assembly.Load(stream.ToArray()).GetType("P.Runner")!.GetMethod("Gradients")!;
        int inputSize = (int)runner.DeclaringType!.Assembly.GetType("P.N")!.GetField("InputSize")!.GetValue(null)!;
        var random = new Random(5);
        float[] input = Enumerable.Range(0, inputSize).Select(_ => (float)random.NextDouble()).ToArray();

        var once = (float[])runner.Invoke(null, [input, 1])!;
        var twice = (float[])runner.Invoke(null, [input, 2])!;
        Assert.All(once, g => Assert.True(float.IsFinite(g)));
        Assert.Contains(once, g => g != 0f);
        for (int i = 0; i < once.Length; i++)
        {
            Assert.True(MathF.Abs(twice[i] - 2 * once[i]) <= 1e-5f * (1 + MathF.Abs(once[i])), $"gradient {i}: {twice[i]} after two steps, {once[i]} after one");
        }
    }
}
