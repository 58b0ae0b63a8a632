using StaticNets.Tests.Networks;
using Xunit;

namespace StaticNets.Tests.Serialization;

/// <summary>Files of earlier format versions, checked in as their writer made them.</summary>
public class WeightFileVersionTests
{
    private static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "Serialization", "Data", name);

    /// <summary>
    /// <c>ConvNetA-v1.snw</c> was written by the version 1 writer (before statistics existed) from
    /// <c>new ConvNetA(seed: 11)</c>; it still loads, with the same parameters and outputs.
    /// </summary>
    [Fact]
    public void Version1File_StillLoads()
    {
        byte[] file = File.ReadAllBytes(DataFile("ConvNetA-v1.snw"));
        Assert.Equal(1, BitConverter.ToInt32(file, 4));

        ConvNetA loaded = ConvNetA.Load(DataFile("ConvNetA-v1.snw"));

        var original = new ConvNetA(seed: 11);
        Assert.Equal(original.Parameters.ToArray(), loaded.Parameters.ToArray());
        float[] input = Enumerable.Range(0, ConvNetA.InputSize).Select(i => (i % 13) / 13f - 0.4f).ToArray();
        float[] expected = new float[ConvNetA.OutputSize], actual = new float[ConvNetA.OutputSize];
        original.Forward(input, expected);
        loaded.Forward(input, actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Version1File_SavedAgain_IsTheCurrentVersion()
    {
        ConvNetA loaded = ConvNetA.Load(DataFile("ConvNetA-v1.snw"));
        var stream = new MemoryStream();

        loaded.Save(stream);

        byte[] file = stream.ToArray();
        Assert.Equal(2, BitConverter.ToInt32(file, 4));
        stream.Position = 0;
        Assert.Equal(loaded.Parameters.ToArray(), ConvNetA.Load(stream).Parameters.ToArray());
    }
}
