using Xunit;

namespace StaticNets.Tests.Networks;

/// <summary>A check that runs on any test network: the generic method the cases below dispatch to.</summary>
public interface INetworkCheck
{
    void Check<TNet>(TNet net) where TNet : class, INetwork<TNet>;
}

/// <summary>The numeric tests' networks, by name, each with a seed of its own.</summary>
public static class NetworkCases
{
    private static readonly string[] Names =
    [
        nameof(LeNet5), nameof(ConvNetA), nameof(ConvNetB), nameof(ConvMse), nameof(MlpMse), nameof(StridedNet),
        nameof(PoolOnly), nameof(FlooredPool), nameof(FilterLanes), nameof(WidePool), nameof(NarrowPool), nameof(ClipNet),
        nameof(RectangularNet), nameof(SameNet), nameof(FlooredConv), nameof(GroupedNet), nameof(DepthwiseNet),
        nameof(PaddedPoolNet), nameof(GlobalMaxNet), nameof(GlobalAvgNet), nameof(DenseNoBias),
        nameof(ResidualNet), nameof(ProjectedInputNet), nameof(DenseResidual), nameof(StridedVectorNet), nameof(LargeStridedNet),
        nameof(PointwisePlane3), nameof(PointwisePlane9), nameof(PointwisePlane8), nameof(PointwisePlane6), nameof(PointwisePlane1), nameof(PointwisePlane25x5),
        nameof(PointwiseBackward3), nameof(PointwiseBackward25x5),
        nameof(DepthwisePlane3), nameof(DepthwisePlane6), nameof(DepthwisePlane12), nameof(DepthwisePlane25x5), nameof(DepthwisePlane48),
        nameof(DepthwiseLanes8), nameof(DepthwiseLanes12), nameof(DepthwiseLanes64),
        nameof(SubsampledEven), nameof(SubsampledOdd), nameof(SubsampledRectangular),
    ];

    /// <summary>Every network, on this process's vector path (<see cref="Numerics.VectorPath"/> runs them on the others).</summary>
    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var name in Names) data.Add(name);
        return data;
    }

    /// <summary>Runs <paramref name="check"/> on a new instance of the network named <paramref name="network"/>.</summary>
    public static void Run(string network, INetworkCheck check)
    {
        switch (network)
        {
            case nameof(LeNet5): check.Check(new LeNet5(1)); break;
            case nameof(ConvNetA): check.Check(new ConvNetA(2)); break;
            case nameof(ConvNetB): check.Check(new ConvNetB(3)); break;
            case nameof(ConvMse): check.Check(new ConvMse(4)); break;
            case nameof(MlpMse): check.Check(new MlpMse(5)); break;
            case nameof(StridedNet): check.Check(new StridedNet(6)); break;
            case nameof(PoolOnly): check.Check(new PoolOnly(7)); break;
            case nameof(FlooredPool): check.Check(new FlooredPool(9)); break;
            case nameof(FilterLanes): check.Check(new FilterLanes(10)); break;
            case nameof(WidePool): check.Check(new WidePool(11)); break;
            case nameof(NarrowPool): check.Check(new NarrowPool(12)); break;
            case nameof(ClipNet): check.Check(new ClipNet(13)); break;
            case nameof(RectangularNet): check.Check(new RectangularNet(14)); break;
            case nameof(SameNet): check.Check(new SameNet(15)); break;
            case nameof(FlooredConv): check.Check(new FlooredConv(16)); break;
            case nameof(GroupedNet): check.Check(new GroupedNet(17)); break;
            case nameof(DepthwiseNet): check.Check(new DepthwiseNet(18)); break;
            case nameof(PaddedPoolNet): check.Check(new PaddedPoolNet(19)); break;
            case nameof(GlobalMaxNet): check.Check(new GlobalMaxNet(20)); break;
            case nameof(GlobalAvgNet): check.Check(new GlobalAvgNet(21)); break;
            case nameof(DenseNoBias): check.Check(new DenseNoBias(22)); break;
            case nameof(ResidualNet): check.Check(new ResidualNet(23)); break;
            case nameof(ProjectedInputNet): check.Check(new ProjectedInputNet(24)); break;
            case nameof(DenseResidual): check.Check(new DenseResidual(25)); break;
            case nameof(StridedVectorNet): check.Check(new StridedVectorNet(26)); break;
            case nameof(LargeStridedNet): check.Check(new LargeStridedNet(61)); break;
            case nameof(PointwisePlane3): check.Check(new PointwisePlane3(27)); break;
            case nameof(PointwisePlane9): check.Check(new PointwisePlane9(64)); break;
            case nameof(PointwisePlane8): check.Check(new PointwisePlane8(65)); break;
            case nameof(PointwisePlane6): check.Check(new PointwisePlane6(28)); break;
            case nameof(PointwisePlane1): check.Check(new PointwisePlane1(29)); break;
            case nameof(PointwisePlane25x5): check.Check(new PointwisePlane25x5(30)); break;
            case nameof(PointwiseBackward3): check.Check(new PointwiseBackward3(73)); break;
            case nameof(PointwiseBackward25x5): check.Check(new PointwiseBackward25x5(74)); break;
            case nameof(DepthwisePlane3): check.Check(new DepthwisePlane3(31)); break;
            case nameof(DepthwisePlane6): check.Check(new DepthwisePlane6(32)); break;
            case nameof(DepthwisePlane12): check.Check(new DepthwisePlane12(33)); break;
            case nameof(DepthwisePlane25x5): check.Check(new DepthwisePlane25x5(34)); break;
            case nameof(DepthwisePlane48): check.Check(new DepthwisePlane48(35)); break;
            case nameof(DepthwiseLanes8): check.Check(new DepthwiseLanes8(62)); break;
            case nameof(DepthwiseLanes12): check.Check(new DepthwiseLanes12(63)); break;
            case nameof(DepthwiseLanes64): check.Check(new DepthwiseLanes64(64)); break;
            case nameof(SubsampledEven): check.Check(new SubsampledEven(71)); break;
            case nameof(SubsampledOdd): check.Check(new SubsampledOdd(72)); break;
            case nameof(SubsampledRectangular): check.Check(new SubsampledRectangular(73)); break;
            default: throw new ArgumentException($"No test network named {network}.", nameof(network));
        }
    }
}
