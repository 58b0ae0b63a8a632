using StaticNets.__Internals;
using StaticNets.Tests.Reference;
using Xunit;

namespace StaticNets.Tests.Onnx;

/// <summary>
/// Import compares every node with its declared layer: PyTorch-style models with one attribute (or
/// one node) wrong at a time are refused with a message naming the node, the attribute, the file's
/// value, the layer and its declared value; nothing is written into the network.
/// </summary>
public class OnnxAttributeTests
{
    /// <summary>conv1 8x8 (padding 1, ReLU), pool1 4x4, conv2 2x2, pool2 1x1, dense1 (LeakyReLU 0.1), dense2 (Softmax).</summary>
    private static readonly NetworkInfo Decl = NetworkInfoBuilder.Image("Decl", 8, 8, 3)
        .Conv2D(4, 3, padding: 1, activation: Activation.ReLU)
        .MaxPool(2)
        .Conv2D(5, 3)
        .AvgPool(2)
        .Flatten()
        .Dense(6, Activation.LeakyReLU, alpha: 0.1f)
        .Dense(3, Activation.Softmax)
        .Build();

    public static TheoryData<string, string, object?, string> WrongAttributes => new()
    {
        { "/conv1/Conv", "strides", new long[] { 2, 2 }, "node \"/conv1/Conv\" (Conv): strides [2, 2] in the file, but conv1 (Conv2D 3x3) declares stride 1." },
        { "/conv1/Conv", "pads", new long[] { 0, 0, 0, 0 }, "node \"/conv1/Conv\" (Conv): pads [0, 0, 0, 0] in the file, but conv1 (Conv2D 3x3) declares padding 1 on every side, pads [1, 1, 1, 1]." },
        { "/conv1/Conv", "pads", new long[] { 1, 1, 0, 0 }, "(Conv): pads [1, 1, 0, 0] in the file, but conv1 (Conv2D 3x3) declares padding 1" },
        { "/conv1/Conv", "pads", null, "(Conv): pads [0, 0, 0, 0] in the file, but conv1 (Conv2D 3x3) declares padding 1" },
        { "/conv2/Conv", "pads", new long[] { 1, 1, 1, 1 }, "node \"/conv2/Conv\" (Conv): pads [1, 1, 1, 1] in the file, but conv2 (Conv2D 3x3) declares padding 0." },
        { "/conv2/Conv", "pads", Array.Empty<long>(), "node \"/conv2/Conv\" (Conv): pads [] in the file, but conv2 (Conv2D 3x3) declares padding 0." },
        { "/conv1/Conv", "strides", 2L, "node \"/conv1/Conv\" (Conv): attribute strides is an INT, not INTS." },
        { "/conv1/Conv", "auto_pad", "SAME", "node \"/conv1/Conv\" (Conv): auto_pad 'SAME' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID." },
        { "/conv1/Conv", "kernel_shape", new long[] { 5, 5 }, "node \"/conv1/Conv\" (Conv): kernel_shape [5, 5] in the file, but conv1 (Conv2D 3x3) declares kernel 3." },
        { "/conv1/Conv", "group", 3L, "node \"/conv1/Conv\" (Conv): group 3 in the file, but conv1 (Conv2D 3x3) declares group 1" },
        { "/conv1/Conv", "dilations", new long[] { 2, 2 }, "node \"/conv1/Conv\" (Conv): dilations [2, 2] in the file, but conv1 (Conv2D 3x3) declares dilation 1." },
        { "/conv2/Conv", "auto_pad", "SAME_UPPER", "node \"/conv2/Conv\" (Conv): auto_pad SAME_UPPER (pads [1, 1, 1, 1] on its 4x4 input) in the file, but conv2 (Conv2D 3x3) declares padding 0." },
        { "/conv1/Conv", "auto_pad", "VALID", "node \"/conv1/Conv\" (Conv): auto_pad VALID in the file, but conv1 (Conv2D 3x3) declares padding 1" },
        { "/pool1/MaxPool", "kernel_shape", new long[] { 3, 3 }, "node \"/pool1/MaxPool\" (MaxPool): kernel_shape [3, 3] in the file, but pool1 (MaxPool 2x2) declares a 2x2 window." },
        { "/pool1/MaxPool", "strides", new long[] { 1, 1 }, "node \"/pool1/MaxPool\" (MaxPool): strides [1, 1] in the file, but pool1 (MaxPool 2x2) declares stride 2." },
        { "/pool1/MaxPool", "strides", null, "node \"/pool1/MaxPool\" (MaxPool): strides [1, 1] in the file, but pool1 (MaxPool 2x2) declares stride 2." },
        { "/pool1/MaxPool", "pads", new long[] { 0, 0, 2, 2 }, "node \"/pool1/MaxPool\" (MaxPool): pads [0, 0, 2, 2] in the file, but pool1 (MaxPool 2x2) declares padding 0." },
        { "/pool1/MaxPool", "pads", new long[] { 1, 1, 0, 0 }, "node \"/pool1/MaxPool\" (MaxPool): pads [1, 1, 0, 0] in the file, but pool1 (MaxPool 2x2) declares padding 0." },
        { "/pool1/MaxPool", "dilations", new long[] { 2, 2 }, "node \"/pool1/MaxPool\" (MaxPool): dilations [2, 2] in the file, but pool1 (MaxPool 2x2) declares dilation 1." },
        { "/pool1/MaxPool", "storage_order", 1L, "node \"/pool1/MaxPool\" (MaxPool): storage_order 1 in the file, but pool1 (MaxPool 2x2) declares row-major order (storage_order 0)." },
        { "/pool2/AveragePool", "kernel_shape", new long[] { 1, 1 }, "node \"/pool2/AveragePool\" (AveragePool): kernel_shape [1, 1] in the file, but pool2 (AvgPool 2x2) declares a 2x2 window." },
        { "/pool2/AveragePool", "strides", new long[] { 1, 1 }, "node \"/pool2/AveragePool\" (AveragePool): strides [1, 1] in the file, but pool2 (AvgPool 2x2) declares stride 2." },
        { "/dense1/Gemm", "transA", 1L, "node \"/dense1/Gemm\" (Gemm): transA 1 in the file, but dense1 (Dense 6) declares W x + b over one sample a row (transA 0)." },
        { "/dense1/Gemm", "alpha", 2f, "node \"/dense1/Gemm\" (Gemm): alpha 2 in the file, but dense1 (Dense 6) declares W x + b (alpha 1)." },
        { "/dense1/Gemm", "beta", 0.5f, "node \"/dense1/Gemm\" (Gemm): beta 0.5 in the file, but dense1 (Dense 6) declares W x + b (beta 1)." },
        { "/dense1/LeakyRelu", "alpha", 0.2f, "node \"/dense1/LeakyRelu\" (LeakyRelu): alpha 0.2 in the file, but dense1 (Dense 6) declares LeakyReLU alpha 0.1." },
        { "/dense1/LeakyRelu", "alpha", null, "node \"/dense1/LeakyRelu\" (LeakyRelu): alpha 0.01 in the file, but dense1 (Dense 6) declares LeakyReLU alpha 0.1." },
        { "/dense2/Softmax", "axis", 0L, "node \"/dense2/Softmax\" (Softmax): axis 0 (opset 17, a rank 2 input) in the file, but dense2 (Dense 3) declares Softmax over each sample's 3 values (axis 1 or -1 of the [N, n] input)." },
    };

