using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// Where one layer reads and writes: its input and output buffers and their gradients, as C# expressions
/// in the partial class, and what the backward pass needs from it.
/// </summary>
internal sealed class LayerContext
{
    public LayerContext(LayerShape layer, int index)
    {
        Layer = layer;
        Index = index;
    }

    public LayerShape Layer { get; }

    /// <summary>Position among the network's layers (1-based), the stream its initialisation draws from.</summary>
    public int Index { get; }

    /// <summary>The file-local static class holding the layer bodies: <c>LeNet5Layers</c>.</summary>
    public string LayersClass { get; set; } = "";

    /// <summary>The input buffer: <c>input</c> for the first layer, else the previous layer's output field.</summary>
    public string Input { get; set; } = "input";

    /// <summary>The output buffer field (for [Flatten], the input's: the layout is already flat).</summary>
    public string Output { get; set; } = "";

    /// <summary>The gradient of the input, or null where no layer before this one has parameters.</summary>
    public string? InputGrad { get; set; }

    public string OutputGrad { get; set; } = "";

    /// <summary>True where another layer's backward already wrote this layer's input gradient, so this one adds into it.</summary>
    public bool AddsInputGrad { get; set; }

    /// <summary>[Add]: the buffer of the tensor it adds (the output of the layer its from names, or <c>input</c>).</summary>
    public string Skip { get; set; } = "";

    /// <summary>[Add]: the gradient of <see cref="Skip"/>, or null where no layer up to that tensor has parameters.</summary>
    public string? SkipGrad { get; set; }

    /// <summary>[Add]: true where a backward that runs before this one already wrote <see cref="SkipGrad"/>.</summary>
    public bool AddsSkipGrad { get; set; }

    /// <summary>The last layer whose Softmax is fused with the cross-entropy: its backward starts at the logits.</summary>
    public bool FusedSoftmax { get; set; }

    /// <summary>Whether any layer up to and including this one has parameters (else its backward is not needed).</summary>
    public bool HasParametersUpToHere { get; set; }

    public bool NeedsInputGrad => InputGrad is not null;

    /// <summary>BatchNorm in batch training: the ReLU or ReLU6 after it that its normalisation and backward take in, or null.</summary>
    public LayerContext? BatchActivation { get; set; }

    /// <summary>The same layer reading <paramref name="input"/> and writing <paramref name="output"/> (a sample of a tile).</summary>
    public LayerContext Over(string input, string output) => new(Layer, Index)
    {
        LayersClass = LayersClass,
        Input = input,
        Output = output,
        InputGrad = InputGrad,
        OutputGrad = OutputGrad,
        AddsInputGrad = AddsInputGrad,
        Skip = Skip,
        SkipGrad = SkipGrad,
        AddsSkipGrad = AddsSkipGrad,
        FusedSoftmax = FusedSoftmax,
        HasParametersUpToHere = HasParametersUpToHere,
    };
}
