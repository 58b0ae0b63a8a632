using StaticNets.__Internals;

namespace StaticNets.Tests.Onnx;

/// <summary>Options for <see cref="TestGraph.PyTorchStyle"/>.</summary>
internal sealed record Style(bool TransposeGemm = false, bool FloatData = false, bool OmitBias = false, int DataType = 1);

/// <summary>A node of a <see cref="TestGraph"/>; attribute values are <c>long</c>, <c>long[]</c>, <c>float</c> or <c>string</c>.</summary>
internal sealed class TestNode(string opType, string name, string[] inputs, string output)
{
    public string OpType { get; set; } = opType;
    public string Name { get; set; } = name;
    public List<string> Inputs { get; } = [.. inputs];
    public string Output { get; set; } = output;
    public Dictionary<string, object> Attributes { get; } = [];

    public TestNode With(string attribute, object value)
    {
        Attributes[attribute] = value;
        return this;
    }
}

/// <summary>
/// A hand-built ONNX model: nodes and float initializers that a test edits (an attribute changed, a
/// node added or removed) before writing it. Only what the importer reads is written; it is not meant to run.
/// </summary>
internal sealed class TestGraph
{
    public List<TestNode> Nodes { get; } = [];
    public List<(string Name, long[] Dims, float[] Values)> Initializers { get; } = [];
    public long Opset { get; set; } = 17;
    public Style Style { get; set; } = new();

    public TestNode Node(string name) => Nodes.Single(n => n.Name == name);

    /// <summary>Adds a node reading <paramref name="inputs"/> and writing <c>{name}_output_0</c>.</summary>
    public TestNode Add(string opType, string name, params string[] inputs)
    {
        var node = new TestNode(opType, name, inputs, name + "_output_0");
        Nodes.Add(node);
        return node;
    }

    /// <summary>Inserts a node after the node named <paramref name="after"/>, reading its output; the nodes that read that output read the new one's instead.</summary>
    public TestNode InsertAfter(string after, string opType, string name)
    {
        int index = Nodes.FindIndex(n => n.Name == after);
        TestNode previous = Nodes[index];
        var node = new TestNode(opType, name, [previous.Output], name + "_output_0");
        foreach (TestNode reader in Nodes.Skip(index + 1))
        {
            for (int i = 0; i < reader.Inputs.Count; i++)
            {
                reader.Inputs[i] = reader.Inputs[i] == previous.Output ? node.Output : reader.Inputs[i];
            }
        }
        Nodes.Insert(index + 1, node);
        return node;
    }

    /// <summary>Removes the node named <paramref name="name"/>, its readers reading its input instead.</summary>
    public void Remove(string name)
    {
        TestNode node = Node(name);
        foreach (TestNode reader in Nodes)
        {
            for (int i = 0; i < reader.Inputs.Count; i++)
            {
                reader.Inputs[i] = reader.Inputs[i] == node.Output ? node.Inputs[0] : reader.Inputs[i];
            }
        }
        Nodes.Remove(node);
    }

    /// <summary>
    /// A model shaped like PyTorch's export of <paramref name="info"/>: nodes named after the layers
    /// (<c>/conv1/Conv</c>, <c>/pool1/MaxPool</c>, <c>/dense1/Gemm</c>) with PyTorch's attributes, the
    /// declared activations as nodes, the weights under other names (<c>features.{i}.weight</c>,
    /// <c>onnx::Gemm_{i}</c>, by weighted layer) and the initializers listed in reverse.
    /// </summary>
    public static TestGraph PyTorchStyle(NetworkInfo info, float[] parameters, Style style)
    {
        var graph = new TestGraph { Style = style };
        string x = "input";
        bool flat = info.InputShape.Height == 1 && info.InputShape.Width == 1;
        int weighted = 0;
        foreach (LayerInfo layer in info.Layers)
        {
            string prefix = "/" + layer.Name + "/";
            switch (layer.Kind)
            {
                case LayerKind.Conv2D:
                {
                    x = graph.Spatial(x, ref flat, layer);
                    string[] weights = graph.Weights(layer, parameters, $"features.{2 * weighted}.weight", $"features.{2 * weighted}.bias", transpose: false);
                    int k = layer.Kernel, s = layer.Stride, p = layer.Padding;
                    x = graph.Add("Conv", prefix + "Conv", [x, .. weights])
                        .With("dilations", new long[] { 1, 1 }).With("group", 1L).With("kernel_shape", new long[] { k, k })
                        .With("pads", new long[] { p, p, p, p }).With("strides", new long[] { s, s }).Output;
                    x = graph.Activation(x, ref flat, layer.Activation, layer.Alpha, prefix);
                    weighted++;
                    break;
                }
                case LayerKind.MaxPool:
                case LayerKind.AvgPool:
                {
                    x = graph.Spatial(x, ref flat, layer);
                    string op = layer.Kind == LayerKind.MaxPool ? "MaxPool" : "AveragePool";
                    int k = layer.Kernel, s = layer.Stride;
                    x = graph.Add(op, prefix + op, x).With("ceil_mode", 0L).With("kernel_shape", new long[] { k, k })
                        .With("pads", new long[] { 0, 0, 0, 0 }).With("strides", new long[] { s, s }).Output;
                    break;
                }
                case LayerKind.Flatten:
                    x = graph.Flat(x, ref flat, prefix + "Flatten");
                    break;
                case LayerKind.Dense:
                {
                    x = graph.Flat(x, ref flat, prefix + "Flatten");
                    bool transpose = style.TransposeGemm;
                    string[] weights = graph.Weights(layer, parameters, $"onnx::Gemm_{100 + weighted}", $"onnx::Gemm_{200 + weighted}", transpose);
                    x = graph.Add("Gemm", prefix + "Gemm", [x, .. weights]).With("alpha", 1f).With("beta", 1f).With("transB", transpose ? 0L : 1L).Output;
                    x = graph.Activation(x, ref flat, layer.Activation, layer.Alpha, prefix);
                    weighted++;
                    break;
                }
                case LayerKind.Activation:
                    x = graph.Activation(x, ref flat, layer.Activation, layer.Alpha, prefix);
                    break;
            }
        }
        graph.Initializers.Reverse();
        return graph;
    }