    [Theory]
    [MemberData(nameof(WrongAttributes))]
    public void Import_OneAttributeWrong_NamesTheNodeTheAttributeAndBothValues(string node, string attribute, object? value, string expected)
    {
        TestGraph graph = Graph(Decl, out _);
        Set(graph.Node(node), attribute, value);

        string message = Refused(Decl, graph);

        Assert.Contains(expected, message);
        Assert.StartsWith("ONNX stream: ", message);
    }

    [Fact]
    public void Import_AutoPadSameLower_OnAPoolItTiles_AndEquivalentAttributes_Import()
    {
        TestGraph graph = Graph(Decl, out float[] parameters);
        Set(graph.Node("/pool1/MaxPool"), "pads", null);
        Set(graph.Node("/pool1/MaxPool"), "auto_pad", "SAME_LOWER");
        Set(graph.Node("/pool1/MaxPool"), "ceil_mode", 1L);                   // the windows tile: no partial window
        Set(graph.Node("/pool2/AveragePool"), "count_include_pad", 1L);      // no padding to count
        Set(graph.Node("/conv1/Conv"), "pads", null);
        Set(graph.Node("/conv1/Conv"), "auto_pad", "SAME_UPPER");            // 3x3 stride 1: one on every side
        foreach (string name in new[] { "kernel_shape", "strides", "pads", "dilations", "group" })
        {
            Set(graph.Node("/conv2/Conv"), name, null);                      // ONNX's defaults: the weight's kernel, stride 1, no padding
        }
        Set(graph.Node("/dense2/Softmax"), "axis", -1L);

        Assert.Equal(parameters, Imported(Decl, graph));
    }

