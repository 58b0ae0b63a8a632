using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// The passes: in the partial class, <c>Enter</c>, <c>ForwardCore</c>, <c>ForwardTile</c> and <c>BackwardCore</c>,
/// each a list of calls, one per layer; in the file-local layers class, each layer's forward and backward bodies
/// side by side.
/// </summary>
internal static class PassEmitter
{
    private const string Rs = "global::System.ReadOnlySpan<float>";

    /// <summary>The call sequence, in the partial class.</summary>
    public static void EmitCalls(SourceWriter w, NetworkSpec spec, NetworkShape shape, NetworkPlan plan)
    {
        w.Line("// ---- The passes: one call per layer, the bodies in " + plan.LayersClass + " below ----");
        w.Line();
        w.Line("/// <summary>Marks the instance busy; a second thread entering at the same time gets a clear error instead of mixed buffers.</summary>");
        w.Open("private void Enter()");
        w.Open("if (global::System.Threading.Interlocked.Exchange(ref _busy, 1) != 0)");
        w.Line($"{RuntimeNames.Kernel("Guard")}.ConcurrentUse(\"{spec.ClassName}\");");
        w.Close();
        w.Close();
        w.Line();
        w.Line(plan.BatchTraining
            ? "/// <summary>Runs every layer forward for inference (BatchNorm with its running statistics); training runs the segments below.</summary>"
            : "/// <summary>Runs every layer forward; in training, dropout is active and each layer keeps what its backward needs.</summary>");
        w.Line(LayerEmitter.HotQualified);
        w.Open($"private void ForwardCore({Rs} input, bool training)");
        foreach (string call in FusedChain.InferenceCalls(plan, 0, plan.Contexts.Count)) w.Line(call);
        if (plan.CopyInputToOutput) w.Line("input.CopyTo(_output);");
        w.Close();
        w.Line();
        if (plan.TailStart >= 0)
        {
            BatchEmitter.EmitForwardTile(w, plan);
            w.Line();
        }
        if (plan.BatchTraining)
        {
            // Training runs per segment on per-sample replicas (BatchTrainingEmitter): no per-sample backward pass.
            BatchTrainingEmitter.EmitBatchPass(w, spec.ClassName, shape, plan);
            return;
        }
        w.Line("/// <summary>Runs every layer backward from the loss gradient, adding into <see cref=\"Gradients\"/>.</summary>");
        w.Line(LayerEmitter.HotQualified);
        w.Open($"private void BackwardCore({Rs} input)");
        for (int i = plan.Contexts.Count - 1; i >= 0; i--)
        {
            var c = plan.Contexts[i];
            if (!c.HasParametersUpToHere) continue;
            if (LayerEmitter.For(c.Layer.Type).BackwardCall(c) is { } call) w.Line(call);
        }
        w.Close();
    }

    /// <summary>The members of the file-local layers class: each layer's forward, its tile pass and its backward.</summary>
    public static void EmitLayerBodies(SourceWriter w, NetworkPlan plan)
    {
        bool firstMethod = true;
        void Gap()
        {
            if (!firstMethod) w.Line();
            firstMethod = false;
        }
        for (int i = 0; i < plan.Contexts.Count; i++)
        {
            var c = plan.Contexts[i];
            var emitter = LayerEmitter.For(c.Layer.Type);
            if (!emitter.HasOutput) continue;
            Gap();
            w.Line($"// ---- {LayerEmitter.Title(c.Layer)} ----");
            w.Line();
            emitter.Forward(w, c);
            if (emitter.HasTileForward && plan.TailStart >= 0)
            {
                w.Line();
                emitter.ForwardTile(w, c);
            }
            if (plan.Chains.TryGetValue(i, out var chain))
            {
                w.Line();
                FusedChain.WriteMethod(w, chain);
            }
            // A network that trains with batch statistics runs its dense layers over the whole batch, and a ReLU that a
            // BatchNorm takes into its training pass has its gradient applied there: no per-sample backward for either.
            bool batched = plan.BatchTraining && (BatchTrainingEmitter.IsBatched(c) || plan.Contexts.Exists(b => b.BatchActivation == c));
            if (c.HasParametersUpToHere && (c.Layer.ParameterCount > 0 || c.NeedsInputGrad) && !batched)
            {
                var text = new SourceWriter();
                emitter.Backward(text, c);
                string body = text.ToString();
                if (body.Length == 0) continue;
                w.Line();
                w.Raw(body);
            }
        }
    }
}
