using System.Collections.Generic;
using System.Linq;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// The segments of the batch pass, and the dense layers run over the whole batch inside them: a segment with a dense
/// layer splits into the per-replica part before it, the product over the batch (<c>DenseBatch</c> in the Runtime,
/// on BatchRunner's threads, split by rows), and the per-replica part after it (the layer's activation, if any, stays
/// per sample). The products read and write the replicas' own buffers, through arrays of them made with the replicas.
/// </summary>
internal static partial class BatchTrainingEmitter
{
    /// <summary>One step of a segment: a call on each replica, or a dense layer's product over the batch.</summary>
    private sealed class Step
    {
        public Step(string call, bool training = false)
        {
            Call = call;
            Training = training;
        }

        public Step(LayerContext dense)
        {
            Dense = dense;
            Call = "";
        }

        public string Call { get; }

        /// <summary>The call reads the <c>training</c> flag (dropout).</summary>
        public bool Training { get; }

        /// <summary>The dense layer whose product over the batch this step is, or null.</summary>
        public LayerContext? Dense { get; }
    }

    /// <summary>Whether a layer runs over the whole batch in batch training (its emitter's <see cref="LayerEmitter.RunsOverBatch"/>: dense layers).</summary>
    public static bool IsBatched(LayerContext c) => LayerEmitter.For(c.Layer.Type).RunsOverBatch;

    /// <summary>The buffer a replica's field holds for a layer's input: the replica's sample where the layer reads the network input.</summary>
    private static string Field(string buffer) => buffer == "input" ? "_sampleInput" : buffer;

    /// <summary>The field holding every replica's <paramref name="buffer"/>, sample by sample: <c>_relu4Output</c> -> <c>_replicasRelu4Output</c>.</summary>
    private static string Replicas(string buffer)
    {
        string name = Field(buffer).TrimStart('_');
        return "_replicas" + char.ToUpperInvariant(name[0]) + name.Substring(1);
    }

    /// <summary>The buffers the batched dense layers read and write, each once, in layer order.</summary>
    private static List<string> BatchedBuffers(NetworkPlan plan)
    {
        var buffers = new List<string>();
        foreach (var c in plan.Contexts.Where(IsBatched))
        {
            buffers.Add(Field(c.Input));
            buffers.Add(LayerEmitter.For(c.Layer.Type).BatchProductOutput(c));
            buffers.Add(c.OutputGrad);
            if (c.InputGrad is { } dx) buffers.Add(dx);
        }
        return buffers.Distinct().ToList();
    }

    /// <summary>
    /// The gradient spans the replicas write, as <c>[start, end)</c> pairs: all but the batched dense layers', which the
    /// batch's product adds into this instance's gradients directly. Null where no layer is batched (all of them).
    /// </summary>
    private static int[]? ReplicaSpans(NetworkShape shape, NetworkPlan plan)
    {
        var dense = plan.Contexts.Where(IsBatched).Select(c => c.Layer).Where(l => l.ParameterCount > 0).OrderBy(l => l.ParameterOffset).ToList();
        if (dense.Count == 0) return null;
        var spans = new List<int>();
        int at = 0;
        foreach (var l in dense)
        {
            if (l.ParameterOffset > at) spans.AddRange(new[] { at, l.ParameterOffset });
            at = l.ParameterOffset + l.ParameterCount;
        }
        if (at < shape.ParameterCount) spans.AddRange(new[] { at, shape.ParameterCount });
        return spans.ToArray();
    }

    /// <summary>The fields of the replicas' buffers the batched dense layers use, and the spans of the replicas' gradients.</summary>
    private static void EmitBatchedFields(SourceWriter w, NetworkShape shape, NetworkPlan plan)
    {
        foreach (string buffer in BatchedBuffers(plan))
        {
            w.Line($"private float[][]? {Replicas(buffer)}; // batch training: replica s's {buffer} at s, for the dense layers' products over the batch");
        }
        if (ReplicaSpans(shape, plan) is { } spans)
        {
            w.Line("/// <summary>The gradients the replicas write ([start, end) pairs): not the dense layers', added over the batch directly.</summary>");
            var values = spans.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
            string line = $"private static readonly int[] ReplicaGradientSpans = {{ {string.Join(", ", values)} }};";
            if (line.Length + 8 <= LayerEmitter.MaxLine)
            {
                w.Line(line);
            }
            else
            {
                w.Line("private static readonly int[] ReplicaGradientSpans =");
                w.Line("{");
                for (int i = 0; i < values.Count; i += 8) w.Line("    " + string.Join(", ", values.Skip(i).Take(8)) + ",");
                w.Line("};");
            }
        }
        w.Line();
    }

