using StaticNets.__Internals;
using StaticNets.Tests.Networks;
using StaticNets.Tests.Support;
using Xunit;

namespace StaticNets.Tests.BatchNorm;

/// <summary>
/// What the generated BatchNorm members promise beyond their gradients: the initial γ, β and statistics, replicas that
/// share the statistics, inference with the running statistics, a batch of one, the bits for any thread count, and
/// <c>ComputeBatchGradients</c> without BatchNorm equal to one <c>ComputeGradients</c> per sample.
/// </summary>
public class BatchNormBehaviourTests
{
    private static float[] Random(int count, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        return values;
    }

    [Fact]
    public void Gamma_starts_at_one_beta_at_zero_running_means_at_zero_and_variances_at_one()
    {
        var net = new TwoBatchNorms(seed: 1);
        Assert.Equal(TwoBatchNorms.StatisticsCount, TwoBatchNorms.Info.StatisticsCount);
        Assert.Equal(TwoBatchNorms.StatisticsCount, net.Statistics.Length);
        foreach (var layer in TwoBatchNorms.Info.Layers.Where(l => l.Kind == LayerKind.BatchNorm))
        {
            int c = layer.StatisticsCount / 2;
            Assert.Equal(c, layer.WeightCount);
            Assert.Equal(c, layer.BiasCount);
            Assert.All(net.Parameters.Slice(layer.ParameterOffset, c).ToArray(), g => Assert.Equal(1f, g));
            Assert.All(net.Parameters.Slice(layer.ParameterOffset + c, c).ToArray(), b => Assert.Equal(0f, b));
            Assert.All(net.Statistics.Slice(layer.StatisticsOffset, c).ToArray(), m => Assert.Equal(0f, m));
            Assert.All(net.Statistics.Slice(layer.StatisticsOffset + c, c).ToArray(), v => Assert.Equal(1f, v));
        }
        Assert.Equal(0, LeNet5.StatisticsCount);
        Assert.Equal(0, new LeNet5().Statistics.Length);
    }

    [Fact]
    public void A_replica_shares_the_statistics_and_a_batch_pass_of_one_updates_them_for_both()
    {
        var net = new ConvBatchNorm(seed: 2);
        var replica = net.CreateReplica();
        net.Statistics[1] = 0.25f;
        Assert.Equal(0.25f, replica.Statistics[1]);
        replica.ComputeBatchGradients(Random(2 * ConvBatchNorm.InputSize, 3), [1, 2]);
        Assert.Equal(net.Statistics.ToArray(), replica.Statistics.ToArray());
        Assert.NotEqual(0.25f, net.Statistics[1]);
    }

    [Fact]
    public void Inference_normalises_with_the_running_statistics()
    {
        var net = new DenseBatchNorm(seed: 3);
        var info = DenseBatchNorm.Info;
        var bn = info.Layers.Single(l => l.Kind == LayerKind.BatchNorm);
        var dense1 = info.Layers[0];
        var dense2 = info.Layers[3];
        var random = new Random(4);
        for (int i = 0; i < 6; i++)
        {
            net.Parameters[bn.ParameterOffset + i] = (float)(0.5 + random.NextDouble());
            net.Parameters[bn.ParameterOffset + 6 + i] = (float)(random.NextDouble() - 0.5);
            net.Statistics[i] = (float)(random.NextDouble() - 0.5);
            net.Statistics[6 + i] = (float)(0.2 + random.NextDouble());
        }
        var inputs = Random(3 * 5, 5);
        var outputs = new float[3 * 3];
        net.ForwardBatch(inputs, outputs);
        for (int s = 0; s < 3; s++)
        {
            var x = inputs.AsSpan(s * 5, 5).ToArray();
            var p = net.Parameters;
            var h = new double[6];
            for (int u = 0; u < 6; u++)
            {
                double z = p[dense1.ParameterOffset + 30 + u];
                for (int i = 0; i < 5; i++) z += p[dense1.ParameterOffset + u * 5 + i] * (double)x[i];
                double normalised = (z - net.Statistics[u]) / Math.Sqrt(net.Statistics[6 + u] + 1e-3);
                h[u] = Math.Tanh(p[bn.ParameterOffset + u] * normalised + p[bn.ParameterOffset + 6 + u]);
            }
            var forward = new float[3];
            net.Forward(x, forward);
            for (int o = 0; o < 3; o++)
            {
                double y = p[dense2.ParameterOffset + 18 + o];
                for (int u = 0; u < 6; u++) y += p[dense2.ParameterOffset + o * 6 + u] * h[u];
                Assert.Equal(y, forward[o], 1e-5);
                Assert.Equal(forward[o], outputs[s * 3 + o]);
            }
        }
    }

