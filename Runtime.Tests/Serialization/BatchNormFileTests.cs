using System.Buffers.Binary;
using StaticNets.__Internals;
using StaticNets.Tests.Onnx;
using StaticNets.Tests.Support;
using Xunit;

namespace StaticNets.Tests.Serialization;

/// <summary>A network with running statistics after a spatial layer and after a flat one.</summary>
[Input(6, 6, 2)]
[Conv2D(3, 3, Bias = false)]
[BatchNorm(Name = "bn1")]
[ReLU]
[Flatten]
[Dense(5, Bias = false)]
[BatchNorm(Name = "bn2", Epsilon = 1e-3)]
[Dense(4)]
public partial class BatchNormFileNet { }

/// <summary>Weight files and ONNX export of a network with BatchNorm: the running statistics travel with the parameters.</summary>
public class BatchNormFileTests
{
    /// <summary>A network whose parameters and running statistics are all non-trivial (variances positive).</summary>
    private static BatchNormFileNet Net()
    {
        var net = new BatchNormFileNet(seed: 3);
        var random = new TestRandom(11);
        foreach (ref float p in net.Parameters)
        {
            p = random.NextFloat() * 2 - 1;
        }
        LayerInfo bn1 = BatchNormFileNet.Info.Layers.First(l => l.Name == "bn1");
        LayerInfo bn2 = BatchNormFileNet.Info.Layers.First(l => l.Name == "bn2");
        foreach (LayerInfo bn in new[] { bn1, bn2 })
        {
            int channels = bn.StatisticsCount / 2;
            for (int c = 0; c < channels; c++)
            {
                net.Statistics[bn.StatisticsOffset + c] = random.NextFloat() - 0.5f;
                net.Statistics[bn.StatisticsOffset + channels + c] = 0.5f + random.NextFloat();
            }
        }
        return net;
    }

    private static byte[] Saved(BatchNormFileNet net)
    {
        var stream = new MemoryStream();
        net.Save(stream);
        return stream.ToArray();
    }

    private static float[] Outputs(BatchNormFileNet net, float[] inputs)
    {
        int count = inputs.Length / BatchNormFileNet.InputSize;
        float[] outputs = new float[count * BatchNormFileNet.OutputSize];
        for (int s = 0; s < count; s++)
        {
            net.Forward(inputs.AsSpan(s * BatchNormFileNet.InputSize, BatchNormFileNet.InputSize), outputs.AsSpan(s * BatchNormFileNet.OutputSize, BatchNormFileNet.OutputSize));
        }
        return outputs;
    }

    /// <summary>Offset of the statistics in a saved file: they end just before the checksum.</summary>
    private static int StatisticsStart(byte[] file) => file.Length - 4 - BatchNormFileNet.StatisticsCount * 4;

