using StaticNets;
using Xunit;

namespace StaticNets.Tests.Oracle;

/// <summary>
/// PyTorch's own results for its convolutions (<c>make_oracle.py</c>, checked in under <c>Oracle/data/</c>): PyTorch's
/// ONNX export imported into the matching declaration gives PyTorch's parameters, and <c>Forward</c> gives PyTorch's
/// outputs within 1e-5, on every vector path.
/// </summary>
[Trait(Numerics.VectorPath.Trait, Numerics.VectorPath.Value)]
public class GeometryOracleTests
{
    private const float Tolerance = 1e-5f;

    [Fact]
    public void Conv2d_with_a_3x2_kernel_matches_PyTorch() => Check(new Conv3x2(), "conv-3x2");

    [Fact]
    public void Conv2d_without_bias_matches_PyTorch() => Check(new ConvNoBias(), "conv-nobias");

    [Fact]
    public void Conv2d_with_groups_matches_PyTorch() => Check(new ConvGroups(), "conv-groups");

    [Fact]
    public void Depthwise_with_a_multiplier_of_2_matches_PyTorch() => Check(new DepthwiseM2(), "depthwise-m2");

    [Fact]
    public void Conv2d_stride_2_padding_1_on_an_even_input_matches_PyTorch() => Check(new ConvS2P1(), "conv-s2p1");

    [Fact]
    public void Conv2d_stride_2_padding_1_imports_into_the_exact_Pads_of_SN3004s_fix() => Check(new ConvS2P1Exact(), "conv-s2p1");

    [Fact]
    public void MaxPool2d_3_stride_2_padding_1_imports_into_the_exact_Pads_of_SN3004s_fix() => Check(new MaxPool321Exact(), "maxpool-3-2-1");

    [Fact]
    public void Conv2d_whose_stride_drops_input_matches_PyTorchs_floor_with_SN2001_lowered() => Check(new ConvFloor(), "conv-floor");

    [Fact]
    public void MaxPool2d_3_stride_2_padding_1_matches_PyTorch() => Check(new MaxPool321(), "maxpool-3-2-1");

    [Fact]
    public void AvgPool2d_3_stride_2_padding_1_without_the_padding_in_the_count_matches_PyTorch() => Check(new AvgPool321(), "avgpool-3-2-1");

    [Fact]
    public void AvgPool2d_25x5_matches_PyTorch() => Check(new AvgPool25x5(), "avgpool-25x5");

    [Fact]
    public void Global_average_pooling_into_Linear_matches_PyTorch() => Check(new GlobalAvgPoolDense(), "global-avgpool-dense");

    private static void Check<TNet>(TNet net, string name) where TNet : class, INetwork<TNet>
    {
        string directory = Path.Combine(AppContext.BaseDirectory, "Oracle", "data", name);
        net.ImportOnnx(Path.Combine(directory, "model.onnx"));
        Assert.Equal(Floats(directory, "parameters.f32"), net.Parameters.ToArray());

        float[] inputs = Floats(directory, "input.f32"), expected = Floats(directory, "output.f32");
        int samples = inputs.Length / TNet.Info.InputSize;
        Assert.Equal(samples * TNet.Info.OutputSize, expected.Length);
        var output = new float[TNet.Info.OutputSize];
        for (int s = 0; s < samples; s++)
        {
            net.Forward(inputs.AsSpan(s * TNet.Info.InputSize, TNet.Info.InputSize), output);
            for (int i = 0; i < output.Length; i++)
            {
                float want = expected[s * TNet.Info.OutputSize + i];
                Assert.True(Math.Abs(output[i] - want) <= Tolerance, $"{name}, sample {s}, output {i}: Forward {output[i]}, PyTorch {want}");
            }
        }
    }

    private static float[] Floats(string directory, string file)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(directory, file));
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}

// The declarations of make_oracle.py's cases (each case.txt).

[Input(7, 6, 3)]
[Conv2D(4, 3, 2)]
public partial class Conv3x2 { }

[Input(8, 8, 3)]
[Conv2D(4, 3, Padding = 1, Bias = false)]
public partial class ConvNoBias { }

[Input(6, 6, 4)]
[Conv2D(6, 3, Padding = 1, Groups = 2)]
public partial class ConvGroups { }

[Input(6, 5, 4)]
[DepthwiseConv2D(3, Padding = 1, Multiplier = 2)]
public partial class DepthwiseM2 { }

#pragma warning disable SN3004 // PyTorch's spelling, on purpose: the last padding row and column are unread
[Input(32, 32, 3)]
[Conv2D(16, 3, Stride = 2, Padding = 1)]
public partial class ConvS2P1 { }
#pragma warning restore SN3004

// What SN3004's fix writes for the same layer: PyTorch's export (pads [1, 1, 1, 1]) places the same windows.
[Input(32, 32, 3)]
[Conv2D(16, 3, Stride = 2, Pads = new[] { 1, 1, 0, 0 })]
public partial class ConvS2P1Exact { }

[Input(8, 8, 4)]
[MaxPool(3, Stride = 2, Pads = new[] { 1, 1, 0, 0 })]
public partial class MaxPool321Exact { }

#pragma warning disable SN2001 // lowered on purpose: (8 - 3) = 5 is not a multiple of 2; PyTorch's floor drops a row and a column
[Input(8, 8, 1)]
[Conv2D(2, 3, Stride = 2)]
public partial class ConvFloor { }
#pragma warning restore SN2001

#pragma warning disable SN3004 // PyTorch's spelling, on purpose: the last padding row and column are unread
[Input(8, 8, 4)]
[MaxPool(3, Stride = 2, Padding = 1)]
public partial class MaxPool321 { }

[Input(8, 8, 4)]
[AvgPool(3, Stride = 2, Padding = 1)]
public partial class AvgPool321 { }
#pragma warning restore SN3004

[Input(25, 5, 3)]
[AvgPool(25, 5)]
public partial class AvgPool25x5 { }

[Input(4, 6, 5)]
[GlobalAvgPool]
[Dense(3)]
public partial class GlobalAvgPoolDense { }
