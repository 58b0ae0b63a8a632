using StaticNets.__Internals;
using StaticNets.Tests.Serialization;
using StaticNets.Tests.Support;
using Xunit;
using static StaticNets.Tests.Onnx.OnnxTestModels;

namespace StaticNets.Tests.Onnx;

public class OnnxImportTests
{
    [Fact]
    public void ExportThenImport_GivesIdenticalParameters()
    {
        var lenet = new RefLeNet5(seed: 1);
        var all = new RefAllLayers(seed: 2);
        var lenetAgain = new RefLeNet5(seed: 9);
        var allAgain = new RefAllLayers(seed: 9);

        lenetAgain.ImportOnnx(new MemoryStream(Exported(lenet)));
        OnnxImporter.ImportWeights(allAgain, new MemoryStream(Exported(all)));

        Assert.Equal(lenet.Parameters.ToArray(), lenetAgain.Parameters.ToArray());
        Assert.Equal(all.Parameters.ToArray(), allAgain.Parameters.ToArray());
    }

    [Fact]
    public void ImportOnnx_FromAPath()
    {
        using var dir = new TempDirectory();
        string path = dir.File("spatial.onnx");
        var net = new RefSpatial(seed: 1);
        net.ExportOnnx(path);
        var again = new RefSpatial(seed: 2);

        again.ImportOnnx(path);

        Assert.Equal(net.Parameters.ToArray(), again.Parameters.ToArray());
    }

    [Fact]
    public void ImportOnnx_MissingPath_IsFileNotFound_NamingThePath()
    {
        using var dir = new TempDirectory();
        string path = dir.File("absent.onnx");

        var error = Assert.Throws<FileNotFoundException>(() => new RefMlp().ImportOnnx(path));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Import_AnotherArchitecture_NamesTheFirstMismatch_AndChangesNothing()
    {
        byte[] model = Exported(new RefLeNet5(seed: 1));
        var wide = new RefLeNet5Wide(seed: 3);
        float[] before = wide.Parameters.ToArray();

        var error = Assert.Throws<InvalidDataException>(() => wide.ImportOnnx(new MemoryStream(model)));

        Assert.Contains("conv2.weight: model has [16,6,5,5], RefLeNet5Wide expects [32,6,5,5]", error.Message);
        Assert.Equal(before, wide.Parameters.ToArray());
    }

    [Fact]
    public void Import_AnotherArchitecture_Dense()
    {
        var error = Assert.Throws<InvalidDataException>(() => new RefMlpWide().ImportOnnx(new MemoryStream(Exported(new RefMlp(seed: 1)))));

        Assert.Contains("dense1.weight: model has [3,4], RefMlpWide expects [4,4]", error.Message);
    }

    public static TheoryData<bool, bool> Styles => new() { { false, false }, { true, false }, { false, true }, { true, true } };

    [Theory]
    [MemberData(nameof(Styles))]
    public void Import_PyTorchStyleNames_MatchLayersInNodeOrder(bool transposeGemm, bool floatData)
    {
        var style = new Style(TransposeGemm: transposeGemm, FloatData: floatData);
        var lenet = new RefLeNet5(seed: 4);
        var mlp = new RefMlp(seed: 5);
        var lenetAgain = new RefLeNet5(seed: 6);
        var mlpAgain = new RefMlp(seed: 6);

        lenetAgain.ImportOnnx(new MemoryStream(PyTorchStyle(RefLeNet5.Info, lenet.Parameters.ToArray(), style)));
        mlpAgain.ImportOnnx(new MemoryStream(PyTorchStyle(RefMlp.Info, mlp.Parameters.ToArray(), style)));

        Assert.Equal(lenet.Parameters.ToArray(), lenetAgain.Parameters.ToArray());
        Assert.Equal(mlp.Parameters.ToArray(), mlpAgain.Parameters.ToArray());
    }

    [Fact]
    public void Import_PyTorchStyle_AnotherArchitecture_NamesTheLayerAndTheModelsInitializer()
    {
        byte[] model = PyTorchStyle(RefLeNet5.Info, new RefLeNet5(seed: 1).Parameters.ToArray(), new Style());

        var error = Assert.Throws<InvalidDataException>(() => new RefLeNet5Wide().ImportOnnx(new MemoryStream(model)));

        Assert.Contains("conv2.weight (the model's 'features.2.weight'): model has [16,6,5,5], RefLeNet5Wide expects [32,6,5,5]", error.Message);
    }

    [Fact]
    public void Import_PyTorchStyle_FewerLayers_SaysHowManyEachHas()
    {
        byte[] model = PyTorchStyle(RefMlpHead.Info, new RefMlpHead(seed: 1).Parameters.ToArray(), new Style());

        var error = Assert.Throws<InvalidDataException>(() => new RefMlp().ImportOnnx(new MemoryStream(model)));

        Assert.Contains("its 1 Conv/Gemm nodes do not match RefMlp's 2 layers with weights (dense1, dense2)", error.Message);
    }

    [Fact]
    public void Import_NoBias_IsRejected()
    {
        byte[] model = PyTorchStyle(RefMlp.Info, new RefMlp(seed: 1).Parameters.ToArray(), new Style(OmitBias: true));

        var error = Assert.Throws<InvalidDataException>(() => new RefMlp().ImportOnnx(new MemoryStream(model)));

        Assert.Contains("dense1.bias: the model has no bias for dense1, RefMlp expects [3]", error.Message);
    }

    [Fact]
    public void Import_DoubleWeights_AreRejected()
    {
        byte[] model = PyTorchStyle(RefMlp.Info, new RefMlp(seed: 1).Parameters.ToArray(), new Style(DataType: 11));

        var error = Assert.Throws<InvalidDataException>(() => new RefMlp().ImportOnnx(new MemoryStream(model)));

        Assert.Contains("the element type is double (11), RefMlp needs float32", error.Message);
    }

    [Fact]
    public void Import_NotAModel_IsInvalidData()
    {
        var empty = Assert.Throws<InvalidDataException>(() => new RefMlp().ImportOnnx(new MemoryStream([])));
        var text = Assert.Throws<InvalidDataException>(() => new RefMlp().ImportOnnx(new MemoryStream("hello, world"u8.ToArray())));

        Assert.Contains("has no graph", empty.Message);
        Assert.Contains("Malformed ONNX model", text.Message);
    }

    [Fact]
    public void Import_ForgedLength_IsRejectedWithoutAllocatingIt()
    {
        // Field 7 (graph), length-delimited, claiming 2^62 bytes; then a varint of eleven bytes.
        byte[] hugeLength = [0x3A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0x01, 0x02];
        byte[] longVarint = [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01];
        new RefMlp().ImportOnnx(new MemoryStream(Exported(new RefMlp()))); // warm up

        foreach (byte[] model in new[] { hugeLength, longVarint })
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var error = Assert.Throws<InvalidDataException>(() => new RefMlp().ImportOnnx(new NonSeekableStream(model)));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.True(allocated < 1_000_000, $"{allocated:N0} bytes: {error.Message}");
        }
    }