    private static byte[] WithChecksum(byte[] file)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(file.Length - 4), Crc32.Compute(file.AsSpan(0, file.Length - 4)));
        return file;
    }

    [Fact]
    public void SaveThenLoad_KeepsTheStatistics_AndForwardBitForBit()
    {
        BatchNormFileNet net = Net();
        using var dir = new TempDirectory();
        string path = dir.File("bn.snw");

        net.Save(path);
        BatchNormFileNet again = BatchNormFileNet.Load(path);

        Assert.Equal(16, BatchNormFileNet.StatisticsCount);
        Assert.Equal(TestData.Bits(net.Parameters), TestData.Bits(again.Parameters));
        Assert.Equal(TestData.Bits(net.Statistics), TestData.Bits(again.Statistics));
        Assert.NotEqual(TestData.Bits(new BatchNormFileNet(seed: 3).Statistics), TestData.Bits(again.Statistics));
        float[] inputs = OnnxTestModels.RandomInputs(4 * BatchNormFileNet.InputSize, seed: 2);
        Assert.Equal(TestData.Bits(Outputs(net, inputs)), TestData.Bits(Outputs(again, inputs)));
    }

    [Fact]
    public void FileFormat_HoldsTheStatisticsCountAndTheStatisticsBeforeTheChecksum()
    {
        BatchNormFileNet net = Net();
        byte[] file = Saved(net);

        int start = StatisticsStart(file);
        for (int i = 0; i < BatchNormFileNet.StatisticsCount; i++)
        {
            Assert.Equal(net.Statistics[i], BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(start + 4 * i)));
        }
        int parameterCount = start - 4 * BatchNormFileNet.ParameterCount - 8;
        Assert.Equal(BatchNormFileNet.ParameterCount, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(parameterCount)));
        Assert.Equal(BatchNormFileNet.StatisticsCount, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(parameterCount + 4)));
    }

    [Fact]
    public void CorruptedStatistic_IsCaughtByTheChecksum()
    {
        byte[] file = Saved(Net());
        file[StatisticsStart(file) + 5] ^= 0x04;

        var error = Assert.Throws<InvalidDataException>(() => BatchNormFileNet.Load(new MemoryStream(file)));

        Assert.Contains("is corrupted: checksum 0x", error.Message);
    }

    [Fact]
    public void TruncatedStatistics_AreReported()
    {
        byte[] file = Saved(Net());
        byte[] cut = file[..(StatisticsStart(file) + 10)];

        var error = Assert.Throws<InvalidDataException>(() => BatchNormFileNet.Load(new MemoryStream(cut)));

        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void NaNStatistic_IsRefusedNamingTheLayerAndTheVariance()
    {
        byte[] file = Saved(Net());
        // bn1 has 3 channels: statistics 0..2 its means, 3..5 its variances.
        BinaryPrimitives.WriteSingleLittleEndian(file.AsSpan(StatisticsStart(file) + 4 * 4), float.NaN);

        var error = Assert.Throws<InvalidDataException>(() => BatchNormFileNet.Load(new MemoryStream(WithChecksum(file))));

        Assert.Contains("statistic 4 (bn1 running variance 1) is NaN", error.Message);
    }

    [Fact]
    public void StatisticsCountMismatch_NamesBothCounts()
    {
        byte[] file = Saved(Net());
        int countAt = StatisticsStart(file) - 4 * BatchNormFileNet.ParameterCount - 4;
        // A consistent file that lacks the last statistic.
        byte[] forged = [.. file.AsSpan(0, file.Length - 8), 0, 0, 0, 0];
        BinaryPrimitives.WriteInt32LittleEndian(forged.AsSpan(countAt), 15);

        var error = Assert.Throws<InvalidDataException>(() => BatchNormFileNet.Load(new MemoryStream(WithChecksum(forged))));

        Assert.Contains("statistics count mismatch: file has 15 running statistics, BatchNormFileNet has 16", error.Message.Replace("StaticNets.Tests.Serialization.", ""));
    }

    [Fact]
    public void Version1File_ForANetworkWithStatistics_IsRefused()
    {
        byte[] file = Saved(Net());
        int start = StatisticsStart(file);
        int countAt = start - 4 * BatchNormFileNet.ParameterCount - 4;
        // The same header and parameters as version 1 writes them: no statistics count, no statistics.
        byte[] v1 = [.. file.AsSpan(0, countAt), .. file.AsSpan(countAt + 4, start - countAt - 4), 0, 0, 0, 0];
        BinaryPrimitives.WriteInt32LittleEndian(v1.AsSpan(4), 1);

        var error = Assert.Throws<InvalidDataException>(() => BatchNormFileNet.Load(new MemoryStream(WithChecksum(v1))));

        Assert.Contains("format version 1, which holds no running statistics", error.Message);
    }

    [Fact]
    public void Save_NonFiniteStatistic_Throws_AndWritesNothing()
    {
        BatchNormFileNet net = Net();
        net.Statistics[7] = float.PositiveInfinity;
        var stream = new MemoryStream();

        var error = Assert.Throws<InvalidOperationException>(() => net.Save(stream));

        Assert.Contains("bn2 running mean 1", error.Message);
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void ExportOnnx_RunsInOnnxRuntime_AsForward_WithTheRunningStatistics()
    {
        BatchNormFileNet net = Net();
        byte[] model = OnnxTestModels.Exported(net);
        float[] inputs = OnnxTestModels.RandomInputs(5 * BatchNormFileNet.InputSize, seed: 9);

        float[] expected = Outputs(net, inputs);
        float[] actual = OnnxTestModels.Run(model, BatchNormFileNet.Info, inputs, batch: 5);

        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"output {i}: Forward {expected[i]}, ONNX Runtime {actual[i]}");
        }
        Assert.Equal(2, OnnxTestModels.Read(model).Ops.Count(op => op == "BatchNormalization"));
    }

    [Fact]
    public void ExportThenImport_GivesTheSameParametersAndStatistics()
    {
        BatchNormFileNet net = Net();
        var again = new BatchNormFileNet(seed: 0);

        again.ImportOnnx(new MemoryStream(OnnxTestModels.Exported(net)));

        Assert.Equal(TestData.Bits(net.Parameters), TestData.Bits(again.Parameters));
        Assert.Equal(TestData.Bits(net.Statistics), TestData.Bits(again.Statistics));
    }
}

