using System.Numerics.Tensors;

namespace StaticNets;

/// <summary>Diagnostics computed from any network through <see cref="INetwork{TSelf}"/> and its <c>Info</c>.</summary>
public static class NetworkExtensions
{
    /// <summary>
    /// The L2 norm of each layer's weight gradient (biases not included), for the layers that have
    /// weights, in layer order, read from <see cref="INetwork{TSelf}.Gradients"/>. Norms that shrink
    /// layer after layer towards the input are the mark of vanishing gradients.
    /// </summary>
    /// <typeparam name="TNet">The network class.</typeparam>
    /// <param name="net">The network, with gradients computed (for instance after <c>ComputeGradients</c>).</param>
    public static float[] LayerGradientNorms<TNet>(this TNet net)
        where TNet : class, INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(net);
        ReadOnlySpan<float> gradients = net.Gradients;
        var norms = new List<float>();
        foreach (LayerInfo layer in WeightedLayers<TNet>())
        {
            norms.Add(TensorPrimitives.Norm(gradients.Slice(layer.ParameterOffset, layer.WeightCount)));
        }

        return [.. norms];
    }

    /// <summary>
    /// <see cref="LayerGradientNorms{TNet}"/> with each layer's name (<c>conv1</c>, <c>dense3</c>...),
    /// ready to print.
    /// </summary>
    /// <typeparam name="TNet">The network class.</typeparam>
    /// <param name="net">The network, with gradients computed (for instance after <c>ComputeGradients</c>).</param>
    public static (string Layer, float Norm)[] NamedLayerGradientNorms<TNet>(this TNet net)
        where TNet : class, INetwork<TNet>
    {
        float[] norms = LayerGradientNorms(net);
        return [.. WeightedLayers<TNet>().Select((layer, i) => (layer.Name, norms[i]))];
    }

    private static IEnumerable<LayerInfo> WeightedLayers<TNet>()
        where TNet : class, INetwork<TNet> => TNet.Info.Layers.Where(layer => layer.HasWeights);
}
