using Microsoft.ML.OnnxRuntime;
using StaticNets.__Internals;
using StaticNets.Tests.Serialization;
using StaticNets.Tests.Support;
using Xunit;
using static StaticNets.Tests.Onnx.OnnxTestModels;

namespace StaticNets.Tests.Onnx;

/// <summary>Exported models run in ONNX Runtime and give the reference's outputs.</summary>
public class OnnxExportTests
{
    // float32 through a few layers, against double: the error is a few float ulps of values near 1.
    private const double Tolerance = 1e-5;

    private static void AssertMatchesReference<TNet>(TNet net) where TNet : class, INetwork<TNet>
    {
        NetworkInfo info = TNet.Info;
        byte[] model = Exported(net);
        float[] parameters = net.Parameters.ToArray();

        for (int sample = 0; sample < 3; sample++)
        {
            float[] one = RandomInputs(info.InputSize, seed: 100 + sample);
            double single = MaxDifference(model, info, parameters, one, batch: 1);
            Assert.True(single <= Tolerance, $"{info.Name}, sample {sample}: max |difference| {single:E2}");
        }
        float[] three = RandomInputs(3 * info.InputSize, seed: 200);
        double batch = MaxDifference(model, info, parameters, three, batch: 3);
        Assert.True(batch <= Tolerance, $"{info.Name}, batch of 3: max |difference| {batch:E2}");
    }

    [Fact]
    public void LeNet5_RunsInOnnxRuntime_AsTheReference() => AssertMatchesReference(new RefLeNet5(seed: 11));

    [Fact]
    public void AllLayers_RunsInOnnxRuntime_AsTheReference() => AssertMatchesReference(new RefAllLayers(seed: 12));

    [Fact]
    public void SpatialSoftmaxAndSpatialOutput_RunInOnnxRuntime_AsTheReference() => AssertMatchesReference(new RefSpatial(seed: 13));

    [Fact]
    public void FlatInput_RunsInOnnxRuntime_AsTheReference() => AssertMatchesReference(new RefMlp(seed: 14));

    [Fact]
    public void LeNet5_ModelHasTheDocumentedStructure()
    {
        byte[] model = Exported(new RefLeNet5(seed: 1));

        Outline outline = Read(model);

        Assert.Equal(8, outline.IrVersion);
        Assert.Equal(17, outline.Opset);
        Assert.Equal("StaticNets", outline.Producer);
        Assert.Equal(["Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm", "Relu", "Gemm", "Softmax"], outline.Ops);
        Assert.Equal(
            ["conv1.weight [6,1,5,5]", "conv1.bias [6]", "conv2.weight [16,6,5,5]", "conv2.bias [16]",
             "dense1.weight [120,400]", "dense1.bias [120]", "dense2.weight [84,120]", "dense2.bias [84]",
             "dense3.weight [10,84]", "dense3.bias [10]"],
            outline.Initializers.Select(i => $"{i.Name} [{string.Join(",", i.Dims)}]"));

        using var session = new InferenceSession(model);
        NodeMetadata input = session.InputMetadata["input"];
        NodeMetadata output = session.OutputMetadata["output"];
        Assert.Equal([-1, 1, 28, 28], input.Dimensions);
        Assert.Equal("N", input.SymbolicDimensions[0]);
        Assert.Equal([-1, 10], output.Dimensions);
        Assert.Equal("N", output.SymbolicDimensions[0]);
    }

    [Fact]
    public void AllLayers_GeluIsTheErfForm_AndDropoutIsOmitted()
    {
        Outline outline = Read(Exported(new RefAllLayers(seed: 1)));

        Assert.Equal(2, outline.Ops.Count(op => op == "Erf"));
        Assert.DoesNotContain("Gelu", outline.Ops);
        Assert.DoesNotContain("Dropout", outline.Ops);
        Assert.Contains("AveragePool", outline.Ops);
        Assert.Contains("LeakyRelu", outline.Ops);
        Assert.Equal(["const.sqrt2", "const.one", "const.half"], outline.Initializers.Where(i => i.Name.StartsWith("const.", StringComparison.Ordinal)).Select(i => i.Name));
    }

    [Fact]
    public void Export_Path_WritesAtomically_AndRunsFromTheFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("mlp.onnx");
        var net = new RefMlp(seed: 3);

        net.ExportOnnx(path);

        Assert.Equal(["mlp.onnx"], dir.Entries());
        Assert.Equal(Exported(net), File.ReadAllBytes(path));
        using var session = new InferenceSession(path);
        Assert.Equal(["output"], session.OutputNames);
    }

    [Fact]
    public void Export_IsDeterministic()
    {
        Assert.Equal(Exported(new RefAllLayers(seed: 5)), Exported(new RefAllLayers(seed: 5)));
    }

    [Fact]
    public void Export_WrongParameterCount_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(RefMlp.Info, new float[22], new MemoryStream()));

        Assert.Contains("23 parameters, but 22", error.Message);
    }
}
