using StaticNets.Tests.Support;
using StaticNets.__Internals;
using StaticNets.Tests.Networks;
using Xunit;

namespace StaticNets.Tests.Numerics;

/// <summary>
/// <c>ForwardBatch</c> and <c>PredictBatch</c> against <c>Forward</c> and <c>Predict</c> one sample at a time: the
/// same bits for every test network (a dense tail after convolutions, a tail with standalone activations and dropout,
/// a network that is all tail, dropout before the tail, no dense layer at all), on the three vector paths (one per process: <see cref="VectorPath"/>), for batch
/// sizes below, at and across the tile of eight.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class BatchInferenceTests
{
    private static readonly int[] Counts = [0, 1, 2, 3, 8, 9, 19];

    [Theory]
    [MemberData(nameof(NetworkCases.All), MemberType = typeof(NetworkCases))]
    public void Batches_give_the_bits_of_one_sample_at_a_time(string network)
    {
        NetworkCases.Run(network, new Checker());
    }

    private sealed class Checker : INetworkCheck
    {
        public void Check<TNet>(TNet net) where TNet : class, INetwork<TNet> => BatchInferenceTests.Check(net);
    }

    private static void Check<TNet>(TNet net) where TNet : class, INetwork<TNet>
    {
        var info = TNet.Info;
        var random = new Random(info.ParameterCount + 29);
        for (int i = 0; i < net.Parameters.Length; i++) net.Parameters[i] = (float)(random.NextDouble() - 0.5);
        int inputSize = info.InputSize, outputSize = info.OutputSize;
        foreach (int count in Counts)
        {
            var inputs = Enumerable.Range(0, count * inputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var outputs = Enumerable.Repeat(float.NaN, count * outputSize).ToArray();
            var predictions = Enumerable.Repeat(-1, count).ToArray();
            net.ForwardBatch(inputs, outputs);
            net.PredictBatch(inputs, predictions);
            var one = new float[outputSize];
            for (int s = 0; s < count; s++)
            {
                var input = inputs.AsSpan(s * inputSize, inputSize);
                net.Forward(input, one);
                for (int o = 0; o < outputSize; o++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(one[o]) == BitConverter.SingleToInt32Bits(outputs[s * outputSize + o]),
                        $"{info.Name}, batch of {count}, sample {s}, output {o}: ForwardBatch gave {outputs[s * outputSize + o]:R}, Forward {one[o]:R}");
                }
                Assert.Equal(net.Predict(input), predictions[s]);
            }
        }
    }

    [Fact]
    public void A_batch_larger_than_the_tile_reuses_nothing_from_an_earlier_batch()
    {
        // Two calls with different batches: the second's outputs depend only on its own inputs.
        var net = new LeNet5(3);
        var data = Enumerable.Range(0, 20 * LeNet5.InputSize).Select(i => MathF.Sin(i * 0.37f)).ToArray();
        var first = new float[20 * LeNet5.OutputSize];
        net.ForwardBatch(data, first);
        var fresh = new LeNet5(3);
        var last = new float[3 * LeNet5.OutputSize];
        net.ForwardBatch(data.AsSpan(17 * LeNet5.InputSize), last);
        var expected = new float[3 * LeNet5.OutputSize];
        fresh.ForwardBatch(data.AsSpan(17 * LeNet5.InputSize), expected);
        Assert.Equal(expected, last);
        Assert.Equal(first.AsSpan(17 * LeNet5.OutputSize).ToArray(), last);
    }

    [Fact]
    public void The_dense_batch_kernel_sums_in_the_order_of_the_one_sample_kernel()
    {
        var random = new Random(1);
        // Unit counts with and without a remainder after blocks of 4, input counts below, at and off a vector.
        foreach (var (units, n) in new[] { (1, 1), (3, 7), (4, 8), (5, 9), (7, 16), (12, 33), (120, 400) })
        {
            var weights = Enumerable.Range(0, units * n).Select(_ => random.NextSingle() - 0.5f).ToArray();
            var bias = Enumerable.Range(0, units).Select(_ => random.NextSingle() - 0.5f).ToArray();
            foreach (int count in new[] { 1, 2, 3, 4, 5 })
            {
                var x = Enumerable.Range(0, count * n).Select(_ => random.NextSingle() * 2 - 1).ToArray();
                var y = new float[count * units];
                DenseKernels.ForwardBatch(weights, bias, x, y, count);
                var one = new float[units];
                for (int s = 0; s < count; s++)
                {
                    DenseKernels.Forward(weights, bias, x.AsSpan(s * n, n), one);
                    Assert.Equal(one, y.AsSpan(s * units, units).ToArray());
                }
            }
        }
    }

    [Fact]
    public void The_dense_batch_kernel_rejects_spans_that_do_not_fit_the_count()
    {
        var weights = new float[6];
        var bias = new float[2];
        var ex = Assert.Throws<ArgumentException>(() => DenseKernels.ForwardBatch(weights, bias, new float[7], new float[4], 2));
        Assert.Contains("A batch of 2 samples", ex.Message);
        Assert.Throws<ArgumentException>(() => DenseKernels.ForwardBatch(weights, bias, new float[6], new float[5], 2));
        Assert.Throws<ArgumentException>(() => DenseKernels.ForwardBatch(weights, bias, new float[6], new float[4], -1));
    }

    [Fact]
    public void Wrong_batch_lengths_are_rejected_with_the_sizes_and_change_nothing()
    {
        var net = new LeNet5(4);
        var before = net.Parameters.ToArray();
        var ex = Assert.Throws<ArgumentException>(() => net.ForwardBatch(new float[LeNet5.InputSize * 2 + 5], new float[20]));
        Assert.Equal("inputs", ex.ParamName);
        Assert.Contains("whole samples of 784 values ([1][28][28])", ex.Message);
        Assert.Contains("got 1573 values, 2 samples and 5 values over", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => net.ForwardBatch(new float[LeNet5.InputSize * 3], new float[20]));
        Assert.Equal("outputs", ex.ParamName);
        Assert.Contains("got 3 samples, so outputs needs 30 values (3 x 10 outputs); got 20", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => net.PredictBatch(new float[LeNet5.InputSize * 3], new int[2]));
        Assert.Equal("predictions", ex.ParamName);
        Assert.Contains("got 3 samples, so predictions needs 3 values", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => net.PredictBatch(new float[LeNet5.InputSize - 1], new int[1]));
        Assert.Equal("inputs", ex.ParamName);
        Assert.Equal(before, net.Parameters.ToArray());

        // An instance that rejected a call still works.
        var input = new float[LeNet5.InputSize];
        var predictions = new int[1];
        net.PredictBatch(input, predictions);
        Assert.Equal(net.Predict(input), predictions[0]);
    }

    [Fact]
    public void A_hand_written_network_gets_batches_from_the_interface_default()
    {
        INetwork<StaticNets.Tests.Support.RefMlp> net = new StaticNets.Tests.Support.RefMlp(seed: 8);
        var inputs = Enumerable.Range(0, 5 * 4).Select(i => MathF.Sin(i * 0.9f)).ToArray();
        var outputs = new float[5 * 2];
        var predictions = new int[5];
        net.ForwardBatch(inputs, outputs);
        net.PredictBatch(inputs, predictions);
        var one = new float[2];
        for (int s = 0; s < 5; s++)
        {
            net.Forward(inputs.AsSpan(s * 4, 4), one);
            Assert.Equal(one, outputs.AsSpan(s * 2, 2).ToArray());
            Assert.Equal(net.Predict(inputs.AsSpan(s * 4, 4)), predictions[s]);
        }
        var ex = Assert.Throws<ArgumentException>(() => net.ForwardBatch(new float[6], new float[2]));
        Assert.Contains("RefMlp expects inputs to hold whole samples of 4 values", ex.Message);
        Assert.Throws<ArgumentException>(() => net.PredictBatch(new float[8], new int[3]));
    }

    [Fact]
    public void Batches_allocate_nothing()
    {
        var net = new LeNet5(5);
        var inputs = Enumerable.Range(0, 19 * LeNet5.InputSize).Select(i => MathF.Cos(i * 0.1f)).ToArray();
        var outputs = new float[19 * LeNet5.OutputSize];
        var predictions = new int[19];
        Assert.Equal(0, Allocations.Fewest(() =>
        {
            net.ForwardBatch(inputs, outputs);
            net.PredictBatch(inputs, predictions);
        }));
    }
}
