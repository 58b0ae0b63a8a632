using System.Globalization;

namespace StaticNets.__Internals;

/// <summary>
/// Pairs a network's declared layers with an ONNX model's nodes before import, so that every node
/// that decides what <c>Forward</c> computes has a declared counterpart whose attributes
/// <see cref="OnnxAttributeCheck"/> compares.
/// </summary>
/// <remarks>
/// <para>The network's Conv2D, MaxPool, AvgPool and Dense layers are paired, in order, with the
/// model's <c>Conv</c>, <c>MaxPool</c> or <c>GlobalMaxPool</c>, <c>AveragePool</c> or
/// <c>GlobalAveragePool</c>, and <c>Gemm</c> nodes in node order, and so are its BatchNorm layers with
/// <c>BatchNormalization</c> nodes, those the model keeps as nodes (<see cref="OnnxBatchNormImport.WithNodes"/>). A node of those operators without a
/// declared counterpart (an extra pooling node, an extra Conv), a declared layer without a node, or
/// a node of another operator in that place is a mismatch. Nodes of operators StaticNets has no layer
/// for and that would change the output (<see cref="Unsupported"/>) are refused wherever they are.</para>
/// <para>An [Add] with <c>Projection.Conv</c> is paired, at its place, with the 1x1 <c>Conv</c> of its skip branch; the
/// file's sums of two computed tensors (<c>Add</c> nodes) must be as many as the declared [Add] layers
/// (<see cref="CheckSums"/>).</para>
/// <para>Other nodes (activations, Flatten, Reshape, Dropout, Identity, the arithmetic of an exported
/// GELU, the Shape/Gather/Concat a reshape is computed with) are not paired. An activation node is
/// compared only where it follows a paired node directly (through Flatten, Reshape, Identity or
/// Dropout) and is of the kind the declaration applies there: a <c>LeakyRelu</c>'s alpha and a
/// <c>Softmax</c>'s axis. A model without an activation node there, or with another kind, imports.</para>
/// </remarks>
internal static class OnnxStructure
{
    /// <summary>The operators paired with declared layers.</summary>
    public static readonly string[] LayerOpTypes = ["Conv", "Gemm", "MaxPool", "AveragePool", "GlobalMaxPool", "GlobalAveragePool"];

    /// <summary>Operators that change the output and that no StaticNets layer computes.</summary>
    public static readonly string[] Unsupported =
        ["Pad", "ConvTranspose", "MatMul", "LpPool", "GlobalLpPool", "LRN", "InstanceNormalization",
         "LayerNormalization", "Resize", "Upsample", "MaxUnpool", "DepthToSpace", "SpaceToDepth"];

    /// <summary>Operators through which an activation node is looked for: they move values without changing them.</summary>
    private static readonly string[] PassThrough = ["Flatten", "Reshape", "Identity", "Dropout"];

    /// <summary>Each declared Conv2D, MaxPool, AvgPool and Dense layer with its node, in order.</summary>
    /// <exception cref="InvalidDataException">The model has a node without a counterpart, or lacks one, naming both sides.</exception>
    public static List<(LayerInfo Layer, OnnxNode Node)> Match(NetworkInfo info, OnnxModel model, string source)
    {
        OnnxNode? unsupported = model.Nodes.FirstOrDefault(n => Unsupported.Contains(n.OpType));
        if (unsupported is not null)
        {
            throw new InvalidDataException(
                $"{source}: {unsupported} has no counterpart in {info.Name}: no StaticNets layer computes {unsupported.OpType}, so the imported weights would not give the model's output.");
        }
        HashSet<LayerInfo> normsWithNodes = OnnxBatchNormImport.WithNodes(info, model, source);
        var layers = info.Layers.Where(l => IsPaired(l) || normsWithNodes.Contains(l)).ToList();
        var nodes = model.Nodes.Where(n => LayerOpTypes.Contains(n.OpType) || n.OpType == OnnxBatchNormImport.OpType).ToList();
        string outline = Invariant($" The file's nodes: {Outline(nodes.Select(n => n.OpType))}; {info.Name} declares {Outline(layers.Select(Describe))}.");
        int common = Math.Min(layers.Count, nodes.Count);
        for (int i = 0; i < common; i++)
        {
            if (!Fits(layers[i].Kind, nodes[i].OpType))
            {
                throw new InvalidDataException($"{source}: {nodes[i]} is where {info.Name} declares {Describe(layers[i])}.{outline}");
            }
        }
        if (nodes.Count > common)
        {
            string after = common == 0 ? "no convolution, pooling or dense layer" : $"nothing after {Describe(layers[common - 1])}";
            throw new InvalidDataException($"{source}: {nodes[common]} has no counterpart in {info.Name}, which declares {after}.{outline}");
        }
        if (layers.Count > common)
        {
            string after = common == 0 ? "" : $" after {nodes[common - 1]}";
            throw new InvalidDataException($"{source}: the file has no node for {Describe(layers[common])}{after}.{outline}");
        }
        return layers.Select((layer, i) => (layer, nodes[i])).ToList();
    }

