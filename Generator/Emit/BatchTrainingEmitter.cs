using System.Collections.Generic;
using System.Linq;
using StaticNets.Generator.Model;
using static StaticNets.Generator.Emit.Text;

namespace StaticNets.Generator.Emit;

/// <summary>
/// Training with batch statistics, for a network with BatchNorm. Each sample of a batch runs on a replica of its own
/// (replica 0 is the network itself; the others share its parameters and statistics and have their own buffers and
/// gradients, created on first use and kept for the largest batch seen). The layers are cut into segments at each
/// BatchNorm, and <c>ForwardCore</c>'s and <c>BackwardCore</c>'s calls into per-segment methods (the same calls, in
/// the same order). Each replica ends a segment with its sample's part of the next BatchNorm's reduction (forward, its
/// moments; backward, its sums of dy and dy·x̂); between two segments the network combines them in sample order:
/// forward, the batch mean and variance (and the running statistics, once); backward, the sums (and γ's and β's
/// gradients, once). Each segment runs through <c>BatchRunner</c>, on one thread or several; every sum across
/// samples is taken in sample order, so the result has the same bits for any thread count. A dense layer runs over the
/// whole batch between a segment's per-replica parts (<c>BatchTrainingEmitter.Segments.cs</c>), its gradients added into
/// <c>Gradients</c> directly. Finally the replicas' gradients (the other layers') are added into <c>Gradients</c> in
/// sample order.
/// </summary>
internal static partial class BatchTrainingEmitter
{
    private const string Rs = "global::System.ReadOnlySpan<float>";
    private static readonly string Guard = RuntimeNames.Kernel("Guard");
    private static readonly string Runner = RuntimeNames.Kernel("BatchRunner");
    private const string Release = "finally { global::System.Threading.Volatile.Write(ref _busy, 0); }";

    /// <summary>The fields of a network with batch training beyond its buffers.</summary>
    public static void EmitFields(SourceWriter w, string n)
    {
        w.Line("private readonly float[] _statistics; // BatchNorm running means then variances, shared with the replicas");
        w.Line($"private {n}[]? _replicas; // batch training: sample s runs on replica s (0 is this instance)");
        w.Line("private float[][]? _replicaGradients; // batch training: the replicas' gradients, zero between passes");
        w.Line("private bool _replicaGradientsDirty; // batch training: a pass started and did not sum and clear them");
        w.Line("private int _sampleLabel; // batch training: this replica's sample's label");
        w.Line("private bool _batchLabels; // batch training: the samples come with labels (else targets)");
        w.Line("private float _sampleLoss; // batch training: this replica's sample's loss");
    }

    /// <summary><c>ComputeGradients</c> of a network with BatchNorm: a batch of one sample.</summary>
    public static void EmitComputeGradients(SourceWriter w, string n, NetworkShape shape, string inputShape, bool label)
    {
        w.Line("/// <summary>");
        w.Line($"/// Training-mode forward and backward pass of one sample with {(label ? "a class label" : "a target vector")}, as a batch of one");
        w.Line("/// (BatchNorm normalises with this sample's statistics and updates its running ones): adds its gradient into");
        w.Line("/// <see cref=\"Gradients\"/> and returns its loss.");
        w.Line("/// </summary>");
        w.Line(PublicMembers.GeneratedCode);
        w.Open(PublicMembers.Declaration(n, label ? PublicMember.ComputeGradientsWithLabel : PublicMember.ComputeGradientsWithTarget));
        w.Line($"{Guard}.Length(input.Length, InputSize, NetworkName, \"{inputShape}\", nameof(input));");
        w.Line(label
            ? $"{Guard}.Label(label, OutputSize, NetworkName);"
            : $"{Guard}.Length(target.Length, OutputSize, NetworkName, \"{shape.OutputSize}\", nameof(target));");
        w.Line("Enter();");
        w.Open("try");
        w.Line("EnsureReplicas(1);");
        w.Line("input.CopyTo(_sampleInput);");
        w.Line(label ? "_sampleLabel = label;" : "target.CopyTo(_sampleTarget);");
        w.Line($"_batchLabels = {(label ? "true" : "false")};");
        w.Line("return BatchCore(1);");
        w.Close();
        w.Line(Release);
        w.Close();
        w.Line();
    }

