using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// One emitter per layer kind, each with the same parts: the layer's buffers, its forward and its backward
/// (static methods of the file-local layers class, every buffer they touch passed in), and the calls to them
/// that <c>ForwardCore</c> and <c>BackwardCore</c> make.
/// </summary>
internal abstract class LayerEmitter
{
    protected static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// On every layer method: compiled fully optimised at once. Tiered compilation would first run these long,
    /// loop-heavy methods unoptimised, and the first epoch of training with them.
    /// </summary>
    public const string Hot = "[MethodImpl(MethodImplOptions.AggressiveOptimization)]";

    /// <summary><see cref="Hot"/> named in full, for the methods of the partial class (which has no <c>using</c>s).</summary>
    public const string HotQualified =
        "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

    /// <summary>The longest line the emitters write.</summary>
    public const int MaxLine = 160;

    /// <summary>Spare floats after a buffer that vector loops may read past the last value.</summary>
    public const int Slack = Layers.LayerRule.Slack;

    public static LayerEmitter For(LayerType type) => Layers.LayerRegistry.For(type).Emitter
        ?? throw new System.ArgumentException($"[{type}] has no emitter: it declares the network's input.", nameof(type));

    /// <summary>Whether the layer writes a buffer of its own (false for [Flatten]).</summary>
    public virtual bool HasOutput => true;

    /// <summary>Whether its forward call reads the <c>training</c> flag of <c>ForwardCore</c> (Dropout).</summary>
    public virtual bool ReadsTraining => false;

    /// <summary>Whether it has a forward over a whole tile of samples (Dense), which <c>ForwardTile</c> calls.</summary>
    public virtual bool HasTileForward => false;

    /// <summary>
    /// Whether training normalises it with the whole batch's statistics ([BatchNorm], an [Add] with a ConvBatchNorm
    /// projection): batch training cuts its segments there (<see cref="NetworkPlan.BatchNorms"/>).
    /// </summary>
    public virtual bool NormalizesOverBatch(LayerShape layer) => false;

    /// <summary>
    /// Its part in inference's fused chains (<see cref="FusedChain"/>): a producer that takes an epilogue (a convolution
    /// or dense layer without an inline activation), the scale and shift (BatchNorm), a sum (an [Add]), an activation the
    /// epilogue applies, or none.
    /// </summary>
    public virtual FusionRole Fusion(LayerShape layer) => FusionRole.None;

    /// <summary>A chain's call, where this layer heads it (<see cref="FusionRole.Producer"/> or <see cref="FusionRole.Sum"/>).</summary>
    public virtual string FusedCall(FusedChain chain) => throw new System.NotSupportedException($"{chain.Head.Layer.Type} heads no fused chain.");

    /// <summary>A chain's method in the layers class, where this layer heads it.</summary>
    public virtual void FusedForward(SourceWriter w, FusedChain chain) => throw new System.NotSupportedException($"{chain.Head.Layer.Type} heads no fused chain.");

    /// <summary>
    /// Whether batch training with batch statistics runs this layer once over the whole batch (<see cref="BatchTrainingEmitter"/>)
    /// instead of per replica; such a kind overrides the <c>Batch</c> members below, and writes no per-sample backward there.
    /// </summary>
    public virtual bool RunsOverBatch => false;

    private System.NotSupportedException NotOverBatch(LayerContext c) => new($"{c.Layer.Type} does not run over the batch.");

    /// <summary>The buffer the batch's product writes in each replica.</summary>
    public virtual string BatchProductOutput(LayerContext c) => throw NotOverBatch(c);

    /// <summary>Whether each replica applies the layer's activation after the batch's product.</summary>
    public virtual bool BatchActivates(LayerContext c) => throw NotOverBatch(c);

    /// <summary>Whether each replica applies the activation's derivative before the batch's backward.</summary>
    public virtual bool BatchActivatesBackward(LayerContext c) => throw NotOverBatch(c);

    /// <summary>The batch's forward call: <paramref name="xs"/> and <paramref name="ys"/> hold the replicas' buffers.</summary>
    public virtual string BatchForwardCall(LayerContext c, string xs, string ys) => throw NotOverBatch(c);

    /// <summary>The batch's backward call; <paramref name="dxs"/> null where no dx is needed.</summary>
    public virtual string BatchBackwardCall(LayerContext c, string xs, string dzs, string? dxs) => throw NotOverBatch(c);

