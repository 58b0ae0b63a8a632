using StaticNets.Tests.Networks;
using Xunit;

namespace StaticNets.Tests.Onnx;

/// <summary>ClipNet's layers with ReLU where it has ReLU6 (the same weights).</summary>
[Input(6, 6, 2)]
[Conv2D(4, 3, Padding = 1, Activation = Activation.ReLU6)]
[MaxPool(2)]
[Flatten]
[Dense(10, Activation = Activation.ReLU, Name = "hidden")]
[Dense(6)]
[ReLU6(Name = "clipped")]
[Dense(3, Activation = Activation.Softmax)]
public partial class ClipNetRelu { }

/// <summary>An image network whose weights do not depend on the input's size.</summary>
[Input(8, 8, 2)]
[Conv2D(3, 3, Padding = 1, Activation = Activation.ReLU)]
[GlobalAvgPool]
[Dense(2)]
public partial class SizeFree8 { }

/// <summary><see cref="SizeFree8"/> on 6x6.</summary>
[Input(6, 6, 2)]
[Conv2D(3, 3, Padding = 1, Activation = Activation.ReLU)]
[GlobalAvgPool]
[Dense(2)]
public partial class SizeFree6 { }

/// <summary>
/// Import compares what the weights alone do not show: the graph's input shape, and the kind of each activation node
/// after a paired node, with the declaration. Nothing is written when either differs.
/// </summary>
public class OnnxImportCheckTests
{
    [Fact]
    public void An_input_of_another_size_is_refused_with_both_shapes()
    {
        var net = SizeFree6.Create(seed: 2);
        float[] before = net.Parameters.ToArray();

        var error = Assert.Throws<InvalidDataException>(() => net.ImportOnnx(Exported(SizeFree8.Create(seed: 1))));

        Assert.Contains("the graph input 'input' has shape [?, 2, 8, 8], but StaticNets.Tests.Onnx.SizeFree6 declares Input 6x6x2, which is [N, 2, 6, 6].", error.Message);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void The_same_input_imports()
    {
        var source = SizeFree8.Create(seed: 1);
        var net = SizeFree8.Create(seed: 2);

        net.ImportOnnx(Exported(source));

        Assert.Equal(source.Parameters.ToArray(), net.Parameters.ToArray());
    }

    [Fact]
    public void A_clip_where_ReLU_is_declared_is_refused_and_a_relu_where_ReLU6_is()
    {
        var clipped = ClipNet.Create(seed: 1);
        var relu = ClipNetRelu.Create(seed: 2);
        float[] before = relu.Parameters.ToArray();

        var intoRelu = Assert.Throws<InvalidDataException>(() => relu.ImportOnnx(Exported(clipped)));
        var intoClip = Assert.Throws<InvalidDataException>(() => ClipNet.Create(seed: 3).ImportOnnx(Exported(relu)));

        Assert.Contains("applies Clip to [0, 6] to the output of node \"hidden\" (Gemm), but StaticNets.Tests.Onnx.ClipNetRelu declares hidden (Dense 10) with ReLU:", intoRelu.Message);
        Assert.Contains("applies Relu to the output of node \"hidden\" (Gemm), but StaticNets.Tests.Networks.ClipNet declares hidden (Dense 10) with ReLU6", intoClip.Message);
        Assert.Equal(before, relu.Parameters.ToArray());
    }

    private static MemoryStream Exported<TNet>(TNet net) where TNet : class, INetwork<TNet>
    {
        var stream = new MemoryStream();
        net.ExportOnnx(stream);
        stream.Position = 0;
        return stream;
    }
}
