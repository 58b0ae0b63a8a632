using StaticNets.Tests.Numerics;
using Xunit;

namespace StaticNets.Tests.BatchNorm;

/// <summary>
/// PyTorch's training-mode BatchNorm (<c>make_oracle.py</c>, case <c>conv-batchnorm</c>: Conv2d without bias,
/// BatchNorm2d, ReLU, flatten, Linear; one pass over 4 samples, summed cross-entropy): with PyTorch's parameters and
/// running statistics, <c>Forward</c> gives its eval-mode outputs, <c>ComputeBatchGradients</c> its loss (1e-4 relative),
/// gradients (1e-3 relative) and updated running statistics (1e-4), and <c>Forward</c> afterwards its eval-mode outputs
/// with those statistics, on every vector path.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class BatchNormOracleTests
{
    private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Oracle", "data", "conv-batchnorm");

    private static float[] Floats(string file)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(Directory, file));
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    private static void Outputs(ConvBatchNormOracle net, float[] inputs, float[] expected)
    {
        var outputs = new float[expected.Length];
        net.ForwardBatch(inputs, outputs);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(outputs[i] - expected[i]) <= 1e-4f, $"output {i}: StaticNets {outputs[i]}, PyTorch {expected[i]}");
        }
    }

    [Fact]
    public void One_training_pass_has_PyTorchs_loss_gradients_running_statistics_and_eval_outputs()
    {
        var net = new ConvBatchNormOracle();
        float[] parameters = Floats("parameters.f32"), statistics = Floats("statistics.f32");
        Assert.Equal(ConvBatchNormOracle.ParameterCount, parameters.Length);
        Assert.Equal(ConvBatchNormOracle.StatisticsCount, statistics.Length);
        parameters.CopyTo(net.Parameters);
        statistics.CopyTo(net.Statistics);
        float[] inputs = Floats("input.f32");
        Outputs(net, inputs, Floats("output.f32"));

        byte[] labelBytes = File.ReadAllBytes(Path.Combine(Directory, "labels.i32"));
        var labels = new int[labelBytes.Length / 4];
        Buffer.BlockCopy(labelBytes, 0, labels, 0, labelBytes.Length);
        Assert.Equal(4, labels.Length);

        float loss = net.ComputeBatchGradients(inputs, labels);
        float expectedLoss = Floats("loss.f32")[0];
        Assert.True(Math.Abs(loss - expectedLoss) <= 1e-4 * Math.Abs(expectedLoss), $"loss {loss}, PyTorch {expectedLoss}");
        float[] gradients = Floats("gradients.f32");
        float scale = gradients.Max(Math.Abs);
        for (int i = 0; i < gradients.Length; i++)
        {
            // 1e-3 of the gradient itself, or 1e-5 of the largest gradient where it is near zero.
            Assert.True(Math.Abs(net.Gradients[i] - gradients[i]) <= 1e-3f * Math.Abs(gradients[i]) + 1e-5f * scale,
                $"gradient {i}: StaticNets {net.Gradients[i]}, PyTorch {gradients[i]}");
        }
        float[] after = Floats("statistics-after.f32");
        for (int i = 0; i < after.Length; i++)
        {
            Assert.True(Math.Abs(net.Statistics[i] - after[i]) <= 1e-4f * Math.Max(1f, Math.Abs(after[i])),
                $"statistic {i}: StaticNets {net.Statistics[i]}, PyTorch {after[i]}");
        }
        Outputs(net, inputs, Floats("output-after.f32"));
    }
}

/// <summary>The oracle's conv-batchnorm: Conv2d(2, 3, 3, bias=False) -> BatchNorm2d -> ReLU -> flatten -> Linear(3*4*4, 3), cross-entropy.</summary>
[Input(6, 6, 2)]
[Conv2D(3, 3, Bias = false)]
[BatchNorm]
[ReLU]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class ConvBatchNormOracle { }