    /// <summary>The replica's own methods around the batch's product (its activation and the activation's backward).</summary>
    public virtual void BatchActivation(SourceWriter w, LayerContext c) => throw NotOverBatch(c);

    /// <summary>The tile forward's method, written after the layer's forward where the network has a batched tail.</summary>
    public virtual void ForwardTile(SourceWriter w, LayerContext context)
    {
    }

    /// <summary>The call of the tile forward on tile buffers <paramref name="x"/> and <paramref name="y"/>.</summary>
    public virtual string TileCall(LayerContext context, string x, string y) =>
        throw new System.NotSupportedException($"{context.Layer.Name} has no tile forward.");

    /// <summary>Private buffers beyond the output and its gradient: (field name, length, element type).</summary>
    public virtual IEnumerable<(string Name, string Length, string Type)> Buffers(LayerContext context) => System.Array.Empty<(string, string, string)>();

    /// <summary>The comment after a buffer field of <see cref="Buffers"/>: the layer, what the buffer holds, and its size.</summary>
    public virtual string BufferComment(LayerContext context, string name, int length)
    {
        string prefix = "_" + context.Layer.Name;
        string what = name.StartsWith(prefix, System.StringComparison.Ordinal) ? name.Substring(prefix.Length) : name;
        if (what.Length > 0) what = char.ToLowerInvariant(what[0]) + what.Substring(1);
        return $"{context.Layer.Name} {what} [{I(length)}]";
    }

    public abstract void Forward(SourceWriter w, LayerContext context);

    public abstract void Backward(SourceWriter w, LayerContext context);

    /// <summary>The call in <c>ForwardCore</c>.</summary>
    public virtual string ForwardCall(LayerContext c) => Call(c, "Forward", c.Input, c.Output);

    /// <summary>The call in <c>BackwardCore</c>, or null when the layer has nothing to do backward.</summary>
    public virtual string? BackwardCall(LayerContext c) => Call(c, "Backward", c.Input, c.OutputGrad, c.InputGrad);

    /// <summary>A call of a layer method: <c>LeNet5Layers.Dense1Forward(_parameters, _pool2Output, _dense1Output);</c>.</summary>
    protected static string Call(LayerContext c, string method, params string?[] arguments)
    {
        var list = arguments.Where(a => a is not null).ToList();
        string head = $"{c.LayersClass}.{c.Layer.Member}{method}(";
        string oneLine = head + string.Join(", ", list) + ");";
        return oneLine.Length <= CallWidth ? oneLine : head + "\n    " + string.Join(",\n    ", list) + ");";
    }

    /// <summary>The longest call on one line: calls are written in methods of the partial class, three levels in at most.</summary>
    private const int CallWidth = MaxLine - 16;

    /// <summary>
    /// Opens a layer method: <c>internal static void {name}(...)</c> with the given parameters, one per line when they
    /// do not fit on one. Null parameters are left out.
    /// </summary>
    protected static void OpenMethod(SourceWriter w, string name, params string?[] parameters)
    {
        var list = parameters.Where(p => p is not null).ToList();
        string head = $"internal static void {name}(";
        string oneLine = head + string.Join(", ", list) + ")";
        w.Line(Hot);
        if (oneLine.Length + 8 <= MaxLine)
        {
            w.Open(oneLine);
            return;
        }
        w.Line(head);
        for (int i = 0; i < list.Count; i++) w.Line("    " + list[i] + (i == list.Count - 1 ? ")" : ","));
        w.Line("{");
        w.Indent();
    }

    /// <summary>A shape as C# readers index it: <c>[6][28][28]</c>, or <c>[120]</c> when flat.</summary>
    public static string Dims(Shape s) => s.Flat ? $"[{I(s.Size)}]" : $"[{I(s.C)}][{I(s.H)}][{I(s.W)}]";

    protected static string F(double value)
    {
        string s = ((float)value).ToString("R", Inv);
        if (s.IndexOf('.') < 0 && s.IndexOf('E') < 0 && s.IndexOf('e') < 0 && s != "NaN" && !s.Contains("Infinity")) s += ".0";
        return s + "f";
    }

    protected static string I(int value) => value.ToString(Inv);

    /// <summary>The summary line of a layer: <c>conv1: Conv2D 6@5x5, stride 1, padding 2, ReLU. 28x28x1 -> 28x28x6.</c></summary>
    public static string Title(LayerShape l) => $"{l.Name}{(l.Label != l.Name ? $" (named {l.Label})" : "")}: {l.Title}. {l.In} -> {l.Out}.";

