using StaticNets.__Internals;
using StaticNets.Tests.Numerics;
using StaticNets.Tests.Support;
using Xunit;

namespace StaticNets.Tests.Training;

/// <summary>
/// Batch training's fused segments: a direct convolution (3 channels), then a Winograd one (8 filters over an 8x8 tile
/// grid) with ReLU6, then the filter-lane Winograd (32 filters), each BatchNorm with its activation taken into its
/// normalisation and backward.
/// </summary>
[Input(16, 16, 3)]
[Conv2D(8, 3, Padding = 1, Bias = false)]
[BatchNorm]
[ReLU]
[Conv2D(8, 3, Padding = 1, Bias = false)]
[BatchNorm]
[ReLU6]
[MaxPool(2)]
[Conv2D(32, 3, Padding = 1, Bias = false)]
[BatchNorm]
[ReLU]
[Flatten]
[Dense(10, Activation = Activation.Softmax)]
public partial class SegmentFusionNet { }

/// <summary>
/// The replicas of batch training share the network's Winograd filter transforms, brought up to date once per batch:
/// a replica's forward after an optimizer step uses the new weights (a network trained two steps equals one trained a
/// step, copied into a fresh network, whose replicas never saw the old weights, and trained the second), on one thread
/// and two; inference after training sees the trained weights. And the fused BatchNorm-activation kernels equal the
/// unfused sequence.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class SegmentFusionTests
{
    private const int Samples = 8;

    private static Dataset Data(int from, int count)
    {
        var rnd = new Random(11);
        float[] inputs = new float[Samples * SegmentFusionNet.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)(rnd.NextDouble() * 2 - 1);
        int[] labels = new int[Samples];
        for (int i = 0; i < Samples; i++) labels[i] = rnd.Next(10);
        int n = SegmentFusionNet.InputSize;
        return new Dataset(inputs.AsSpan(from * n, count * n).ToArray(), labels.AsSpan(from, count).ToArray());
    }

    private static TrainingOptions Options(int threads) =>
        new() { Epochs = 1, BatchSize = 4, Optimizer = new Sgd(0.05f), Shuffle = false, Seed = 1, Threads = threads };

    private static SegmentFusionNet Copy(SegmentFusionNet net)
    {
        var copy = new SegmentFusionNet(seed: 99);
        net.Parameters.CopyTo(copy.Parameters);
        net.Statistics.CopyTo(copy.Statistics);
        return copy;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_replicas_forward_after_a_step_uses_the_new_weights(int threads)
    {
        var trained = new SegmentFusionNet(seed: 3);
        trained.Train(Data(0, Samples), Options(threads)); // two steps of four samples

        var first = new SegmentFusionNet(seed: 3);
        first.Train(Data(0, 4), Options(threads));
        var second = Copy(first); // fresh replicas: their U computed from the weights after the first step
        second.Train(Data(4, 4), Options(threads));

        Assert.NotEqual(TestData.Bits(first.Parameters), TestData.Bits(trained.Parameters));
        Assert.Equal(TestData.Bits(second.Parameters), TestData.Bits(trained.Parameters));
        Assert.Equal(TestData.Bits(second.Statistics), TestData.Bits(trained.Statistics));
    }

    [Fact]
    public void One_and_two_threads_give_the_same_bits()
    {
        var one = new SegmentFusionNet(seed: 4);
        var two = new SegmentFusionNet(seed: 4);
        one.Train(Data(0, Samples), Options(1));
        two.Train(Data(0, Samples), Options(2));
        Assert.Equal(TestData.Bits(one.Parameters), TestData.Bits(two.Parameters));
        Assert.Equal(TestData.Bits(one.Statistics), TestData.Bits(two.Statistics));
    }

    [Fact]
    public void Inference_after_training_sees_the_trained_weights()
    {
        var net = new SegmentFusionNet(seed: 5);
        var x = Data(0, 1).Input(0).ToArray();
        float[] before = new float[10], after = new float[10], fresh = new float[10];
        net.Forward(x, before);
        net.Train(Data(0, Samples), Options(2));
        net.Forward(x, after);
        Copy(net).Forward(x, fresh);
        Assert.NotEqual(TestData.Bits(before), TestData.Bits(after));
        Assert.Equal(TestData.Bits(fresh), TestData.Bits(after));
    }

    [Theory]
    [InlineData(false, 37)]
    [InlineData(true, 37)]
    [InlineData(false, 64)]
    [InlineData(true, 5)]
    public void The_fused_kernels_equal_BatchNorm_then_the_activation(bool six, int plane)
    {
        const int C = 3;
        var rnd = new Random(plane);
        float[] R(int n, float scale) => Enumerable.Range(0, n).Select(_ => (float)(rnd.NextDouble() * 2 - 1) * scale).ToArray();
        float[] x = R(C * plane, 8f), dy = R(C * plane, 1f), gamma = R(C, 2f), beta = R(C, 4f), factors = R(3 * C, 1f);
        float[] coefficients = [.. R(C, 1f), .. R(C, 1f).Select(v => Math.Abs(v) + 0.5f)];

        float[] y = new float[C * plane], xhat = new float[C * plane], activated = new float[C * plane];
        BatchNormTraining.Normalize(x, gamma, beta, coefficients, plane, y, xhat);
        if (six) Activations.ReLU6(y, activated);
        else Activations.ReLU(y, activated);
        float[] fusedY = new float[C * plane], fusedXhat = new float[C * plane];
        BatchNormTraining.NormalizeReLU(x, gamma, beta, coefficients, plane, six, fusedY, fusedXhat);
        Assert.Equal(xhat, fusedXhat);
        Assert.Equal(activated, fusedY);

        float[] masked = new float[C * plane];
        if (six) Activations.ReLU6Backward(activated, dy, masked);
        else Activations.ReLUBackward(activated, dy, masked);
        double[] sums = new double[2 * C], fusedSums = new double[2 * C];
        BatchNormTraining.GradientSums(masked, xhat, C, plane, sums);
        BatchNormTraining.GradientSumsReLU(dy, xhat, gamma, beta, plane, six, fusedSums);
        Assert.Equal(sums, fusedSums);

        foreach (bool add in new[] { false, true })
        {
            float[] dx = R(C * plane, 1f), fusedDx = (float[])dx.Clone();
            BatchNormTraining.Backward(masked, xhat, factors, C, plane, dx, add);
            BatchNormTraining.BackwardReLU(dy, xhat, gamma, beta, factors, plane, six, fusedDx, add);
            Assert.Equal(dx, fusedDx);
        }
    }
}
