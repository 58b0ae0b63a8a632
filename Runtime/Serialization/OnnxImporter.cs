using System.ComponentModel;
using System.Buffers.Binary;
using System.Globalization;
using static StaticNets.__Internals.OnnxLayout;

namespace StaticNets.__Internals;

/// <summary>
/// Reads the weights of an ONNX model into a network of the same architecture: a model written by
/// <see cref="OnnxExporter"/>, or one exported from PyTorch (or elsewhere) with the same layers.
/// </summary>
/// <remarks>
/// <para>Initializers are found by the exporter's names (<c>conv1.weight</c>, <c>conv1.bias</c>,
/// ...). When the model does not name its weights so, the network's Conv2D and Dense layers are
/// matched, in order, to the model's <c>Conv</c> and <c>Gemm</c> nodes in node order, and each node's
/// weight and bias initializers are read (a <c>Gemm</c> with <c>transB = 0</c> is transposed).</para>
/// <para>Only the weights' shapes are compared with the network; the operators' attributes are not.
/// Float tensors in <c>raw_data</c> or <c>float_data</c> are read; other element types and
/// external data are rejected. Nothing is written into the network unless every layer's weights
/// were found and fit.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static class OnnxImporter
{
    /// <summary>The largest model read, in bytes (the protobuf limit).</summary>
    private const int MaxModelBytes = int.MaxValue - 64;

    /// <summary>Reads the weights of the ONNX model in the file <paramref name="path"/> into <paramref name="net"/>'s parameters.</summary>
    /// <typeparam name="TNet">The network class.</typeparam>
    /// <param name="net">The network whose parameters are replaced.</param>
    /// <param name="path">An ONNX model file.</param>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a well-formed ONNX model, or its weights do not fit the network; the message
    /// names the first mismatch, e.g. <c>conv2.weight: model has [16,6,5,5], LeNet5 expects [32,6,5,5]</c>.
    /// </exception>
    public static void ImportWeights<TNet>(TNet net, string path) where TNet : class, INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"ONNX model not found: '{path}'.", path);
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        Import(TNet.Info, ReadAll(stream, $"ONNX model '{path}'"), net.Parameters, $"ONNX model '{path}'");
    }

    /// <summary>Reads the weights of the ONNX model in <paramref name="stream"/> (from its position to its end) into <paramref name="net"/>'s parameters.</summary>
    /// <typeparam name="TNet">The network class.</typeparam>
    /// <param name="net">The network whose parameters are replaced.</param>
    /// <param name="stream">A readable stream holding an ONNX model; it is left open.</param>
    /// <exception cref="InvalidDataException">The data is not a well-formed ONNX model, or its weights do not fit the network; the message names the first mismatch.</exception>
    public static void ImportWeights<TNet>(TNet net, Stream stream) where TNet : class, INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(net);
        ImportWeights(TNet.Info, stream, net.Parameters);
    }

    /// <summary>Reads the weights of the ONNX model in <paramref name="stream"/> into <paramref name="parameters"/>, laid out as <paramref name="info"/> says.</summary>
    /// <param name="info">The architecture the weights must fit.</param>
    /// <param name="stream">A readable stream holding an ONNX model, read from its position to its end; it is left open.</param>
    /// <param name="parameters">Where the weights go, in the layout of <c>INetwork.Parameters</c>; its length must be <see cref="NetworkInfo.ParameterCount"/>.</param>
    /// <exception cref="InvalidDataException">The data is not a well-formed ONNX model, or its weights do not fit; the message names the first mismatch.</exception>
    public static void ImportWeights(NetworkInfo info, Stream stream, Span<float> parameters)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(stream);
        Import(info, ReadAll(stream, "ONNX stream"), parameters, "ONNX stream");
    }

    private static void Import(NetworkInfo info, ReadOnlyMemory<byte> bytes, Span<float> parameters, string source)
    {
        if (parameters.Length != info.ParameterCount)
        {
            throw new ArgumentException(Invariant($"{info.Name} has {info.ParameterCount:N0} parameters, but the span holds {parameters.Length:N0}."), nameof(parameters));
        }
        Model model = Model.Parse(bytes, source);
        var weighted = info.Layers.Where(HasWeights).ToList();
        bool byName = weighted.All(layer => model.Initializers.ContainsKey(WeightName(layer)));
        List<Node>? nodes = byName ? null : MatchNodes(info, weighted, model, source);

        // Everything is decoded and checked before the first parameter is written.
        float[] result = parameters.ToArray();
        for (int i = 0; i < weighted.Count; i++)
        {
            LayerInfo layer = weighted[i];
            long[] weightDims = WeightDims(layer);
            Tensor weight;
            Tensor? bias;
            bool transposed = false;
            if (nodes is null)
            {
                weight = model.Initializers[WeightName(layer)];
                bias = model.Initializers.GetValueOrDefault(BiasName(layer));
            }
            else
            {
                Node node = nodes[i];
                weight = Initializer(model, node, 1, layer, source);
                bias = node.Inputs.Count > 2 && node.Inputs[2].Length > 0 ? Initializer(model, node, 2, layer, source) : null;
                transposed = node.OpType == "Gemm" && node.TransB == 0;
            }

            string weightLabel = Label(WeightName(layer), weight, nodes is null);
            long[] expected = transposed ? [weightDims[1], weightDims[0]] : weightDims;
            float[] weights = weight.ReadFloats(weightLabel, expected, info.Name, source);
            if (transposed)
            {
                weights = Transpose(weights, rows: (int)weightDims[1], columns: (int)weightDims[0]);
            }
            weights.CopyTo(result.AsSpan(layer.ParameterOffset, layer.WeightCount));

            if (layer.BiasCount > 0)
            {
                if (bias is null)
                {
                    throw new InvalidDataException(Invariant($"{source}: {BiasName(layer)}: the model has no bias for {layer.Name}, {info.Name} expects [{layer.BiasCount}]."));
                }
                float[] biases = bias.ReadFloats(Label(BiasName(layer), bias, nodes is null), [layer.BiasCount], info.Name, source);
                biases.CopyTo(result.AsSpan(layer.ParameterOffset + layer.WeightCount, layer.BiasCount));
            }
        }
        result.CopyTo(parameters);
    }

    /// <summary>The network's weighted layers matched to the model's Conv and Gemm nodes, in order.</summary>
    private static List<Node> MatchNodes(NetworkInfo info, List<LayerInfo> weighted, Model model, string source)
    {
        var nodes = model.Nodes.Where(n => n.OpType is "Conv" or "Gemm").ToList();
        string missing = WeightName(weighted.First(layer => !model.Initializers.ContainsKey(WeightName(layer))));
        if (nodes.Count != weighted.Count)
        {
            throw new InvalidDataException(Invariant(
                $"{source} has no initializer '{missing}', and its {nodes.Count} Conv/Gemm nodes do not match {info.Name}'s {weighted.Count} layers with weights ({string.Join(", ", weighted.Select(l => l.Name))})."));
        }
        for (int i = 0; i < nodes.Count; i++)
        {
            string expected = weighted[i].Kind == LayerKind.Conv2D ? "Conv" : "Gemm";
            if (nodes[i].OpType != expected)
            {
                throw new InvalidDataException(Invariant(
                    $"{source}: {weighted[i].Name} is a {weighted[i].Kind} layer, but the model's Conv/Gemm node {i + 1} ('{nodes[i].Name}') is a {nodes[i].OpType}."));
            }
            if (nodes[i].Inputs.Count < 2)
            {
                throw new InvalidDataException(Invariant($"{source}: the model's {nodes[i].OpType} node '{nodes[i].Name}' has no weight input."));
            }
            if (nodes[i].OpType == "Gemm" && nodes[i].TransB is not (0 or 1))
            {
                throw new InvalidDataException(Invariant($"{source}: the model's Gemm node '{nodes[i].Name}' has transB = {nodes[i].TransB}, not 0 or 1."));
            }
        }
        return nodes;
    }

    private static Tensor Initializer(Model model, Node node, int input, LayerInfo layer, string source)
    {
        string name = node.Inputs[input];
        return model.Initializers.TryGetValue(name, out Tensor? tensor)
            ? tensor
            : throw new InvalidDataException(Invariant(
                $"{source}: {layer.Name}: the {(input == 1 ? "weight" : "bias")} of the model's {node.OpType} node '{node.Name}' is '{name}', which is not an initializer."));
    }

    private static string Label(string name, Tensor tensor, bool byName) =>
        byName || tensor.Name == name ? name : $"{name} (the model's '{tensor.Name}')";

    private static float[] Transpose(float[] values, int rows, int columns)
    {
        var result = new float[values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[c * rows + r] = values[r * columns + c];
            }
        }
        return result;
    }

    /// <summary>The rest of <paramref name="stream"/>, read without trusting anything but the bytes that arrive.</summary>
    private static ReadOnlyMemory<byte> ReadAll(Stream stream, string source)
    {
        try
        {
            if (stream.CanSeek)
            {
                long length = stream.Length - stream.Position;
                if (length > MaxModelBytes)
                {
                    throw new InvalidDataException(Invariant($"{source} is {length:N0} bytes, larger than an ONNX model can be."));
                }
                byte[] bytes = new byte[Math.Max(0, length)];
                stream.ReadExactly(bytes);
                return bytes;
            }
            var copy = new MemoryStream();
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = stream.Read(buffer)) > 0)
            {
                if (copy.Length + n > MaxModelBytes)
                {
                    throw new InvalidDataException($"{source} is larger than an ONNX model can be.");
                }
                copy.Write(buffer, 0, n);
            }
            return copy.GetBuffer().AsMemory(0, (int)copy.Length);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{source} ended before its stated length.", e);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The parts of a ModelProto the importer needs: the graph's nodes and its initializers.</summary>
    private sealed class Model
    {
        public List<Node> Nodes { get; } = [];

        public Dictionary<string, Tensor> Initializers { get; } = new(StringComparer.Ordinal);

        public static Model Parse(ReadOnlyMemory<byte> bytes, string source)
        {
            var model = new Model();
            bool hasGraph = false;
            var reader = new ProtoReader(bytes, "ModelProto");
            while (reader.NextField())
            {
                if (reader.Field == ModelGraph)
                {
                    if (hasGraph)
                    {
                        throw reader.Invalid("the model has two graphs");
                    }
                    hasGraph = true;
                    model.ParseGraph(reader.ReadMessage("GraphProto"));
                }
                else
                {
                    reader.Skip();
                }
            }
            if (!hasGraph)
            {
                throw new InvalidDataException($"{source} is not an ONNX model: it has no graph.");
            }
            return model;
        }

        private void ParseGraph(ProtoReader reader)
        {
            while (reader.NextField())
            {
                switch (reader.Field)
                {
                    case GraphNode:
                        Nodes.Add(Node.Parse(reader.ReadMessage(Invariant($"NodeProto {Nodes.Count + 1}"))));
                        break;
                    case GraphInitializer:
                        Tensor tensor = Tensor.Parse(reader.ReadMessage(Invariant($"initializer {Initializers.Count + 1}")));
                        if (!Initializers.TryAdd(tensor.Name, tensor))
                        {
                            throw reader.Invalid($"two initializers are named '{tensor.Name}'");
                        }
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
    }

    /// <summary>A NodeProto: its operator, name, inputs, and the one attribute the importer reads (Gemm's transB).</summary>
    private sealed class Node
    {
        public string OpType { get; private set; } = "";

        public string Name { get; private set; } = "";

        public List<string> Inputs { get; } = [];

        public long TransB { get; private set; }

        public static Node Parse(ProtoReader reader)
        {
            var node = new Node();
            while (reader.NextField())
            {
                switch (reader.Field)
                {
                    case NodeInput:
                        node.Inputs.Add(reader.ReadString());
                        break;
                    case NodeName:
                        node.Name = reader.ReadString();
                        break;
                    case NodeOpType:
                        node.OpType = reader.ReadString();
                        break;
                    case NodeAttribute:
                        node.ParseAttribute(reader.ReadMessage("AttributeProto"));
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            return node;
        }

        private void ParseAttribute(ProtoReader reader)
        {
            string name = "";
            long value = 0;
            while (reader.NextField())
            {
                switch (reader.Field)
                {
                    case AttributeName:
                        name = reader.ReadString();
                        break;
                    case AttributeI:
                        value = reader.ReadInt64();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (name == "transB")
            {
                TransB = value;
            }
        }
    }

    /// <summary>A TensorProto: name, dims, element type, and where its data lies.</summary>
    private sealed class Tensor
    {
        public string Name { get; private set; } = "";

        public List<long> Dims { get; } = [];

        public int DataType { get; private set; }

        public ReadOnlyMemory<byte>? RawData { get; private set; }

        public List<float> FloatData { get; } = [];

        public bool External { get; private set; }

        public static Tensor Parse(ProtoReader reader)
        {
            var tensor = new Tensor();
            while (reader.NextField())
            {
                switch (reader.Field)
                {
                    case TensorDims when reader.WireType == WireType.LengthDelimited:
                        var packed = new ProtoReader(reader.ReadBytes(), "TensorProto.dims");
                        while (!packed.AtEnd)
                        {
                            tensor.Dims.Add((long)packed.ReadVarint());
                        }
                        break;
                    case TensorDims:
                        tensor.Dims.Add(reader.ReadInt64());
                        break;
                    case TensorDataType:
                        tensor.DataType = reader.ReadInt32();
                        break;
                    case TensorFloatData when reader.WireType == WireType.LengthDelimited:
                        ReadOnlySpan<byte> floats = reader.ReadBytes().Span;
                        if (floats.Length % sizeof(float) != 0)
                        {
                            throw reader.Invalid($"packed float_data of {floats.Length} bytes is not a whole number of floats");
                        }
                        for (int i = 0; i < floats.Length; i += sizeof(float))
                        {
                            tensor.FloatData.Add(BinaryPrimitives.ReadSingleLittleEndian(floats[i..]));
                        }
                        break;
                    case TensorFloatData:
                        tensor.FloatData.Add(reader.ReadFloat());
                        break;
                    case TensorName:
                        tensor.Name = reader.ReadString();
                        break;
                    case TensorRawData:
                        tensor.RawData = reader.ReadBytes();
                        break;
                    case TensorDataLocation:
                        tensor.External = reader.ReadInt64() != 0;
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            return tensor;
        }

        /// <summary>The tensor's values, after checking its type, its shape against <paramref name="expected"/>, its size and that every value is finite.</summary>
        public float[] ReadFloats(string label, long[] expected, string network, string source)
        {
            if (!Dims.SequenceEqual(expected))
            {
                throw new InvalidDataException(Invariant($"{source}: {label}: model has {FormatDims(Dims.ToArray())}, {network} expects {FormatDims(expected)}."));
            }
            if (External)
            {
                throw new InvalidDataException($"{source}: {label}: the data is stored in an external file, which the importer does not read.");
            }
            if (DataType != OnnxLayout.Float)
            {
                throw new InvalidDataException(Invariant($"{source}: {label}: the element type is {TypeName(DataType)}, {network} needs float32."));
            }
            long count = 1;
            foreach (long d in expected)
            {
                count *= d;
            }
            float[] values = new float[count];
            if (RawData is ReadOnlyMemory<byte> raw)
            {
                if (raw.Length != count * sizeof(float) || FloatData.Count != 0)
                {
                    throw new InvalidDataException(Invariant($"{source}: {label}: raw_data holds {raw.Length:N0} bytes, a {FormatDims(expected)} float tensor needs {count * sizeof(float):N0}."));
                }
                ReadOnlySpan<byte> span = raw.Span;
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(span[(i * sizeof(float))..]);
                }
            }
            else
            {
                if (FloatData.Count != count)
                {
                    throw new InvalidDataException(Invariant($"{source}: {label}: float_data holds {FloatData.Count:N0} values, a {FormatDims(expected)} tensor needs {count:N0}."));
                }
                FloatData.CopyTo(values);
            }
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                {
                    throw new InvalidDataException(Invariant($"{source}: {label}: value {i:N0} is {values[i]}; weights must be finite."));
                }
            }
            return values;
        }

        private static string TypeName(int type) => type switch
        {
            0 => "undefined (0)",
            2 => "uint8 (2)",
            3 => "int8 (3)",
            6 => "int32 (6)",
            7 => "int64 (7)",
            10 => "float16 (10)",
            11 => "double (11)",
            16 => "bfloat16 (16)",
            _ => Invariant($"type {type}"),
        };
    }
}
