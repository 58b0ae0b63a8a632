using StaticNets.Tests.Networks;
using StaticNets.Tests.Reference;
using Xunit;

namespace StaticNets.Tests.Numerics;

/// <summary>
/// Generated <c>Forward</c> of every test network against the naive double-precision reference, on random
/// weights (biases too) and inputs, on the Vector512, Vector256 and scalar paths (one per process: <see cref="VectorPath"/>). Tolerance: 1e-5 absolute plus 1e-5
/// relative, float rounding over sums of a few hundred terms.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class ForwardReferenceTests
{
    [Theory]
    [MemberData(nameof(NetworkCases.All), MemberType = typeof(NetworkCases))]
    public void Forward_matches_the_reference(string network)
    {
        NetworkCases.Run(network, new Checker());
    }

    /// <summary>Inputs up to 8 in size, so that ReLU6 clips at 6 as well as at 0, inline and standalone.</summary>
    [Fact]
    public void ClipNet_matches_the_reference_where_relu6_clips_at_six() => Check(new ClipNet(seed: 13), inputScale: 8);

    private sealed class Checker : INetworkCheck
    {
        public void Check<TNet>(TNet net) where TNet : class, INetwork<TNet> => ForwardReferenceTests.Check(net);
    }

    private static void Check<TNet>(TNet net, double inputScale = 1) where TNet : class, INetwork<TNet>
    {
        var info = TNet.Info;
        var random = new Random(info.ParameterCount + 17);
        for (int i = 0; i < net.Parameters.Length; i++) net.Parameters[i] = (float)(random.NextDouble() - 0.5);
        var output = new float[info.OutputSize];
        for (int trial = 0; trial < 3; trial++)
        {
            var input = Enumerable.Range(0, info.InputSize).Select(_ => (float)((random.NextDouble() * 2 - 1) * inputScale)).ToArray();
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
