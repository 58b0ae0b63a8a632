using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// A standalone activation layer ([ReLU], [ReLU6], [LeakyReLU], [GELU], [Sigmoid], [Tanh], [Softmax]). Its backward writes
/// <c>dx = act'(.) * dy</c>; where another layer's backward wrote dx first, it computes the product in place over
/// its own <c>dy</c> and adds that into dx.
/// </summary>
internal sealed class ActivationEmitter : LayerEmitter
{
    /// <summary>Whether the derivative is computed from the input (LeakyReLU, GELU) rather than the output.</summary>
    private static bool FromInput(ActivationKind activation) => activation is ActivationKind.LeakyReLU or ActivationKind.GELU;

    private static bool HasBackward(LayerContext c) => c.NeedsInputGrad && !c.FusedSoftmax;

    public override string? BackwardCall(LayerContext c) => HasBackward(c)
        ? Call(c, "Backward", FromInput(c.Layer.Activation) ? c.Input : c.Output, c.OutputGrad, c.InputGrad)
        : null;

    /// <summary>The activations the Runtime's epilogue applies (<c>EpilogueActivation</c>): ReLU, ReLU6 and LeakyReLU.</summary>
    public override FusionRole Fusion(LayerShape layer) =>
        layer.Type is LayerType.ReLU or LayerType.ReLU6 or LayerType.LeakyReLU ? FusionRole.Activation : FusionRole.None;

    public override void Forward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        w.Line($"/// <summary>{Title(l)}</summary>");
        w.Line($"/// <param name=\"x\">The input {Dims(l.In)}.</param>");
        w.Line($"/// <param name=\"y\">The output {Dims(l.Out)}.</param>");
        OpenMethod(w, l.Member + "Forward", "ReadOnlySpan<float> x", "Span<float> y");
        w.Line($"const int N = {I(l.In.Size)};");
        ActivationForward(w, l.Activation, l.Alpha, "x.Slice(0, N)", "y");
        w.Close();
    }

    public override void Backward(SourceWriter w, LayerContext c)
    {
        if (!HasBackward(c)) return;
        var l = c.Layer;
        bool fromInput = FromInput(l.Activation);
        w.Line($"/// <summary>{l.Name} backward{InputGradNote(c)}.</summary>");
        w.Line(fromInput
            ? $"/// <param name=\"x\">The input of the forward pass {Dims(l.In)}.</param>"
            : $"/// <param name=\"y\">The output of the forward pass {Dims(l.Out)}.</param>");
        w.Line(c.AddsInputGrad
            ? $"/// <param name=\"dy\">The gradient of the output {Dims(l.Out)}, overwritten with act'(.) * dy.</param>"
            : $"/// <param name=\"dy\">The gradient of the output {Dims(l.Out)}.</param>");
        w.Line($"/// <param name=\"dx\">The gradient of the input {Dims(l.In)}.</param>");
        string read = fromInput ? "x" : "y";
        OpenMethod(w, l.Member + "Backward", $"ReadOnlySpan<float> {read}", c.AddsInputGrad ? "Span<float> dy" : "ReadOnlySpan<float> dy", "Span<float> dx");
        w.Line($"const int N = {I(l.In.Size)};");
        string z = fromInput ? "x.Slice(0, N)" : "x";
        string y = fromInput ? "y" : "y.Slice(0, N)";
        if (c.AddsInputGrad)
        {
            w.Line("// dy = act'(.) * dy in place, then dx += dy");
            ActivationBackward(w, l.Activation, l.Alpha, z, y, "dy.Slice(0, N)", "dy.Slice(0, N)");
            w.Line("TensorPrimitives.Add(dx.Slice(0, N), dy.Slice(0, N), dx.Slice(0, N));");
        }
        else
        {
            ActivationBackward(w, l.Activation, l.Alpha, z, y, "dy", "dx");
        }
        w.Close();
    }
}