    [Fact]
    public void Import_ANodeWithoutAName_IsNamedByItsPosition()
    {
        TestGraph graph = Graph(Decl, out _);
        TestNode pool = graph.Node("/pool1/MaxPool");
        pool.Name = "";
        pool.Attributes["strides"] = new long[] { 1, 1 };

        Assert.Contains("ONNX stream: node 3 (MaxPool): strides [1, 1] in the file, but pool1 (MaxPool 2x2) declares stride 2.", Refused(Decl, graph));
    }

    [Fact]
    public void Import_SoftmaxOverAConvolutionsChannels_IsTheWholeVectorOnlyBeforeOpset13()
    {
        NetworkInfo info = NetworkInfoBuilder.Image("ConvSoftmax", 4, 4, 2).Conv2D(3, 3, activation: Activation.Softmax).Build();
        TestGraph graph = Graph(info, out float[] parameters);
        graph.Remove("/conv1/Softmax.Flatten");
        graph.Node("/conv1/Softmax").Attributes.Remove("axis");

        string message = Refused(info, graph);
        graph.Opset = 11;
        float[] imported = Imported(info, graph);

        Assert.Contains("node \"/conv1/Softmax\" (Softmax): axis -1 (opset 17, a rank 4 input) in the file, but conv1 (Conv2D 3x3) declares Softmax over each sample's 12 values", message);
        Assert.Equal(parameters, imported);
    }

    [Fact]
    public void Import_CeilMode_WhereTheWindowsDoNotTile_IsRefused()
    {
        NetworkInfo info = NetworkInfoBuilder.Image("Floored", 5, 5, 1).MaxPool(2).Build();
        TestGraph graph = Graph(info, out _);
        Set(graph.Node("/pool1/MaxPool"), "ceil_mode", 1L);

        Assert.Contains("node \"/pool1/MaxPool\" (MaxPool): ceil_mode 1 in the file, but pool1 (MaxPool 2x2) declares floor rounding (ceil_mode 0), which differs on its 5x5 input.",
            Refused(info, graph));
    }

    [Fact]
    public void Import_CountIncludePad_IsRefusedWhereThereIsPadding()
    {
        NetworkInfo plain = NetworkInfoBuilder.Image("PaddedPool", 6, 6, 1).AvgPool(3, stride: 1).Build();
        var info = plain with { Layers = [plain.Layers[0] with { Padding = 1 }] };
        TestGraph graph = Graph(info, out _);
        Set(graph.Node("/pool1/AveragePool"), "pads", new long[] { 1, 1, 1, 1 });
        Set(graph.Node("/pool1/AveragePool"), "count_include_pad", 1L);

        Assert.Contains("node \"/pool1/AveragePool\" (AveragePool): count_include_pad 1 with pads [1, 1, 1, 1] in the file, but pool1 (AvgPool 3x3) declares an average over the input values inside each window (count_include_pad 0).",
            Refused(info, graph));
    }

    [Fact]
    public void Import_GlobalPooling_MatchesAWindowOverTheWholeInput()
    {
        NetworkInfo global = NetworkInfoBuilder.Image("Global", 4, 4, 2).AvgPool(4).Flatten().Dense(3).Build();
        NetworkInfo local = NetworkInfoBuilder.Image("Local", 4, 4, 2).AvgPool(2).Flatten().Dense(3).Build();
        TestGraph graph = Graph(global, out float[] parameters);
        TestNode pool = graph.Node("/pool1/AveragePool");
        pool.OpType = "GlobalAveragePool";
        pool.Attributes.Clear();
        byte[] model = graph.Build();

        float[] imported = new float[global.ParameterCount];
        OnnxImporter.ImportWeights(global, new MemoryStream(model), imported);
        var error = Assert.Throws<InvalidDataException>(() => OnnxImporter.ImportWeights(local, new MemoryStream(model), new float[local.ParameterCount]));

        Assert.Equal(parameters, imported);
        Assert.Contains("node \"/pool1/AveragePool\" (GlobalAveragePool): one window over the whole 4x4 input in the file, but pool1 (AvgPool 2x2) declares a 2x2 window with stride 2.", error.Message);
    }

