using StaticNets.Tests.Networks;
using StaticNets.Tests.Reference;
using Xunit;
using Xunit.Abstractions;

namespace StaticNets.Tests.Numerics;

/// <summary>
/// The strided backward without dilation (Conv2DBuffers.StridedDirect) against central differences of the
/// double-precision reference network's loss, on every vector path (the scalar path, in its child process, checks the
/// strided reference loops the same way). Tanh throughout, so no kink lies within a step; each strided layer follows a
/// layer with parameters, whose weight gradients then check its input gradient. A gradient passes when
/// <c>|analytic - numeric| &lt;= 1e-4 + 1e-3 |numeric|</c>: the differences in double are exact to about 1e-7 with a
/// step of 1e-3, the analytic gradients in float to a few 1e-6 of their sums' magnitudes.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class StridedBackwardTests(ITestOutputHelper output)
{
    [Fact]
    public void Window_3x3_stride_2_pads_0_0_1_1_filters_in_Vector512s() => Check(new StridedBackwardPads(1), label: 2);

    [Fact]
    public void Window_3x3_stride_2_odd_sizes_filters_in_Vector256s() => Check(new StridedBackwardOdd(2), label: 0);

    [Fact]
    public void Window_10x4_stride_2_without_bias() => Check(new StridedBackwardTall(3), label: 1);

    [Fact]
    public void Three_channels_to_eight_filters() => Check(new StridedBackwardFew(4), label: 2);

    [Fact]
    public void Pointwise_strides_2_and_3_by_2() => Check(new StridedBackwardPointwise(5), label: 1);

    private void Check<TNet>(TNet net, int label) where TNet : class, INetwork<TNet>
    {
        var info = TNet.Info;
        var random = new Random(info.ParameterCount);
        for (int i = 0; i < net.Parameters.Length; i++) net.Parameters[i] = (float)(random.NextDouble() - 0.5);
        var input = Enumerable.Range(0, info.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        for (int call = 0; call < 2; call++)
        {
            // Twice: the scratch buffers' zeros must survive a call.
            net.ZeroGradients();
            net.ComputeGradients(input, label);
        }
        float[] analytic = net.Gradients.ToArray();
        float[] parameters = net.Parameters.ToArray();

        double Loss() => -Math.Log(ReferenceNetwork.Forward(info, parameters, input)[label]);

        double worst = 0;
        int failures = 0;
        for (int i = 0; i < parameters.Length; i++)
        {
            float saved = parameters[i];
            parameters[i] = saved + 1e-3f;
            double plus = Loss(), up = parameters[i];
            parameters[i] = saved - 1e-3f;
            double minus = Loss(), down = parameters[i];
            parameters[i] = saved;
            double numeric = (plus - minus) / (up - down);
            double bound = 1e-4 + 1e-3 * Math.Abs(numeric);
            worst = Math.Max(worst, Math.Abs(analytic[i] - numeric) / bound);
            if (Math.Abs(analytic[i] - numeric) > bound && failures++ < 10)
            {
                output.WriteLine($"parameter {i}: analytic {analytic[i]:G6}, numeric {numeric:G6}");
            }
        }
        output.WriteLine($"{info.Name}: {parameters.Length} parameters, worst {worst:F3} of the bound");
        Assert.Equal(0, failures);
    }
}
