using System.Globalization;

namespace StaticNets.__Internals;

/// <summary>
/// BatchNorm in ONNX import: as <c>BatchNormalization</c> nodes (γ, β and the running statistics read from the node's
/// initializers), or folded into the preceding <c>Conv</c> by PyTorch's eval-mode export with constant folding (the
/// convolution then carries the whole affine map, and the BatchNorm is set to the identity plus the folded bias).
/// </summary>
/// <remarks>
/// PyTorch folds a BatchNorm into the <c>Conv</c> before it, never into a <c>Gemm</c>; so a model may keep the
/// nodes of every declared BatchNorm, of none (all folded, each after a convolution), or of exactly those that do
/// not follow a convolution. The declared BatchNorm layers whose nodes the model keeps are paired with them in node
/// order (<see cref="OnnxStructure"/>); the others are folded.
/// </remarks>
internal static class OnnxBatchNormImport
{
    public const string OpType = "BatchNormalization";

    /// <summary>The declared BatchNorm layers that the model keeps as nodes; the others are folded into their convolutions.</summary>
    /// <exception cref="InvalidDataException">The model's BatchNormalization nodes are neither all, none nor the unfoldable ones.</exception>
    public static HashSet<LayerInfo> WithNodes(NetworkInfo info, OnnxModel model, string source)
    {
        var norms = info.Layers.Where(l => l.Kind == LayerKind.BatchNorm).ToList();
        int nodes = model.Nodes.Count(n => n.OpType == OpType);
        if (nodes == norms.Count || norms.Count == 0)
        {
            return new HashSet<LayerInfo>(norms, ReferenceEqualityComparer.Instance);
        }
        var unfoldable = norms.Where(bn => FoldedInto(info, bn) is null).ToList();
        if (nodes == 0 && unfoldable.Count == 0)
        {
            return new HashSet<LayerInfo>(ReferenceEqualityComparer.Instance);
        }
        if (nodes == unfoldable.Count)
        {
            return new HashSet<LayerInfo>(unfoldable, ReferenceEqualityComparer.Instance);
        }
        string after = unfoldable.Count == 0 ? "every one after a convolution that PyTorch's eval-mode export folds it into"
            : Invariant($"{Names(unfoldable)} not after a convolution without activation, so not foldable");
        throw new InvalidDataException(Invariant(
            $"{source} has {nodes} BatchNormalization node{(nodes == 1 ? "" : "s")}, but {info.Name} declares {norms.Count} BatchNorm layer{(norms.Count == 1 ? "" : "s")} ({Names(norms)}), {after}: the model keeps neither all of them, nor none, nor exactly the unfoldable ones."));
    }

    /// <summary>The Conv2D a BatchNorm directly follows, without activation: what PyTorch folds it into; null otherwise.</summary>
    public static LayerInfo? FoldedInto(NetworkInfo info, LayerInfo batchNorm)
    {
        int index = IndexOf(info, batchNorm);
        LayerInfo? previous = index > 0 ? info.Layers[index - 1] : null;
        return previous is { Kind: LayerKind.Conv2D, Activation: Activation.None } ? previous : null;
    }

    /// <summary>The BatchNorm that directly follows <paramref name="layer"/>, or null.</summary>
    public static LayerInfo? Following(NetworkInfo info, LayerInfo layer)
    {
        int index = IndexOf(info, layer);
        return index >= 0 && index + 1 < info.Layers.Count && info.Layers[index + 1].Kind == LayerKind.BatchNorm ? info.Layers[index + 1] : null;
    }

    /// <summary>
    /// Writes a BatchNorm's γ and β into <paramref name="parameters"/> and its running means and variances into
    /// <paramref name="statistics"/>: from its <c>BatchNormalization</c> node's scale, B, mean and var initializers, or,
    /// folded, γ = sqrt(1 + ε), β = <paramref name="foldedBias"/> (the bias the convolution gained, or zeros when its
    /// declared bias took it), mean 0 and variance 1, so that the BatchNorm adds β and nothing else.
    /// </summary>
    public static void Read(LayerInfo layer, OnnxNode? node, float[]? foldedBias, OnnxModel model, Span<float> parameters, Span<float> statistics, string network, string source)
    {
        int channels = layer.WeightCount;
        Span<float> gamma = parameters.Slice(layer.ParameterOffset, channels);
        Span<float> beta = parameters.Slice(layer.ParameterOffset + channels, channels);
        Span<float> mean = statistics.Slice(layer.StatisticsOffset, channels);
        Span<float> variance = statistics.Slice(layer.StatisticsOffset + channels, channels);
        if (node is null)
        {
            gamma.Fill(MathF.Sqrt(1f + layer.Epsilon));
            beta.Clear();
            foldedBias?.CopyTo(beta);
            mean.Clear();
            variance.Fill(1f);
            return;
        }
        if (node.Inputs.Count != 5)
        {
            throw new InvalidDataException(Invariant($"{source}: {node} has {node.Inputs.Count} inputs, not the 5 of BatchNormalization (X, scale, B, mean, var)."));
        }
        float[] read(int input, string role)
        {
            string name = node.Inputs[input];
            return model.Initializers.TryGetValue(name, out OnnxTensor? tensor)
                ? tensor.ReadFloats(Invariant($"{layer.Name} {role} ('{name}')"), [channels], network, source)
                : throw new InvalidDataException(Invariant($"{source}: {layer.Name}: the {role} of {node} is '{name}', which is not an initializer."));
        }
        read(1, "scale (γ)").CopyTo(gamma);
        read(2, "B (β)").CopyTo(beta);
        read(3, "mean").CopyTo(mean);
        float[] variances = read(4, "var");
        for (int c = 0; c < channels; c++)
        {
            if (!(variances[c] + layer.Epsilon > 0))
            {
                throw new InvalidDataException(Invariant($"{source}: {layer.Name}: running variance {c} ('{node.Inputs[4]}') is {variances[c]}, and a variance plus epsilon must be positive."));
            }
        }
        variances.CopyTo(variance);
    }

    /// <summary>Compares a BatchNormalization node's attributes with the declared BatchNorm: inference mode, per channel, the same epsilon.</summary>
    public static void Check(LayerInfo layer, OnnxNode node, string source)
    {
        float epsilon = node.Float("epsilon", 1e-5f);
        if (!(Math.Abs(epsilon - layer.Epsilon) <= 1e-3f * layer.Epsilon))
        {
            throw OnnxAttributeCheck.Mismatch(source, node, Invariant($"epsilon {epsilon}"), layer, Invariant($"Epsilon = {layer.Epsilon}"));
        }
        long training = node.Int("training_mode", 0);
        if (training != 0 || node.Outputs.Count > 1)
        {
            throw OnnxAttributeCheck.Mismatch(source, node, Invariant($"training mode (training_mode {training}, {node.Outputs.Count} outputs)"), layer,
                "inference with the running statistics (training_mode 0, one output)");
        }
        long spatial = node.Int("spatial", 1);
        if (spatial != 1)
        {
            throw OnnxAttributeCheck.Mismatch(source, node, Invariant($"spatial {spatial}"), layer, "statistics per channel (spatial 1)");
        }
    }

    private static int IndexOf(NetworkInfo info, LayerInfo layer)
    {
        for (int i = 0; i < info.Layers.Count; i++)
        {
            if (ReferenceEquals(info.Layers[i], layer))
            {
                return i;
            }
        }
        return -1;
    }

    private static string Names(IEnumerable<LayerInfo> layers) => string.Join(", ", layers.Select(l => l.Name));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