    [Fact]
    public void ComputeGradients_is_a_batch_of_one()
    {
        var a = new ConvBatchNorm(seed: 6);
        var b = new ConvBatchNorm(seed: 6);
        var input = Random(ConvBatchNorm.InputSize, 7);
        float lossA = a.ComputeGradients(input, 2);
        float lossB = b.ComputeBatchGradients(input, [2]);
        Assert.Equal(lossB, lossA);
        Assert.Equal(b.Gradients.ToArray(), a.Gradients.ToArray());
        Assert.Equal(b.Statistics.ToArray(), a.Statistics.ToArray());
        Assert.Equal(b.Output.ToArray(), a.Output.ToArray());
    }

    [Fact]
    public void A_flat_batchnorm_refuses_a_batch_of_one_naming_the_layer_and_changes_nothing()
    {
        var net = new DenseBatchNorm(seed: 8);
        var before = net.Statistics.ToArray();
        var e = Assert.Throws<ArgumentException>(() => net.ComputeBatchGradients(Random(5, 9), new float[3]));
        Assert.Contains("bn1 (BatchNorm over 6 features)", e.Message);
        Assert.Contains("at least 2 samples", e.Message);
        Assert.Throws<ArgumentException>(() => net.ComputeGradients(Random(5, 9), new float[3]));
        Assert.Equal(before, net.Statistics.ToArray());
        Assert.All(net.Gradients.ToArray(), g => Assert.Equal(0f, g));
        // Two samples are a batch.
        net.ComputeBatchGradients(Random(10, 9), new float[6]);
        Assert.NotEqual(before, net.Statistics.ToArray());
    }

    [Fact]
    public void Bad_spans_and_labels_are_argument_errors()
    {
        var net = new ConvBatchNorm(seed: 1);
        Assert.Throws<ArgumentException>(() => net.ComputeBatchGradients(new float[ConvBatchNorm.InputSize + 1], [0]));
        Assert.Throws<ArgumentException>(() => net.ComputeBatchGradients(new float[2 * ConvBatchNorm.InputSize], [0]));
        Assert.ThrowsAny<ArgumentException>(() => net.ComputeBatchGradients(new float[2 * ConvBatchNorm.InputSize], [0, 4]));
        Assert.Equal(0f, net.ComputeBatchGradients(ReadOnlySpan<float>.Empty, ReadOnlySpan<int>.Empty));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(2)]
    public void One_and_two_threads_give_the_same_bits(int samples)
    {
        (float, float[], float[]) Run<TNet>(int threads, int[] labels) where TNet : class, INetwork<TNet>
        {
            var net = TNet.Create(11);
            net.SetRandomState(99);
            var inputs = Random(samples * TNet.Info.InputSize, 12);
            using var _ = BatchRunner.UseThreads(threads);
            float loss = 0;
            for (int step = 0; step < 3; step++)
            {
                loss += net.ComputeBatchGradients(inputs, labels);
                // The parameters move, so that the next pass's statistics differ.
                for (int i = 0; i < net.Parameters.Length; i++) net.Parameters[i] -= 0.01f * net.Gradients[i];
            }
            return (loss, net.Gradients.ToArray(), net.Statistics.ToArray());
        }

        int[] labels = Enumerable.Range(0, samples).Select(s => s % 2).ToArray();
        foreach (var run in new Func<int, (float, float[], float[])>[] { t => Run<ConvBatchNorm>(t, labels), t => Run<TwoBatchNorms>(t, labels) })
        {
            var one = run(1);
            var two = run(2);
            var sequential = run(0);
            Assert.Equal(one.Item1, two.Item1);
            Assert.Equal(one.Item2, two.Item2);
            Assert.Equal(one.Item3, two.Item3);
            Assert.Equal(one.Item2, sequential.Item2);
        }
        Assert.Equal(0, BatchRunner.Threads);
    }