    /// <summary>
    /// Writes a segment's per-replica parts as methods: <paramref name="name"/> up to its first dense layer,
    /// <c>{name}After{Dense}</c> after each, and returns what <c>BatchCore</c> runs for it, in order. <paramref name="last"/>: the parts
    /// end with the sample's loss.
    /// </summary>
    private static List<string> EmitParts(SourceWriter w, string n, string name, string summary, List<Step> steps, bool last, NetworkShape shape, NetworkPlan plan)
    {
        var runs = new List<List<Step>> { new() };
        foreach (var step in steps)
        {
            if (step.Dense is null)
            {
                runs[runs.Count - 1].Add(step);
                continue;
            }
            runs.Add(new List<Step> { step });
            runs.Add(new List<Step>());
        }
        var parts = runs.Where((r, j) => r.Count > 0 && r[0].Dense is null || last && j == runs.Count - 1).ToList();
        var core = new List<string>();
        for (int j = 0; j < runs.Count; j++)
        {
            var run = runs[j];
            if (run.Count > 0 && run[0].Dense is { } dense)
            {
                core.AddRange(name.StartsWith("Forward", System.StringComparison.Ordinal) ? ForwardProduct(dense) : BackwardProduct(dense));
                continue;
            }
            if (!parts.Contains(run)) continue;
            var before = j + 1 < runs.Count ? runs[j + 1][0].Dense : null;
            var after = j > 0 ? runs[j - 1][0].Dense : null;
            string method = after is null ? name : $"{name}After{after.Layer.Member}";
            string where = after is not null ? $"; the part after {after.Layer.Name}'s product over the batch"
                : before is not null ? $"; the part before {before.Layer.Name}'s product over the batch"
                : "";
            w.Line($"/// <summary>{summary}{where}.</summary>");
            w.Line(LayerEmitter.HotQualified);
            w.Open($"private void {method}({n} owner)");
            if (run.Any(s => ReadsInput(s.Call))) w.Line($"{Rs} input = _sampleInput;");
            if (run.Any(s => s.Training)) w.Line("const bool training = true;");
            foreach (var step in run) w.Line(step.Call);
            if (last && j == runs.Count - 1) Loss(w, shape, plan);
            w.Close();
            w.Line();
            core.Add($"{Runner}.For(count, this, static (net, s) => net._replicas![s].{method}(net));");
        }
        return core;
    }

    /// <summary>What BatchCore runs for a dense layer's forward over the batch.</summary>
    private static IEnumerable<string> ForwardProduct(LayerContext c)
    {
        yield return $"// {c.Layer.Name} ({Sizes(c)}): its product over the batch, the replicas' inputs and outputs, split by rows on the threads.";
        yield return LayerEmitter.For(c.Layer.Type).BatchForwardCall(c, Replicas(c.Input) + "!", Replicas(LayerEmitter.For(c.Layer.Type).BatchProductOutput(c)) + "!");
    }

    /// <summary>What BatchCore runs for a dense layer's backward over the batch.</summary>
    private static IEnumerable<string> BackwardProduct(LayerContext c)
    {
        yield return $"// {c.Layer.Name} ({Sizes(c)}): its gradients over the batch, summed in sample order into Gradients; dx by columns.";
        string? dx = c.InputGrad is { } g ? Replicas(g) + "!" : null;
        yield return LayerEmitter.For(c.Layer.Type).BatchBackwardCall(c, Replicas(c.Input) + "!", Replicas(c.OutputGrad) + "!", dx);
    }

    /// <summary>What the product's numbers are: the weights' and biases' offsets, the units and the inputs.</summary>
    private static string Sizes(LayerContext c) => c.Layer.HasBias
        ? "weights at, biases at, units, inputs"
        : "weights at, no biases, units, inputs";

    /// <summary>The forward steps of a layer in a segment.</summary>
    private static IEnumerable<Step> ForwardSteps(LayerContext c)
    {
        var emitter = LayerEmitter.For(c.Layer.Type);
        if (!IsBatched(c))
        {
            bool shared = emitter is Conv2DEmitter && Conv2DEmitter.SharesWeights(c);
            yield return new Step(shared ? Conv2DEmitter.SharedForwardCall(c) : emitter.ForwardCall(c), emitter.ReadsTraining);
            yield break;
        }
        yield return new Step(c);
        if (LayerEmitter.For(c.Layer.Type).BatchActivates(c)) yield return new Step($"{c.Layer.Member}Activation();");
    }

    /// <summary>The backward steps of a layer in a segment (none where it needs no backward).</summary>
    private static IEnumerable<Step> BackwardSteps(LayerContext c)
    {
        if (!IsBatched(c))
        {
            if (BackwardOf(c) is { } call) yield return new Step(call);
            yield break;
        }
        if (LayerEmitter.For(c.Layer.Type).BatchActivatesBackward(c)) yield return new Step($"{c.Layer.Member}ActivationBackward();");
        yield return new Step(c);
    }
}
