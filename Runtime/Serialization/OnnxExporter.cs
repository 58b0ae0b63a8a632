using System.ComponentModel;
using System.Globalization;
using static StaticNets.__Internals.OnnxLayout;

namespace StaticNets.__Internals;

/// <summary>
/// Writes a network and its weights as a standard ONNX model (IR version 8, opset 17) whose
/// output is the network's <c>Forward</c>, final activation included. Generated networks call this
/// from their <c>ExportOnnx</c> members.
/// </summary>
/// <remarks>
/// <para>The graph has one input, <c>input</c>, of shape <c>[N, C, H, W]</c> (or <c>[N, features]</c>
/// for a flat input), and one output, <c>output</c>, of shape <c>[N, OutputSize]</c>; <c>N</c> is a
/// symbolic batch dimension. Weights are initializers named after their layer (<c>conv1.weight</c>,
/// <c>conv1.bias</c>, <c>dense3.weight</c>...), in PyTorch's layout, so <see cref="OnnxImporter"/>
/// and PyTorch read them back.</para>
/// <para>Layers map to: Conv2D to <c>Conv</c> (kernel_shape and strides per axis, pads per side, group when grouped; no B input without a bias); MaxPool and AvgPool to
/// <c>MaxPool</c> and <c>AveragePool</c> (kernel_shape and strides per axis, pads per side where padded, floor), or
/// <c>GlobalMaxPool</c> and <c>GlobalAveragePool</c> where the window is the whole unpadded input; Flatten to <c>Flatten</c> (axis 1);
/// Dense to <c>Gemm</c> (transB = 1); BatchNorm to <c>BatchNormalization</c> (see <see cref="AddBatchNorm"/>); ReLU, LeakyReLU (alpha), Sigmoid and Tanh to the operators of
/// those names; GELU, which needs opset 20 as an operator, to its exact erf form
/// <c>0.5 * x * (1 + Erf(x / sqrt 2))</c> (Div, Erf, Add, Mul, Mul); Dropout to nothing (it is the
/// identity at inference). Softmax is over the whole flat vector, as in StaticNets: on an image
/// shape it is preceded by a <c>Flatten</c>, and a later spatial layer gets a <c>Reshape</c> back to
/// <c>[N, C, H, W]</c>. A flat tensor meeting a spatial layer is reshaped the same way, and a
/// spatial output is flattened, so that the output is always <c>[N, OutputSize]</c> in
/// channel-height-width order.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static partial class OnnxExporter
{
    /// <summary>Writes the ONNX model of the network described by <paramref name="info"/> with the weights <paramref name="parameters"/> to <paramref name="stream"/>.</summary>
    /// <param name="info">The architecture (a generated network's <c>Info</c>).</param>
    /// <param name="parameters">All weights and biases in the layout of <c>INetwork.Parameters</c>; its length must be <see cref="NetworkInfo.ParameterCount"/>.</param>
    /// <param name="stream">A writable stream; it is left open.</param>
    public static void Export(NetworkInfo info, ReadOnlySpan<float> parameters, Stream stream) => Export(info, parameters, [], stream);

    /// <summary>Writes the ONNX model of the network described by <paramref name="info"/> with the weights <paramref name="parameters"/> and the running statistics <paramref name="statistics"/> to <paramref name="stream"/>.</summary>
    /// <param name="info">The architecture (a generated network's <c>Info</c>).</param>
    /// <param name="parameters">All weights and biases in the layout of <c>INetwork.Parameters</c>; its length must be <see cref="NetworkInfo.ParameterCount"/>.</param>
    /// <param name="statistics">The BatchNorm running statistics in the layout of <c>INetwork.Statistics</c>; its length must be <see cref="NetworkInfo.StatisticsCount"/>.</param>
    /// <param name="stream">A writable stream; it is left open.</param>
    public static void Export(NetworkInfo info, ReadOnlySpan<float> parameters, ReadOnlySpan<float> statistics, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(stream);
        if (parameters.Length != info.ParameterCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{info.Name} has {info.ParameterCount:N0} parameters, but {parameters.Length:N0} were given."), nameof(parameters));
        }
        if (statistics.Length != info.StatisticsCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{info.Name} has {info.StatisticsCount:N0} running statistics, but {statistics.Length:N0} were given."), nameof(statistics));
        }
        stream.Write(BuildModel(info, parameters, statistics));
        stream.Flush();
    }

    /// <summary>Writes <paramref name="net"/> as an ONNX model to <paramref name="stream"/>.</summary>
    /// <typeparam name="TNet">The network class.</typeparam>
    /// <param name="net">The network to export.</param>
    /// <param name="stream">A writable stream; it is left open.</param>
    public static void Export<TNet>(TNet net, Stream stream) where TNet : class, INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(net);
        Export(TNet.Info, net.Parameters, net.Statistics, stream);
    }

    /// <summary>
    /// Writes <paramref name="net"/> as an ONNX model to the file <paramref name="path"/>, through a
    /// temporary file in the same directory and a rename, so that a failure never leaves half a
    /// model under <paramref name="path"/>.
    /// </summary>
    /// <typeparam name="TNet">The network class.</typeparam>
    /// <param name="net">The network to export.</param>
    /// <param name="path">The file to write (conventionally <c>*.onnx</c>); its directory must exist.</param>
    public static void Export<TNet>(TNet net, string path) where TNet : class, INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, stream => Export(net, stream));
    }

    /// <summary>The encoded ModelProto.</summary>
    internal static byte[] BuildModel(NetworkInfo info, ReadOnlySpan<float> parameters, ReadOnlySpan<float> statistics)
    {
        Graph graph = BuildGraph(info, parameters, statistics);
        var model = new ProtoWriter();
        model.WriteInt64(ModelIrVersion, IrVersion);
        model.WriteString(ModelProducerName, "StaticNets");
        model.WriteString(ModelProducerVersion, typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0");
        model.WriteString(ModelDocString, $"{info.Name}: {info.Signature}");
        model.WriteMessage(ModelGraph, graph.Write);
        model.WriteMessage(ModelOpsetImport, opset =>
        {
            opset.WriteString(OpsetDomain, "");
            opset.WriteInt64(OpsetVersionField, OpsetVersion);
        });
        return model.WrittenSpan.ToArray();
    }

    private static Graph BuildGraph(NetworkInfo info, ReadOnlySpan<float> parameters, ReadOnlySpan<float> statistics)
    {
        var graph = new Graph(info);
        // A tensor is either [N, C, H, W] (spatial) or [N, C*H*W] (flat, in C-H-W order).
        bool flat = IsFlat(info.InputShape);
        string x = "input";
        // Each layer's output tensor and whether it is flat, by name, for the [Add] layers that read them again.
        var outputs = new Dictionary<string, (string Tensor, bool Flat)> { ["input"] = (x, flat) };

        foreach (LayerInfo layer in info.Layers)
        {
            switch (layer.Kind)
            {
                case LayerKind.Add:
                    x = AddSum(graph, x, ref flat, layer, outputs[layer.From ?? "input"], parameters);
                    break;
                case LayerKind.Conv2D:
                {
                    x = ToSpatial(graph, x, ref flat, layer);
                    string[] inputs = AddWeights(graph, layer, parameters);
                    var (kernel, strides, pads) = Window(layer);
                    Attribute[] attributes =
                    [
                        Ints("kernel_shape", [.. kernel.Select(v => (long)v)]),
                        Ints("strides", [.. strides.Select(v => (long)v)]),
                        Ints("pads", [.. pads.Select(v => (long)v)]),
                        .. layer.Groups > 1 ? [Int("group", layer.Groups)] : Array.Empty<Attribute>(),
                    ];
                    x = graph.Add(OpType(layer), layer.Name, [x, .. inputs], attributes);
                    x = AddActivation(graph, x, ref flat, layer.Activation, layer.Alpha, layer.Name + "." + layer.Activation.ToString().ToLowerInvariant());
                    break;
                }
                case LayerKind.MaxPool:
                case LayerKind.AvgPool:
                {
                    x = ToSpatial(graph, x, ref flat, layer);
                    var (kernel, strides, pads) = Window(layer);
                    if (kernel[0] == layer.InputShape.Height && kernel[1] == layer.InputShape.Width && pads.All(p => p == 0))
                    {
                        // One window over the whole image ([GlobalMaxPool], [GlobalAvgPool], or a window the input's size).
                        x = graph.Add(layer.Kind == LayerKind.MaxPool ? "GlobalMaxPool" : "GlobalAveragePool", layer.Name, [x]);
                        break;
                    }
                    // Padding only where there is some: ONNX's count_include_pad defaults to 0, the average over the input values.
                    Attribute[] padding = pads.Any(p => p != 0) ? [Ints("pads", [.. pads.Select(v => (long)v)])] : [];
                    x = graph.Add(layer.Kind == LayerKind.MaxPool ? "MaxPool" : "AveragePool", layer.Name, [x],
                        [
                            Ints("kernel_shape", [.. kernel.Select(v => (long)v)]),
                            Ints("strides", [.. strides.Select(v => (long)v)]),
                            .. padding,
                        ]);
                    break;
                }
                case LayerKind.Flatten:
                    // On a tensor that is already flat, Flatten is the identity and is left out.
                    x = ToFlat(graph, x, ref flat, layer.Name);
                    break;
                case LayerKind.Dense:
                {
                    x = ToFlat(graph, x, ref flat, layer.Name + ".flatten");
                    string[] inputs = AddWeights(graph, layer, parameters);
                    x = graph.Add(OpType(layer), layer.Name, [x, .. inputs], Int("transB", 1));
                    x = AddActivation(graph, x, ref flat, layer.Activation, layer.Alpha, layer.Name + "." + layer.Activation.ToString().ToLowerInvariant());
                    break;
                }
                case LayerKind.BatchNorm:
                    x = AddBatchNorm(graph, x, layer, parameters, statistics);
                    break;
                case LayerKind.Dropout:
                    // The identity at inference.
                    break;
                case LayerKind.Activation:
                    x = AddActivation(graph, x, ref flat, layer.Activation, layer.Alpha, layer.Name);
                    break;
                default:
                    throw new ArgumentException($"{layer.Name}: layer kind {layer.Kind} cannot be exported to ONNX.", nameof(info));
            }
            outputs[layer.Name] = (x, flat);
        }

        x = ToFlat(graph, x, ref flat, "output.flatten");
        graph.SetOutput(x);
        return graph;
    }

    /// <summary>
    /// An [Add]: <c>Add(x, skip)</c>, the skip tensor first through its projection, a 1x1 <c>Conv</c> with the Add's weights,
    /// bias and strides. Where one of the two tensors is flat, both are.
    /// </summary>
    private static string AddSum(Graph graph, string x, ref bool flat, LayerInfo layer, (string Tensor, bool Flat) from, ReadOnlySpan<float> parameters)
    {
        var (skip, skipFlat) = from;
        if (layer.Projection == Projection.Conv)
        {
            string[] inputs = AddWeights(graph, layer, parameters);
            var (_, strides, _) = Window(layer);
            skip = graph.Add("Conv", layer.Name + ".projection", [skip, .. inputs],
                [Ints("kernel_shape", 1, 1), Ints("strides", [.. strides.Select(v => (long)v)]), Ints("pads", 0, 0, 0, 0)]);
        }
        if (flat || skipFlat)
        {
            x = ToFlat(graph, x, ref flat, layer.Name + ".flatten");
            skip = ToFlat(graph, skip, ref skipFlat, layer.Name + ".skip.flatten");
        }
        return graph.Add("Add", layer.Name, [x, skip]);
    }

    /// <summary>A shape of one row and one column is a flat vector (as <see cref="TensorShape"/> says).</summary>
    private static bool IsFlat(TensorShape shape) => shape.Height == 1 && shape.Width == 1;

    private static string ToSpatial(Graph graph, string x, ref bool flat, LayerInfo layer)
    {
        if (!flat)
        {
            return x;
        }
        flat = false;
        TensorShape s = layer.InputShape;
        string shape = graph.AddInt64Initializer(layer.Name + ".shape", [-1, s.Channels, s.Height, s.Width]);
        return graph.Add("Reshape", layer.Name + ".reshape", [x, shape]);
    }

    private static string ToFlat(Graph graph, string x, ref bool flat, string name)
    {
        if (flat)
        {
            return x;
        }
        flat = true;
        return graph.Add("Flatten", name, [x], Int("axis", 1));
    }

    private static string[] AddWeights(Graph graph, LayerInfo layer, ReadOnlySpan<float> parameters)
    {
        long[] weightDims = WeightDims(layer);
        ReadOnlySpan<float> weights = parameters.Slice(layer.ParameterOffset, layer.WeightCount);
        string weight = graph.AddFloatInitializer(WeightName(layer), weightDims, weights);
        if (layer.BiasCount == 0)
        {
            return [weight];
        }
        ReadOnlySpan<float> bias = parameters.Slice(layer.ParameterOffset + layer.WeightCount, layer.BiasCount);
        return [weight, graph.AddFloatInitializer(BiasName(layer), [layer.BiasCount], bias)];
    }

    private static string AddActivation(Graph graph, string x, ref bool flat, Activation activation, float alpha, string name)
    {
        switch (activation)
        {
            case Activation.None:
                return x;
            case Activation.ReLU:
                return graph.Add("Relu", name, [x]);
            case Activation.ReLU6:
            {
                // Opset 17's Clip takes its bounds as inputs.
                string zero = graph.AddScalar("const.zero", 0f);
                string six = graph.AddScalar("const.six", 6f);
                return graph.Add("Clip", name, [x, zero, six]);
            }
            case Activation.LeakyReLU:
                return graph.Add("LeakyRelu", name, [x], new Attribute("alpha", Float: alpha));
            case Activation.Sigmoid:
                return graph.Add("Sigmoid", name, [x]);
            case Activation.Tanh:
                return graph.Add("Tanh", name, [x]);
            case Activation.Softmax:
                // Over the whole vector: flatten an image shape first.
                x = ToFlat(graph, x, ref flat, name + ".flatten");
                return graph.Add("Softmax", name, [x], Int("axis", 1));
            case Activation.GELU:
            {
                // Exact GELU, 0.5 * x * (1 + erf(x / sqrt 2)); the Gelu operator needs opset 20.
                string sqrt2 = graph.AddScalar("const.sqrt2", MathF.Sqrt(2f));
                string one = graph.AddScalar("const.one", 1f);
                string half = graph.AddScalar("const.half", 0.5f);
                string scaled = graph.Add("Div", name + ".div", [x, sqrt2]);
                string erf = graph.Add("Erf", name + ".erf", [scaled]);
                string onePlus = graph.Add("Add", name + ".add", [erf, one]);
                string product = graph.Add("Mul", name + ".mul", [x, onePlus]);
                return graph.Add("Mul", name, [product, half]);
            }
            default:
                throw new ArgumentException($"{name}: activation {activation} cannot be exported to ONNX.");
        }
    }

    private static Attribute Int(string name, long value) => new(name, Int: value);

    private static Attribute Ints(string name, params long[] values) => new(name, Ints: values);

    /// <summary>A node attribute: one of an int, a list of ints or a float.</summary>
    private sealed record Attribute(string Name, long? Int = null, long[]? Ints = null, float? Float = null)
    {
        public void Write(ProtoWriter w)
        {
            w.WriteString(AttributeName, Name);
            if (Int is long i)
            {
                w.WriteInt64(AttributeType, AttributeInt);
                w.WriteInt64(AttributeI, i);
            }
            else if (Ints is long[] ints)
            {
                w.WriteInt64(AttributeType, AttributeInts);
                w.WritePackedInt64(AttributeIntsField, ints);
            }
            else if (Float is float f)
            {
                w.WriteInt64(AttributeType, AttributeFloat);
                w.WriteFloat(AttributeF, f);
            }
        }
    }

    /// <summary>A node whose single output tensor has the node's own name (unique in the graph).</summary>
    private sealed record Node(string OpType, string Name, string[] Inputs, Attribute[] Attributes)
    {
        public string Output { get; set; } = Name;

        public void Write(ProtoWriter w)
        {
            foreach (string input in Inputs)
            {
                w.WriteString(NodeInput, input);
            }
            w.WriteString(NodeOutput, Output);
            w.WriteString(NodeName, Name);
            w.WriteString(NodeOpType, OpType);
            foreach (Attribute attribute in Attributes)
            {
                w.WriteMessage(NodeAttribute, attribute.Write);
            }
        }
    }

    /// <summary>The nodes and initializers collected in order, then written as a GraphProto.</summary>
    private sealed class Graph(NetworkInfo info)
    {
        private readonly List<Node> _nodes = [];
        private readonly List<Action<ProtoWriter>> _initializers = [];
        private readonly HashSet<string> _initializerNames = [];

        public string Add(string opType, string name, string[] inputs, params Attribute[] attributes)
        {
            _nodes.Add(new Node(opType, name, inputs, attributes));
            return name;
        }

        public string AddFloatInitializer(string name, long[] dims, ReadOnlySpan<float> values)
        {
            float[] copy = values.ToArray();
            AddInitializer(name, w =>
            {
                w.WritePackedInt64(TensorDims, dims);
                w.WriteInt64(TensorDataType, OnnxLayout.Float);
                w.WriteString(TensorName, name);
                w.WriteRawFloats(TensorRawData, copy);
            });
            return name;
        }

        public string AddScalar(string name, float value) => _initializerNames.Contains(name) ? name : AddFloatInitializer(name, [], [value]);

        public string AddInt64Initializer(string name, long[] values)
        {
            AddInitializer(name, w =>
            {
                w.WritePackedInt64(TensorDims, [values.Length]);
                w.WriteInt64(TensorDataType, OnnxLayout.Int64);
                w.WriteString(TensorName, name);
                w.WriteRawInt64s(TensorRawData, values);
            });
            return name;
        }

        /// <summary>Makes <paramref name="x"/>, the last tensor computed, the graph's output <c>output</c>.</summary>
        public void SetOutput(string x)
        {
            if (_nodes.Count > 0 && _nodes[^1].Output == x)
            {
                _nodes[^1].Output = "output";
            }
            else
            {
                // No node computes anything (no layers, or dropout only): the output is the input.
                _nodes.Add(new Node("Identity", "output", [x], []));
            }
        }

        public void Write(ProtoWriter w)
        {
            foreach (Node node in _nodes)
            {
                w.WriteMessage(GraphNode, node.Write);
            }
            w.WriteString(GraphName, info.Name);
            foreach (Action<ProtoWriter> initializer in _initializers)
            {
                w.WriteMessage(GraphInitializer, initializer);
            }
            w.WriteString(GraphDocString, info.Signature);
            TensorShape input = info.InputShape;
            long[] inputDims = IsFlat(input) ? [input.Channels] : [input.Channels, input.Height, input.Width];
            w.WriteMessage(GraphInput, v => WriteValueInfo(v, "input", inputDims));
            w.WriteMessage(GraphOutput, v => WriteValueInfo(v, "output", [info.OutputSize]));
        }

        private void AddInitializer(string name, Action<ProtoWriter> write)
        {
            if (!_initializerNames.Add(name))
            {
                throw new ArgumentException($"Two initializers would be named '{name}': layer names must be unique.");
            }
            _initializers.Add(write);
        }

        /// <summary>A float tensor value with the symbolic batch dimension <c>N</c> first.</summary>
        private static void WriteValueInfo(ProtoWriter w, string name, long[] dims)
        {
            w.WriteString(ValueInfoName, name);
            w.WriteMessage(ValueInfoType, type => type.WriteMessage(TypeTensor, tensor =>
            {
                tensor.WriteInt64(TensorTypeElemType, OnnxLayout.Float);
                tensor.WriteMessage(TensorTypeShape, shape =>
                {
                    shape.WriteMessage(ShapeDim, dim => dim.WriteString(DimParam, "N"));
                    foreach (long d in dims)
                    {
                        shape.WriteMessage(ShapeDim, dim => dim.WriteInt64(DimValue, d));
                    }
                });
            }));
        }
    }
}