    [Fact]
    public void Import_APoolingNodeTheDeclarationDoesNotHave_IsRefused()
    {
        NetworkInfo info = NetworkInfoBuilder.Image("ConvOnly", 8, 8, 3).Conv2D(4, 3, padding: 1).Build();
        TestGraph graph = Graph(info, out _);
        graph.InsertAfter("/conv1/Conv", "MaxPool", "/pool/MaxPool").With("kernel_shape", new long[] { 2, 2 }).With("strides", new long[] { 2, 2 });

        Assert.Contains("node \"/pool/MaxPool\" (MaxPool) has no counterpart in ConvOnly, which declares nothing after conv1 (Conv2D 3x3). The file's nodes: Conv, MaxPool; ConvOnly declares conv1 (Conv2D 3x3).",
            Refused(info, graph));
    }

    [Fact]
    public void Import_ADeclaredPoolingLayerWithoutANode_IsRefused()
    {
        TestGraph middle = Graph(Decl, out _);
        middle.Remove("/pool1/MaxPool");
        NetworkInfo last = NetworkInfoBuilder.Image("PoolLast", 8, 8, 3).Conv2D(4, 3).MaxPool(2).Build();
        TestGraph end = Graph(last, out _);
        end.Remove("/pool1/MaxPool");

        Assert.Contains("node \"/conv2/Conv\" (Conv) is where Decl declares pool1 (MaxPool 2x2). The file's nodes: Conv, Conv, AveragePool, Gemm, Gemm; Decl declares conv1 (Conv2D 3x3), pool1 (MaxPool 2x2), conv2 (Conv2D 3x3), pool2 (AvgPool 2x2), dense1 (Dense 6), dense2 (Dense 3).",
            Refused(Decl, middle));
        Assert.Contains("the file has no node for pool1 (MaxPool 2x2) after node \"/conv1/Conv\" (Conv).", Refused(last, end));
    }

    [Fact]
    public void Import_AnExtraConvolution_IsRefused_ByNameAndByOrder()
    {
        NetworkInfo info = NetworkInfoBuilder.Image("TwoConvs", 8, 8, 2).Conv2D(2, 3, padding: 1).Conv2D(2, 3, padding: 1).Build();
        TestGraph byOrder = Graph(info, out _);
        byOrder.InsertAfter("/conv1/Conv", "Conv", "/extra/Conv").Inputs.Add("features.0.weight");
        TestGraph byName = Graph(info, out _);
        NameWeightsAsTheExporter(info, byName);
        byName.InsertAfter("/conv1/Conv", "Conv", "/extra/Conv").Inputs.Add("conv1.weight");

        Assert.Contains("its 3 Conv/Gemm nodes do not match TwoConvs's 2 layers with weights (conv1, conv2)", Refused(info, byOrder));
        Assert.Contains("node \"/conv2/Conv\" (Conv) has no counterpart in TwoConvs, which declares nothing after conv2 (Conv2D 3x3). The file's nodes: Conv, Conv, Conv;",
            Refused(info, byName));
    }

    [Fact]
    public void Import_AnOperatorNoLayerComputes_IsRefused()
    {
        TestGraph graph = Graph(Decl, out _);
        graph.InsertAfter("/conv1/Conv", "InstanceNormalization", "/in1/InstanceNormalization");

        Assert.Contains("node \"/in1/InstanceNormalization\" (InstanceNormalization) has no counterpart in Decl: no StaticNets layer computes InstanceNormalization",
            Refused(Decl, graph));
    }

    [Fact]
    public void Import_ABatchNormalizationNode_WhereNoBatchNormIsDeclared_IsRefused()
    {
        TestGraph graph = Graph(Decl, out _);
        graph.InsertAfter("/conv1/Conv", "BatchNormalization", "/bn1/BatchNormalization");

        string error = Refused(Decl, graph);

        Assert.Contains("node \"/bn1/BatchNormalization\" (BatchNormalization)", error);
        Assert.Contains("Decl declares", error);
    }

