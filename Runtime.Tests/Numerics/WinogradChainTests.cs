using System.Reflection;
using StaticNets.Tests.Reference;
using Xunit;
using Xunit.Abstractions;

namespace StaticNets.Tests.Numerics;

// Fused inference chains (conv -> BatchNorm -> [Add] -> activation) whose convolution takes the Winograd forward: on
// the vector paths the chain reads x itself, the split into parity planes making the zero border (no padded copy).

#pragma warning disable SN3005 // on purpose: a convolution's bias before its BatchNorm, which the chain adds too

/// <summary>17x15 outputs (odd: partial last tiles), 8 channels and filters, padding 1, BatchNorm and ReLU.</summary>
[Input(17, 15, 8)]
[Conv2D(8, 3, Padding = 1)]
[BatchNorm]
[ReLU]
public partial class WinogradChainOdd { }

/// <summary>16x18 outputs (even), 12 channels and filters without bias, padding 1, BatchNorm and ReLU6.</summary>
[Input(16, 18, 12)]
[Conv2D(12, 3, Padding = 1, Bias = false)]
[BatchNorm]
[ReLU6]
public partial class WinogradChainEven { }

/// <summary>Uneven pads (no left pad) and no padding at all: the split's other edges.</summary>
[Input(20, 19, 8)]
[Conv2D(8, 3, Pads = new[] { 1, 0, 0, 1 })]
[BatchNorm]
[ReLU]
[Conv2D(8, 3)]
[BatchNorm]
[LeakyReLU(0.1)]
public partial class WinogradChainPads { }

/// <summary>A residual block on 16x16 of 16 channels: conv -> BN -> ReLU (a), conv -> BN -> Add(a) -> ReLU.</summary>
[Input(16, 16, 16)]
[Conv2D(16, 3, Padding = 1)]
[BatchNorm]
[ReLU(Name = "a")]
[Conv2D(16, 3, Padding = 1, Bias = false)]
[BatchNorm]
[Add("a")]
[ReLU]
public partial class WinogradChainResidual { }

/// <summary>9x7 outputs (odd, 20 tiles), 16 channels, 32 filters, padding 1: the filters across the lanes, then a residual.</summary>
[Input(9, 7, 16)]
[Conv2D(32, 3, Padding = 1)]
[BatchNorm]
[ReLU(Name = "a")]
[Conv2D(32, 3, Padding = 1, Bias = false)]
[BatchNorm]
[Add("a")]
[ReLU]
public partial class WinogradChainLanes { }