/// <summary>Every test network with BatchNorm, with random parameters and running statistics: weight files and ONNX keep Forward's outputs.</summary>
public class BatchNormNetworksFileTests
{
    private static void Randomize<TNet>(TNet net, int seed) where TNet : class, INetwork<TNet>
    {
        var random = new TestRandom((ulong)seed);
        foreach (ref float p in net.Parameters)
        {
            p = random.NextFloat() - 0.5f;
        }
        foreach (LayerInfo layer in TNet.Info.Layers.Where(l => l.StatisticsCount > 0))
        {
            int channels = layer.StatisticsCount / 2;
            for (int c = 0; c < channels; c++)
            {
                net.Statistics[layer.StatisticsOffset + c] = random.NextFloat() - 0.5f;
                net.Statistics[layer.StatisticsOffset + channels + c] = 0.3f + random.NextFloat();
            }
        }
    }

    private static float[] Outputs<TNet>(TNet net, float[] inputs) where TNet : class, INetwork<TNet>
    {
        NetworkInfo info = TNet.Info;
        float[] outputs = new float[inputs.Length / info.InputSize * info.OutputSize];
        net.ForwardBatch(inputs, outputs);
        return outputs;
    }

    private static void Check<TNet>(TNet net) where TNet : class, INetwork<TNet>
    {
        NetworkInfo info = TNet.Info;
        Assert.True(info.StatisticsCount > 0);
        Randomize(net, seed: info.ParameterCount);
        float[] inputs = OnnxTestModels.RandomInputs(3 * info.InputSize, seed: 5);
        float[] expected = Outputs(net, inputs);

        var file = new MemoryStream();
        net.Save(file);
        file.Position = 0;
        TNet loaded = TNet.Load(file);
        Assert.Equal(TestData.Bits(net.Statistics), TestData.Bits(loaded.Statistics));
        Assert.Equal(TestData.Bits(expected), TestData.Bits(Outputs(loaded, inputs)));

        byte[] model = OnnxTestModels.Exported(net);
        float[] actual = OnnxTestModels.Run(model, info, inputs, batch: 3);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"{info.Name} output {i}: Forward {expected[i]}, ONNX Runtime {actual[i]}");
        }

        TNet imported = TNet.Create(0);
        imported.ImportOnnx(new MemoryStream(model));
        Assert.Equal(TestData.Bits(net.Parameters), TestData.Bits(imported.Parameters));
        Assert.Equal(TestData.Bits(net.Statistics), TestData.Bits(imported.Statistics));
    }

    [Fact] public void ConvBatchNorm() => Check(new Networks.ConvBatchNorm(1));

    [Fact] public void DenseBatchNorm() => Check(new Networks.DenseBatchNorm(2));

    [Fact] public void BatchNormReference() => Check(new Networks.BatchNormReference(3));

    /// <summary>BatchNorm on the input itself, after a convolution, and after a dense layer behind a dropout.</summary>
    [Fact] public void TwoBatchNorms() => Check(new Networks.TwoBatchNorms(4));

    [Fact] public void OracleBatchNorm() => Check(new Networks.OracleBatchNorm(5));

    [Fact] public void BatchNormDigits() => Check(new Training.BatchNormDigits(6));
}