    [Fact]
    public void Import_HostileBytes_OnlyEverInvalidData()
    {
        var random = new Random(20240501);
        byte[][] models = [Exported(new RefMlp(seed: 1)), Exported(new RefSpatial(seed: 1))];
        int failures = 0, cases = 0;

        void Attempt(byte[] bytes, bool spatial, string what)
        {
            Exception? error = spatial
                ? Record.Exception(() => new RefSpatial().ImportOnnx(new MemoryStream(bytes)))
                : Record.Exception(() => new RefMlp().ImportOnnx(new MemoryStream(bytes)));
            Assert.True(error is null or InvalidDataException, $"{what}: {error}");
            failures += error is null ? 0 : 1;
            cases++;
        }

        for (int m = 0; m < models.Length; m++)
        {
            byte[] model = models[m];
            for (int i = 0; i < 1500; i++)
            {
                byte[] flipped = (byte[])model.Clone();
                int flips = 1 + random.Next(3);
                for (int f = 0; f < flips; f++)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)random.Next(1, 256);
                }
                Attempt(flipped, m == 1, $"model {m}, flip case {i}");
            }
            for (int i = 0; i < 200; i++)
            {
                Attempt(model[..random.Next(model.Length)], m == 1, $"model {m}, truncation {i}");
            }
        }
        for (int i = 0; i < 500; i++)
        {
            byte[] garbage = new byte[random.Next(300)];
            random.NextBytes(garbage);
            Attempt(garbage, spatial: false, $"garbage {i}");
        }

        // Many flips land in weights or names that do not matter and still import; most must not.
        Assert.True(failures > cases / 4, $"{failures} of {cases} hostile models rejected");
    }
}
