using StaticNets.Tests.Networks;
using Xunit;

namespace StaticNets.Tests.Serialization;

/// <summary>Weight files through generated networks' own <c>Save</c> and <c>Load</c>.</summary>
public class GeneratedNetworkFileTests
{
    [Fact]
    public void LeNet5_SaveThenLoad_GivesIdenticalParametersAndOutputs()
    {
        using var dir = new TempDirectory();
        string path = dir.File("lenet5.snw");
        var net = new LeNet5(seed: 3);
        net.Parameters[^1] = 0.25f; // a non-zero bias too

        net.Save(path);
        LeNet5 again = LeNet5.Load(path);

        Assert.Equal(net.Parameters.ToArray(), again.Parameters.ToArray());
        float[] input = Enumerable.Range(0, LeNet5.InputSize).Select(i => (i % 17) / 17f).ToArray();
        float[] expected = new float[LeNet5.OutputSize], actual = new float[LeNet5.OutputSize];
        net.Forward(input, expected);
        again.Forward(input, actual);
        Assert.Equal(expected, actual);
        Assert.Equal(["lenet5.snw"], dir.Entries());
    }

    [Fact]
    public void GeneratedNetworks_RefuseEachOthersFiles()
    {
        var stream = new MemoryStream();
        new ConvNetA(seed: 1).Save(stream);
        stream.Position = 0;

        var error = Assert.Throws<InvalidDataException>(() => ConvNetB.Load(stream));

        Assert.Contains("ConvNetA", error.Message);
        Assert.Contains("ConvNetB", error.Message);
    }
}
