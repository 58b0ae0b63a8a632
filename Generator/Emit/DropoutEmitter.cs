using System.Collections.Generic;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// Dropout (inverted): in training each value is kept with probability <c>1 - rate</c> and scaled by
/// <c>1/(1 - rate)</c>, the mask kept for the backward pass; in inference it is a copy.
/// </summary>
internal sealed class DropoutEmitter : LayerEmitter
{
    public override IEnumerable<(string Name, string Length, string Type)> Buffers(LayerContext c)
    {
        yield return ("_" + c.Layer.Name + "Mask", I(c.Layer.Out.Size), "float");
    }

    public override string ForwardCall(LayerContext c) => $"{c.Layer.Member}Forward({c.Input}, {c.Output}, training);";

    public override string? BackwardCall(LayerContext c) => c.NeedsInputGrad ? $"{c.Layer.Member}Backward({c.OutputGrad}, {c.InputGrad});" : null;

    public override void Forward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        w.Line($"/// <summary>{Title(l)} Active only in training.</summary>");
        w.Line(LayerEmitter.Hot);
        w.Open($"private void {l.Member}Forward(global::System.ReadOnlySpan<float> x, global::System.Span<float> y, bool training)");
        w.Line($"const int N = {l.Out.Size};");
        w.Line($"const float Rate = {F(l.Rate)}, Scale = {F(1.0 / (1.0 - l.Rate))};");
        w.Open("if (!training)");
        w.Line("x.Slice(0, N).CopyTo(y);");
        w.Line("return;");
        w.Close();
        w.Line($"global::System.Span<float> mask = _{l.Name}Mask;");
        w.Open("for (int i = 0; i < N; i++)");
        w.Line("mask[i] = global::StaticNets.__Internals.Rng.NextFloat(ref _randomState) >= Rate ? Scale : 0f;");
        w.Line("y[i] = x[i] * mask[i];");
        w.Close();
        w.Close();
    }

    public override void Backward(SourceWriter w, LayerContext c)
    {
        if (!c.NeedsInputGrad) return;
        var l = c.Layer;
        w.Line($"/// <summary>{l.Name} backward: the gradient passes where the mask kept the value, scaled the same.</summary>");
        w.Line(LayerEmitter.Hot);
        w.Open($"private void {l.Member}Backward(global::System.ReadOnlySpan<float> dy, global::System.Span<float> dx)");
        w.Line($"global::System.Numerics.Tensors.TensorPrimitives.Multiply(dy, _{l.Name}Mask, dx);");
        w.Close();
    }
}