    /// <summary>The end of a backward's summary: how it delivers the input gradient.</summary>
    protected static string InputGradNote(LayerContext c) =>
        !c.NeedsInputGrad ? "" : c.AddsInputGrad ? "; adds into dx (another layer's backward wrote it first)" : "; writes dx";

    // ---- activations, shared by Conv2D and Dense (inline) and the standalone layers ----

    /// <summary>
    /// Whether an inline activation keeps the linear result in a buffer of its own: GELU's derivative needs
    /// it, and so does the loss for Softmax (its logits). The others are applied in place and differentiated
    /// from their output (LeakyReLU's output has the sign of its input, since alpha is not negative).
    /// </summary>
    public static bool KeepsLinear(ActivationKind activation) => activation is ActivationKind.GELU or ActivationKind.Softmax;

    /// <summary>Whether the inline activation's backward reads the layer's output <c>y</c>.</summary>
    protected static bool BackwardReadsOutput(LayerContext c) =>
        c.Layer.Activation is not (ActivationKind.None or ActivationKind.GELU) && !c.FusedSoftmax;

    /// <summary>Whether the inline activation's backward reads the values before the activation (GELU's).</summary>
    protected static bool BackwardReadsLinear(LayerContext c) => c.Layer.Activation == ActivationKind.GELU && !c.FusedSoftmax;

    /// <summary>The inline activation's forward, after the linear part wrote <c>linear</c> (or <c>y</c> when applied in place).</summary>
    protected static void InlineActivationForward(SourceWriter w, LayerShape l)
    {
        if (l.Activation == ActivationKind.None) return;
        ActivationForward(w, l.Activation, l.Alpha, KeepsLinear(l.Activation) ? "linear" : "y", "y");
    }

    /// <summary>
    /// The inline activation's backward, written in place over the output gradient <c>dy</c>, from the parameters
    /// <c>y</c> or <c>linear</c>; declares <c>dz</c>. Where the loss is fused with a final Softmax, it already wrote
    /// <c>dz</c> there.
    /// </summary>
    protected static void InlineActivationBackward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        if (l.Activation != ActivationKind.None && !c.FusedSoftmax)
        {
            w.Line("// dz = act'(.) * dy, in place over dy");
            ActivationBackward(w, l.Activation, l.Alpha, BackwardReadsLinear(c) ? "linear" : "y", "y", "dy", "dy");
        }
        if (c.FusedSoftmax) w.Line("// The loss wrote softmax-and-cross-entropy's gradient with respect to the logits.");
        w.Line("ReadOnlySpan<float> dz = dy;");
    }

    /// <summary>Writes <c>y = act(z)</c>.</summary>
    protected static void ActivationForward(SourceWriter w, ActivationKind activation, double alpha, string z, string y)
    {
        w.Line(activation switch
        {
            ActivationKind.LeakyReLU => $"Activations.LeakyReLU({z}, {y}, {F(alpha)});",
            _ => $"Activations.{activation}({z}, {y});",
        });
    }

    /// <summary>Writes <c>dz = act'(.) * dy</c>, from z or y as each derivative is cheapest.</summary>
    protected static void ActivationBackward(SourceWriter w, ActivationKind activation, double alpha, string z, string y, string dy, string dz)
    {
        w.Line(activation switch
        {
            ActivationKind.ReLU => $"Activations.ReLUBackward({y}, {dy}, {dz});",
            ActivationKind.ReLU6 => $"Activations.ReLU6Backward({y}, {dy}, {dz});",
            ActivationKind.LeakyReLU => $"Activations.LeakyReLUBackward({z}, {dy}, {dz}, {F(alpha)});",
            ActivationKind.GELU => $"Activations.GELUBackward({z}, {dy}, {dz});",
            ActivationKind.Sigmoid => $"Activations.SigmoidBackward({y}, {dy}, {dz});",
            ActivationKind.Tanh => $"Activations.TanhBackward({y}, {dy}, {dz});",
            _ => $"Activations.SoftmaxBackward({y}, {dy}, {dz});",
        });
    }
}

/// <summary>A layer's part in inference's fused chains (<see cref="LayerEmitter.Fusion"/>).</summary>
internal enum FusionRole
{
    None,
    Producer,
    Scale,
    Sum,
    Activation,
}