    /// <summary>
    /// The four <c>ComputeBatchGradients</c>, with and without the samples' outputs, over one private body per kind of
    /// truth: per sample for a network without BatchNorm, else the batch pass.
    /// </summary>
    public static void EmitComputeBatchGradients(SourceWriter w, string n, NetworkShape shape, NetworkPlan plan, string inputShape)
    {
        const string Sp = "global::System.Span<float>";
        foreach (bool label in new[] { true, false })
        {
            string truth = label ? "labels" : "targets";
            string truthType = label ? "global::System.ReadOnlySpan<int>" : Rs;
            w.Line("/// <summary>");
            w.Line($"/// Training-mode forward and backward pass of the samples in <paramref name=\"inputs\"/> (back to back) with their {(label ? "class labels" : "target vectors")}:");
            w.Line(plan.BatchTraining
                ? "/// BatchNorm normalises with the batch's statistics and updates its running ones once. Adds the gradient of the summed"
                : "/// one <c>ComputeGradients</c> per sample, in order (the network has no BatchNorm). Adds the gradient of the summed");
            w.Line("/// loss into <see cref=\"Gradients\"/> and returns the summed loss.");
            w.Line("/// </summary>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">The inputs are not whole samples, or there is not one label or target per sample.</exception>");
            w.Line(PublicMembers.GeneratedCode);
            w.Open(PublicMembers.Declaration(n, label ? PublicMember.ComputeBatchGradientsWithLabels : PublicMember.ComputeBatchGradientsWithTargets));
            w.Line($"return BatchGradients(inputs, {truth}, default);");
            w.Close();
            w.Line();
            w.Line("/// <summary>");
            w.Line($"/// The same as <c>ComputeBatchGradients(inputs, {truth})</c>, and <paramref name=\"outputs\"/> receives each sample's");
            w.Line("/// training-mode output, <c>OutputSize</c> each, in the order of the samples.");
            w.Line("/// </summary>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">The inputs are not whole samples, or there is not one label or target or output per sample.</exception>");
            w.Line(PublicMembers.GeneratedCode);
            w.Open(PublicMembers.Declaration(n, label ? PublicMember.ComputeBatchGradientsWithLabelsAndOutputs : PublicMember.ComputeBatchGradientsWithTargetsAndOutputs));
            w.Line($"int count = {Guard}.Batch(inputs.Length, InputSize, NetworkName, \"{inputShape}\", nameof(inputs));");
            w.Line($"{Guard}.BatchLength(outputs.Length, count, OutputSize, NetworkName, \"output\", nameof(outputs));");
            w.Line($"return BatchGradients(inputs, {truth}, outputs);");
            w.Close();
            w.Line();
            w.Line($"/// <summary>Both <c>ComputeBatchGradients</c> with {(label ? "labels" : "targets")}: <paramref name=\"outputs\"/> is empty where the caller wants none.</summary>");
            w.Open($"private float BatchGradients({Rs} inputs, {truthType} {truth}, {Sp} outputs)");
            w.Line($"int count = {Guard}.Batch(inputs.Length, InputSize, NetworkName, \"{inputShape}\", nameof(inputs));");
            w.Line(label
                ? $"{Guard}.BatchLength(labels.Length, count, 1, NetworkName, \"label\", nameof(labels));"
                : $"{Guard}.BatchLength(targets.Length, count, OutputSize, NetworkName, \"target\", nameof(targets));");
            if (!plan.BatchTraining)
            {
                w.Line("float loss = 0f;");
                w.Open("for (int s = 0; s < count; s++)");
                w.Line(label
                    ? "loss += ComputeGradients(inputs.Slice(s * InputSize, InputSize), labels[s]);"
                    : "loss += ComputeGradients(inputs.Slice(s * InputSize, InputSize), targets.Slice(s * OutputSize, OutputSize));");
                w.Open("if (!outputs.IsEmpty)");
                w.Line("Output.CopyTo(outputs.Slice(s * OutputSize, OutputSize));");
                w.Close();
                w.Close();
                w.Line("return loss;");
                w.Close();
                w.Line();
                continue;
            }
            if (label)
            {
                w.Open("for (int s = 0; s < count; s++)");
                w.Line($"{Guard}.Label(labels[s], OutputSize, NetworkName);");
                w.Close();
            }
            w.Open("if (count == 0)");
            w.Line("return 0f;");
            w.Close();
            w.Line("Enter();");
            w.Open("try");
            w.Line("EnsureReplicas(count);");
            w.Open("for (int s = 0; s < count; s++)");
            w.Line($"{n} replica = _replicas![s];");
            w.Line("inputs.Slice(s * InputSize, InputSize).CopyTo(replica._sampleInput);");
            w.Line(label ? "replica._sampleLabel = labels[s];" : "targets.Slice(s * OutputSize, OutputSize).CopyTo(replica._sampleTarget);");
            w.Close();
            w.Line($"_batchLabels = {(label ? "true" : "false")};");
            w.Line("float loss = BatchCore(count);");
            w.Open("if (!outputs.IsEmpty)");
            w.Open("for (int s = 0; s < count; s++)");
            w.Line("_replicas![s].Output.CopyTo(outputs.Slice(s * OutputSize, OutputSize));");
            w.Close();
            w.Close();
            w.Line("return loss;");
            w.Close();
            w.Line(Release);
            w.Close();
            w.Line();
        }
    }

    /// <summary>The replicas, the segments and the batch pass that drives them.</summary>
    public static void EmitBatchPass(SourceWriter w, string n, NetworkShape shape, NetworkPlan plan)
    {
        w.Line("// ---- Training with batch statistics: one replica per sample, the layers cut into segments at each BatchNorm ----");
        w.Line();
        EmitBatchedFields(w, shape, plan);
        w.Line("/// <summary>Makes sure there are replicas for <paramref name=\"count\"/> samples: this instance first, then ones sharing its parameters.</summary>");
        w.Open("private void EnsureReplicas(int count)");
        w.Open("if (_replicas is not null && _replicas.Length >= count)");
        w.Line("return;");
        w.Close();
        w.Line($"{n}[] replicas = new {n}[count];");
        w.Line("replicas[0] = this;");
        w.Open("for (int s = 1; s < count; s++)");
        w.Line("bool kept = _replicas is not null && s < _replicas.Length;");
        w.Line($"replicas[s] = kept ? _replicas![s] : new {n}(_parameters, _statistics);");
        w.Close();
        w.Line("_replicas = replicas;");
        w.Line("_replicaGradients = new float[count][];");
        var buffers = BatchedBuffers(plan);
        foreach (string buffer in buffers) w.Line($"{Replicas(buffer)} = new float[count][];");
        w.Open("for (int s = 0; s < count; s++)");
        w.Line("_replicaGradients[s] = replicas[s]._gradients;");
        foreach (string buffer in buffers) w.Line($"{Replicas(buffer)}[s] = replicas[s].{buffer};");
        w.Close();
        w.Close();
        w.Line();
        foreach (var c in plan.Contexts.Where(c => IsBatched(c) && LayerEmitter.For(c.Layer.Type).BatchActivates(c))) LayerEmitter.For(c.Layer.Type).BatchActivation(w, c);

        var bns = plan.BatchNorms;
        var contexts = plan.Contexts;
        int segments = bns.Count + 1;
        var onMain = new HashSet<int>(); // the BatchNorms whose sample moments (b) or gradient sums (-1 - b) the main thread takes
        var forward = new List<string>[segments];
        for (int k = 0; k < segments; k++)
        {
            forward[k] = new List<string>();
            int from = k == 0 ? 0 : bns[k - 1] + 1;
            int to = k < bns.Count ? bns[k] : contexts.Count;
            var steps = new List<Step>();
            if (k > 0) steps.AddRange(After(contexts[bns[k - 1]]).Select(call => new Step(call)));
            for (int i = from; i < to; i++)
            {
                if (!Fused(plan, i)) steps.AddRange(ForwardSteps(contexts[i]));
            }
            if (k < bns.Count) steps.AddRange(Before(contexts[bns[k]]).Select(call => new Step(call)));
            if (k < bns.Count && EndsWithProduct(steps)) onMain.Add(bns[k]);
            else if (k < bns.Count) steps.Add(new Step(BatchNormEmitter.MomentsCall(NormAt(contexts[bns[k]]))));
            if (steps.Count == 0 && k < segments - 1) continue; // nothing before the first BatchNorm
            string what = k == 0 ? $"up to {NormAt(contexts[bns[0]]).Layer.Name}" : $"{NormAt(contexts[bns[k - 1]]).Layer.Name} (normalised with the batch's statistics)"
                + (k < bns.Count ? $" up to {NormAt(contexts[bns[k]]).Layer.Name}" : " to the end, and the sample's loss");
            forward[k] = EmitParts(w, n, $"ForwardSegment{k}", $"Forward segment {k} of this replica's sample: {what}", steps, k == segments - 1, shape, plan);
        }
        var backward = new List<string>[segments];
        for (int k = segments - 1; k >= 0; k--)
        {
            int low = k == 0 ? 0 : bns[k - 1] + 1;
            int high = k < bns.Count ? bns[k] - 1 : contexts.Count - 1;
            var steps = new List<Step>();
            if (k < bns.Count && BackwardOf(contexts[bns[k]]) is { } bn) steps.Add(new Step(bn));
            for (int i = high; i >= low; i--)
            {
                if (!Fused(plan, i)) steps.AddRange(BackwardSteps(contexts[i]));
            }
            if (k > 0 && EndsWithProduct(steps)) onMain.Add(-1 - bns[k - 1]);
            else if (k > 0) steps.Add(new Step(BatchNormEmitter.GradientSumsCall(NormAt(contexts[bns[k - 1]]))));
            backward[k] = steps.Count == 0
                ? new List<string>()
                : EmitParts(w, n, $"BackwardSegment{k}", $"Backward segment {k} of this replica's sample, adding into its gradients", steps, false, shape, plan);
        }
        EmitBatchCore(w, n, shape, plan, forward, backward, onMain);
    }

    /// <summary>
    /// The ReLU or ReLU6 that BatchNorm <paramref name="b"/> takes into its training normalisation and backward, or null: it
    /// directly follows a BatchNorm of channels of more than one value, is the only reader of its output, and writes its
    /// input gradient first.
    /// </summary>
    public static LayerContext? FusedActivation(List<LayerContext> contexts, int b)
    {
        var bn = contexts[b];
        if (bn.Layer.Type != LayerType.BatchNorm || bn.Layer.Out.Flat || bn.Layer.Out.H * bn.Layer.Out.W < 2 || b + 1 >= contexts.Count) return null;
        var a = contexts[b + 1];
        if (a.Layer.Type is not (LayerType.ReLU or LayerType.ReLU6) || a.Input != bn.Output || a.AddsInputGrad || a.InputGrad != bn.OutputGrad) return null;
        if (!a.NeedsInputGrad || a.FusedSoftmax) return null;
        for (int j = 0; j < contexts.Count; j++)
        {
            if (j != b + 1 && j != b && (contexts[j].Input == bn.Output || contexts[j].Skip == bn.Output)) return null;
        }
        return a;
    }

    /// <summary>Whether a layer is an activation its BatchNorm runs in batch training.</summary>
    private static bool Fused(NetworkPlan plan, int i) => i > 0 && plan.Contexts[i - 1].BatchActivation == plan.Contexts[i];

    /// <summary>
    /// Whether a segment ends with a dense layer's product over the batch: then the next BatchNorm's per-sample part runs
    /// on the main thread (a flat BatchNorm, one value per feature), not as a part of its own on the replicas.
    /// </summary>
    private static bool EndsWithProduct(List<Step> steps) => steps.Count > 0 && steps[steps.Count - 1].Dense is not null;

    /// <summary>The BatchNorm a cut normalises with: the layer itself, or an [Add]'s ConvBatchNorm projection's.</summary>
    private static LayerContext NormAt(LayerContext c) => AddEmitter.Normalizes(c.Layer) ? AddEmitter.NormContext(c) : c;

    /// <summary>The calls that end the segment before a cut: an [Add]'s projection convolution, whose output the batch normalises.</summary>
    private static IEnumerable<string> Before(LayerContext c) =>
        AddEmitter.Normalizes(c.Layer) ? new[] { AddEmitter.ConvCall(c) } : System.Array.Empty<string>();

    /// <summary>The calls that start the segment after a cut: the normalisation with the batch's statistics (and an [Add]'s sum).</summary>
    private static IEnumerable<string> After(LayerContext c) => AddEmitter.Normalizes(c.Layer)
        ? new[] { BatchNormEmitter.NormalizeCall(AddEmitter.NormContext(c)), AddEmitter.SumCall(c) }
        : new[] { BatchNormEmitter.NormalizeCall(c) };

    /// <summary>Whether a call passes the network input (the replica's sample).</summary>
    private static bool ReadsInput(string call) => System.Text.RegularExpressions.Regex.IsMatch(call, @"(?<![\w.])input(?!\w)");

    /// <summary>A layer's backward call as <c>BackwardCore</c> would make it, or null.</summary>
    private static string? BackwardOf(LayerContext c) => c.HasParametersUpToHere ? LayerEmitter.For(c.Layer.Type).BackwardCall(c) : null;

    /// <summary>The sample's loss, into <c>_sampleLoss</c>, its gradient into the buffer the backward starts from.</summary>
    private static void Loss(SourceWriter w, NetworkShape shape, NetworkPlan plan)
    {
        string losses = RuntimeNames.Kernel("Losses");
        w.Line($"{Rs} output = (({Rs}){plan.Output}).Slice(0, OutputSize);");
        bool ce = shape.Loss == LossKind.CrossEntropy;
        if (ce) w.Line($"{Rs} logits = (({Rs}){plan.Logits}).Slice(0, OutputSize);");
        string head = ce ? $"{losses}.CrossEntropy(logits, output, " : $"{losses}.MeanSquaredError(output, ";
        w.Open("if (owner._batchLabels)");
        w.Line($"_sampleLoss = {head}_sampleLabel, {plan.LossGrad});");
        w.Close();
        w.Open("else");
        w.Line($"_sampleLoss = {head}_sampleTarget, {plan.LossGrad});");
        w.Close();
    }

    private static void EmitBatchCore(
        SourceWriter w, string n, NetworkShape shape, NetworkPlan plan, List<string>[] forward, List<string>[] backward, HashSet<int> onMain)
    {
        var bns = plan.BatchNorms;
        var contexts = plan.Contexts;
        string layers = plan.LayersClassInCalls;
        bool dropout = contexts.Any(c => LayerEmitter.For(c.Layer.Type).ReadsTraining);
        w.Line("/// <summary>");
        w.Line("/// The batch pass over the samples already in replicas 0 to count - 1: each segment on every replica (through");
        w.Line("/// BatchRunner, on its Threads), each BatchNorm across the replicas in sample order. Returns the summed loss.");
        w.Line("/// </summary>");
        w.Line(LayerEmitter.HotQualified);
        w.Open("private float BatchCore(int count)");
        w.Line($"{n}[] replicas = _replicas!;");
        foreach (int b in bns)
        {
            var l = NormAt(contexts[b]).Layer;
            if (l.Out.H * l.Out.W > 1) continue;
            string what = l.Out.Flat ? $"{l.Out.C} features" : $"{l.Out.C} channels of 1x1";
            w.Open("if (count < 2)");
            w.Line("throw new global::System.ArgumentException(");
            w.Line($"    {Literal($"{n}: {l.Label} (BatchNorm over {what}) normalises each value over the batch: ")} +");
            w.Line("    \"training needs at least 2 samples, and got \" + count + \".\");");
            w.Close();
        }
        if (dropout)
        {
            w.Line("// Sample s draws its dropout masks from a generator of its own, derived from this one's state and s.");
            w.Line("ulong state = _randomState;");
            w.Open("for (int s = 0; s < count; s++)");
            w.Line($"replicas[s]._randomState = {RuntimeNames.Kernel("Rng")}.Seed(unchecked((long)state), s);");
            w.Close();
        }
        w.Line("// The replicas' gradients are zero between passes (the sum at the end clears them); after a pass that threw, clear them here.");
        w.Open("if (_replicaGradientsDirty)");
        w.Open("for (int s = 1; s < replicas.Length; s++)");
        w.Line("global::System.Array.Clear(replicas[s]._gradients);");
        w.Close();
        w.Close();
        w.Line("_replicaGradientsDirty = true;");
        var shared = contexts.Where(c => LayerEmitter.For(c.Layer.Type) is Conv2DEmitter && Conv2DEmitter.SharesWeights(c)).ToList();
        if (shared.Count > 0)
        {
            w.Line("// The rearranged weights (Winograd's U, the filter lanes'), brought up to date once on this thread; the replicas' forwards read this instance's.");
            w.Open($"if ({RuntimeNames.Kernel("Simd")}.IsEnabled)");
            foreach (var c in shared) Wrapped(w, Conv2DEmitter.PrepareCall(c), 12);
            w.Close();
        }
        for (int k = 0; k <= bns.Count; k++)
        {
            foreach (string statement in forward[k]) Wrapped(w, statement, 12);
            if (k == bns.Count) break;
            var c = NormAt(contexts[bns[k]]);
            var l = c.Layer;
            string m = $"{layers}.{l.Member}";
            string batch = BatchNormEmitter.Batch(l);
            string sample = BatchNormEmitter.Sample(l);
            w.Line($"// {l.Name}: the batch's mean, then variance, per channel, from the samples' moments combined in sample order; its running statistics updated once.");
            w.Line($"global::System.Array.Clear({batch});");
            string x = c.Input == "input" ? "_sampleInput" : c.Input;
            if (onMain.Contains(bns[k])) PerSample(w, $"{m}Moments(replicas[s].{x}, replicas[s].{sample});");
            PerSample(w, $"{m}AddSums(replicas[s].{sample}, {batch});");
            w.Line($"{m}Mean({batch}, count);");
            PerSample(w, $"{m}AddSquares(replicas[s].{sample}, {batch});");
            Wrapped(w, $"{m}Update({batch}, {BatchNormEmitter.Coefficients(l)}, _statistics, count);", 8);
        }
        w.Line("float loss = 0f;");
        PerSample(w, "loss += replicas[s]._sampleLoss;");
        for (int k = bns.Count; k >= 0; k--)
        {
            if (k < bns.Count)
            {
                var c = NormAt(contexts[bns[k]]);
                var l = c.Layer;
                string m = $"{layers}.{l.Member}";
                string batch = BatchNormEmitter.Batch(l);
                w.Line($"// {l.Name}: the batch's sums of dy and dy*xhat per channel, in sample order; its γ and β gradients added once.");
                w.Line($"global::System.Array.Clear({batch}, {2 * l.Out.C}, {2 * l.Out.C});");
                string sample = BatchNormEmitter.Sample(l);
                string xhat = $"replicas[s].{BatchNormEmitter.Xhat(l)}";
                if (onMain.Contains(-1 - bns[k])) PerSample(w, c.BatchActivation is { } a
                    ? $"{m}GradientSums(replicas[s].{a.OutputGrad}, {xhat}, _parameters, replicas[s].{sample});"
                    : $"{m}GradientSums(replicas[s].{c.OutputGrad}, {xhat}, replicas[s].{sample});");
                PerSample(w, $"{m}AddGradientSums(replicas[s].{sample}, {batch});");
                Wrapped(w, $"{m}GradientCoefficients(_parameters, _gradients, {batch}, {BatchNormEmitter.Coefficients(l)}, count);", 8);
            }
            foreach (string statement in backward[k]) Wrapped(w, statement, 12);
        }
        w.Line("// The replicas' gradients, in sample order (replica 0, this instance, added into Gradients directly), range by range, each cleared once added.");
        w.Line(ReplicaSpans(shape, plan) is null
            ? $"{Runner}.SumAndClear(_gradients, _replicaGradients!, count);"
            : $"{Runner}.SumAndClearSpans(_gradients, _replicaGradients!, count, ReplicaGradientSpans);");
        w.Line("_replicaGradientsDirty = false;");
        if (dropout)
        {
            w.Line($"{RuntimeNames.Kernel("Rng")}.Next(ref state);");
            w.Line("_randomState = state;");
        }
        w.Line("return loss;");
        w.Close();
        w.Line();
    }

    /// <summary>A statement for each sample in order.</summary>
    private static void PerSample(SourceWriter w, string statement)
    {
        w.Open("for (int s = 0; s < count; s++)");
        Wrapped(w, statement, 12);
        w.Close();
    }

    /// <summary>A call on one line, or, where it would pass the line limit at <paramref name="indent"/>, one argument per line.</summary>
    private static void Wrapped(SourceWriter w, string statement, int indent)
    {
        if (statement.Length + System.Math.Max(indent, w.Column) <= LayerEmitter.MaxLine)
        {
            w.Line(statement);
            return;
        }
        int open = statement.IndexOf('(');
        var parts = statement.Substring(open + 1, statement.Length - open - 3).Split(new[] { ", " }, System.StringSplitOptions.None);
        w.Line(statement.Substring(0, open + 1));
        for (int i = 0; i < parts.Length; i++) w.Line("    " + parts[i] + (i == parts.Length - 1 ? ");" : ","));
    }
}
