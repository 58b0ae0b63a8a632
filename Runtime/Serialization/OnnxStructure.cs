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
/// <para>An [Add] with <c>Projection.Conv</c> or <c>Projection.ConvBatchNorm</c> is paired, at its place, with the 1x1
/// <c>Conv</c> of its skip branch (and the latter's BatchNorm with the <c>BatchNormalization</c> node after it, unless
/// folded); the
/// file's sums of two computed tensors (<c>Add</c> nodes) must be as many as the declared [Add] layers
/// (<see cref="CheckSums"/>).</para>
/// <para>Other nodes (activations, Flatten, Reshape, Dropout, Identity, the arithmetic of an exported
/// GELU, the Shape/Gather/Concat a reshape is computed with) are not paired. An activation node that
/// follows a paired node directly (through Flatten, Reshape, Identity or Dropout) must be of the kind
/// the declaration applies there (<see cref="CheckActivation"/>); a model without an activation node
/// there imports. The graph's input must have the declared shape (<see cref="CheckInput"/>).</para>
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
        // An Add's ConvBatchNorm projection: its Conv, then its BatchNormalization node where the model keeps one.
        var layers = info.Layers.Where(l => IsPaired(l) || normsWithNodes.Contains(l))
            .SelectMany(l => OnnxBatchNormImport.Following(info, l) is { } norm && l.Kind == LayerKind.Add && normsWithNodes.Contains(norm) ? [l, norm] : new[] { l })
            .ToList();
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
    /// The activation operators and the activation each computes (<c>Clip</c> is ReLU6 only with bounds 0 and 6); null for
    /// one that no StaticNets activation computes.
    /// </summary>
    private static readonly Dictionary<string, Activation?> ActivationOps = new(StringComparer.Ordinal)
    {
        ["Relu"] = Activation.ReLU,
        ["LeakyRelu"] = Activation.LeakyReLU,
        ["Sigmoid"] = Activation.Sigmoid,
        ["Tanh"] = Activation.Tanh,
        ["Softmax"] = Activation.Softmax,
        ["Gelu"] = Activation.GELU,
        ["Clip"] = Activation.ReLU6,
        ["Elu"] = null,
        ["Selu"] = null,
        ["HardSigmoid"] = null,
        ["HardSwish"] = null,
        ["Softplus"] = null,
        ["PRelu"] = null,
    };

    /// <summary>
    /// Compares the graph's input with the declared input: the one input that is not an initializer, where the file gives
    /// its shape, must be <c>[N, C, H, W]</c> (or <c>[N, features]</c>, or <c>[N, features, 1, 1]</c>, for a flat input),
    /// any batch size; a symbolic dim matches anything. Nothing is compared where the file names no input.
    /// </summary>
    /// <exception cref="InvalidDataException">The file has several inputs, or its input's shape differs, naming both.</exception>
    public static void CheckInput(NetworkInfo info, OnnxModel model, string source)
    {
        var inputs = model.Inputs.Where(i => !model.Initializers.ContainsKey(i.Name)).ToList();
        if (inputs.Count > 1)
        {
            throw new InvalidDataException(
                $"{source}: the graph has {inputs.Count} inputs ({Outline(inputs.Select(i => $"'{i.Name}'"))}), but {info.Name} reads one tensor, its input {info.InputShape}.");
        }
        if (inputs.Count == 0 || inputs[0].Dims is not { } dims)
        {
            return;
        }
        TensorShape declared = info.InputShape;
        bool flat = declared.Height == 1 && declared.Width == 1;
        long[] image = [declared.Channels, declared.Height, declared.Width];
        bool Fits(long[] expected) => dims.Length == expected.Length + 1 && dims.Skip(1).Select((d, i) => d is null || d == expected[i]).All(ok => ok);
        if (Fits(image) || (flat && Fits([declared.Channels])))
        {
            return;
        }
        string written = "[" + string.Join(", ", dims.Select(d => d is { } v ? v.ToString(CultureInfo.InvariantCulture) : "?")) + "]";
        string expectedText = flat ? Invariant($"[N, {declared.Channels}]") : Invariant($"[N, {declared.Channels}, {declared.Height}, {declared.Width}]");
        throw new InvalidDataException(
            $"{source}: the graph input '{inputs[0].Name}' has shape {written}, but {info.Name} declares Input {declared}, which is {expectedText}.");
    }

    /// <summary>
    /// Compares the activation node that follows <paramref name="node"/> (through Flatten, Reshape, Identity or Dropout)
    /// with the activation the declaration applies after <paramref name="layer"/> (inline, or a standalone activation
    /// after it, across Dropout, Flatten and a BatchNorm that PyTorch's export folded): an activation operator there
    /// must be the declared kind (a file without one imports: PyTorch exports logits where the declaration ends in
    /// Softmax); a <c>LeakyRelu</c>'s alpha, a <c>Clip</c>'s bounds and a <c>Softmax</c>'s axis must agree.
    /// </summary>
    /// <exception cref="InvalidDataException">The activation differs, naming the node and the layer.</exception>
    public static void CheckActivation(NetworkInfo info, LayerInfo layer, OnnxNode node, OnnxModel model, string source)
    {
        (LayerInfo? owner, Activation activation) = DeclaredActivation(info, layer);
        // The rank of the tensor the activation reads: 2 after Gemm or Flatten, 4 after Conv or pooling, 0 when unknown.
        int rank = node.OpType == "Gemm" ? 2 : 4;
        OnnxNode current = node;
        while (true)
        {
            if (OnlyReader(current, model) is not { } next)
            {
                return;
            }
            current = next;
            if (!PassThrough.Contains(current.OpType))
            {
                break;
            }
            rank = current.OpType switch { "Flatten" => 2, "Reshape" => 0, _ => rank };
        }

        if (!ActivationOps.TryGetValue(current.OpType, out Activation? found))
        {
            return;
        }
        // ReLU6 may be exported as Relu, then a Clip or Min (to 6) that reads only it.
        bool fits = found == activation && (found != Activation.ReLU6 || IsReLU6(current, model))
            || (found == Activation.ReLU && activation == Activation.ReLU6 && OnlyReader(current, model) is { OpType: "Clip" or "Min" });
        if (!fits)
        {
            string what = found == Activation.ReLU6 ? ClipText(current, model) : current.OpType;
            string declared = owner is null || activation == Activation.None
                ? $"{Describe(layer)} with no activation after it"
                : ReferenceEquals(owner, layer) ? $"{Describe(layer)} with {activation}" : $"{Describe(owner)} after {layer.Name}";
            throw new InvalidDataException(
                $"{source}: {current} applies {what} to the output of {node}, but {info.Name} declares {declared}: the imported weights would not give the model's output.");
        }
        if (owner is null)
        {
            return;
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

    /// <summary>
    /// Whether a <c>Clip</c> node bounds to [0, 6]: by its min and max inputs from opset 11 (initializers; a bound computed
    /// by another node, a <c>Constant</c>, is not known and not held against it), else by its attributes.
    /// </summary>
    private static bool IsReLU6(OnnxNode clip, OnnxModel model) => ClipBounds(clip, model) is var (low, high)
        && low is { } l && (float.IsNaN(l) || l == 0f) && high is { } h && (float.IsNaN(h) || h == 6f);

    private static string ClipText(OnnxNode clip, OnnxModel model) => ClipBounds(clip, model) is var (low, high)
        ? Invariant($"Clip to [{Bound(low)}, {Bound(high)}]")
        : "Clip";

    private static string Bound(float? value) => value is { } v ? (float.IsNaN(v) ? "?" : v.ToString(CultureInfo.InvariantCulture)) : "none";

    private static (float? Low, float? High) ClipBounds(OnnxNode clip, OnnxModel model)
    {
        if (model.Opset is > 0 and < 11)
        {
            return (clip.Float("min", float.MinValue), clip.Float("max", float.MaxValue));
        }
        float? Scalar(int index)
        {
            if (clip.Inputs.Count <= index || clip.Inputs[index].Length == 0)
            {
                return null;
            }
            string name = clip.Inputs[index];
            if (!model.Initializers.TryGetValue(name, out OnnxTensor? tensor) || tensor.Dims.Any(d => d != 1))
            {
                return float.NaN;
            }
            try
            {
                return tensor.ReadFloats(name, [.. tensor.Dims], "", "")[0];
            }
            catch (InvalidDataException)
            {
                return float.NaN;
            }
        }
        return (Scalar(1), Scalar(2));
    }

    /// <summary>The one node that reads <paramref name="node"/>'s first output, or null.</summary>
    private static OnnxNode? OnlyReader(OnnxNode node, OnnxModel model)
    {
        if (node.Outputs.Count == 0)
        {
            return null;
        }
        var readers = model.Nodes.Where(n => n.Index > node.Index && n.Inputs.Contains(node.Outputs[0])).Take(2).ToList();
        return readers.Count == 1 ? readers[0] : null;
    }

    /// <summary>The layer whose activation follows <paramref name="layer"/>'s output: itself (inline), or a standalone activation after it (across Dropout, Flatten and BatchNorm).</summary>
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
            // A BatchNorm between them is a per-channel scale and shift, which PyTorch's eval-mode export folds into the Conv;
            // where the file keeps it as a node, that node (not an activation) follows the Conv and nothing is compared.
            if (next.Kind is not (LayerKind.Dropout or LayerKind.Flatten or LayerKind.BatchNorm))
            {
                break;
            }
        }
        return (null, Activation.None);
    }

    private static bool IsPaired(LayerInfo layer) =>
        layer.Kind is LayerKind.Conv2D or LayerKind.Dense or LayerKind.MaxPool or LayerKind.AvgPool || IsProjection(layer);

    /// <summary>An [Add] with a convolution projection: paired, at the Add's place, with the 1x1 <c>Conv</c> of the skip branch.</summary>
    private static bool IsProjection(LayerInfo layer) => layer.Kind == LayerKind.Add && layer.Projection is Projection.Conv or Projection.ConvBatchNorm;

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
        LayerKind.Add when layer.Projection == Projection.ConvBatchNorm => $"{layer.Name} (Add {layer.From} through a 1x1 Conv and BatchNorm)",
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
