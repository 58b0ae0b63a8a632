using System.Buffers.Binary;
using System.Text;
using StaticNets.__Internals;
using StaticNets.Tests.Support;
using Xunit;
using static System.FormattableString;

namespace StaticNets.Tests.Serialization;

public class WeightFileTests
{
    private static byte[] Saved<TNet>(TNet net) where TNet : class, INetwork<TNet>
    {
        var stream = new MemoryStream();
        WeightFile.Save(net, stream);
        return stream.ToArray();
    }

    /// <summary>Where the header's fields lie in a weight file (the format is documented in WeightFile).</summary>
    private sealed record Layout(int LayerCount, int ParameterCount, int StatisticsCount, int Parameters, int Checksum);

    private static Layout Locate(byte[] file)
    {
        int position = 8;
        int SkipString()
        {
            int start = position;
            position += 4 + BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(position));
            return start;
        }
        SkipString(); // name
        SkipString(); // signature
        int layerCount = position;
        int layers = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(position));
        position += 4;
        for (int i = 0; i < layers; i++)
        {
            SkipString();
            SkipString();
            position += 7 * 4;
        }
        return new Layout(layerCount, position, position + 4, position + 8, file.Length - 4);
    }

    /// <summary>Recomputes the checksum after a deliberate change, so that only the change itself can be what a load rejects.</summary>
    private static byte[] WithChecksum(byte[] file)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(file.Length - 4), Crc32.Compute(file.AsSpan(0, file.Length - 4)));
        return file;
    }

    [Fact]
    public void RoundTrip_Stream_GivesIdenticalParameters()
    {
        var lenet = new RefLeNet5(seed: 3);
        var all = new RefAllLayers(seed: 4);

        RefLeNet5 lenetAgain = WeightFile.Load<RefLeNet5>(new MemoryStream(Saved(lenet)));
        RefAllLayers allAgain = WeightFile.Load<RefAllLayers>(new MemoryStream(Saved(all)));

        Assert.Equal(lenet.Parameters.ToArray(), lenetAgain.Parameters.ToArray());
        Assert.Equal(all.Parameters.ToArray(), allAgain.Parameters.ToArray());
        Assert.NotEqual(new RefLeNet5(seed: 0).Parameters.ToArray(), lenetAgain.Parameters.ToArray());
    }

    [Fact]
    public void RoundTrip_NonSeekableStream()
    {
        var net = new RefAllLayers(seed: 5);

        RefAllLayers again = WeightFile.Load<RefAllLayers>(new NonSeekableStream(Saved(net)));

        Assert.Equal(net.Parameters.ToArray(), again.Parameters.ToArray());
    }

    [Fact]
    public void RoundTrip_Path_LeavesNoTemporaryFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("lenet5.snw");
        var net = new RefLeNet5(seed: 7);

        net.Save(path);
        RefLeNet5 again = RefLeNet5.Load(path);

        Assert.Equal(net.Parameters.ToArray(), again.Parameters.ToArray());
        Assert.Equal(["lenet5.snw"], dir.Entries());
        Assert.Equal(Saved(net), File.ReadAllBytes(path));
    }

    [Fact]
    public void Save_Path_ReplacesAnExistingFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("net.snw");
        new RefMlp(seed: 1).Save(path);
        var second = new RefMlp(seed: 2);

        second.Save(path);

        Assert.Equal(second.Parameters.ToArray(), RefMlp.Load(path).Parameters.ToArray());
        Assert.Equal(["net.snw"], dir.Entries());
    }

    [Fact]
    public void Format_IsAsDocumented()
    {
        byte[] file = Saved(new RefMlp(seed: 1));
        Layout layout = Locate(file);

        Assert.Equal("SNW1"u8.ToArray(), file[..4]);
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(4)));
        Assert.Equal(6, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(8)));
        Assert.Equal("RefMlp", Encoding.UTF8.GetString(file, 12, 6));
        Assert.Equal(RefMlp.Info.Signature, Encoding.UTF8.GetString(file, 22, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(18))));
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(layout.LayerCount)));
        Assert.Equal(23, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(layout.ParameterCount)));
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(layout.StatisticsCount)));
        Assert.Equal(layout.Parameters + 23 * 4, layout.Checksum);
        Assert.Equal(new RefMlp(seed: 1).Parameters[22], BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(layout.Checksum - 4)));
        Assert.Equal(Crc32.Compute(file.AsSpan(0, layout.Checksum)), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(layout.Checksum)));
    }

    [Fact]
    public void Load_AnotherArchitecture_NamesBothNetworksAndTheFirstLayerThatDiffers()
    {
        byte[] file = Saved(new RefLeNet5(seed: 1));

        var error = Assert.Throws<InvalidDataException>(() => WeightFile.Load<RefLeNet5Wide>(new MemoryStream(file)));

        Assert.Contains("(RefLeNet5) than RefLeNet5Wide", error.Message);
        Assert.Contains("conv2: file has 10x10x16 (2,416 parameters), RefLeNet5Wide has 10x10x32 (4,832 parameters)", error.Message);
    }

    [Fact]
    public void Load_AnotherArchitecture_SameShapesButOtherPads_IsRejected()
    {
        byte[] file = Saved(new Networks.PadsTopLeft(seed: 1));

        var error = Assert.Throws<InvalidDataException>(() => WeightFile.Load<Networks.PadsBottomRight>(new MemoryStream(file)));

        Assert.Contains("the architecture signature differs", error.Message);
        Assert.Contains("conv1:Conv2D:6x6x1->5x5x2:20:3x3/s1x1/p1,1,0,0", error.Message);
        Assert.Contains("conv1:Conv2D:6x6x1->5x5x2:20:3x3/s1x1/p0,0,1,1", error.Message);
        Assert.Equal(new Networks.PadsTopLeft(seed: 1).Parameters.ToArray(), WeightFile.Load<Networks.PadsTopLeft>(new MemoryStream(file)).Parameters.ToArray());
    }

    [Fact]
    public void Load_AnotherArchitecture_SameShapesButAnAddOfAnotherLayer_IsRejected()
    {
        byte[] file = Saved(new Networks.DenseResidual(seed: 1));

        var error = Assert.Throws<InvalidDataException>(() => WeightFile.Load<Networks.DenseResidualFromH>(new MemoryStream(file)));

        Assert.Contains("the architecture signature differs", error.Message);
        Assert.Contains("add2:Add:10->10:0:from input/None", error.Message);
        Assert.Contains("add2:Add:10->10:0:from h/None", error.Message);
    }

    [Fact]
    public void Load_AnotherArchitecture_DifferentFirstLayer()
    {
        byte[] file = Saved(new RefMlp(seed: 1));

        var error = Assert.Throws<InvalidDataException>(() => RefLeNet5.Load(new MemoryStream(file)));

        Assert.Contains("layer 1: file has dense1 (Dense, 4 -> 3 (15 parameters)), RefLeNet5 has conv1 (Conv2D, 28x28x1 -> 28x28x6 (156 parameters))", error.Message);
    }

    [Fact]
    public void Load_AnotherArchitecture_FewerOrMoreLayers()
    {
        byte[] head = Saved(new RefMlpHead(seed: 1));
        byte[] full = Saved(new RefMlp(seed: 1));

        var fewer = Assert.Throws<InvalidDataException>(() => RefMlp.Load(new MemoryStream(head)));
        var more = Assert.Throws<InvalidDataException>(() => RefMlpHead.Load(new MemoryStream(full)));

        Assert.Contains("file has 1 layer, RefMlp has 2; RefMlp's layer 2, dense2 (Dense, 2), is not in the file", fewer.Message);
        Assert.Contains("file has 2 layers, RefMlpHead has 1; the file's layer 2, dense2 (Dense, 2), is not in RefMlpHead", more.Message);
    }

    [Fact]
    public void Load_ParameterCountDiffersWithIdenticalLayers_SaysSo()
    {
        byte[] file = Saved(new RefMlp(seed: 1));
        Layout layout = Locate(file);
        // A consistent file whose count and data lack the last parameter.
        byte[] forged = [.. file.AsSpan(0, layout.Checksum - 4), 0, 0, 0, 0];
        BinaryPrimitives.WriteInt32LittleEndian(forged.AsSpan(layout.ParameterCount), 22);

        var error = Assert.Throws<InvalidDataException>(() => RefMlp.Load(new MemoryStream(WithChecksum(forged))));

        Assert.Contains("parameter count mismatch: file has 22 parameters, RefMlp has 23", error.Message);
    }

    [Fact]
    public void Load_NotAWeightFile()
    {
        byte[] zip = [0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0, 0];

        var error = Assert.Throws<InvalidDataException>(() => RefMlp.Load(new MemoryStream(zip)));

        Assert.Contains("not a StaticNets weight file", error.Message);
        Assert.Contains("504B0304", error.Message);
    }

    [Fact]
    public void Load_UnsupportedVersion()
    {
        byte[] file = Saved(new RefMlp(seed: 1));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), 3);

        var error = Assert.Throws<InvalidDataException>(() => RefMlp.Load(new MemoryStream(WithChecksum(file))));

        Assert.Contains("format version 3", error.Message);
        Assert.Contains("reads versions 1 and 2 only", error.Message);
    }

    [Fact]
    public void Load_FlippedParameterByte_ReportsTheChecksum()
    {
        byte[] file = Saved(new RefLeNet5(seed: 1));
        file[Locate(file).Parameters + 1000] ^= 0x10;

        var error = Assert.Throws<InvalidDataException>(() => RefLeNet5.Load(new MemoryStream(file)));

        Assert.Contains("is corrupted: checksum 0x", error.Message);
    }

    [Fact]
    public void Load_TruncatedAtEveryLength_IsInvalidData_SayingTruncated()
    {
        byte[] file = Saved(new RefMlp(seed: 1));

        for (int length = 0; length < file.Length; length++)
        {
            byte[] prefix = file[..length];
            foreach (Stream stream in new Stream[] { new MemoryStream(prefix), new NonSeekableStream(prefix), new ThrowAtEndStream(prefix) })
            {
                var error = Assert.Throws<InvalidDataException>(() => RefMlp.Load(stream));
                Assert.Contains("truncated", error.Message);
            }
        }
    }

    [Fact]
    public void Load_TruncatedFile_SaysExpectedAndActualBytes()
    {
        using var dir = new TempDirectory();
        string path = dir.File("lenet5.snw");
        byte[] file = Saved(new RefLeNet5(seed: 1));
        File.WriteAllBytes(path, file[..100_000]);
        var nonSeekable = new NonSeekableStream(file[..100_000]);

        var error = Assert.Throws<InvalidDataException>(() => RefLeNet5.Load(path));
        var streamError = Assert.Throws<InvalidDataException>(() => RefLeNet5.Load(nonSeekable));

        Assert.Contains(path, error.Message);
        Assert.Contains("file has 100,000", error.Message);
        Assert.Contains(Invariant($"needs at least {file.Length:N0} bytes"), error.Message);
        Assert.Contains(Invariant($"ends after 100,000 bytes, a complete file has {file.Length:N0}"), streamError.Message);
    }

    [Fact]
    public void Load_TrailingBytesInAFile_AreRejected_ButAStreamMayGoOn()
    {
        using var dir = new TempDirectory();
        string path = dir.File("net.snw");
        byte[] file = Saved(new RefMlp(seed: 1));
        byte[] second = Saved(new RefMlp(seed: 2));
        File.WriteAllBytes(path, [.. file, 0]);
        var both = new MemoryStream([.. file, .. second]);

        var error = Assert.Throws<InvalidDataException>(() => RefMlp.Load(path));
        RefMlp first = RefMlp.Load(both);
        RefMlp next = RefMlp.Load(both);

        Assert.Contains("1 byte after its checksum", error.Message);
        Assert.Equal(new RefMlp(seed: 1).Parameters.ToArray(), first.Parameters.ToArray());
        Assert.Equal(new RefMlp(seed: 2).Parameters.ToArray(), next.Parameters.ToArray());
        Assert.Equal(both.Length, both.Position);
    }

    [Fact]
    public void Load_EverySingleByteCorruption_IsInvalidData()
    {
        byte[] file = Saved(new RefMlp(seed: 1));
        var random = new Random(12345);
        int cases = 0;

        for (int position = 0; position < file.Length; position++)
        {
            for (int trial = 0; trial < 8; trial++)
            {
                byte[] corrupted = (byte[])file.Clone();
                corrupted[position] ^= (byte)random.Next(1, 256);
                Stream stream = trial % 2 == 0 ? new MemoryStream(corrupted) : new NonSeekableStream(corrupted);

                Exception? error = Record.Exception(() => RefMlp.Load(stream));

                Assert.True(error is InvalidDataException, $"byte {position} ^ {corrupted[position] ^ file[position]:X2}: {error?.GetType().Name ?? "loaded"}: {error?.Message}");
                cases++;
            }
        }
        Assert.True(cases > 2000, $"{cases} cases");
    }

    [Theory]
    [InlineData("name", int.MaxValue)]
    [InlineData("name", -1)]
    [InlineData("name", 1 << 20)]
    [InlineData("layers", int.MaxValue)]
    [InlineData("layers", 99_999)]
    [InlineData("parameters", int.MaxValue)]
    [InlineData("parameters", 500_000_000)]
    [InlineData("statistics", int.MaxValue)]
    [InlineData("statistics", 500_000_000)]
    public void Load_ForgedLength_IsRejectedWithoutAllocatingIt(string field, int value)
    {
        byte[] file = Saved(new RefMlp(seed: 1));
        Layout layout = Locate(file);
        int offset = field switch { "name" => 8, "layers" => layout.LayerCount, "statistics" => layout.StatisticsCount, _ => layout.ParameterCount };
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(offset), value);
        byte[] forged = WithChecksum(file);
        RefMlp.Load(new MemoryStream(Saved(new RefMlp()))); // warm up, so that only the loads below are measured

        foreach (Stream stream in new Stream[] { new MemoryStream(forged), new NonSeekableStream(forged) })
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var error = Assert.Throws<InvalidDataException>(() => RefMlp.Load(stream));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.True(allocated < 2_000_000, $"{allocated:N0} bytes allocated for a forged {field} of {value:N0}: {error.Message}");
            Assert.DoesNotContain("checksum", error.Message);
        }
    }

    [Fact]
    public void Load_NaNInTheFile_IsRejectedNamingTheParameter()
    {
        byte[] file = Saved(new RefMlp(seed: 1));
        BinaryPrimitives.WriteSingleLittleEndian(file.AsSpan(Locate(file).Parameters + 5 * 4), float.NaN);

        var error = Assert.Throws<InvalidDataException>(() => RefMlp.Load(new MemoryStream(WithChecksum(file))));

        Assert.Contains("parameter 5 (dense1 weight 5) is NaN", error.Message);
    }

    [Fact]
    public void Save_NonFiniteParameter_Throws_AndWritesNothing()
    {
        var net = new RefMlp(seed: 1);
        net.Parameters[16] = float.PositiveInfinity;
        var stream = new MemoryStream();

        var error = Assert.Throws<InvalidOperationException>(() => net.Save(stream));

        Assert.Contains("dense2 weight 1", error.Message);
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void Load_MissingPath_IsFileNotFound_NamingThePath()
    {
        using var dir = new TempDirectory();
        string path = dir.File("nothing-here.snw");

        var error = Assert.Throws<FileNotFoundException>(() => RefMlp.Load(path));

        Assert.Contains(path, error.Message);
        Assert.Equal(path, error.FileName);
    }

    [Fact]
    public void Save_FailingMidway_LeavesTheExistingFileIntact_AndNoTemporaryFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("net.snw");
        var net = new RefMlp(seed: 1);
        net.Save(path);
        byte[] before = File.ReadAllBytes(path);
        var failing = new RefMlp(seed: 2) { FailOnParameters = true };

        Assert.Throws<IOException>(() => failing.Save(path));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["net.snw"], dir.Entries());
    }

    [Fact]
    public void Save_WhenTheRenameFails_RemovesTheTemporaryFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("occupied");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "inside.txt"), "keep");

        Exception? error = Record.Exception(() => new RefMlp(seed: 1).Save(path));

        Assert.True(error is IOException or UnauthorizedAccessException, error?.ToString());
        Assert.Equal(["occupied"], dir.Entries());
        Assert.Equal("keep", File.ReadAllText(Path.Combine(path, "inside.txt")));
    }

    [Fact]
    public void Save_IntoAMissingDirectory_Throws()
    {
        using var dir = new TempDirectory();

        Assert.Throws<DirectoryNotFoundException>(() => new RefMlp().Save(dir.File(Path.Combine("missing", "net.snw"))));
        Assert.Empty(dir.Entries());
    }
}
