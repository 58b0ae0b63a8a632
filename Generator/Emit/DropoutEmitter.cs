using System.Collections.Generic;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// Dropout (inverted): in training each value is kept with probability <c>1 - rate</c> and scaled by
/// <c>1/(1 - rate)</c>, the mask kept for the backward pass; in inference it is a copy.
/// </summary>
internal sealed class DropoutEmitter : LayerEmitter
{
    private static string Mask(LayerShape l) => "_" + l.Name + "Mask";

    public override IEnumerable<(string Name, string Length, string Type)> Buffers(LayerContext c)
    {
        yield return (Mask(c.Layer), I(c.Layer.Out.Size), "float");
    }

    public override string BufferComment(LayerContext c, string name, int length) =>
        $"{c.Layer.Name} mask {Dims(c.Layer.Out)}: 0 or the scale";

    public override bool ReadsTraining => true;

    public override string ForwardCall(LayerContext c) =>
        Call(c, "Forward", c.Input, c.Output, "training", Mask(c.Layer), "ref _randomState");

    public override string? BackwardCall(LayerContext c) => c.NeedsInputGrad ? Call(c, "Backward", c.OutputGrad, Mask(c.Layer), c.InputGrad) : null;

    public override void Forward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        w.Line($"/// <summary>{Title(l)} Active only in training.</summary>");
        w.Line($"/// <param name=\"x\">The input {Dims(l.In)}.</param>");
        w.Line($"/// <param name=\"y\">The output {Dims(l.Out)}.</param>");
        w.Line("/// <param name=\"training\">False in inference: y is a copy of x.</param>");
        w.Line($"/// <param name=\"mask\">Written in training: 0 where a value is dropped, else the scale {Dims(l.Out)}.</param>");
        w.Line("/// <param name=\"randomState\">The network's generator the mask is drawn from.</param>");
        OpenMethod(w, l.Member + "Forward", "ReadOnlySpan<float> x", "Span<float> y", "bool training", "Span<float> mask", "ref ulong randomState");
        w.Line($"const int N = {I(l.Out.Size)};");
        w.Line($"const float Rate = {F(l.Rate)};");
        w.Line($"const float Scale = {F(1.0 / (1.0 - l.Rate))};");
        w.Open("if (!training)");
        w.Line("x.Slice(0, N).CopyTo(y);");
        w.Line("return;");
        w.Close();
        w.Open("for (int i = 0; i < N; i++)");
        w.Line("mask[i] = Rng.NextFloat(ref randomState) >= Rate ? Scale : 0f;");
        w.Line("y[i] = x[i] * mask[i];");
        w.Close();
        w.Close();
    }

    public override void Backward(SourceWriter w, LayerContext c)
    {
        if (!c.NeedsInputGrad) return;
        var l = c.Layer;
        w.Line($"/// <summary>{l.Name} backward: the gradient passes where the mask kept the value, scaled the same{InputGradNote(c)}.</summary>");
        w.Line($"/// <param name=\"dy\">The gradient of the output {Dims(l.Out)}.</param>");
        w.Line($"/// <param name=\"mask\">The forward pass's mask {Dims(l.Out)}.</param>");
        w.Line($"/// <param name=\"dx\">The gradient of the input {Dims(l.In)}.</param>");
        OpenMethod(w, l.Member + "Backward", "ReadOnlySpan<float> dy", "ReadOnlySpan<float> mask", "Span<float> dx");
        w.Line(c.AddsInputGrad ? "TensorPrimitives.MultiplyAdd(dy, mask, dx, dx);" : "TensorPrimitives.Multiply(dy, mask, dx);");
        w.Close();
    }
}
