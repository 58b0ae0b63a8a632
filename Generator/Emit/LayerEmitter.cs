using System.Collections.Generic;
using System.Globalization;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// Where one layer reads and writes: its input and output buffers and their gradients, as C# expressions,
/// and what the backward pass needs from it.
/// </summary>
internal sealed class LayerContext
{
    public LayerContext(LayerShape layer, int index)
    {
        Layer = layer;
        Index = index;
    }

    public LayerShape Layer { get; }

    /// <summary>Position among the network's layers (0-based), the stream its initialisation draws from.</summary>
    public int Index { get; }

    /// <summary>The input buffer: <c>input</c> for the first layer, else the previous layer's output field.</summary>
    public string Input { get; set; } = "input";

    /// <summary>The output buffer field (for [Flatten], the input's: the layout is already flat).</summary>
    public string Output { get; set; } = "";

    /// <summary>The gradient of the input, or null where no layer before this one has parameters.</summary>
    public string? InputGrad { get; set; }

    public string OutputGrad { get; set; } = "";

    /// <summary>The last layer whose Softmax is fused with the cross-entropy: its backward starts at the logits.</summary>
    public bool FusedSoftmax { get; set; }

    /// <summary>Whether any layer up to and including this one has parameters (else its backward is not needed).</summary>
    public bool HasParametersUpToHere { get; set; }

    public bool NeedsInputGrad => InputGrad is not null;

    /// <summary>The file-local static class holding the layer bodies: <c>LeNet5Layers</c>.</summary>
    public string LayersClass { get; set; } = "";

    /// <summary>True where another layer's backward already wrote this layer's input gradient, so this one adds into it.</summary>
    public bool AddsInputGrad { get; set; }
}

/// <summary>
/// One emitter per layer kind, each with the same three parts: the layer's buffers, its forward and its
/// backward, written side by side in the generated class.
/// </summary>
internal abstract class LayerEmitter
{
    protected static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// On every layer method: compiled fully optimised at once. Tiered compilation would first run these long,
    /// loop-heavy methods unoptimised, and the first epoch of training with them.
    /// </summary>
    public const string Hot = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

    /// <summary>Spare floats after a buffer that vector loops may read past the last value.</summary>
    public const int Slack = Layers.LayerRule.Slack;

    public static LayerEmitter For(LayerType type) => Layers.LayerRegistry.For(type).Emitter
        ?? throw new System.ArgumentException($"[{type}] has no emitter: it declares the network's input.", nameof(type));

    /// <summary>Whether the layer writes a buffer of its own (false for [Flatten]).</summary>
    public virtual bool HasOutput => true;

    /// <summary>Private buffers beyond the output and its gradient: (field name, length, element type).</summary>
    public virtual IEnumerable<(string Name, string Length, string Type)> Buffers(LayerContext context) => System.Array.Empty<(string, string, string)>();

    public abstract void Forward(SourceWriter w, LayerContext context);

    public abstract void Backward(SourceWriter w, LayerContext context);

    /// <summary>The call in <c>ForwardCore</c>.</summary>
    public virtual string ForwardCall(LayerContext c) => $"{c.Layer.Member}Forward({c.Input}, {c.Output});";

    /// <summary>The call in <c>BackwardCore</c>, or null when the layer has nothing to do backward.</summary>
    public virtual string? BackwardCall(LayerContext c) => c.NeedsInputGrad
        ? $"{c.Layer.Member}Backward({c.Input}, {c.OutputGrad}, {c.InputGrad});"
        : $"{c.Layer.Member}Backward({c.Input}, {c.OutputGrad});";

    protected static string F(double value)
    {
        string s = ((float)value).ToString("R", Inv);
        if (s.IndexOf('.') < 0 && s.IndexOf('E') < 0 && s.IndexOf('e') < 0 && s != "NaN" && !s.Contains("Infinity")) s += ".0";
        return s + "f";
    }

    protected static string I(int value) => value.ToString(Inv);

