using StaticNets.Tests.Networks;
using StaticNets.Tests.Numerics;
using Xunit;
using Xunit.Abstractions;

namespace StaticNets.Tests.BatchNorm;

/// <summary>
/// <c>ComputeBatchGradients</c> of BatchNorm networks against central finite differences of the summed loss over the
/// batch (training mode: the batch's statistics move with every parameter), on every vector path. Every parameter is
/// checked, so the gradients of γ and β, and of the layers before a BatchNorm, which see the loss only through the
/// BatchNorm's input gradient (the batch-coupled <c>dx</c>), are all covered; where the BatchNorm reads the network
/// input, its own gradients check the statistics path. The same holds through an [Add] with
/// <c>Projection.ConvBatchNorm</c>: its 1x1 weights, γ and β, and the layers before the Add, whose gradient arrives
/// through both branches. Tolerances as in <see cref="GradientCheckTests"/>:
/// <c>|analytic - numeric| &lt;= 2e-3 + 3% of |numeric|</c>, a quarter step where a ReLU switches.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class BatchNormGradientTests(ITestOutputHelper output)
{
    private const float Step = 1e-3f;
    private const double Absolute = 2e-3, Relative = 3e-2;

    [Fact]
    public void Conv_batchnorm_relu_dense_over_three_samples() =>
        Check(new ConvBatchNorm(seed: 3), samples: 3, labels: [0, 3, 1]);

    [Fact]
    public void Dense_batchnorm_per_feature_over_four_samples_with_targets() =>
        Check(new DenseBatchNorm(seed: 4), samples: 4, targets: [0.2f, -0.5f, 0.9f, 0.1f, 0.3f, -0.4f, -0.8f, 0.6f, 0.0f, 0.5f, -0.1f, 0.7f]);

    [Fact]
    public void BatchNorm_on_the_input_two_more_and_dropout_over_four_samples() =>
        Check(new TwoBatchNorms(seed: 5), samples: 4, labels: [1, 0, 0, 1]);

    [Fact]
    public void Conv_with_bias_batchnorm_relu_global_average_pool_dense_over_three_samples() =>
        Check(new BatchNormReference(seed: 6), samples: 3, labels: [2, 0, 1]);

    [Fact]
    public void Downsampling_block_with_a_stride_2_projection_over_four_samples() =>
        Check(new ProjectionBatchNormNet(seed: 7), samples: 4, labels: [0, 2, 1, 1]);

    [Fact]
    public void Projection_of_the_network_input_over_four_samples_with_targets() =>
        Check(new ProjectedInputBatchNorm(seed: 4), samples: 4, targets: [0.2f, -0.5f, 0.9f, 0.1f, 0.3f, -0.4f, -0.8f, 0.6f]);

    [Fact]
    public void Two_projections_the_first_at_the_input_over_four_samples() =>
        Check(new TwoProjectionBatchNorms(seed: 5), samples: 4, labels: [1, 0, 3, 1]);

    private void Check<TNet>(TNet net, int samples, int[]? labels = null, float[]? targets = null)
        where TNet : class, INetwork<TNet>
    {
        var info = TNet.Info;
        var random = new Random(21);
        var inputs = new float[samples * info.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)(random.NextDouble() * 2 - 1);
        // γ away from 1 and β and biases away from 0, so that every term of the backward matters. A layer with
        // statistics has γ then β as its last parameters (an Add's projection has its 1x1 weights before them).
        foreach (var layer in info.Layers)
        {
            for (int i = 0; i < layer.BiasCount; i++) net.Parameters[layer.ParameterOffset + layer.WeightCount + i] = (float)(random.NextDouble() * 0.4 - 0.2);
            if (layer.StatisticsCount == 0) continue;
            int channels = layer.StatisticsCount / 2;
            int gamma = layer.ParameterOffset + layer.WeightCount + layer.BiasCount - 2 * channels;
            for (int i = 0; i < channels; i++) net.Parameters[gamma + i] = (float)(0.5 + random.NextDouble());
        }

        float Loss()
        {
            net.SetRandomState(777);
            net.ZeroGradients();
            return labels is not null ? net.ComputeBatchGradients(inputs, labels) : net.ComputeBatchGradients(inputs, targets!);
        }

        Loss();
        float[] analytic = net.Gradients.ToArray();
        Assert.Contains(analytic, g => g != 0f);

        double Numeric(int i, float step)
        {
            float saved = net.Parameters[i];
            net.Parameters[i] = saved + step;
            double plus = Loss();
            net.Parameters[i] = saved - step;
            double minus = Loss();
            net.Parameters[i] = saved;
            return (plus - minus) / (2 * step);
        }

        bool Agrees(int i, double numeric) => Math.Abs(analytic[i] - numeric) <= Absolute + Relative * Math.Abs(numeric);

        int failures = 0, kinks = 0;
        double worst = 0;
        for (int i = 0; i < info.ParameterCount; i++)
        {
            double numeric = Numeric(i, Step);
            worst = Math.Max(worst, Math.Abs(analytic[i] - numeric) / (Absolute + Relative * Math.Abs(numeric)));
            if (Agrees(i, numeric)) continue;
            double finer = Numeric(i, Step / 4);
            if (Agrees(i, finer))
            {
                kinks++;
                continue;
            }
            failures++;
            output.WriteLine($"parameter {i} ({LayerOf(info, i)}): analytic {analytic[i]:G6}, numeric {numeric:G6} (step {Step}), {finer:G6} (step {Step / 4})");
        }
        output.WriteLine($"{info.ParameterCount} parameters checked, worst error {worst:F3} of the tolerance, {kinks} across a kink");
        Assert.Equal(0, failures);
        Assert.True(kinks <= info.ParameterCount / 20, $"{kinks} of {info.ParameterCount} parameters straddle a kink");
    }

    private static string LayerOf(NetworkInfo info, int index)
    {
        var layer = info.Layers.Last(l => l.ParameterCount > 0 && l.ParameterOffset <= index);
        return index < layer.ParameterOffset + layer.WeightCount ? $"{layer.Name} weight" : $"{layer.Name} bias";
    }
}
