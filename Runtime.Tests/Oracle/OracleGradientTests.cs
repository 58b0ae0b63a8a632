using Xunit;

namespace StaticNets.Tests.Oracle;

/// <summary>
/// PyTorch's autograd for the new layers (<c>make_oracle.py</c>: one training-mode pass over the case's samples, the
/// loss each sample's mean squared error against <c>targets.f32</c>, summed): StaticNets' <c>ComputeGradients</c> over
/// the same samples, with PyTorch's parameters, gives PyTorch's summed loss and parameter gradients, on every vector path.
/// </summary>
[Trait(Numerics.VectorPath.Trait, Numerics.VectorPath.Value)]
public class OracleGradientTests
{
    [Fact]
    public void Conv2d_with_a_3x2_kernel_has_PyTorchs_gradients() => Check(new Conv3x2(), "conv-3x2");

    [Fact]
    public void Conv2d_without_bias_has_PyTorchs_gradients() => Check(new ConvNoBias(), "conv-nobias");

    [Fact]
    public void Conv2d_with_groups_has_PyTorchs_gradients() => Check(new ConvGroups(), "conv-groups");

    [Fact]
    public void Conv2d_stride_2_padding_1_has_PyTorchs_gradients() => Check(new ConvS2P1(), "conv-s2p1");

    [Fact]
    public void Depthwise_with_a_multiplier_of_2_has_PyTorchs_gradients() => Check(new DepthwiseM2(), "depthwise-m2");

    [Fact]
    public void Padded_max_and_average_pooling_pass_back_PyTorchs_gradients() => Check(new ConvPools(), "conv-pools");

    [Fact]
    public void Dense_layers_with_ReLU6_GELU_LeakyReLU_Sigmoid_and_Tanh_have_PyTorchs_gradients() =>
        Check(new OracleDenseActivations(), "dense-activations");

    private static void Check<TNet>(TNet net, string name) where TNet : class, INetwork<TNet>
    {
        string directory = Path.Combine(AppContext.BaseDirectory, "Oracle", "data", name);
        float[] parameters = Floats(directory, "parameters.f32");
        Assert.Equal(TNet.Info.ParameterCount, parameters.Length);
        parameters.CopyTo(net.Parameters);

        float[] inputs = Floats(directory, "input.f32"), targets = Floats(directory, "targets.f32");
        int n = TNet.Info.InputSize, m = TNet.Info.OutputSize, samples = inputs.Length / n;
        Assert.Equal(samples * m, targets.Length);
        net.ZeroGradients();
        double loss = 0;
        for (int s = 0; s < samples; s++)
        {
            loss += net.ComputeGradients(inputs.AsSpan(s * n, n), targets.AsSpan(s * m, m));
        }

        float expectedLoss = Floats(directory, "loss.f32")[0];
        Assert.True(Math.Abs(loss - expectedLoss) <= 1e-4 * Math.Abs(expectedLoss) + 1e-6, $"{name}: loss {loss}, PyTorch {expectedLoss}");
        float[] expected = Floats(directory, "gradients.f32");
        Assert.Equal(expected.Length, net.Gradients.Length);
        float scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
        {
            float actual = net.Gradients[i];
            // 1e-3 of the gradient itself, or 1e-5 of the largest gradient where it is near zero.
            Assert.True(Math.Abs(actual - expected[i]) <= 1e-3f * Math.Abs(expected[i]) + 1e-5f * scale,
                $"{name}, gradient {i}: StaticNets {actual}, PyTorch {expected[i]}");
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

#pragma warning disable SN3004 // PyTorch's spelling, on purpose: the last padding row and column of each pool are unread
[Input(8, 8, 2)]
[Conv2D(3, 3, Padding = 1)]
[MaxPool(3, Stride = 2, Padding = 1)]
[AvgPool(3, Stride = 2, Padding = 1)]
public partial class ConvPools { }
#pragma warning restore SN3004
