using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>A standalone activation layer ([ReLU], [LeakyReLU], [GELU], [Sigmoid], [Tanh], [Softmax]).</summary>
internal sealed class ActivationEmitter : LayerEmitter
{
    public override string? BackwardCall(LayerContext c) => c.NeedsInputGrad && !c.FusedSoftmax
        ? $"{c.Layer.Member}Backward({c.Input}, {c.OutputGrad}, {c.InputGrad});"
        : null;

    public override void Forward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        w.Line($"/// <summary>{Title(l)}</summary>");
        w.Line(LayerEmitter.Hot);
        w.Open($"private void {l.Member}Forward(global::System.ReadOnlySpan<float> x, global::System.Span<float> y)");
        ActivationForward(w, l.Activation, l.Alpha, $"x.Slice(0, {I(l.In.Size)})", "y");
        w.Close();
    }

    public override void Backward(SourceWriter w, LayerContext c)
    {
        if (!c.NeedsInputGrad || c.FusedSoftmax) return;
        var l = c.Layer;
        w.Line($"/// <summary>{l.Name} backward: writes dx.</summary>");
        w.Line(LayerEmitter.Hot);
        w.Open($"private void {l.Member}Backward(global::System.ReadOnlySpan<float> x, global::System.ReadOnlySpan<float> dy, global::System.Span<float> dx)");
        ActivationBackward(w, l.Activation, l.Alpha, $"x.Slice(0, {I(l.In.Size)})", c.Output, "dy", "dx");
        w.Close();
    }
}
