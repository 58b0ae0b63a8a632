using StaticNets.Tests.Networks;
using StaticNets.Tests.Reference;
using StaticNets.Tests.Support;
using Xunit;
using static StaticNets.Tests.Onnx.OnnxTestModels;

namespace StaticNets.Tests.Onnx;

/// <summary>
/// Generated networks (from <c>Networks/TestNetworks.cs</c>) exported with their own
/// <c>ExportOnnx</c>: ONNX Runtime must give their <c>Forward</c>'s outputs and the reference's, and
/// the weights must import back unchanged.
/// </summary>
public class GeneratedNetworkOnnxTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Networks => new(["LeNet5", "ConvNetA", "ConvNetB", "ConvMse", "MlpMse", "StridedNet", "PoolOnly",
        "FlooredPool", "FilterLanes", "WidePool", "NarrowPool", "ClipNet", "RectangularNet", "SameNet", "FlooredConv", "GroupedNet",
        "DepthwiseNet", "PaddedPoolNet", "GlobalMaxNet", "GlobalAvgNet", "DenseNoBias", "ResidualNet", "ProjectedInputNet", "DenseResidual"]);

    [Theory]
    [MemberData(nameof(Networks))]
    public void Export_RunsInOnnxRuntime_AsForwardAndTheReference(string network)
    {
        switch (network)
        {
            case "LeNet5": Check(new LeNet5(seed: 1)); break;
            case "ConvNetA": Check(new ConvNetA(seed: 2)); break;
            case "ConvNetB": Check(new ConvNetB(seed: 3)); break;
            case "ConvMse": Check(new ConvMse(seed: 4)); break;
            case "MlpMse": Check(new MlpMse(seed: 5)); break;
            case "StridedNet": Check(new StridedNet(seed: 6)); break;
            case "PoolOnly": Check(new PoolOnly(seed: 7)); break;
            case "FlooredPool": Check(new FlooredPool(seed: 8)); break;
            case "FilterLanes": Check(new FilterLanes(seed: 9)); break;
            case "WidePool": Check(new WidePool(seed: 10)); break;
            case "NarrowPool": Check(new NarrowPool(seed: 11)); break;
            case "ClipNet": Check(new ClipNet(seed: 13), inputScale: 8f); break;
            case "RectangularNet": Check(new RectangularNet(seed: 14)); break;
            case "SameNet": Check(new SameNet(seed: 15)); break;
            case "FlooredConv": Check(new FlooredConv(seed: 16)); break;
            case "GroupedNet": Check(new GroupedNet(seed: 17)); break;
            case "DepthwiseNet": Check(new DepthwiseNet(seed: 18)); break;
            case "PaddedPoolNet": Check(new PaddedPoolNet(seed: 19)); break;
            case "GlobalMaxNet": Check(new GlobalMaxNet(seed: 20)); break;
            case "GlobalAvgNet": Check(new GlobalAvgNet(seed: 21)); break;
            case "DenseNoBias": Check(new DenseNoBias(seed: 22)); break;
            case "ResidualNet": Check(new ResidualNet(seed: 23)); break;
            case "ProjectedInputNet": Check(new ProjectedInputNet(seed: 24)); break;
            case "DenseResidual": Check(new DenseResidual(seed: 25)); break;
            default: throw new ArgumentException(network);
        }
    }

    [Fact]
    public void Export_ThenImport_EveryReferenceNetwork_GivesItsParameters()
    {
        RoundTrip(new RefLeNet5(seed: 1));
        RoundTrip(new RefLeNet5Wide(seed: 2));
        RoundTrip(new RefAllLayers(seed: 3));
        RoundTrip(new RefSpatial(seed: 4));
        RoundTrip(new RefMlp(seed: 5));
        RoundTrip(new RefMlpWide(seed: 6));
        RoundTrip(new RefMlpHead(seed: 7));
    }

    [Fact]
    public void A_model_with_a_bias_does_not_import_into_a_layer_without_bias()
    {
        byte[] model = Exported(new DenseWithBias(seed: 1));
        var error = Assert.Throws<InvalidDataException>(() => new DenseNoBias(seed: 2).ImportOnnx(new MemoryStream(model)));
        Assert.Contains("the model adds a bias, but StaticNets.Tests.Networks.DenseNoBias declares dense1 without bias (Bias = false).", error.Message);
    }

    [Fact]
    public void A_model_without_the_residual_sums_does_not_import_into_a_network_with_them_nor_the_reverse()
    {
        var error = Assert.Throws<InvalidDataException>(() => new DenseResidual(seed: 2).ImportOnnx(new MemoryStream(Exported(new DenseChain(seed: 1)))));
        Assert.Contains("the file adds two computed tensors in 0 nodes (none), but StaticNets.Tests.Networks.DenseResidual declares 2 [Add] layers (add1 (Add h), add2 (Add input)).", error.Message);
        error = Assert.Throws<InvalidDataException>(() => new DenseChain(seed: 2).ImportOnnx(new MemoryStream(Exported(new DenseResidual(seed: 1)))));
        Assert.Contains("the file adds two computed tensors in 2 nodes", error.Message);
        Assert.Contains("but StaticNets.Tests.Networks.DenseChain declares no [Add] layer.", error.Message);
    }

    private static void RoundTrip<TNet>(TNet net) where TNet : class, INetwork<TNet>
    {
        RandomizeBiases(net);
        TNet again = TNet.Create(seed: 99);
        again.ImportOnnx(new MemoryStream(Exported(net)));
        Assert.Equal(net.Parameters.ToArray(), again.Parameters.ToArray());
    }

    /// <summary>Exports <paramref name="net"/> and runs it on inputs in <c>[-inputScale, inputScale]</c> (large enough, for ClipNet, that ReLU6 clips at 6).</summary>
    private static void Check<TNet>(TNet net, float inputScale = 1f) where TNet : class, INetwork<TNet>
    {
        NetworkInfo info = TNet.Info;
        RandomizeBiases(net);
        byte[] model = Exported(net);
        const int batch = 3;
        float[] inputs = RandomInputs(batch * info.InputSize, seed: 31);
        for (int i = 0; i < inputs.Length; i++) inputs[i] *= inputScale;

        float[] onnx = Run(model, info, inputs, batch);

        var forward = new float[info.OutputSize];
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> input = inputs.AsSpan(b * info.InputSize, info.InputSize);
            net.Forward(input, forward);
            double[] reference = ReferenceNetwork.Forward(info, net.Parameters, input);
            for (int i = 0; i < info.OutputSize; i++)
            {
                float actual = onnx[b * info.OutputSize + i];
                Assert.True(Math.Abs(actual - forward[i]) <= Tolerance, $"{info.Name}, sample {b}, output {i}: ONNX {actual}, Forward {forward[i]}");
                Assert.True(Math.Abs(actual - reference[i]) <= Tolerance, $"{info.Name}, sample {b}, output {i}: ONNX {actual}, reference {reference[i]}");
            }
        }

        TNet again = TNet.Create(seed: 99);
        again.ImportOnnx(new MemoryStream(model));
        Assert.Equal(net.Parameters.ToArray(), again.Parameters.ToArray());
    }

    /// <summary>Biases start at zero; give them values so that a misplaced bias shows.</summary>
    private static void RandomizeBiases<TNet>(TNet net) where TNet : class, INetwork<TNet>
    {
        var random = new Random(17);
        foreach (LayerInfo layer in TNet.Info.Layers)
        {
            Span<float> bias = net.Parameters.Slice(layer.ParameterOffset + layer.WeightCount, layer.BiasCount);
            for (int i = 0; i < bias.Length; i++)
            {
                bias[i] = (float)(random.NextDouble() - 0.5);
            }
        }
    }
}