    [Fact]
    public void Without_batchnorm_a_batch_is_one_ComputeGradients_per_sample_bit_for_bit()
    {
        var batch = new LeNet5(seed: 13);
        var single = new LeNet5(seed: 13);
        var inputs = Random(5 * LeNet5.InputSize, 14);
        int[] labels = [3, 1, 4, 1, 5];
        float expected = 0;
        for (int s = 0; s < 5; s++) expected += single.ComputeGradients(inputs.AsSpan(s * LeNet5.InputSize, LeNet5.InputSize), labels[s]);
        using (BatchRunner.UseThreads(2))
        {
            Assert.Equal(expected, batch.ComputeBatchGradients(inputs, labels));
        }
        Assert.Equal(single.Gradients.ToArray(), batch.Gradients.ToArray());

        var targets = Random(5 * 10, 15);
        batch.ZeroGradients();
        single.ZeroGradients();
        expected = 0;
        for (int s = 0; s < 5; s++) expected += single.ComputeGradients(inputs.AsSpan(s * LeNet5.InputSize, LeNet5.InputSize), targets.AsSpan(s * 10, 10));
        Assert.Equal(expected, batch.ComputeBatchGradients(inputs, targets));
        Assert.Equal(single.Gradients.ToArray(), batch.Gradients.ToArray());
    }

    [Fact]
    public void The_outputs_overloads_hand_back_the_training_mode_outputs_the_loss_came_from()
    {
        const int O = ConvBatchNorm.OutputSize;
        var withOutputs = new ConvBatchNorm(seed: 17);
        var without = new ConvBatchNorm(seed: 17);
        var inputs = Random(3 * ConvBatchNorm.InputSize, 18);
        int[] labels = [0, 2, 1];
        var inference = new float[3 * O];
        withOutputs.ForwardBatch(inputs, inference);
        var outputs = new float[3 * O];
        float loss = withOutputs.ComputeBatchGradients(inputs, labels, outputs);

        // The same pass as without outputs: loss, gradients and running statistics, bit for bit.
        Assert.Equal(without.ComputeBatchGradients(inputs, labels), loss);
        Assert.Equal(without.Gradients.ToArray(), withOutputs.Gradients.ToArray());
        Assert.Equal(without.Statistics.ToArray(), withOutputs.Statistics.ToArray());
        // The outputs are the softmax the cross-entropy was taken of, normalised with the batch's statistics (not the
        // running ones inference uses).
        double fromOutputs = 0;
        for (int s = 0; s < 3; s++)
        {
            Assert.Equal(1.0, outputs.AsSpan(s * O, O).ToArray().Sum(), 1e-5);
            fromOutputs -= Math.Log(outputs[s * O + labels[s]]);
        }
        Assert.Equal(fromOutputs, loss, 1e-4 * Math.Abs(fromOutputs));
        Assert.NotEqual(inference, outputs);

        // Targets, with mean squared error: each output's loss against its target sums to the returned loss.
        var dense = new DenseBatchNorm(seed: 19);
        var denseInputs = Random(2 * DenseBatchNorm.InputSize, 20);
        var targets = Random(2 * DenseBatchNorm.OutputSize, 21);
        var denseOutputs = new float[2 * DenseBatchNorm.OutputSize];
        float denseLoss = dense.ComputeBatchGradients(denseInputs, targets, denseOutputs);
        var scratch = new float[DenseBatchNorm.OutputSize];
        float summed = 0;
        for (int s = 0; s < 2; s++)
        {
            var slice = new Range(s * DenseBatchNorm.OutputSize, (s + 1) * DenseBatchNorm.OutputSize);
            summed += Losses.MeanSquaredError(denseOutputs.AsSpan(slice), targets.AsSpan(slice), scratch);
        }
        Assert.Equal(summed, denseLoss, 1e-5f * Math.Abs(summed));

        // An outputs span of the wrong length is refused before anything runs.
        var before = withOutputs.Statistics.ToArray();
        var e = Assert.Throws<ArgumentException>(() => withOutputs.ComputeBatchGradients(inputs, labels, new float[3 * O - 1]));
        Assert.Equal("outputs", e.ParamName);
        Assert.Equal(before, withOutputs.Statistics.ToArray());
    }

