using System.Reflection;
using StaticNets.Tests.Reference;
using Xunit;
using Xunit.Abstractions;

namespace StaticNets.Tests.Numerics;

// Single 3x3 stride-1 convolutions that take the Winograd F(2x2, 3x3) forward on the vector paths: odd and even output
// sizes, 8 to 64 channels, padding 0 and 1 (and uneven pads), with and without bias, inline activations.

/// <summary>17x15 outputs (both odd: partial last tiles), 8 channels and filters, padding 1, ReLU.</summary>
[Input(17, 15, 8)]
[Conv2D(8, 3, Padding = 1, Activation = Activation.ReLU)]
public partial class WinogradOdd { }

/// <summary>16x18 outputs, no padding, 12 channels and filters, Tanh.</summary>
[Input(18, 20, 12)]
[Conv2D(12, 3, Activation = Activation.Tanh)]
public partial class WinogradEven { }

/// <summary>15x17 outputs, no padding, 9 channels, 16 filters without bias, GELU (kept linear part).</summary>
[Input(17, 19, 9)]
[Conv2D(16, 3, Bias = false, Activation = Activation.GELU)]
public partial class WinogradFlat { }

/// <summary>Uneven pads (top 1, left 0, bottom 0, right 1): 16x16 outputs from 16x16, 16 channels, 20 filters.</summary>
[Input(16, 16, 16)]
[Conv2D(20, 3, Pads = new[] { 1, 0, 0, 1 })]
public partial class WinogradPads { }

/// <summary>64 channels and filters on 16x16, padding 1, ReLU.</summary>
[Input(16, 16, 64)]
[Conv2D(64, 3, Padding = 1, Activation = Activation.ReLU)]
public partial class WinogradWide { }

/// <summary>8x8 outputs (16 tiles), 64 channels and filters, padding 1, ReLU: the filters across the lanes, as ResNet-8's conv7.</summary>
[Input(8, 8, 64)]
[Conv2D(64, 3, Padding = 1, Activation = Activation.ReLU)]
public partial class WinogradLanes { }

/// <summary>9x7 outputs (odd: partial last tiles, 20 of them), 16 channels, 32 filters without bias, no padding: the filters across the lanes.</summary>
[Input(11, 9, 16)]
[Conv2D(32, 3, Bias = false, Activation = Activation.Tanh)]
public partial class WinogradLanesOdd { }

/// <summary>
/// Training through the Winograd forward: a 16x16 plane of 8 channels (its backward is the wide rows' as everywhere),
/// pooled into a softmax, for <see cref="GradientCheckTests"/>' finite differences.
/// </summary>
[Input(16, 16, 8)]
[Conv2D(8, 3, Padding = 1, Activation = Activation.Tanh)]
[GlobalAvgPool]
[Dense(3, Activation = Activation.Softmax)]
public partial class WinogradTrained { }

/// <summary>
/// The Winograd forward against the double-precision reference on every vector path (the scalar path, in its child
/// process, checks the direct loops the same way). Weights uniform in ±½, inputs and biases in ±1.
/// </summary>
/// <remarks>
/// Tolerance: F(2x2, 3x3) adds each output from 16 products per channel of transformed values instead of 9, and the
/// transforms add up to 4 inputs (V), scale the weights by up to 2.25 (U) and add 9 products (Y); its float error is
/// a few ulps of the transformed magnitudes times the C*9 terms. The bound used, <c>4 ε C·9 max|w| max|x| + 1e-6</c>
/// (ε = 2⁻²³), is 1.4e-4 at 64 channels; the errors seen on the vector paths are a twentieth to a fortieth of it (the direct scalar loops' are about twice theirs). The activations are 1-Lipschitz
/// here or nearly (GELU's slope is below 1.13), which the factor 4 covers.
/// </remarks>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class WinogradTests(ITestOutputHelper output)
{
    public static TheoryData<string> Networks() => new()
    {
        nameof(WinogradOdd), nameof(WinogradEven), nameof(WinogradFlat), nameof(WinogradPads), nameof(WinogradWide),
        nameof(WinogradLanes), nameof(WinogradLanesOdd),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Winograd_forward_matches_the_reference(string network)
    {
        switch (network)
        {
            case nameof(WinogradOdd): Check(new WinogradOdd(1)); break;
            case nameof(WinogradEven): Check(new WinogradEven(2)); break;
            case nameof(WinogradFlat): Check(new WinogradFlat(3)); break;
            case nameof(WinogradPads): Check(new WinogradPads(4)); break;
            case nameof(WinogradWide): Check(new WinogradWide(5)); break;
            case nameof(WinogradLanes): Check(new WinogradLanes(6)); break;
            case nameof(WinogradLanesOdd): Check(new WinogradLanesOdd(7)); break;
            default: throw new ArgumentException(network);
        }
    }

    private void Check<TNet>(TNet net) where TNet : class, INetwork<TNet>
    {
        // The layer takes the Winograd forward: its scratch is a field of the network, of the length the kernel needs.
        var info = TNet.Info;
        var layer = info.Layers[0];
        var scratch = typeof(TNet).GetField("_conv1Winograd", BindingFlags.NonPublic | BindingFlags.Instance);
        Assert.NotNull(scratch);
#pragma warning disable CS0618 // the kernel's own size rule
        long length = StaticNets.__Internals.Winograd.Length(layer.InputShape.Channels, layer.OutputShape.Channels, layer.OutputShape.Height, layer.OutputShape.Width);
#pragma warning restore CS0618
        Assert.Equal(length, ((float[])scratch.GetValue(net)!).Length);
        int channels = layer.InputShape.Channels;
        double tolerance = 4 * Math.Pow(2, -23) * channels * 9 * 0.5 * 1.0 + 1e-6;
        var random = new Random(info.ParameterCount);
        for (int i = 0; i < net.Parameters.Length; i++) net.Parameters[i] = (float)(random.NextDouble() - 0.5);
        var y = new float[info.OutputSize];
        double worst = 0;
        for (int trial = 0; trial < 4; trial++)
        {
            // The kernel keeps the transformed weights while the weights stay the same: new weights from the third
            // trial on must be transformed again (one weight changed only, then all).
            if (trial == 2) net.Parameters[net.Parameters.Length / 2] += 0.25f;
            if (trial == 3)
            {
                for (int i = 0; i < net.Parameters.Length; i++) net.Parameters[i] = (float)(random.NextDouble() - 0.5);
            }
            var x = Enumerable.Range(0, info.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            net.Forward(x, y);
            double[] expected = ReferenceNetwork.Forward(info, net.Parameters, x);
            for (int i = 0; i < y.Length; i++)
            {
                double error = Math.Abs(y[i] - expected[i]);
                worst = Math.Max(worst, error);
                Assert.True(error <= tolerance, $"{info.Name} output {i}: {y[i]} against the reference {expected[i]} (tolerance {tolerance:G3})");
            }
        }
        output.WriteLine($"{info.Name} on path {VectorPath.Current}: largest error {worst:G3}, tolerance {tolerance:G3}");
    }
}