    private string Spatial(string x, ref bool flat, LayerInfo layer)
    {
        if (!flat)
        {
            return x;
        }
        flat = false;
        return Add("Reshape", "/" + layer.Name + "/Reshape", x).Output;
    }

    private string Flat(string x, ref bool flat, string name)
    {
        if (flat)
        {
            return x;
        }
        flat = true;
        return Add("Flatten", name, x).With("axis", 1L).Output;
    }

    private string Activation(string x, ref bool flat, Activation activation, float alpha, string prefix) => activation switch
    {
        StaticNets.Activation.ReLU => Add("Relu", prefix + "Relu", x).Output,
        StaticNets.Activation.LeakyReLU => Add("LeakyRelu", prefix + "LeakyRelu", x).With("alpha", alpha).Output,
        StaticNets.Activation.Sigmoid => Add("Sigmoid", prefix + "Sigmoid", x).Output,
        StaticNets.Activation.Tanh => Add("Tanh", prefix + "Tanh", x).Output,
        StaticNets.Activation.Softmax => Add("Softmax", prefix + "Softmax", Flat(x, ref flat, prefix + "Softmax.Flatten")).With("axis", 1L).Output,
        _ => x,
    };

    private string[] Weights(LayerInfo layer, float[] parameters, string weightName, string biasName, bool transpose)
    {
        long[] dims = layer.Kind == LayerKind.Conv2D
            ? [layer.Units, layer.InputShape.Channels, layer.Kernel, layer.Kernel]
            : [layer.Units, layer.InputShape.Size];
        float[] weights = parameters.AsSpan(layer.ParameterOffset, layer.WeightCount).ToArray();
        if (transpose)
        {
            weights = Enumerable.Range(0, weights.Length).Select(k => weights[(k % (int)dims[0]) * (int)dims[1] + k / (int)dims[0]]).ToArray();
            dims = [dims[1], dims[0]];
        }
        Initializers.Add((weightName, dims, weights));
        if (Style.OmitBias)
        {
            return [weightName];
        }
        Initializers.Add((biasName, [layer.BiasCount], parameters.AsSpan(layer.ParameterOffset + layer.WeightCount, layer.BiasCount).ToArray()));
        return [weightName, biasName];
    }

    public byte[] Build()
    {
        var model = new ProtoWriter();
        model.WriteInt64(1, 8);
        model.WriteString(2, "pytorch");
        model.WriteString(3, "2.10.0");
        model.WriteMessage(7, g =>
        {
            foreach (TestNode node in Nodes)
            {
                g.WriteMessage(1, w => WriteNode(w, node));
            }
            g.WriteString(2, "main_graph");
            foreach (var (name, dims, values) in Initializers)
            {
                g.WriteMessage(5, w => WriteTensor(w, name, dims, values));
            }
        });
        model.WriteMessage(8, o => o.WriteInt64(2, Opset));
        return model.WrittenSpan.ToArray();
    }

    private static void WriteNode(ProtoWriter w, TestNode node)
    {
        foreach (string input in node.Inputs)
        {
            w.WriteString(1, input);
        }
        w.WriteString(2, node.Output);
        w.WriteString(3, node.Name);
        w.WriteString(4, node.OpType);
        foreach ((string name, object value) in node.Attributes)
        {
            w.WriteMessage(5, a =>
            {
                a.WriteString(1, name);
                switch (value)
                {
                    case long i: a.WriteInt64(20, 2); a.WriteInt64(3, i); break;
                    case long[] ints: a.WriteInt64(20, 7); a.WritePackedInt64(8, ints); break;
                    case float f: a.WriteInt64(20, 1); a.WriteFloat(2, f); break;
                    case string s: a.WriteInt64(20, 3); a.WriteString(4, s); break;
                    default: throw new ArgumentException($"attribute {name}: {value.GetType()}");
                }
            });
        }
    }

    private void WriteTensor(ProtoWriter w, string name, long[] dims, float[] values)
    {
        foreach (long d in dims)
        {
            w.WriteInt64(1, d); // unpacked, as some writers do
        }
        w.WriteInt64(2, Style.DataType);
        w.WriteString(8, name);
        if (Style.FloatData)
        {
            foreach (float v in values)
            {
                w.WriteFloat(4, v); // unpacked float_data
            }
        }
        else
        {
            w.WriteRawFloats(9, values);
        }
    }
}
