using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using StaticNets.Generator.Tests.Support;
using Xunit;

namespace StaticNets.Generator.Tests.Robustness;

/// <summary>
/// The limit of 1 GiB per instance holds for what the generated code really allocates: for random large
/// networks (sizes drawn log-uniformly so that many land near the limit), every network that gets code states in
/// its <c>Summary</c> a total of parameters, gradients and activation buffers of at most 1 GiB. Only the generator
/// runs (no compilation), so hundreds of networks take a second or two.
/// </summary>
public class MemoryLimitTests
{
    private const long Limit = 1L << 30;

    [Fact]
    public void Every_network_that_gets_code_fits_in_the_stated_limit()
    {
        const int Networks = 300, PerCompilation = 100;
        var random = new Random(20240611);
        var sources = Enumerable.Range(0, Networks).Select(i => (Seed: 9500 + i, Text: LargeNetwork(9500 + i, random))).ToList();

        int emitted = 0, near = 0;
        var over = new List<string>();
        foreach (var chunk in sources.Chunk(PerCompilation))
        {
            var compilation = GeneratorHarness.Compile(chunk.Select(c => c.Text).ToArray());
            var result = GeneratorHarness.Driver().RunGenerators(compilation).GetRunResult();
            Assert.All(result.Results, r => Assert.Null(r.Exception));
            foreach (var (seed, text) in chunk)
            {
                var tree = Assert.Single(result.GeneratedTrees, t => t.FilePath.EndsWith($"Case{seed}.Net.g.cs", StringComparison.Ordinal));
                string generated = tree.ToString();
                if (generated.Contains("has build errors", StringComparison.Ordinal)) continue;
                emitted++;
                long bytes = HugeNetworkTests.InstanceBytes(generated);
                if (bytes > Limit / 4) near++;
                if (bytes > Limit) over.Add($"{bytes:N0} B without SN2006:\n{text}");
            }
        }
        Assert.True(over.Count == 0, $"{over.Count} networks exceed 1 GiB per instance:\n{string.Join("\n", over.Take(5))}");
        // The draw must reach the neighbourhood of the limit for the check to mean anything.
        Assert.True(emitted >= Networks / 4 && near >= 10, $"only {emitted} networks got code, {near} of them above 256 MiB");
    }

    /// <summary>
    /// The convolution's scratch buffers have one source: the lengths the generated fields get are those
    /// <see cref="Layers.Conv2DBuffers"/> computes, which the SN2006 bound adds up. Stride 1 and 2, filters that fill
    /// the vector lanes (the transposed gradient) and not, padding, a first layer (no input gradient) or not, and the
    /// Winograd forward's scratch (conv2 of the last case) beside convolutions too small for it.
    /// </summary>
    [Theory]
    [InlineData("[Input(28, 28, 1)][Conv2D(6, 5, Padding = 2)][MaxPool(2)][Conv2D(16, 5)][MaxPool(2)][Flatten][Dense(10)]")]
    [InlineData("[Input(13, 17, 3)][Conv2D(8, 3, Stride = 2)][Conv2D(5, 3, Padding = 1, Activation = Activation.GELU)][Flatten][Dense(4)]")]
    [InlineData("[Input(10, 10, 2)][MaxPool(2)][Conv2D(8, 3)][Flatten][Dense(2)]")]
    [InlineData("[Input(20, 20, 4)][Conv2D(24, 7, Padding = 3)][Conv2D(16, 1)][Conv2D(3, 4, Stride = 2, Padding = 1)]")]
    [InlineData("[Input(17, 15, 3)][Conv2D(8, 3, Padding = 1)][Conv2D(12, 3, Padding = 1, Activation = Activation.ReLU)][Conv2D(12, 3)][Flatten][Dense(2)]")]
    public void The_emitted_convolution_buffers_are_the_lengths_the_memory_bound_counts(string layers)
    {
        string source = $"using StaticNets;\n{layers}\npublic partial class N {{ }}\n";
        var (spec, shape) = AnalyzerHarness.Infer(source);
        Assert.True(shape.CanEmit);
        string generated = Emit.NetworkEmitter.Emit(spec, shape);
        var fields = System.Text.RegularExpressions.Regex.Matches(generated, @"float\[\] (_conv\d+\w*) = new float\[(\d+)\]")
            .ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        bool parametersBefore = false;
        int checkedLayers = 0;
        foreach (var layer in shape.Layers)
        {
            if (layer.Type == Model.LayerType.Conv2D)
            {
                var buffers = Layers.Conv2DBuffers.Of(layer, needsInputGrad: parametersBefore);
                var expected = new Dictionary<string, System.Numerics.BigInteger>
                {
                    ["Input"] = buffers.PaddedInput, ["Wide"] = buffers.Wide, ["WideGrad"] = buffers.WideGrad,
                    ["GradT"] = buffers.GradT, ["InputGrad"] = buffers.InputGrad, ["Winograd"] = buffers.WinogradScratch,
                };
                foreach (var (suffix, length) in expected)
                {
                    string field = $"_{layer.Name}{suffix}";
                    if (length == 0) Assert.False(fields.ContainsKey(field), $"{field} is emitted but Conv2DBuffers counts none");
                    else Assert.True(fields.TryGetValue(field, out long emitted) && emitted == length, $"{field}: Conv2DBuffers counts {length}, emitted {(fields.TryGetValue(field, out long e) ? e : -1)}");
                }
                checkedLayers++;
            }
            parametersBefore |= layer.ParameterCount > 0;
        }
        Assert.Equal(shape.Layers.Count(l => l.Type == Model.LayerType.Conv2D), checkedLayers);
    }