    [Fact]
    public void Import_ByName_WeightsReadByAnotherNodeThanTheLayers_AreRefused()
    {
        NetworkInfo info = NetworkInfoBuilder.Image("TwoConvs", 8, 8, 2).Conv2D(2, 3, padding: 1).Conv2D(2, 3, padding: 1).Build();
        TestGraph graph = Graph(info, out _);
        NameWeightsAsTheExporter(info, graph);
        (graph.Node("/conv1/Conv").Inputs[1], graph.Node("/conv2/Conv").Inputs[1]) = ("conv2.weight", "conv1.weight");

        Assert.Contains("conv1's weights are the initializer 'conv1.weight', but node \"/conv1/Conv\" (Conv), its node by order, reads the weight 'conv2.weight'.",
            Refused(info, graph));
    }

    [Fact]
    public void Import_ByName_GemmWithTransBZero_IsTransposed_AndTransB2IsRefused()
    {
        NetworkInfo info = NetworkInfoBuilder.Flat("Square", 3).Dense(3).Build();
        TestGraph graph = TestGraph.PyTorchStyle(info, Random(info, seed: 3), new Style(TransposeGemm: true));
        NameWeightsAsTheExporter(info, graph);
        float[] expected = Random(info, seed: 3);

        float[] imported = Imported(info, graph);
        Set(graph.Node("/dense1/Gemm"), "transB", 2L);
        string message = Refused(info, graph);

        Assert.Equal(expected, imported);
        Assert.Contains("node \"/dense1/Gemm\" (Gemm): transB 2 in the file, but dense1 (Dense 3) declares a weight matrix read as it is or transposed (transB 0 or 1).", message);
    }

    private static TestGraph Graph(NetworkInfo info, out float[] parameters)
    {
        parameters = Random(info, seed: 5);
        return TestGraph.PyTorchStyle(info, parameters, new Style());
    }

    private static float[] Random(NetworkInfo info, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, info.ParameterCount).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
    }

    private static void Set(TestNode node, string attribute, object? value)
    {
        if (value is null)
        {
            node.Attributes.Remove(attribute);
        }
        else
        {
            node.Attributes[attribute] = value;
        }
    }

    /// <summary>Renames the weight initializers to <c>conv1.weight</c>, <c>conv1.bias</c>...: import then finds them by name.</summary>
    private static void NameWeightsAsTheExporter(NetworkInfo info, TestGraph graph)
    {
        var weighted = info.Layers.Where(l => l.HasWeights).ToList();
        var renames = new Dictionary<string, string>();
        foreach (LayerInfo layer in weighted)
        {
            TestNode node = graph.Nodes.Single(n => n.Name.StartsWith("/" + layer.Name + "/", StringComparison.Ordinal) && n.Inputs.Count > 1);
            renames[node.Inputs[1]] = layer.Name + ".weight";
            renames[node.Inputs[2]] = layer.Name + ".bias";
            node.Inputs[1] = layer.Name + ".weight";
            node.Inputs[2] = layer.Name + ".bias";
        }
        for (int i = 0; i < graph.Initializers.Count; i++)
        {
            var (name, dims, values) = graph.Initializers[i];
            graph.Initializers[i] = (renames[name], dims, values);
        }
    }

    /// <summary>The parameters imported from <paramref name="graph"/>.</summary>
    private static float[] Imported(NetworkInfo info, TestGraph graph)
    {
        float[] parameters = new float[info.ParameterCount];
        OnnxImporter.ImportWeights(info, new MemoryStream(graph.Build()), parameters);
        return parameters;
    }

    /// <summary>The message of the refusal to import <paramref name="graph"/>, after checking that no parameter was written.</summary>
    private static string Refused(NetworkInfo info, TestGraph graph)
    {
        float[] parameters = Enumerable.Repeat(7f, info.ParameterCount).ToArray();
        var error = Assert.Throws<InvalidDataException>(() => OnnxImporter.ImportWeights(info, new MemoryStream(graph.Build()), parameters));
        Assert.All(parameters, p => Assert.Equal(7f, p));
        return error.Message;
    }
}
