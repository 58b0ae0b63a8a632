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

    private void Check<TNet>(TNet net, int label) where TNet : class, INetwork<TNet> => ReferenceGradientCheck.Check(net, label, output);
}
