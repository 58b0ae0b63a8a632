using StaticNets.Tests.Networks;
using StaticNets.Tests.Reference;
using Xunit;

namespace StaticNets.Tests.Numerics;

/// <summary>
/// Generated <c>Forward</c> of every test network against the naive double-precision reference, on random
/// weights (biases too) and inputs, on the Vector512, Vector256 and scalar paths. Tolerance: 1e-5 absolute plus 1e-5
/// relative, float rounding over sums of a few hundred terms.
/// </summary>
[Collection(SimdCollection.Name)]
public class ForwardReferenceTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in new[] { nameof(LeNet5), nameof(ConvNetA), nameof(ConvNetB), nameof(ConvMse), nameof(MlpMse), nameof(StridedNet), nameof(PoolOnly), nameof(FlooredPool), nameof(FilterLanes), nameof(WidePool), nameof(NarrowPool) })
        {
            data.Add(name, 512);
            data.Add(name, 256);
            data.Add(name, 0);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_the_reference(string network, int width)
    {
        using var _ = new SimdScope(width);
        switch (network)
        {
            case nameof(LeNet5): Check(new LeNet5(1)); break;
            case nameof(ConvNetA): Check(new ConvNetA(2)); break;
            case nameof(ConvNetB): Check(new ConvNetB(3)); break;
            case nameof(ConvMse): Check(new ConvMse(4)); break;
            case nameof(MlpMse): Check(new MlpMse(5)); break;
            case nameof(StridedNet): Check(new StridedNet(6)); break;
            case nameof(PoolOnly): Check(new PoolOnly(7)); break;
            case nameof(FlooredPool): Check(new FlooredPool(9)); break;
            case nameof(FilterLanes): Check(new FilterLanes(10)); break;
            case nameof(WidePool): Check(new WidePool(11)); break;
            case nameof(NarrowPool): Check(new NarrowPool(12)); break;
            default: throw new ArgumentException(network);
        }
    }

    private static void Check<TNet>(TNet net) where TNet : class, INetwork<TNet>
    {
        var info = TNet.Info;
        var random = new Random(info.ParameterCount + 17);
        for (int i = 0; i < net.Parameters.Length; i++) net.Parameters[i] = (float)(random.NextDouble() - 0.5);
        var output = new float[info.OutputSize];
        for (int trial = 0; trial < 3; trial++)
        {
            var input = Enumerable.Range(0, info.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            net.Forward(input, output);
            double[] expected = ReferenceNetwork.Forward(info, net.Parameters, input);
            for (int i = 0; i < output.Length; i++)
            {
                Assert.True(Math.Abs(output[i] - expected[i]) <= 1e-5 + 1e-5 * Math.Abs(expected[i]),
                    $"{info.Name} output {i}: {output[i]} against the reference {expected[i]}");
            }
        }
    }
}