    /// <summary>
    /// Compares the activation node that follows <paramref name="node"/> with the activation the
    /// declaration applies after <paramref name="layer"/>, when both are LeakyReLU or both Softmax.
    /// </summary>
    public static void CheckActivation(NetworkInfo info, LayerInfo layer, OnnxNode node, OnnxModel model, string source)
    {
        (LayerInfo? owner, Activation activation) = DeclaredActivation(info, layer);
        if (owner is null || activation is not (Activation.LeakyReLU or Activation.Softmax))
        {
            return;
        }
        // The rank of the tensor the activation reads: 2 after Gemm or Flatten, 4 after Conv or pooling, 0 when unknown.
        int rank = node.OpType == "Gemm" ? 2 : 4;
        OnnxNode current = node;
        while (true)
        {
            if (current.Outputs.Count == 0)
            {
                return;
            }
            string tensor = current.Outputs[0];
            var readers = model.Nodes.Where(n => n.Index > current.Index && n.Inputs.Contains(tensor)).Take(2).ToList();
            if (readers.Count != 1)
            {
                return;
            }
            current = readers[0];
            if (!PassThrough.Contains(current.OpType))
            {
                break;
            }
            rank = current.OpType switch { "Flatten" => 2, "Reshape" => 0, _ => rank };
        }

        if (current.OpType == "LeakyRelu" && activation == Activation.LeakyReLU)
        {
            float alpha = current.Float("alpha", 0.01f);
            if (!(Math.Abs(alpha - owner.Alpha) <= 1e-6f * Math.Max(1f, Math.Abs(owner.Alpha))))
            {
                throw OnnxAttributeCheck.Mismatch(source, current, Invariant($"alpha {alpha}"), owner, Invariant($"LeakyReLU alpha {owner.Alpha}"));
            }
        }
        else if (current.OpType == "Softmax" && activation == Activation.Softmax && rank != 0)
        {
            // Before opset 13, Softmax flattens the axes from `axis` on and normalises over them together (default 1);
            // from 13 on, it normalises over the one axis `axis` (default -1).
            bool coerced = model.Opset is > 0 and < 13;
            long axis = current.Int("axis", coerced ? 1 : -1);
            TensorShape shape = owner.OutputShape;
            bool whole = rank == 2
                ? axis is 1 or -1
                : axis is 1 or -3 && (coerced || shape.Height * shape.Width == 1);
            if (!whole)
            {
                string accepted = rank == 2 ? "axis 1 or -1 of the [N, n] input" : "axis 1 or -3 of the [N, C, H, W] input, before opset 13";
                throw OnnxAttributeCheck.Mismatch(source, current, Invariant($"axis {axis} (opset {model.Opset}, a rank {rank} input)"), owner,
                    Invariant($"Softmax over each sample's {shape.Size} values ({accepted})"));
            }
        }
    }

