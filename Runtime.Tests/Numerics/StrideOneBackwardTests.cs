using StaticNets.Tests.Reference;
using Xunit;
using Xunit.Abstractions;

namespace StaticNets.Tests.Numerics;

// Stride-1 convolutions whose backward's vector paths take the filters across the lanes (the strided direct backward's
// weight gradient) and the input gradient over the wide rows' interior blocks only, each after a layer with parameters
// so that its input gradient is computed and checked through that layer's weight gradients.

/// <summary>ResNet-8's conv2 in small: 3x3 "same", 16 channels to 16 filters (one Vector512 of them).</summary>
[Input(8, 8, 4)]
[Conv2D(16, 3, Padding = 1, Activation = Activation.Tanh)]
[Conv2D(16, 3, Padding = 1, Bias = false, Activation = Activation.Tanh)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class StrideOneBackward16 { }

/// <summary>ResNet-8's conv5 in small: 3x3 "same", 32 channels to 32 filters (two Vector512s).</summary>
[Input(5, 6, 3)]
[Conv2D(32, 3, Padding = 1, Activation = Activation.Tanh)]
[Conv2D(32, 3, Padding = 1, Activation = Activation.Tanh)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class StrideOneBackward32 { }

/// <summary>Unequal pads (2, 0, 0, 2) and 24 filters: Vector256s of filters, not Vector512s; the interior off the blocks' edges.</summary>
[Input(5, 7, 2)]
[Conv2D(8, 3, Padding = 1, Activation = Activation.Tanh)]
[Conv2D(24, 3, Pads = new[] { 2, 0, 0, 2 }, Activation = Activation.Tanh)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class StrideOneBackwardPads { }

/// <summary>LeNet-5's conv2 in small: 5x5 valid, 6 channels to 16 filters.</summary>
[Input(11, 12, 1)]
[Conv2D(6, 3, Padding = 1, Activation = Activation.Tanh)]
[Conv2D(16, 5, Activation = Activation.Tanh)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class StrideOneBackward5x5 { }

/// <summary>
/// The stride-1 backward's vector paths against central differences of the double-precision reference network's loss,
/// on every vector path (the scalar path, in its child process, checks the reference loops the same way); as
/// <see cref="StridedBackwardTests"/>: tanh throughout, a gradient passes when <c>|analytic - numeric| &lt;= 1e-4 + 1e-3 |numeric|</c>.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class StrideOneBackwardTests(ITestOutputHelper output)
{
    [Fact]
    public void Window_3x3_same_16_to_16() => Check(new StrideOneBackward16(1), label: 2);

    [Fact]
    public void Window_3x3_same_32_to_32() => Check(new StrideOneBackward32(2), label: 0);

    [Fact]
    public void Window_3x3_pads_2_0_0_2_filters_in_Vector256s() => Check(new StrideOneBackwardPads(3), label: 1);

    [Fact]
    public void Window_5x5_valid_6_to_16() => Check(new StrideOneBackward5x5(4), label: 2);

    private void Check<TNet>(TNet net, int label) where TNet : class, INetwork<TNet> => ReferenceGradientCheck.Check(net, label, output, scale: 0.5f);
}