    /// <summary>The summary line of a layer: <c>conv1: Conv2D 6@5x5, stride 1, padding 2, ReLU. 28x28x1 -> 28x28x6.</c></summary>
    public static string Title(LayerShape l)
    {
        string act = l.Activation == ActivationKind.None || l.Type is not (LayerType.Conv2D or LayerType.Dense) ? "" : ", " + l.Activation;
        string what = l.Type switch
        {
            LayerType.Conv2D => $"Conv2D {l.Units}@{l.Kernel}x{l.Kernel}, stride {l.Stride}, padding {l.Padding}{act}",
            LayerType.MaxPool or LayerType.AvgPool => $"{l.Type} {l.Kernel}x{l.Kernel}, stride {l.Stride}",
            LayerType.Dense => $"Dense {l.Units}{act}",
            LayerType.Dropout => $"Dropout {l.Rate.ToString("R", Inv)}",
            LayerType.LeakyReLU => $"LeakyReLU, alpha {l.Alpha.ToString("R", Inv)}",
            _ => l.Type.ToString(),
        };
        return $"{l.Name}: {what}. {l.In} -> {l.Out}.";
    }

    // ---- activations, shared by Conv2D and Dense (inline) and the standalone layers ----

    /// <summary>
    /// Whether an inline activation keeps the linear result in a buffer of its own: GELU's derivative needs
    /// it, and so does the loss for Softmax (its logits). The others are applied in place and differentiated
    /// from their output (LeakyReLU's output has the sign of its input, since alpha is not negative).
    /// </summary>
    public static bool KeepsLinear(ActivationKind activation) => activation is ActivationKind.GELU or ActivationKind.Softmax;

    /// <summary>The inline activation's forward, after the linear part wrote <c>z</c> (or <c>y</c> when applied in place).</summary>
    protected static void InlineActivationForward(SourceWriter w, LayerShape l)
    {
        if (l.Activation == ActivationKind.None) return;
        ActivationForward(w, l.Activation, l.Alpha, KeepsLinear(l.Activation) ? "z" : "y", "y");
    }

    /// <summary>
    /// The inline activation's backward, written in place over the output gradient field; declares <c>dz</c>.
    /// Where the loss is fused with a final Softmax, it already wrote <c>dz</c> there.
    /// </summary>
    protected static void InlineActivationBackward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        if (l.Activation != ActivationKind.None && !c.FusedSoftmax)
        {
            string z = KeepsLinear(l.Activation) ? $"_{l.Name}Linear" : c.Output;
            ActivationBackward(w, l.Activation, l.Alpha, z, c.Output, c.OutputGrad, c.OutputGrad);
        }
        w.Line(c.FusedSoftmax
            ? "global::System.ReadOnlySpan<float> dz = dy; // the loss wrote softmax-and-cross-entropy's gradient with respect to the logits"
            : l.Activation == ActivationKind.None
                ? "global::System.ReadOnlySpan<float> dz = dy;"
                : "global::System.ReadOnlySpan<float> dz = dy; // the activation's derivative was applied in place above");
    }

    /// <summary>Writes <c>y = act(z)</c>.</summary>
    protected static void ActivationForward(SourceWriter w, ActivationKind activation, double alpha, string z, string y)
    {
        const string A = "global::StaticNets.__Internals.Activations";
        w.Line(activation switch
        {
            ActivationKind.LeakyReLU => $"{A}.LeakyReLU({z}, {y}, {F(alpha)});",
            _ => $"{A}.{activation}({z}, {y});",
        });
    }

    /// <summary>Writes <c>dz = act'(.) * dy</c>, from z or y as each derivative is cheapest.</summary>
    protected static void ActivationBackward(SourceWriter w, ActivationKind activation, double alpha, string z, string y, string dy, string dz)
    {
        const string A = "global::StaticNets.__Internals.Activations";
        w.Line(activation switch
        {
            ActivationKind.ReLU => $"{A}.ReLUBackward({y}, {dy}, {dz});",
            ActivationKind.LeakyReLU => $"{A}.LeakyReLUBackward({z}, {dy}, {dz}, {F(alpha)});",
            ActivationKind.GELU => $"{A}.GELUBackward({z}, {dy}, {dz});",
            ActivationKind.Sigmoid => $"{A}.SigmoidBackward({y}, {dy}, {dz});",
            ActivationKind.Tanh => $"{A}.TanhBackward({y}, {dy}, {dz});",
            _ => $"{A}.SoftmaxBackward({y}, {dy}, {dz});",
        });
    }
}
