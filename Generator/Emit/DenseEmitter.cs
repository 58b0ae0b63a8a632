using System.Collections.Generic;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// Dense: <c>z[u] = b[u] + dot(W[u], x)</c> with W laid out <c>[units][inputs]</c>, four rows at a time
/// (<c>DenseKernels</c> in the Runtime). Backward: <c>dW[u] += dz[u] * x</c>, <c>db[u] += dz[u]</c>, <c>dx = sum over u of dz[u] * W[u]</c>.
/// </summary>
internal sealed class DenseEmitter : LayerEmitter
{
    private const string K = "global::StaticNets.__Internals.DenseKernels";

    public override IEnumerable<(string Name, string Length, string Type)> Buffers(LayerContext c)
    {
        if (KeepsLinear(c.Layer.Activation)) yield return ("_" + c.Layer.Name + "Linear", I(c.Layer.Out.Size), "float");
    }

    private static void Constants(SourceWriter w, LayerShape l)
    {
        w.Line($"const int N = {l.In.Size}, U = {l.Units};");
        w.Line($"const int WeightOffset = {l.ParameterOffset}, BiasOffset = {l.ParameterOffset + l.WeightCount};");
    }

    public override void Forward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        w.Line($"/// <summary>{Title(l)}</summary>");
        w.Line(LayerEmitter.Hot);
        w.Open($"private void {l.Member}Forward(global::System.ReadOnlySpan<float> x, global::System.Span<float> y)");
        Constants(w, l);
        bool linear = KeepsLinear(l.Activation);
        if (linear) w.Line($"global::System.Span<float> z = _{l.Name}Linear;");
        string z = linear ? "z" : "y";
        w.Line($"{K}.Forward(new global::System.ReadOnlySpan<float>(_parameters, WeightOffset, U * N), new global::System.ReadOnlySpan<float>(_parameters, BiasOffset, U), x.Slice(0, N), {z}.Slice(0, U));");
        InlineActivationForward(w, l);
        w.Close();
    }

    /// <summary>The layer over a tile of samples stored back to back (inference): each weight row is read once per tile.</summary>
    public static void ForwardTile(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        w.Line($"/// <summary>{l.Name} over <paramref name=\"count\"/> samples back to back, with the same bits as {l.Member}Forward's.</summary>");
        w.Line(LayerEmitter.Hot);
        w.Open($"private void {l.Member}ForwardTile(global::System.ReadOnlySpan<float> x, global::System.Span<float> y, int count)");
        Constants(w, l);
        w.Line($"{K}.ForwardBatch(new global::System.ReadOnlySpan<float>(_parameters, WeightOffset, U * N), new global::System.ReadOnlySpan<float>(_parameters, BiasOffset, U), x.Slice(0, count * N), y.Slice(0, count * U), count);");
        if (l.Activation == ActivationKind.Softmax)
        {
            w.Open("for (int b = 0; b < count; b++)");
            w.Line("global::System.Span<float> v = y.Slice(b * U, U);");
            ActivationForward(w, l.Activation, l.Alpha, "v", "v");
            w.Close();
        }
        else if (l.Activation != ActivationKind.None)
        {
            w.Line("global::System.Span<float> v = y.Slice(0, count * U);");
            ActivationForward(w, l.Activation, l.Alpha, "v", "v");
        }
        w.Close();
    }

    public override void Backward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        w.Line($"/// <summary>{l.Name} backward: adds into its weight and bias gradients{(c.NeedsInputGrad ? "; writes dx" : "")}.</summary>");
        string dxParam = c.NeedsInputGrad ? ", global::System.Span<float> dx" : "";
        w.Line(LayerEmitter.Hot);
        w.Open($"private void {l.Member}Backward(global::System.ReadOnlySpan<float> x, global::System.ReadOnlySpan<float> dy{dxParam})");
        Constants(w, l);
        InlineActivationBackward(w, c);
        string dx = c.NeedsInputGrad ? "dx.Slice(0, N)" : "default";
        w.Line($"{K}.Backward(new global::System.ReadOnlySpan<float>(_parameters, WeightOffset, U * N), x.Slice(0, N), dz.Slice(0, U), new global::System.Span<float>(_gradients, WeightOffset, U * N), new global::System.Span<float>(_gradients, BiasOffset, U), {dx});");
        w.Close();
    }
}
