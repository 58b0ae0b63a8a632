using StaticNets.Generator.Model;

namespace StaticNets.Generator.Layers;

/// <summary>The options that every layer with weights (Conv2D, Dense) takes: an inline activation, Init, L1 and L2.</summary>
internal static class Weighted
{
    /// <summary>The slope of an inline LeakyReLU (the attribute has no argument for it).</summary>
    public const double InlineAlpha = 0.01;

    public static LayerSpec Read(LayerSpec spec, LayerArguments arguments) => spec with
    {
        Activation = (ActivationKind)arguments.Int("Activation", 0),
        Init = (InitKind)arguments.Int("Init", 0),
        L1 = arguments.Double("L1", 0),
        L2 = arguments.Double("L2", 0),
    };
}