    /// <summary>The layer whose activation follows <paramref name="layer"/>'s output: itself (inline), or a standalone activation after it (across Dropout and Flatten).</summary>
    private static (LayerInfo? Owner, Activation Activation) DeclaredActivation(NetworkInfo info, LayerInfo layer)
    {
        if (layer.Kind is LayerKind.Conv2D or LayerKind.Dense && layer.Activation != Activation.None)
        {
            return (layer, layer.Activation);
        }
        int index = -1;
        for (int i = 0; i < info.Layers.Count; i++)
        {
            if (ReferenceEquals(info.Layers[i], layer))
            {
                index = i;
                break;
            }
        }
        for (int i = index + 1; index >= 0 && i < info.Layers.Count; i++)
        {
            LayerInfo next = info.Layers[i];
            if (next.Kind == LayerKind.Activation)
            {
                return (next, next.Activation);
            }
            if (next.Kind is not (LayerKind.Dropout or LayerKind.Flatten))
            {
                break;
            }
        }
        return (null, Activation.None);
    }

    private static bool IsPaired(LayerInfo layer) =>
        layer.Kind is LayerKind.Conv2D or LayerKind.Dense or LayerKind.MaxPool or LayerKind.AvgPool || IsProjection(layer);

    /// <summary>An [Add] with a convolution projection: paired, at the Add's place, with the 1x1 <c>Conv</c> of the skip branch.</summary>
    private static bool IsProjection(LayerInfo layer) => layer.Kind == LayerKind.Add && layer.Projection == Projection.Conv;

    /// <summary>
    /// The [Add] layers against the file's sums of two computed tensors: <c>Add</c> nodes neither of whose inputs is an
    /// initializer or a <c>Constant</c> (a bias or an exported GELU's constant is not a residual connection).
    /// </summary>
    /// <exception cref="InvalidDataException">The counts differ.</exception>
    public static void CheckSums(NetworkInfo info, OnnxModel model, string source)
    {
        var constants = new HashSet<string>(model.Initializers.Keys);
        foreach (OnnxNode node in model.Nodes.Where(n => n.OpType == "Constant"))
        {
            constants.UnionWith(node.Outputs);
        }
        var sums = model.Nodes.Where(n => n.OpType == "Add" && n.Inputs.Count == 2 && !n.Inputs.Any(constants.Contains)).ToList();
        var adds = info.Layers.Where(l => l.Kind == LayerKind.Add).ToList();
        if (sums.Count != adds.Count)
        {
            string declared = adds.Count == 0 ? "no [Add] layer" : $"{adds.Count} [Add] layer{(adds.Count == 1 ? "" : "s")} ({string.Join(", ", adds.Select(Describe))})";
            throw new InvalidDataException(Invariant(
                $"{source}: the file adds two computed tensors in {sums.Count} node{(sums.Count == 1 ? "" : "s")} ({Outline(sums.Select(n => n.ToString()))}), but {info.Name} declares {declared}."));
        }
    }

    private static bool Fits(LayerKind kind, string opType) => kind switch
    {
        LayerKind.Conv2D or LayerKind.Add => opType == "Conv",
        LayerKind.Dense => opType == "Gemm",
        LayerKind.MaxPool => opType is "MaxPool" or "GlobalMaxPool",
        LayerKind.AvgPool => opType is "AveragePool" or "GlobalAveragePool",
        LayerKind.BatchNorm => opType == OnnxBatchNormImport.OpType,
        _ => false,
    };

    /// <summary><c>conv1 (Conv2D 3x3)</c>, <c>pool1 (MaxPool 2x2)</c>, <c>dense1 (Dense 16)</c>, <c>leakyrelu1 (LeakyReLU)</c>.</summary>
    public static string Describe(LayerInfo layer) => layer.Kind switch
    {
        LayerKind.Conv2D or LayerKind.MaxPool or LayerKind.AvgPool =>
            Invariant($"{layer.Name} ({layer.Kind} {OnnxLayout.Window(layer).Kernel[0]}x{OnnxLayout.Window(layer).Kernel[1]})"),
        LayerKind.Dense => Invariant($"{layer.Name} (Dense {layer.Units})"),
        LayerKind.Activation => $"{layer.Name} ({layer.Activation})",
        LayerKind.Add when layer.Projection == Projection.Conv => $"{layer.Name} (Add {layer.From} through a 1x1 Conv)",
        LayerKind.Add => $"{layer.Name} (Add {layer.From})",
        _ => $"{layer.Name} ({layer.Kind})",
    };

    private static string Outline(IEnumerable<string> items)
    {
        string joined = string.Join(", ", items);
        return joined.Length == 0 ? "none" : joined;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
