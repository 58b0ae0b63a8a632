using StaticNets.Tests.Networks;
using Xunit;

namespace StaticNets.Tests.Serialization;

/// <summary>
/// Every test network, whatever its layers (rectangular, grouped and depthwise convolutions, padded and global
/// pooling, layers without bias, ReLU6), saved and loaded back: the same parameters, the same outputs; and its file
/// refused by a network of another architecture.
/// </summary>
public class WeightFileRoundTripTests
{
    public static TheoryData<string> Networks => NetworkCases.All();

    [Theory]
    [MemberData(nameof(Networks))]
    public void Save_then_Load_gives_the_same_parameters_and_outputs(string network) => NetworkCases.Run(network, new RoundTrip());

    [Theory]
    [MemberData(nameof(Networks))]
    public void A_file_of_another_architecture_is_refused(string network) => NetworkCases.Run(network, new OtherArchitecture());

    private sealed class RoundTrip : INetworkCheck
    {
        public void Check<TNet>(TNet net) where TNet : class, INetwork<TNet>
        {
            var random = new Random(7);
            Span<float> parameters = net.Parameters;
            for (int i = 0; i < parameters.Length; i++) parameters[i] = (float)(random.NextDouble() - 0.5);

            var stream = new MemoryStream();
            net.Save(stream);
            stream.Position = 0;
            TNet again = TNet.Load(stream);
            Assert.Equal(net.Parameters.ToArray(), again.Parameters.ToArray());

            var input = new float[TNet.Info.InputSize];
            for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 2 - 1);
            var expected = new float[TNet.Info.OutputSize];
            var actual = new float[TNet.Info.OutputSize];
            net.Forward(input, expected);
            again.Forward(input, actual);
            Assert.Equal(expected, actual);
        }
    }

    private sealed class OtherArchitecture : INetworkCheck
    {
        public void Check<TNet>(TNet net) where TNet : class, INetwork<TNet>
        {
            var stream = new MemoryStream();
            net.Save(stream);
            stream.Position = 0;
            // LeNet-5's file into any other network, and any other network's file into LeNet-5.
            if (typeof(TNet) == typeof(LeNet5))
            {
                var mlp = new MemoryStream();
                new MlpMse(1).Save(mlp);
                mlp.Position = 0;
                Assert.Throws<InvalidDataException>(() => LeNet5.Load(mlp));
            }
            else
            {
                Assert.Throws<InvalidDataException>(() => LeNet5.Load(stream));
            }
        }
    }
}
