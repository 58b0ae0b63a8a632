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
/// <para>Before any weight is read, the model's nodes are compared with the declaration: every
/// <c>Conv</c>, <c>Gemm</c> and pooling node is paired, in node order, with a declared Conv2D, Dense,
/// MaxPool or AvgPool layer (<see cref="OnnxStructure"/>), and its attributes (kernel, strides,
/// pads or auto_pad, group, dilations, ceil_mode, count_include_pad, storage_order, Gemm's
/// transA, transB, alpha and beta, and a following LeakyRelu's alpha or Softmax's axis) must give
/// the layer's computation (<see cref="OnnxAttributeCheck"/>), an activation node after it must be the
/// declared kind, and the graph's input must have the declared shape; docs/onnx.md lists what is accepted.</para>
/// <para>Initializers are found by the exporter's names (<c>conv1.weight</c>, <c>conv1.bias</c>,
/// ...). When the model does not name its weights so, each Conv2D and Dense layer's node's weight
/// and bias initializers are read. A <c>Gemm</c> with <c>transB = 0</c> is transposed. Float tensors
/// in <c>raw_data</c> or <c>float_data</c> are read; other element types and external data are
/// rejected. Nothing is written into the network unless every node and every layer's weights
/// were found and fit.</para>
/// <para>BatchNorm layers read γ, β and their running statistics from <c>BatchNormalization</c> nodes, or, where
/// PyTorch's eval-mode export folded them into the preceding <c>Conv</c>, become the identity plus the bias
/// that <c>Conv</c> gained (<see cref="OnnxBatchNormImport"/>).</para>
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
    /// The file is not a well-formed ONNX model, or its nodes or weights do not fit the network; the message
    /// names the first mismatch, e.g. <c>conv2.weight: model has [16,6,5,5], LeNet5 expects [32,6,5,5]</c>, or
    /// <c>node "/conv1/Conv" (Conv): strides [2, 2] in the file, but conv1 (Conv2D 3x3) declares stride 1</c>.
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
        Import(TNet.Info, ReadAll(stream, $"ONNX model '{path}'"), net.Parameters, net.Statistics, $"ONNX model '{path}'");
    }

    /// <summary>Reads the weights of the ONNX model in <paramref name="stream"/> (from its position to its end) into <paramref name="net"/>'s parameters.</summary>
    /// <typeparam name="TNet">The network class.</typeparam>
    /// <param name="net">The network whose parameters are replaced.</param>
    /// <param name="stream">A readable stream holding an ONNX model; it is left open.</param>
    /// <exception cref="InvalidDataException">The data is not a well-formed ONNX model, or its nodes or weights do not fit the network; the message names the first mismatch.</exception>
    public static void ImportWeights<TNet>(TNet net, Stream stream) where TNet : class, INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(net);
        ImportWeights(TNet.Info, stream, net.Parameters, net.Statistics);
    }

    /// <summary>Reads the weights of the ONNX model in <paramref name="stream"/> into <paramref name="parameters"/>, laid out as <paramref name="info"/> says.</summary>
    /// <param name="info">The architecture the weights must fit.</param>
    /// <param name="stream">A readable stream holding an ONNX model, read from its position to its end; it is left open.</param>
    /// <param name="parameters">Where the weights go, in the layout of <c>INetwork.Parameters</c>; its length must be <see cref="NetworkInfo.ParameterCount"/>.</param>
    /// <exception cref="InvalidDataException">The data is not a well-formed ONNX model, or its nodes or weights do not fit; the message names the first mismatch.</exception>
    public static void ImportWeights(NetworkInfo info, Stream stream, Span<float> parameters) => ImportWeights(info, stream, parameters, []);

    /// <summary>Reads the weights and BatchNorm running statistics of the ONNX model in <paramref name="stream"/> into <paramref name="parameters"/> and <paramref name="statistics"/>, laid out as <paramref name="info"/> says.</summary>
    /// <param name="info">The architecture the weights must fit.</param>
    /// <param name="stream">A readable stream holding an ONNX model, read from its position to its end; it is left open.</param>
    /// <param name="parameters">Where the weights go, in the layout of <c>INetwork.Parameters</c>; its length must be <see cref="NetworkInfo.ParameterCount"/>.</param>
    /// <param name="statistics">Where the running statistics go, in the layout of <c>INetwork.Statistics</c>; its length must be <see cref="NetworkInfo.StatisticsCount"/>.</param>
    /// <exception cref="InvalidDataException">The data is not a well-formed ONNX model, or its nodes or weights do not fit; the message names the first mismatch.</exception>
    public static void ImportWeights(NetworkInfo info, Stream stream, Span<float> parameters, Span<float> statistics)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(stream);
        Import(info, ReadAll(stream, "ONNX stream"), parameters, statistics, "ONNX stream");
    }

    private static void Import(NetworkInfo info, ReadOnlyMemory<byte> bytes, Span<float> parameters, Span<float> statistics, string source)
    {
        if (parameters.Length != info.ParameterCount)
        {
            throw new ArgumentException(Invariant($"{info.Name} has {info.ParameterCount:N0} parameters, but the span holds {parameters.Length:N0}."), nameof(parameters));
        }
        if (statistics.Length != info.StatisticsCount)
        {
            throw new ArgumentException(Invariant($"{info.Name} has {info.StatisticsCount:N0} running statistics, but the span holds {statistics.Length:N0}."), nameof(statistics));
        }
        OnnxModel model = OnnxModel.Parse(bytes, source);
        // BatchNorm's γ and β are read from its node, or set from the bias PyTorch folded into the convolution before it.
        var weighted = info.Layers.Where(layer => layer.HasWeights && layer.Kind != LayerKind.BatchNorm).ToList();
        bool byName = weighted.All(layer => model.Initializers.ContainsKey(WeightName(layer)));
        if (!byName)
        {
            MatchWeightedNodes(info, weighted, model, source);
        }
        // Every node that decides what Forward computes is paired with a declared layer and compared with it.
        var nodeOf = new Dictionary<LayerInfo, OnnxNode>(ReferenceEqualityComparer.Instance);
        OnnxStructure.CheckSums(info, model, source);
        foreach ((LayerInfo layer, OnnxNode node) in OnnxStructure.Match(info, model, source))
        {
            OnnxAttributeCheck.Check(layer, node, source);
            OnnxStructure.CheckActivation(info, layer, node, model, source);
            nodeOf[layer] = node;
        }
        // After the nodes: where a declaration differs in a node's attributes too, that is the message.
        OnnxStructure.CheckInput(info, model, source);

        // Everything is decoded and checked before the first parameter is written.
        float[] result = parameters.ToArray();
        var foldedBiases = new Dictionary<LayerInfo, float[]>(ReferenceEqualityComparer.Instance);
        foreach (LayerInfo layer in weighted)
        {
            long[] weightDims = WeightDims(layer);
            OnnxNode node = nodeOf[layer];
            OnnxTensor weight;
            OnnxTensor? bias;
            if (byName)
            {
                weight = model.Initializers[WeightName(layer)];
                bias = model.Initializers.GetValueOrDefault(BiasName(layer));
                if (node.Inputs.Count > 1 && node.Inputs[1] != WeightName(layer) && model.Initializers.ContainsKey(node.Inputs[1]))
                {
                    throw new InvalidDataException(Invariant(
                        $"{source}: {layer.Name}'s weights are the initializer '{WeightName(layer)}', but {node}, its node by order, reads the weight '{node.Inputs[1]}'."));
                }
            }
            else
            {
                weight = Initializer(model, node, 1, layer, source);
                bias = node.Inputs.Count > 2 && node.Inputs[2].Length > 0 ? Initializer(model, node, 2, layer, source) : null;
            }
            bool transposed = node.OpType == "Gemm" && node.TransB == 0;

            string weightLabel = Label(WeightName(layer), weight, byName);
            long[] expected = transposed ? [weightDims[1], weightDims[0]] : weightDims;
            float[] weights = weight.ReadFloats(weightLabel, expected, info.Name, source);
            if (transposed)
            {
                weights = Transpose(weights, rows: (int)weightDims[1], columns: (int)weightDims[0]);
            }
            weights.CopyTo(result.AsSpan(layer.ParameterOffset, layer.WeightCount));

            if (ConvBiasCount(layer) > 0)
            {
                if (bias is null)
                {
                    throw new InvalidDataException(Invariant($"{source}: {BiasName(layer)}: the model has no bias for {layer.Name}, {info.Name} expects [{layer.BiasCount}]."));
                }
                float[] biases = bias.ReadFloats(Label(BiasName(layer), bias, byName), [layer.BiasCount], info.Name, source);
                biases.CopyTo(result.AsSpan(layer.ParameterOffset + layer.WeightCount, layer.BiasCount));
            }
            else if (bias is not null && OnnxBatchNormImport.Following(info, layer) is LayerInfo norm && !nodeOf.ContainsKey(norm))
            {
                // PyTorch folded the BatchNorm after this Conv2D (or projection) into it: the Conv gained the bias that BatchNorm's β now adds.
                foldedBiases[norm] = bias.ReadFloats(Label(BiasName(layer), bias, byName), [layer.Units], info.Name, source);
            }
            else if (bias is not null)
            {
                // Dropping it would compute something else.
                string declared = layer.Kind == LayerKind.Add ? "whose projection's convolution has none (Projection.ConvBatchNorm)" : "without bias (Bias = false)";
                throw new InvalidDataException(Invariant($"{source}: {node}: the model adds a bias, but {info.Name} declares {layer.Name} {declared}."));
            }
        }
        float[] statisticsResult = statistics.ToArray();
        foreach (LayerInfo norm in OnnxBatchNormImport.Norms(info))
        {
            OnnxBatchNormImport.Read(norm, nodeOf.GetValueOrDefault(norm), foldedBiases.GetValueOrDefault(norm), model, result, statisticsResult, info.Name, source);
        }
        result.CopyTo(parameters);
        statisticsResult.CopyTo(statistics);
    }

    /// <summary>Checks that the network's weighted layers match the model's Conv and Gemm nodes, in order, and that those read a weight.</summary>
    private static void MatchWeightedNodes(NetworkInfo info, List<LayerInfo> weighted, OnnxModel model, string source)
    {
        var nodes = model.Nodes.Where(n => WeightedOpTypes.Contains(n.OpType)).ToList();
        string missing = WeightName(weighted.First(layer => !model.Initializers.ContainsKey(WeightName(layer))));
        if (nodes.Count != weighted.Count)
        {
            throw new InvalidDataException(Invariant(
                $"{source} has no initializer '{missing}', and its {nodes.Count} Conv/Gemm nodes do not match {info.Name}'s {weighted.Count} layers with weights ({string.Join(", ", weighted.Select(l => l.Name))})."));
        }
        for (int i = 0; i < nodes.Count; i++)
        {
            string expected = OpType(weighted[i]);
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
    }

    private static OnnxTensor Initializer(OnnxModel model, OnnxNode node, int input, LayerInfo layer, string source)
    {
        string name = node.Inputs[input];
        return model.Initializers.TryGetValue(name, out OnnxTensor? tensor)
            ? tensor
            : throw new InvalidDataException(Invariant(
                $"{source}: {layer.Name}: the {(input == 1 ? "weight" : "bias")} of the model's {node.OpType} node '{node.Name}' is '{name}', which is not an initializer."));
    }

    private static string Label(string name, OnnxTensor tensor, bool byName) =>
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
}
