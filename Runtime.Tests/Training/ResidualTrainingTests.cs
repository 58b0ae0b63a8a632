using StaticNets.Tests.Support;
using Xunit;

namespace StaticNets.Tests.Training;

/// <summary>
/// A residual digits network: an identity Add over two convolutions, then a stride-2 block whose Add maps the pooled
/// tensor through a learned 1x1 stride-2 convolution.
/// </summary>
[Input(28, 28, 1)]
[Conv2D(8, 3, Padding = 1, Activation = Activation.ReLU, Name = "a0")]
[Conv2D(8, 3, Padding = 1)]
[Add("a0")]
[ReLU]
[MaxPool(2, Name = "p")]
[Conv2D(16, 3, Padding = 1, Activation = Activation.ReLU)]
[Conv2D(16, 2, Stride = 2)]
[Add("p", Projection = Projection.Conv)]
[ReLU]
[Flatten]
[Dense(10, Activation = Activation.Softmax)]
public partial class ResidualDigits { }

/// <summary>Residual networks train through their generated Train: they learn, and to the same bits on any thread count.</summary>
public class ResidualTrainingTests
{
    private static (ResidualDigits Net, TrainingReport Report) Trained(int threads, int limit)
    {
        Dataset train = Mnist.Load(TestData.MnistDirectory(), MnistSplit.Train, limit: limit);
        var net = new ResidualDigits(seed: 1);
        var report = net.Train(train, new TrainingOptions { Epochs = 1, BatchSize = 32, Optimizer = new Adam(0.002f), Seed = 1, Threads = threads });
        return (net, report);
    }

    /// <summary>
    /// The projection's weights are drawn as a convolution's before a ReLU: He normal, standard deviation sqrt(2 / fan-in)
    /// with the fan-in its input channels (8 here: 0.5); its biases start at zero.
    /// </summary>
    [Fact]
    public void The_projection_is_initialised_as_a_convolution_before_a_ReLU()
    {
        var add = ResidualDigits.Info.Layers.Single(l => l.Kind == LayerKind.Add && l.Projection == Projection.Conv);
        Assert.Equal((Init.HeNormal, 8, 128, 16), (add.Init, add.FanIn, add.WeightCount, add.BiasCount));
        float[] weights = new ResidualDigits(seed: 1).Parameters.Slice(add.ParameterOffset, add.WeightCount).ToArray();
        double mean = weights.Average(w => (double)w);
        double deviation = Math.Sqrt(weights.Average(w => (w - mean) * (w - mean)));
        // 128 draws: the sample deviation is within about 15% of 0.5 (two standard errors are 12.5%).
        Assert.True(Math.Abs(deviation - 0.5) < 0.075 && Math.Abs(mean) < 0.15, $"projection weights: mean {mean}, deviation {deviation}");
        Assert.All(new ResidualDigits(seed: 1).Parameters.Slice(add.ParameterOffset + add.WeightCount, add.BiasCount).ToArray(), b => Assert.Equal(0f, b));
    }

    [Fact]
    public void A_residual_network_learns_the_shipped_digits()
    {
        var (net, report) = Trained(threads: 2, limit: 1500);
        // One epoch on 1,500 digits gives about 86% on these 400 test digits.
        Evaluation evaluation = net.Evaluate(Mnist.Load(TestData.MnistDirectory(), MnistSplit.Test, limit: 400));
        Assert.True(evaluation.Accuracy > 0.8f, $"{report}; test: {evaluation}");
    }

    [Fact]
    public void A_residual_network_trains_to_the_same_bits_on_one_and_two_threads()
    {
        int[] one = TestData.Bits(Trained(threads: 1, limit: 200).Net.Parameters);
        Assert.NotEqual(TestData.Bits(new ResidualDigits(seed: 1).Parameters), one);
        Assert.Equal(one, TestData.Bits(Trained(threads: 2, limit: 200).Net.Parameters));
    }
}