    [Fact]
    public void Without_batchnorm_the_outputs_are_each_ComputeGradients_output()
    {
        var net = new LeNet5(seed: 22);
        var single = new LeNet5(seed: 22);
        var inputs = Random(3 * LeNet5.InputSize, 23);
        int[] labels = [7, 0, 3];
        var outputs = new float[3 * LeNet5.OutputSize];
        net.ComputeBatchGradients(inputs, labels, outputs);
        for (int s = 0; s < 3; s++)
        {
            single.ComputeGradients(inputs.AsSpan(s * LeNet5.InputSize, LeNet5.InputSize), labels[s]);
            Assert.Equal(single.Output.ToArray(), outputs.AsSpan(s * LeNet5.OutputSize, LeNet5.OutputSize).ToArray());
        }
        Assert.Equal(single.Gradients.ToArray(), net.Gradients.ToArray());
    }

    [Fact]
    public void Summary_gives_the_bytes_of_a_batch_replica_and_the_first_batch_of_two_allocates_about_that()
    {
        var match = System.Text.RegularExpressions.Regex.Match(ConvBatchNorm.Summary, @"batch training: one replica per sample after a batch's first, ([\d,]+) B each");
        Assert.True(match.Success, ConvBatchNorm.Summary);
        long replica = long.Parse(match.Groups[1].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
        var memory = System.Text.RegularExpressions.Regex.Match(ConvBatchNorm.Summary, @"gradients ([\d,]+) B.*activations ([\d,]+) B");
        Assert.Equal(long.Parse(memory.Groups[1].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture)
            + long.Parse(memory.Groups[2].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture), replica);

        var net = new ConvBatchNorm(seed: 24);
        var inputs = Random(2 * ConvBatchNorm.InputSize, 25);
        int[] labels = [0, 1];
        long before = GC.GetAllocatedBytesForCurrentThread();
        net.ComputeBatchGradients(inputs, labels);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // One replica: its gradients and buffers, plus array headers and the replica lists.
        Assert.InRange(allocated, replica, replica + 4096);
        Assert.DoesNotContain("batch training", LeNet5.Summary);
    }

    [Fact]
    public void A_sequential_batch_pass_allocates_nothing_once_the_replicas_exist()
    {
        var net = new ConvBatchNorm(seed: 16);
        var inputs = Random(4 * ConvBatchNorm.InputSize, 17);
        int[] labels = [0, 1, 2, 3];
        net.ComputeBatchGradients(inputs, labels);
        Assert.Equal(0, Allocations.Fewest(() =>
        {
            net.ComputeBatchGradients(inputs, labels);
            net.ComputeBatchGradients(inputs.AsSpan(0, 2 * ConvBatchNorm.InputSize), labels.AsSpan(0, 2));
        }));
    }
}
