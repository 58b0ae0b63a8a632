using System.Linq;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// Inference over a batch: <c>ForwardBatch</c> and <c>PredictBatch</c>, and <c>ForwardTile</c>, which runs the layers
/// before the dense tail one sample at a time and the tail over a tile of samples at once (each weight read once per tile).
/// </summary>
internal static class BatchEmitter
{
    private const string Rs = "global::System.ReadOnlySpan<float>";
    private const string Sp = "global::System.Span<float>";
    private const string IndexOfMax = "global::System.Numerics.Tensors.TensorPrimitives.IndexOfMax";

    public static void EmitBatchMembers(SourceWriter w, NetworkSpec spec, NetworkPlan plan, string inputShape)
    {
        string n = spec.ClassName;
        string guard = RuntimeNames.Kernel("Guard");
        bool tiled = plan.TailStart >= 0;
        string tileOut = tiled ? plan.Tiles[plan.Contexts.Count - 1].Out : "";
        foreach (bool predict in new[] { false, true })
        {
            w.Line("/// <summary>");
            if (!predict)
            {
                w.Line("/// Inference over a batch: <paramref name=\"inputs\"/> holds samples back to back, <see cref=\"InputSize\"/> values each;");
                w.Line("/// <paramref name=\"outputs\"/> gets their outputs, <see cref=\"OutputSize\"/> each, with the same bits as");
                w.Line("/// <see cref=\"Forward\"/>'s. Allocates nothing.");
                w.Line("/// </summary>");
                w.Line("/// <exception cref=\"global::System.ArgumentException\">");
                w.Line("/// The inputs are not whole samples, or the outputs do not have one output per sample.");
            }
            else
            {
                w.Line("/// <see cref=\"Predict\"/> over a batch: <paramref name=\"inputs\"/> as for <see cref=\"ForwardBatch\"/>, one prediction");
                w.Line("/// per sample. Allocates nothing.");
                w.Line("/// </summary>");
                w.Line("/// <exception cref=\"global::System.ArgumentException\">");
                w.Line("/// The inputs are not whole samples, or there is not one prediction per sample.");
            }
            w.Line("/// </exception>");
            w.Line(PublicMembers.GeneratedCode);
            w.Open(PublicMembers.Declaration(n, predict ? PublicMember.PredictBatch : PublicMember.ForwardBatch));
            w.Line($"int count = {guard}.Batch(inputs.Length, InputSize, NetworkName, \"{inputShape}\", nameof(inputs));");
            w.Line(!predict
                ? $"{guard}.BatchLength(outputs.Length, count, OutputSize, NetworkName, \"outputs\", nameof(outputs));"
                : $"{guard}.BatchLength(predictions.Length, count, 1, NetworkName, \"prediction\", nameof(predictions));");
            w.Line("Enter();");
            w.Open("try");
            if (tiled)
            {
                w.Open("for (int s = 0; s < count; s += BatchTile)");
                w.Line("int m = global::System.Math.Min(BatchTile, count - s);");
                w.Line("ForwardTile(inputs.Slice(s * InputSize, m * InputSize), m);");
                if (!predict)
                {
                    w.Line($"new {Rs}({tileOut}, 0, m * OutputSize).CopyTo(outputs.Slice(s * OutputSize));");
                }
                else
                {
                    w.Open("for (int b = 0; b < m; b++)");
                    w.Line($"{Rs} output = new {Rs}({tileOut}, b * OutputSize, OutputSize);");
                    w.Line($"predictions[s + b] = {IndexOfMax}(output);");
                    w.Close();
                }
                w.Close();
            }
            else
            {
                w.Open("for (int s = 0; s < count; s++)");
                w.Line("ForwardCore(inputs.Slice(s * InputSize, InputSize), training: false);");
                // The output in a local first, so that a long layer name keeps the line short.
                w.Line($"{Rs} output = (({Rs}){plan.Output}).Slice(0, OutputSize);");
                w.Line(!predict ? "output.CopyTo(outputs.Slice(s * OutputSize));" : $"predictions[s] = {IndexOfMax}(output);");
                w.Close();
            }
            w.Close();
            w.Line("finally { global::System.Threading.Volatile.Write(ref _busy, 0); }");
            w.Close();
            w.Line();
        }
    }

    /// <summary><c>ForwardTile</c>: the layers before the tail one sample at a time, then the tail over the whole tile.</summary>
    public static void EmitForwardTile(SourceWriter w, NetworkPlan plan)
    {
        var contexts = plan.Contexts;
        var first = contexts[plan.TailStart];
        w.Line("/// <summary>Inference over at most BatchTile samples; the tail's output is left in its tile buffer.</summary>");
        w.Line(LayerEmitter.HotQualified);
        w.Open($"private void ForwardTile({Rs} inputs, int count)");
        if (contexts.Any(c => LayerEmitter.For(c.Layer.Type).ReadsTraining)) w.Line("const bool training = false;");
        if (first.Input != "input")
        {
            int n = first.Layer.In.Size;
            w.Line($"// The layers before {first.Layer.Name}, one sample at a time; each sample's {first.Layer.Name} input is gathered into the tile.");
            w.Open("for (int b = 0; b < count; b++)");
            w.Line($"{Rs} input = inputs.Slice(b * InputSize, InputSize);");
            foreach (string call in FusedChain.InferenceCalls(plan, 0, plan.TailStart)) w.Line(call);
            w.Line($"{Sp} tile = new {Sp}({plan.Tiles[plan.TailStart].In}, b * {n}, {n});");
            w.Line($"(({Rs}){first.Input}).Slice(0, {n}).CopyTo(tile);");
            w.Close();
        }
        w.Line($"// {first.Layer.Name} to the end over the whole tile.");
        for (int i = plan.TailStart; i < contexts.Count; i++)
        {
            var c = contexts[i];
            var l = c.Layer;
            var (x, y) = plan.Tiles[i];
            var emitter = LayerEmitter.For(l.Type);
            if (!emitter.HasOutput)
            {
                w.Line($"// {l.Name}: {l.In} -> {l.Out}, no copy");
            }
            else if (emitter.HasTileForward)
            {
                w.Line(emitter.TileCall(c, x, y));
            }
            else
            {
                w.Open("for (int b = 0; b < count; b++)");
                w.Line(x == "inputs"
                    ? $"{Rs} x = inputs.Slice(b * {l.In.Size}, {l.In.Size});"
                    : $"{Rs} x = new {Rs}({x}, b * {l.In.Size}, {l.In.Size});");
                w.Line($"{Sp} y = new {Sp}({y}, b * {l.Out.Size}, {l.Out.Size});");
                w.Line(emitter.ForwardCall(c.Over("x", "y")));
                w.Close();
            }
        }
        w.Close();
    }
}
