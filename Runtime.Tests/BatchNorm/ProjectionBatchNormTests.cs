using StaticNets.__Internals;
using StaticNets.Tests.Networks;
using StaticNets.Tests.Numerics;
using StaticNets.Tests.Onnx;
using StaticNets.Tests.Reference;
using Xunit;

namespace StaticNets.Tests.BatchNorm;

/// <summary>
/// [Add(from, Projection = Projection.ConvBatchNorm)] beyond its gradients: its layout in <c>Info</c>, a new instance's
/// γ and statistics, inference against the same network with the BatchNorm folded into a <c>Projection.Conv</c>, the
/// running statistics one batch pass leaves against the batch's own moments computed here in double, and
/// training with any thread count giving the same bits, on every vector path.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class ProjectionBatchNormTests
{
    private static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    private static LayerInfo Add(NetworkInfo info) => info.Layers.Single(l => l.Kind == LayerKind.Add && l.Projection == Projection.ConvBatchNorm);

    [Fact]
    public void The_projection_holds_its_weights_then_gamma_and_beta_and_its_statistics_at_the_Adds_place()
    {
        NetworkInfo info = ProjectionBatchNormNet.Info;
        LayerInfo add = Add(info);
        Assert.Equal(8 * 4, add.WeightCount);
        Assert.Equal(2 * 8, add.BiasCount);
        Assert.Equal(2 * 8, add.StatisticsCount);
        // Means and variances of the three BatchNorms before it (4, 8 and 8 channels).
        Assert.Equal(2 * (4 + 8 + 8), add.StatisticsOffset);
        Assert.Equal(0.1f, add.Momentum);
        Assert.Equal(1e-5f, add.Epsilon);
        Assert.Equal(2, add.StrideHeight);
        Assert.Equal(2, add.StrideWidth);
        Assert.Equal(ProjectionBatchNormNet.ParameterCount, info.Layers.Sum(l => l.ParameterCount));
        Assert.Equal(ProjectionBatchNormNet.StatisticsCount, info.Layers.Sum(l => l.StatisticsCount));
        Assert.Equal(2 * (4 + 8 + 8 + 8), ProjectionBatchNormNet.StatisticsCount);
        Assert.Equal(info.Layers.Where(l => l.ParameterCount > 0).Select(l => l.ParameterOffset),
            info.Layers.Where(l => l.ParameterCount > 0).Select(l => info.Layers.TakeWhile(x => !ReferenceEquals(x, l)).Sum(x => x.ParameterCount)));
    }

    [Fact]
    public void A_new_network_has_drawn_projection_weights_gamma_one_beta_zero_and_unit_variances()
    {
        var net = new ProjectionBatchNormNet(seed: 1);
        LayerInfo add = Add(ProjectionBatchNormNet.Info);
        float[] p = net.Parameters.ToArray(), s = net.Statistics.ToArray();
        Assert.Contains(p.AsSpan(add.ParameterOffset, add.WeightCount).ToArray(), w => w != 0f);
        Assert.All(p.AsSpan(add.ParameterOffset + add.WeightCount, 8).ToArray(), g => Assert.Equal(1f, g));
        Assert.All(p.AsSpan(add.ParameterOffset + add.WeightCount + 8, 8).ToArray(), b => Assert.Equal(0f, b));
        Assert.All(s.AsSpan(add.StatisticsOffset, 8).ToArray(), m => Assert.Equal(0f, m));
        Assert.All(s.AsSpan(add.StatisticsOffset + 8, 8).ToArray(), v => Assert.Equal(1f, v));
    }

    /// <summary>Random parameters and running statistics (variances positive).</summary>
    private static void Randomize(ProjectedInputBatchNorm net, int seed)
    {
        float[] p = Random(ProjectedInputBatchNorm.ParameterCount, seed);
        p.CopyTo(net.Parameters);
        float[] s = Random(ProjectedInputBatchNorm.StatisticsCount, seed + 1);
        for (int i = ProjectedInputBatchNorm.StatisticsCount / 2; i < s.Length; i++) s[i] = 0.3f + Math.Abs(s[i]);
        s.CopyTo(net.Statistics);
    }

    [Fact]
    public void Inference_is_the_same_network_with_the_BatchNorm_folded_into_a_convolution_projection()
    {
        var net = new ProjectedInputBatchNorm(seed: 1);
        Randomize(net, 2);
        LayerInfo add = Add(ProjectedInputBatchNorm.Info);
        int channels = add.Units, inputs = add.WeightCount / channels;
        float[] p = net.Parameters.ToArray(), s = net.Statistics.ToArray();

        // The twin: the same parameters, the projection's weights scaled and its bias the shift, in double.
        var folded = new float[ProjectedInputConv.ParameterCount];
        p.AsSpan(0, add.ParameterOffset).CopyTo(folded);
        int tail = add.ParameterOffset + add.ParameterCount, twinTail = add.ParameterOffset + add.WeightCount + channels;
        p.AsSpan(tail).CopyTo(folded.AsSpan(twinTail));
        for (int k = 0; k < channels; k++)
        {
            double scale = p[add.ParameterOffset + add.WeightCount + k] / Math.Sqrt((double)s[add.StatisticsOffset + channels + k] + add.Epsilon);
            for (int c = 0; c < inputs; c++) folded[add.ParameterOffset + k * inputs + c] = (float)(p[add.ParameterOffset + k * inputs + c] * scale);
            folded[add.ParameterOffset + add.WeightCount + k] = (float)(p[add.ParameterOffset + add.WeightCount + channels + k] - s[add.StatisticsOffset + k] * scale);
        }
        var twin = new ProjectedInputConv(seed: 1);
        folded.CopyTo(twin.Parameters);

        float[] batch = Random(3 * ProjectedInputBatchNorm.InputSize, 3);
        var outputs = new float[3 * ProjectedInputBatchNorm.OutputSize];
        net.ForwardBatch(batch, outputs);
        for (int b = 0; b < 3; b++)
        {
            var x = batch.AsSpan(b * ProjectedInputBatchNorm.InputSize, ProjectedInputBatchNorm.InputSize);
            float[] y = new float[ProjectedInputBatchNorm.OutputSize], expected = new float[ProjectedInputConv.OutputSize];
            net.Forward(x, y);
            twin.Forward(x, expected);
            double[] reference = ReferenceNetwork.Forward(ProjectedInputConv.Info, folded, x);
            for (int i = 0; i < y.Length; i++)
            {
                Assert.True(Math.Abs(y[i] - expected[i]) <= 1e-5f, $"sample {b} output {i}: {y[i]}, folded {expected[i]}");
                Assert.True(Math.Abs(y[i] - reference[i]) <= 1e-4, $"sample {b} output {i}: {y[i]}, reference {reference[i]}");
                Assert.Equal(y[i], outputs[b * ProjectedInputBatchNorm.OutputSize + i]);
            }
        }
    }

    [Fact]
    public void Inference_of_a_downsampling_block_is_the_double_reference_with_the_running_statistics()
    {
        var net = new ProjectionBatchNormNet(seed: 1);
        var random = new Random(7);
        foreach (ref float p in net.Parameters) p = (float)(random.NextDouble() - 0.5);
        foreach (LayerInfo layer in ProjectionBatchNormNet.Info.Layers.Where(l => l.StatisticsCount > 0))
        {
            int channels = layer.StatisticsCount / 2;
            for (int c = 0; c < channels; c++)
            {
                net.Statistics[layer.StatisticsOffset + c] = (float)(random.NextDouble() - 0.5);
                net.Statistics[layer.StatisticsOffset + channels + c] = (float)(0.3 + random.NextDouble());
            }
        }
        float[] x = Random(ProjectionBatchNormNet.InputSize, 8);
        var y = new float[ProjectionBatchNormNet.OutputSize];
        net.Forward(x, y);
        double[] expected = ReferenceNetwork.Forward(ProjectionBatchNormNet.Info, net.Parameters, x, net.Statistics);
        for (int i = 0; i < y.Length; i++) Assert.True(Math.Abs(y[i] - expected[i]) <= 1e-5, $"output {i}: {y[i]}, reference {expected[i]}");
    }

    [Fact]
    public void One_batch_pass_moves_the_running_statistics_towards_the_batchs_moments_of_the_projection()
    {
        const int N = 4;
        var net = new ProjectedInputBatchNorm(seed: 1);
        Randomize(net, 4);
        LayerInfo add = Add(ProjectedInputBatchNorm.Info);
        int channels = add.Units, inputs = add.WeightCount / channels, positions = add.OutputShape.Height * add.OutputShape.Width;
        float[] p = net.Parameters.ToArray(), before = net.Statistics.ToArray();
        float[] batch = Random(N * ProjectedInputBatchNorm.InputSize, 5);

        net.ComputeBatchGradients(batch, Random(N * ProjectedInputBatchNorm.OutputSize, 6));

        for (int k = 0; k < channels; k++)
        {
            // The 1x1 stride-1 projection of the input, channel k, over every sample and position.
            var values = new List<double>();
            for (int s = 0; s < N; s++)
            for (int i = 0; i < positions; i++)
            {
                double sum = 0;
                for (int c = 0; c < inputs; c++) sum += (double)p[add.ParameterOffset + k * inputs + c] * batch[s * ProjectedInputBatchNorm.InputSize + c * positions + i];
                values.Add(sum);
            }
            double mean = values.Average();
            double unbiased = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
            double expectedMean = 0.9 * before[add.StatisticsOffset + k] + 0.1 * mean;
            double expectedVariance = 0.9 * before[add.StatisticsOffset + channels + k] + 0.1 * unbiased;
            Assert.True(Math.Abs(net.Statistics[add.StatisticsOffset + k] - expectedMean) <= 1e-5, $"mean {k}: {net.Statistics[add.StatisticsOffset + k]}, expected {expectedMean}");
            Assert.True(Math.Abs(net.Statistics[add.StatisticsOffset + channels + k] - expectedVariance) <= 1e-5 * Math.Max(1, expectedVariance),
                $"variance {k}: {net.Statistics[add.StatisticsOffset + channels + k]}, expected {expectedVariance}");
        }
    }

    [Fact]
    public void Batch_passes_on_one_and_two_threads_give_the_same_bits()
    {
        (float, float[], float[]) Run(int threads)
        {
            var net = new TwoProjectionBatchNorms(seed: 8);
            float[] inputs = Random(6 * TwoProjectionBatchNorms.InputSize, 9);
            int[] labels = [0, 1, 2, 3, 1, 2];
            float loss = 0;
            using (BatchRunner.UseThreads(threads))
            {
                for (int step = 0; step < 3; step++)
                {
                    loss += net.ComputeBatchGradients(inputs, labels);
                    for (int i = 0; i < net.Parameters.Length; i++) net.Parameters[i] -= 0.01f * net.Gradients[i];
                }
            }
            return (loss, net.Gradients.ToArray(), net.Statistics.ToArray());
        }

        var one = Run(1);
        var two = Run(2);
        Assert.Equal(one.Item1, two.Item1);
        Assert.Equal(one.Item2, two.Item2);
        Assert.Equal(one.Item3, two.Item3);
    }
}

