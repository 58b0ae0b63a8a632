using StaticNets.Tests.Networks;
using Xunit;
using Xunit.Abstractions;

namespace StaticNets.Tests.Numerics;

/// <summary>
/// Every layer's backward pass against central finite differences of the loss, on the Vector512, Vector256 and
/// scalar paths (one per process: <see cref="VectorPath"/>). The networks compute in float, so the differences use a step of 1e-3 and the loss is
/// evaluated with the same dropout mask each time; a gradient passes when
/// <c>|analytic - numeric| &lt;= 2e-3 + 3% of |numeric|</c> (float rounding of the loss is about 1e-7,
/// divided by the step 2e-3 that gives about 1e-4; the rest is room for the curvature of tanh and GELU). Where a
/// ReLU or a max window switches within the step, the quotient with a quarter of the step must agree instead, and
/// at most 5% of the parameters may need it.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class GradientCheckTests(ITestOutputHelper output)
{
    private const float Step = 1e-3f;
    private const double Absolute = 2e-3, Relative = 3e-2;

    [Fact]
    public void ConvNetA_max_pooling_tanh_relu_sigmoid_softmax() =>
        Check(new ConvNetA(seed: 3), label: 2);

    [Fact]
    public void ConvNetB_stride_padding_avgpool_leaky_gelu_dropout_standalone_softmax() =>
        Check(new ConvNetB(seed: 4), label: 1);

    [Fact]
    public void ConvMse_five_filters_large_kernel_mean_squared_error() =>
        Check(new ConvMse(seed: 5), target: [0.3f, -0.7f]);

    [Fact]
    public void RectangularNet_rectangular_kernels_per_side_pads_no_bias_large_kernel() =>
        Check(new RectangularNet(seed: 8), label: 1);

    [Fact]
    public void SameNet_same_padding_per_axis_strides_trailing_padding_unread() =>
        Check(new SameNet(seed: 9), label: 2);

    [Fact]
    public void FlooredConv_pytorchs_floor_with_SN2001_lowered() =>
        Check(new FlooredConv(seed: 10), label: 0);

    [Fact]
    public void GroupedNet_grouped_and_depthwise_convolutions() =>
        Check(new GroupedNet(seed: 11), label: 1);

    [Fact]
    public void DepthwiseNet_depthwise_same_multiplier_pointwise() =>
        Check(new DepthwiseNet(seed: 12), label: 0);

    [Fact]
    public void LargeStridedNet_strided_window_over_7x7_looped_taps_and_dilated_backward() =>
        Check(new LargeStridedNet(seed: 62), label: 2);

    [Fact]
    public void PointwisePlane3_direct_1x1_across_the_channels() =>
        Check(new PointwisePlane3(seed: 27), label: 1);

    [Fact]
    public void PointwisePlane6_direct_1x1_across_the_channels_or_the_positions() =>
        Check(new PointwisePlane6(seed: 28), label: 2);

    [Fact]
    public void DepthwiseLanes64_keyword_spotter_plane_64_channels_stride_two_then_pointwise_to_16() =>
        Check(new DepthwiseLanes64(seed: 35), label: 2);

    [Fact]
    public void PointwiseBackward3_1x1_backward_as_products_channels_across_the_lanes() =>
        Check(new PointwiseBackward3(seed: 73), label: 1);

    [Fact]
    public void PointwiseBackward25x5_1x1_backward_as_products_positions_across_the_lanes() =>
        Check(new PointwiseBackward25x5(seed: 74), label: 2);

    [Fact]
    public void DepthwisePlane6_depthwise_on_a_small_plane_stride_one_and_two() =>
        Check(new DepthwisePlane6(seed: 32), label: 0);

    [Fact]
    public void DepthwiseLanes8_depthwise_backward_with_the_channels_across_the_lanes_stride_one_and_two() =>
        Check(new DepthwiseLanes8(seed: 33), label: 1);

    [Fact]
    public void DepthwiseLanes12_depthwise_backward_of_a_channel_tail_rectangular_window_asymmetric_pads() =>
        Check(new DepthwiseLanes12(seed: 34), label: 2);

    [Fact]
    public void PaddedPoolNet_padded_rectangular_and_same_pools() =>
        Check(new PaddedPoolNet(seed: 13), label: 2);

    [Fact]
    public void GlobalMaxNet_global_max_pool_into_dense() =>
        Check(new GlobalMaxNet(seed: 14), label: 1);

    [Fact]
    public void GlobalAvgNet_global_average_pool_into_dense() =>
        Check(new GlobalAvgNet(seed: 15), label: 0);

    [Fact]
    public void DenseNoBias_dense_layers_without_bias() =>
        Check(new DenseNoBias(seed: 16), label: 2);

    [Fact]
    public void MlpMse_standalone_activations() =>
        Check(new MlpMse(seed: 6), target: [0.5f, 0.1f, -0.2f]);

    [Fact]
    public void StridedNet_stride_three_after_dropout() =>
        Check(new StridedNet(seed: 7), label: 3);

    [Fact]
    public void FlooredPool_max_pooling_that_leaves_a_row_and_a_column_out() =>
        Check(new FlooredPool(seed: 9), label: 2);

    [Fact]
    public void FilterLanes_filters_across_the_vector_lanes() =>
        Check(new FilterLanes(seed: 10), label: 1, samples: 600);

    [Fact]
    public void WidePool_max_pooling_eight_windows_at_a_time() =>
        Check(new WidePool(seed: 11), label: 0, samples: 1000);

    [Fact]
    public void NarrowPool_max_pooling_four_windows_at_a_time() =>
        Check(new NarrowPool(seed: 12), label: 2, samples: 1000);

    [Fact]
    public void ClipNet_relu6_inline_and_standalone_clipping_at_both_ends() =>
        Check(new ClipNet(seed: 13), label: 1, inputScale: 6f);

    [Fact]
    public void ResidualNet_identity_and_stride_two_projection_adds_through_both_branches() =>
        Check(new ResidualNet(seed: 17), label: 1);

    [Fact]
    public void ProjectedInputNet_projection_of_the_input_and_a_tensor_added_to_itself() =>
        Check(new ProjectedInputNet(seed: 18), target: [0.4f, -0.3f]);

    [Fact]
    public void DenseResidual_flat_adds_a_tensor_read_twice_and_the_input() =>
        Check(new DenseResidual(seed: 19), label: 2);

    [Fact]
    public void WinogradTrained_loss_through_the_winograd_forward() =>
        Check(new WinogradTrained(seed: 20), label: 1);

    [Fact]
    public void SubsampledEven_strided_pointwise_convolution_whose_backward_copies_x() =>
        Check(new SubsampledEven(seed: 74), label: 1);

    [Fact]
    public void SubsampledRectangular_strided_pointwise_convolution_of_odd_sizes() =>
        Check(new SubsampledRectangular(seed: 75), label: 2);

    [Fact]
    public void StridedLanesOdd_strided_convolution_with_the_filters_across_the_lanes() =>
        Check(new StridedLanesOdd(seed: 76), label: 0, samples: 600);

    [Fact]
    public void LeNet5_sampled_parameters() => Check(new LeNet5(seed: 8), label: 7, samples: 300);

    private void Check<TNet>(TNet net, int label = -1, float[]? target = null, int samples = 400, float inputScale = 1f)
        where TNet : class, INetwork<TNet>
    {
        var info = TNet.Info;
        var random = new Random(11);
        var input = new float[info.InputSize];
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 2 - 1) * inputScale;
        // Biases start at zero; give them values so that their gradients and the kinks are exercised.
        foreach (var layer in info.Layers)
        {
            for (int i = 0; i < layer.BiasCount; i++) net.Parameters[layer.ParameterOffset + layer.WeightCount + i] = (float)(random.NextDouble() * 0.2 - 0.1);
        }

        float Loss()
        {
            net.SetRandomState(12345);
            net.ZeroGradients();
            return target is null ? net.ComputeGradients(input, label) : net.ComputeGradients(input, target);
        }

        Loss();
        float[] analytic = net.Gradients.ToArray();
        Assert.Contains(analytic, g => g != 0f);

        var indices = Enumerable.Range(0, info.ParameterCount).ToList();
        if (indices.Count > samples) indices = indices.OrderBy(_ => random.Next()).Take(samples).ToList();
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
        foreach (int i in indices)
        {
            double numeric = Numeric(i, Step);
            worst = Math.Max(worst, Math.Abs(analytic[i] - numeric) / (Absolute + Relative * Math.Abs(numeric)));
            if (Agrees(i, numeric)) continue;
            // A ReLU or a max pooling window may switch within +-Step: the loss has a kink there, and the difference
            // quotient straddles it. The quotient with a quarter of the step must then agree; a wrong gradient
            // disagrees at every step.
            double finer = Numeric(i, Step / 4);
            if (Agrees(i, finer))
            {
                kinks++;
                continue;
            }
            failures++;
            output.WriteLine($"parameter {i} ({LayerOf(info, i)}): analytic {analytic[i]:G6}, numeric {numeric:G6} (step {Step}), {finer:G6} (step {Step / 4})");
        }
        output.WriteLine($"{indices.Count} parameters checked, worst error {worst:F3} of the tolerance, {kinks} across a kink");
        Assert.Equal(0, failures);
        Assert.True(kinks <= indices.Count / 20, $"{kinks} of {indices.Count} parameters straddle a kink: too many for the check to mean much");
    }

    private static string LayerOf(NetworkInfo info, int index)
    {
        var layer = info.Layers.Last(l => l.ParameterCount > 0 && l.ParameterOffset <= index);
        return index < layer.ParameterOffset + layer.WeightCount ? $"{layer.Name} weight" : $"{layer.Name} bias";
    }
}