/// <summary>
/// The fused Winograd chains against the double-precision reference on every vector path (the scalar path, in its
/// child process, checks its copy into the padded input and the direct loops the same way). Weights uniform in ±½,
/// inputs and biases in ±1, γ and β in [0.5, 1.5] and ±½, running means in ±½ and variances in [0.5, 2].
/// </summary>
/// <remarks>
/// Tolerance: per convolution, <see cref="WinogradTests"/>' bound <c>4 ε C·9 max|w| max|x|</c>, here with max|x| the
/// largest value the layer reads (1 for the input, else the reference's largest output of the chain before, which
/// bounds it), then times BatchNorm's largest scale <c>γ/sqrt(var + ε) ≤ 1.5/sqrt(0.5)</c>; a second convolution also
/// carries the first's error, times its C·9·max|w|. The activations are 1-Lipschitz.
/// </remarks>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class WinogradChainTests(ITestOutputHelper output)
{
    [Fact]
    public void Odd_sizes_padding_1() => Check(new WinogradChainOdd(), ["Conv1Bn1Relu1Forward"]);

    [Fact]
    public void Even_sizes_padding_1() => Check(new WinogradChainEven(), ["Conv1Bn1Relu6_1Forward"]);

    [Fact]
    public void Uneven_pads_and_none() => Check(new WinogradChainPads(), ["Conv1Bn1Relu1Forward", "Conv2Bn2Leakyrelu1Forward"]);

    [Fact]
    public void Residual_chain() => Check(new WinogradChainResidual(), ["Conv1Bn1Relu1Forward", "Conv2Bn2Add1Relu2Forward"]);

    [Fact]
    public void Filters_across_the_lanes_residual() => Check(new WinogradChainLanes(), ["Conv1Bn1Relu1Forward", "Conv2Bn2Add1Relu2Forward"]);

    private void Check<TNet>(TNet net, string[] fused) where TNet : class, INetwork<TNet>
    {
        var info = TNet.Info;
        Type layers = typeof(TNet).Assembly.GetTypes().Single(t => t.Name.EndsWith(typeof(TNet).Name + "Layers", StringComparison.Ordinal));
        foreach (string name in fused)
        {
            Assert.NotNull(layers.GetMethod(name, BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic));
        }
        var convolutions = info.Layers.Where(l => l.Kind == LayerKind.Conv2D).ToList();
        foreach (var conv in convolutions)
        {
            Assert.NotNull(typeof(TNet).GetField($"_{conv.Name}Winograd", BindingFlags.NonPublic | BindingFlags.Instance));
        }
        var random = new Random(info.ParameterCount);
        for (int i = 0; i < net.Parameters.Length; i++) net.Parameters[i] = (float)(random.NextDouble() - 0.5);
        foreach (var norm in info.Layers.Where(l => l.Kind == LayerKind.BatchNorm))
        {
            int c = norm.OutputShape.Channels;
            for (int i = 0; i < c; i++) net.Parameters[norm.ParameterOffset + i] = (float)(0.5 + random.NextDouble());
        }
        var means = net.Statistics;
        int at = 0;
        foreach (var norm in info.Layers.Where(l => l.Kind == LayerKind.BatchNorm))
        {
            int c = norm.OutputShape.Channels;
            for (int i = 0; i < c; i++)
            {
                means[at + i] = (float)(random.NextDouble() - 0.5);
                means[at + c + i] = (float)(0.5 + 1.5 * random.NextDouble());
            }
            at += 2 * c;
        }
        var y = new float[info.OutputSize];
        double worst = 0, scale = 1.5 / Math.Sqrt(0.5), epsilon = Math.Pow(2, -23);
        for (int trial = 0; trial < 3; trial++)
        {
            var x = Enumerable.Range(0, info.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            net.Forward(x, y);
            double[] expected = ReferenceNetwork.Forward(info, net.Parameters, x, net.Statistics);
            // The first convolution reads values up to 1; a second one reads the first chain's output (the largest value of
            // the network's layer outputs bounds it), and carries the first's error.
            double largest = typeof(TNet).GetFields(BindingFlags.NonPublic | BindingFlags.Instance)
                .Where(f => f.FieldType == typeof(float[]) && f.Name.EndsWith("Output", StringComparison.Ordinal))
                .Select(f => (float[])f.GetValue(net)!).Where(a => a.Length > 0).Select(a => (double)a.Max(Math.Abs)).DefaultIfEmpty(0).Max();
            largest = Math.Max(largest, expected.Max(Math.Abs));
            double terms = convolutions[0].InputShape.Channels * 9 * 0.5;
            double tolerance = 4 * epsilon * terms * scale + 1e-6;
            if (convolutions.Count > 1)
            {
                double second = convolutions[1].InputShape.Channels * 9 * 0.5;
                tolerance = tolerance * (1 + second * scale) + 4 * epsilon * second * scale * Math.Max(1, largest) + 1e-6;
            }
            for (int i = 0; i < y.Length; i++)
            {
                double error = Math.Abs(y[i] - expected[i]);
                worst = Math.Max(worst, error);
                Assert.True(error <= tolerance, $"{info.Name} output {i}: {y[i]} against the reference {expected[i]} (tolerance {tolerance:G3})");
            }
        }
        output.WriteLine($"{info.Name} on path {VectorPath.Current}: largest error {worst:G3}");
    }
}