    private static int LogUniform(Random random, int min, int max) => (int)Math.Round(Math.Exp(Math.Log(min) + random.NextDouble() * (Math.Log(max) - Math.Log(min))));

    /// <summary>A convolutional or dense network whose sizes are drawn over several orders of magnitude.</summary>
    private static string LargeNetwork(int seed, Random random)
    {
        var sb = new StringBuilder($"using StaticNets;\nnamespace Case{seed};\n");
        string activation = new[] { "", ", Activation = Activation.ReLU", ", Activation = Activation.Softmax", ", Activation = Activation.Tanh" }[random.Next(4)];
        if (random.Next(3) == 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"[Input({LogUniform(random, 1, 200000)})]\n");
            int dense = random.Next(1, 4);
            for (int i = 0; i < dense; i++) sb.Append(CultureInfo.InvariantCulture, $"[Dense({LogUniform(random, 1, 200000)}{activation})]\n");
        }
        else
        {
            int h = LogUniform(random, 4, 512), w = random.Next(2) == 0 ? h : LogUniform(random, 4, 512);
            sb.Append(CultureInfo.InvariantCulture, $"[Input({h}, {w}, {random.Next(1, 5)})]\n");
            int spatial = random.Next(1, 3);
            for (int i = 0; i < spatial && Math.Min(h, w) > 1; i++)
            {
                int side = Math.Min(h, w);
                if (random.Next(3) == 0)
                {
                    sb.Append("[MaxPool(2, Stride = 1)]\n");
                    h -= 1; w -= 1;
                    continue;
                }
                // Stride 1 (the wide-row path with its extra buffers) most of the time; kernels up to the whole side.
                int kernel = random.Next(2) == 0 ? random.Next(1, Math.Min(side, 7) + 1) : LogUniform(random, 1, side);
                int padding = kernel > 1 && random.Next(3) == 0 ? random.Next(1, kernel) : 0;
                int stride = random.Next(4) == 0 ? 2 : 1;
                if ((h + 2 * padding - kernel) % stride != 0 || (w + 2 * padding - kernel) % stride != 0) stride = 1;
                sb.Append(CultureInfo.InvariantCulture, $"[Conv2D({LogUniform(random, 1, 20000)}, {kernel}, Stride = {stride}, Padding = {padding}{activation})]\n");
                h = (h + 2 * padding - kernel) / stride + 1;
                w = (w + 2 * padding - kernel) / stride + 1;
            }
            if (random.Next(2) == 0) sb.Append(CultureInfo.InvariantCulture, $"[Flatten]\n[Dense({LogUniform(random, 1, 5000)})]\n");
        }
        if (random.Next(4) == 0) sb.Append("[Dropout(0.5)]\n");
        return sb.Append("public partial class Net { }\n").ToString();
    }
}
