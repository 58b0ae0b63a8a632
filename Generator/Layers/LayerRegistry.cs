using System.Collections.Generic;
using StaticNets.Generator.Emit;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Layers;

/// <summary>
/// Every layer kind, registered once: its rule and its emitter. The parser finds an attribute's rule here,
/// shape inference runs it, and the emitter of each layer comes from here. A new kind is one line below.
/// </summary>
internal static class LayerRegistry
{
    public static readonly LayerRule Input = new InputRule();

    /// <summary>Every rule, [Input] first.</summary>
    public static readonly LayerRule[] All =
    {
        Input,
        new Conv2DRule(new Conv2DEmitter()),
        new DepthwiseConv2DRule(new Conv2DEmitter()),
        new PoolRule(LayerType.MaxPool, new PoolEmitter()),
        new PoolRule(LayerType.AvgPool, new PoolEmitter()),
        new GlobalPoolRule(LayerType.GlobalMaxPool, new PoolEmitter()),
        new GlobalPoolRule(LayerType.GlobalAvgPool, new PoolEmitter()),
        new FlattenRule(new FlattenEmitter()),
        new DenseRule(new DenseEmitter()),
        new DropoutRule(new DropoutEmitter()),
        new BatchNormRule(new BatchNormEmitter()),
        new ActivationRule(LayerType.ReLU, ActivationKind.ReLU, new ActivationEmitter()),
        new LeakyReLURule(new ActivationEmitter()),
        new ActivationRule(LayerType.GELU, ActivationKind.GELU, new ActivationEmitter()),
        new ActivationRule(LayerType.Sigmoid, ActivationKind.Sigmoid, new ActivationEmitter()),
        new ActivationRule(LayerType.Tanh, ActivationKind.Tanh, new ActivationEmitter()),
        new ActivationRule(LayerType.Softmax, ActivationKind.Softmax, new ActivationEmitter()),
        new ActivationRule(LayerType.ReLU6, ActivationKind.ReLU6, new ActivationEmitter()),
    };

    private static readonly Dictionary<LayerType, LayerRule> ByType = Index(r => r.Type);

    private static readonly Dictionary<string, LayerRule> ByAttribute = Index(r => r.AttributeName);

    /// <summary>The rule of a layer kind.</summary>
    public static LayerRule For(LayerType type) => ByType[type];

    /// <summary>The rule of an attribute class in namespace StaticNets, by its name (<c>Conv2DAttribute</c>), or null.</summary>
    public static LayerRule? ForAttribute(string attributeName) => ByAttribute.TryGetValue(attributeName, out var rule) ? rule : null;

    private static Dictionary<TKey, LayerRule> Index<TKey>(System.Func<LayerRule, TKey> key)
    {
        var index = new Dictionary<TKey, LayerRule>();
        foreach (var rule in All) index.Add(key(rule), rule);
        return index;
    }
}