/// <summary>
/// The ConvBatchNorm test networks with random parameters and running statistics: weight files keep every bit, the ONNX
/// export (the shortcut a <c>Conv</c> without bias, a <c>BatchNormalization</c>, then the <c>Add</c>) runs in ONNX Runtime
/// as <c>Forward</c>, and imports back bit for bit.
/// </summary>
public class ProjectionBatchNormFileTests
{
    private static void Check<TNet>(TNet net, int seed) where TNet : class, INetwork<TNet>
    {
        NetworkInfo info = TNet.Info;
        var random = new Random(seed);
        foreach (ref float p in net.Parameters) p = (float)(random.NextDouble() - 0.5);
        foreach (LayerInfo layer in info.Layers.Where(l => l.StatisticsCount > 0))
        {
            int channels = layer.StatisticsCount / 2;
            for (int c = 0; c < channels; c++)
            {
                net.Statistics[layer.StatisticsOffset + c] = (float)(random.NextDouble() - 0.5);
                net.Statistics[layer.StatisticsOffset + channels + c] = (float)(0.3 + random.NextDouble());
            }
        }
        float[] inputs = OnnxTestModels.RandomInputs(3 * info.InputSize, seed: 5);
        float[] expected = new float[3 * info.OutputSize];
        net.ForwardBatch(inputs, expected);

        var file = new MemoryStream();
        net.Save(file);
        file.Position = 0;
        TNet loaded = TNet.Load(file);
        Assert.Equal(net.Parameters.ToArray(), loaded.Parameters.ToArray());
        Assert.Equal(net.Statistics.ToArray(), loaded.Statistics.ToArray());
        float[] again = new float[expected.Length];
        loaded.ForwardBatch(inputs, again);
        Assert.Equal(expected, again);

        byte[] model = OnnxTestModels.Exported(net);
        var outline = OnnxTestModels.Read(model);
        foreach (LayerInfo add in info.Layers.Where(l => l.Projection == Projection.ConvBatchNorm))
        {
            Assert.Contains(outline.Initializers, i => i.Name == add.Name + ".weight");
            Assert.DoesNotContain(outline.Initializers, i => i.Name == add.Name + ".bias");
            Assert.Contains(outline.Initializers, i => i.Name == add.Name + ".norm.running_var");
        }
        int norms = info.Layers.Count(l => l.Kind == LayerKind.BatchNorm || l.Projection == Projection.ConvBatchNorm);
        Assert.Equal(norms, outline.Ops.Count(op => op == "BatchNormalization"));
        float[] actual = OnnxTestModels.Run(model, info, inputs, batch: 3);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"{info.Name} output {i}: Forward {expected[i]}, ONNX Runtime {actual[i]}");
        }

        TNet imported = TNet.Create(0);
        imported.ImportOnnx(new MemoryStream(model));
        Assert.Equal(net.Parameters.ToArray(), imported.Parameters.ToArray());
        Assert.Equal(net.Statistics.ToArray(), imported.Statistics.ToArray());
    }

    /// <summary>
    /// A <c>Projection.Conv</c> shortcut is what PyTorch's folded export makes of a ConvBatchNorm one: imported, its bias
    /// becomes β (γ = sqrt(1 + ε), mean 0, variance 1), with the same Forward. A ConvBatchNorm export, whose
    /// BatchNormalization node has no declared counterpart, does not import into the Conv shortcut.
    /// </summary>
    [Fact]
    public void A_convolution_shortcut_with_bias_imports_as_a_folded_ConvBatchNorm_projection()
    {
        var conv = new ProjectedInputConv(seed: 3);
        var random = new Random(4);
        foreach (ref float p in conv.Parameters) p = (float)(random.NextDouble() - 0.5);
        byte[] model = OnnxTestModels.Exported(conv);

        var net = new Networks.ProjectedInputBatchNorm(seed: 5);
        net.ImportOnnx(new MemoryStream(model));

        LayerInfo add = Networks.ProjectedInputBatchNorm.Info.Layers.Single(l => l.Kind == LayerKind.Add);
        int channels = add.Units;
        Assert.All(net.Parameters.Slice(add.ParameterOffset + add.WeightCount, channels).ToArray(), g => Assert.Equal(MathF.Sqrt(1f + 1e-5f), g));
        Assert.Equal(conv.Parameters.Slice(add.ParameterOffset + add.WeightCount, channels).ToArray(),
            net.Parameters.Slice(add.ParameterOffset + add.WeightCount + channels, channels).ToArray());
        Assert.Equal(Enumerable.Repeat(0f, channels).Concat(Enumerable.Repeat(1f, channels)), net.Statistics.ToArray());
        float[] inputs = OnnxTestModels.RandomInputs(3 * ProjectedInputConv.InputSize, seed: 6);
        float[] expected = new float[3 * ProjectedInputConv.OutputSize], actual = new float[expected.Length];
        conv.ForwardBatch(inputs, expected);
        net.ForwardBatch(inputs, actual);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"output {i}: {actual[i]}, the Conv shortcut's {expected[i]}");

        var error = Assert.Throws<InvalidDataException>(() => conv.ImportOnnx(new MemoryStream(OnnxTestModels.Exported(net))));
        Assert.Contains("BatchNormalization", error.Message);
    }

    [Fact] public void ProjectionBatchNormNet() => Check(new ProjectionBatchNormNet(1), 11);

    [Fact] public void ProjectedInputBatchNorm() => Check(new ProjectedInputBatchNorm(2), 12);

    [Fact] public void TwoProjectionBatchNorms() => Check(new TwoProjectionBatchNorms(3), 13);
}
