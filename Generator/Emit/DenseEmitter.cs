using System.Collections.Generic;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// Dense: <c>z[u] = b[u] + dot(W[u], x)</c> with W laid out <c>[units][inputs]</c>, four rows at a time
/// (<c>DenseKernels</c> in the Runtime). Backward: <c>dW[u] += dz[u] * x</c>, <c>db[u] += dz[u]</c>, <c>dx = sum over u of dz[u] * W[u]</c>
/// (or <c>dx +=</c>, through a buffer of the layer's own, where another layer's backward wrote dx first).
/// </summary>
internal sealed class DenseEmitter : LayerEmitter
{
    private static string Linear(LayerShape l) => "_" + l.Name + "Linear";

    private static string DxPart(LayerShape l) => "_" + l.Name + "InputGradPart";

    private static bool AddsThroughPart(LayerContext c) => c.NeedsInputGrad && c.AddsInputGrad;

    public override IEnumerable<(string Name, string Length, string Type)> Buffers(LayerContext c)
    {
        if (KeepsLinear(c.Layer.Activation)) yield return (Linear(c.Layer), I(c.Layer.Out.Size), "float");
        if (AddsThroughPart(c)) yield return (DxPart(c.Layer), I(c.Layer.In.Size), "float");
    }

    public override string BufferComment(LayerContext c, string name, int length) => name == Linear(c.Layer)
        ? $"{c.Layer.Name} before its {c.Layer.Activation} {Dims(c.Layer.Out)}"
        : $"{c.Layer.Name} input gradient of its own, added into the shared one {Dims(c.Layer.In)}";

    public override bool HasTileForward => true;

    public override string TileCall(LayerContext c, string x, string y) => Call(c, "ForwardTile", "_parameters", x, y, "count");

    public override string ForwardCall(LayerContext c) =>
        Call(c, "Forward", "_parameters", c.Input, c.Output, KeepsLinear(c.Layer.Activation) ? Linear(c.Layer) : null);

    public override string? BackwardCall(LayerContext c) => Call(
        c,
        "Backward",
        "_parameters",
        "_gradients",
        c.Input,
        BackwardReadsOutput(c) ? c.Output : null,
        BackwardReadsLinear(c) ? Linear(c.Layer) : null,
        c.OutputGrad,
        c.InputGrad,
        AddsThroughPart(c) ? DxPart(c.Layer) : null);

    /// <summary>The sizes and where the layer's weights (<c>[U][N]</c>) and biases sit in the parameter array.</summary>
    private static void Constants(SourceWriter w, LayerShape l)
    {
        w.Line($"const int N = {I(l.In.Size)}; // inputs");
        w.Line($"const int U = {I(l.Units)}; // units");
        w.Line($"const int WeightOffset = {I(l.ParameterOffset)}; // W [U][N]");
        if (l.HasBias) w.Line($"const int BiasOffset = {I(l.ParameterOffset + l.WeightCount)}; // b [U]");
    }

    /// <summary>The bias span: the layer's biases, or U zeros for a layer without bias (the same kernel, adding 0).</summary>
    private static void Bias(SourceWriter w, LayerShape l)
    {
        w.Line(l.HasBias ? "ReadOnlySpan<float> bias = new ReadOnlySpan<float>(parameters, BiasOffset, U);" : $"ReadOnlySpan<float> bias = {l.Member}NoBias; // zeros");
    }

    public override void Forward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        if (!l.HasBias)
        {
            w.Line($"/// <summary>{l.Name} has no bias: its kernels add these {I(l.Units)} zeros.</summary>");
            w.Line($"private static readonly float[] {l.Member}NoBias = new float[{I(l.Units)}];");
            w.Line();
        }
        bool linear = KeepsLinear(l.Activation);
        w.Line($"/// <summary>{Title(l)}</summary>");
        w.Line($"/// <param name=\"parameters\">All weights and biases; this layer's from {I(l.ParameterOffset)}.</param>");
        w.Line($"/// <param name=\"x\">The input {Dims(l.In)}.</param>");
        w.Line($"/// <param name=\"y\">The output {Dims(l.Out)}.</param>");
        if (linear) w.Line($"/// <param name=\"linear\">The values before the {l.Activation} {Dims(l.Out)}, kept for the backward pass.</param>");
        OpenMethod(w, l.Member + "Forward", "float[] parameters", "ReadOnlySpan<float> x", "Span<float> y", linear ? "Span<float> linear" : null);
        Constants(w, l);
        w.Line("ReadOnlySpan<float> weights = new ReadOnlySpan<float>(parameters, WeightOffset, U * N);");
        Bias(w, l);
        w.Line($"DenseKernels.Forward(weights, bias, x.Slice(0, N), {(linear ? "linear" : "y")}.Slice(0, U));");
        InlineActivationForward(w, l);
        w.Close();
    }

    /// <inheritdoc/>
    public override FusionRole Fusion(LayerShape layer) => layer.Activation == ActivationKind.None ? FusionRole.Producer : FusionRole.None;

    /// <summary>Inference's call of a chain the layer begins (<see cref="FusedChain"/>): it writes the chain's last output.</summary>
    public override string FusedCall(FusedChain chain)
    {
        var args = new List<string> { "_parameters", chain.Head.Input, chain.Last.Output };
        args.AddRange(chain.EpilogueArguments());
        return Call(chain.Head, chain.MethodAfterHead, args.ToArray());
    }

    /// <summary>The chain's method: the matrix-vector product into the chain's output, then the epilogue over the features.</summary>
    public override void FusedForward(SourceWriter w, FusedChain chain)
    {
        var l = chain.Head.Layer;
        w.Line($"/// <summary>Inference: {chain.Names} in one pass, {l.Name}'s output written into {chain.Last.Layer.Name}'s.</summary>");
        w.Line($"/// <param name=\"parameters\">All weights and biases; this layer's from {I(l.ParameterOffset)}.</param>");
        w.Line($"/// <param name=\"x\">The input {Dims(l.In)}.</param>");
        w.Line($"/// <param name=\"y\">{chain.Last.Layer.Name}'s output {Dims(l.Out)}.</param>");
        var parameters = new List<string?> { "float[] parameters", "ReadOnlySpan<float> x", "Span<float> y" };
        foreach (var (type, name, comment) in chain.EpilogueParameters())
        {
            w.Line($"/// <param name=\"{name}\">{char.ToUpperInvariant(comment[0])}{comment.Substring(1)}.</param>");
            parameters.Add(type + " " + name);
        }
        OpenMethod(w, chain.Method, parameters.ToArray());
        Constants(w, l);
        w.Line("ReadOnlySpan<float> weights = new ReadOnlySpan<float>(parameters, WeightOffset, U * N);");
        Bias(w, l);
        w.Line("DenseKernels.Forward(weights, bias, x.Slice(0, N), y.Slice(0, U));");
        chain.WriteEpilogue(w, "U", 1);
        w.Close();
    }

    /// <summary>The layer over a tile of samples stored back to back (inference): each weight row is read once per tile.</summary>
    public override void ForwardTile(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        w.Line($"/// <summary>{l.Name} over <paramref name=\"count\"/> samples back to back, with the same bits as {l.Member}Forward's.</summary>");
        w.Line($"/// <param name=\"parameters\">All weights and biases; this layer's from {I(l.ParameterOffset)}.</param>");
        w.Line($"/// <param name=\"x\">The inputs [count][{I(l.In.Size)}].</param>");
        w.Line($"/// <param name=\"y\">The outputs [count][{I(l.Out.Size)}].</param>");
        w.Line("/// <param name=\"count\">The samples in the tile.</param>");
        OpenMethod(w, l.Member + "ForwardTile", "float[] parameters", "ReadOnlySpan<float> x", "Span<float> y", "int count");
        Constants(w, l);
        w.Line("ReadOnlySpan<float> weights = new ReadOnlySpan<float>(parameters, WeightOffset, U * N);");
        Bias(w, l);
        w.Line("DenseKernels.ForwardBatch(weights, bias, x.Slice(0, count * N), y.Slice(0, count * U), count);");
        if (l.Activation == ActivationKind.Softmax)
        {
            w.Open("for (int b = 0; b < count; b++)");
            w.Line("Span<float> v = y.Slice(b * U, U);");
            ActivationForward(w, l.Activation, l.Alpha, "v", "v");
            w.Close();
        }
        else if (l.Activation != ActivationKind.None)
        {
            w.Line("Span<float> v = y.Slice(0, count * U);");
            ActivationForward(w, l.Activation, l.Alpha, "v", "v");
        }
        w.Close();
    }

    public override void Backward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        bool part = AddsThroughPart(c);
        w.Line($"/// <summary>{l.Name} backward: adds into its weight and bias gradients{InputGradNote(c)}.</summary>");
        w.Line($"/// <param name=\"parameters\">All weights and biases; this layer's from {I(l.ParameterOffset)}.</param>");
        w.Line($"/// <param name=\"gradients\">The gradients, laid out as the parameters.</param>");
        w.Line($"/// <param name=\"x\">The input of the forward pass {Dims(l.In)}.</param>");
        if (BackwardReadsOutput(c)) w.Line($"/// <param name=\"y\">The output of the forward pass {Dims(l.Out)}.</param>");
        if (BackwardReadsLinear(c)) w.Line($"/// <param name=\"linear\">The values before the {l.Activation} {Dims(l.Out)}.</param>");
        w.Line($"/// <param name=\"dy\">The gradient of the output {Dims(l.Out)}; the activation's derivative is applied in place.</param>");
        if (c.NeedsInputGrad) w.Line($"/// <param name=\"dx\">The gradient of the input {Dims(l.In)}.</param>");
        if (part) w.Line($"/// <param name=\"dxPart\">This layer's share of dx {Dims(l.In)}, before it is added.</param>");
        OpenMethod(
            w,
            l.Member + "Backward",
            "float[] parameters",
            "float[] gradients",
            "ReadOnlySpan<float> x",
            BackwardReadsOutput(c) ? "ReadOnlySpan<float> y" : null,
            BackwardReadsLinear(c) ? "ReadOnlySpan<float> linear" : null,
            "Span<float> dy",
            c.NeedsInputGrad ? "Span<float> dx" : null,
            part ? "Span<float> dxPart" : null);
        Constants(w, l);
        InlineActivationBackward(w, c);
        w.Line("ReadOnlySpan<float> weights = new ReadOnlySpan<float>(parameters, WeightOffset, U * N);");
        w.Line("Span<float> weightGrad = new Span<float>(gradients, WeightOffset, U * N);");
        w.Line(l.HasBias ? "Span<float> biasGrad = new Span<float>(gradients, BiasOffset, U);" : "Span<float> biasGrad = default; // no bias");
        string dx = !c.NeedsInputGrad ? "default" : part ? "dxPart.Slice(0, N)" : "dx.Slice(0, N)";
        w.Line($"DenseKernels.Backward(weights, x.Slice(0, N), dz.Slice(0, U), weightGrad, biasGrad, {dx});");
        if (part) w.Line("TensorPrimitives.Add(dx.Slice(0, N), dxPart.Slice(0, N), dx.Slice(0, N));");
        w.Close();
    }

    // ---- Batch training of a BatchNorm network (BatchTrainingEmitter): the product over the whole batch ----

    public override bool RunsOverBatch => true;

    /// <summary>The buffer the batch's product writes in each replica: the values before the activation where kept, else the output.</summary>
    public override string BatchProductOutput(LayerContext c) => KeepsLinear(c.Layer.Activation) ? Linear(c.Layer) : c.Output;

    /// <summary>Whether each replica applies the layer's activation after the batch's product (<see cref="BatchActivation"/>).</summary>
    public override bool BatchActivates(LayerContext c) => c.Layer.Activation != ActivationKind.None;

    /// <summary>Whether each replica applies the activation's derivative before the batch's backward (<see cref="BatchActivation"/>).</summary>
    public override bool BatchActivatesBackward(LayerContext c) => c.Layer.Activation != ActivationKind.None && !c.FusedSoftmax;

    /// <summary>The batch's forward product: <paramref name="xs"/> and <paramref name="ys"/> hold the replicas' buffers.</summary>
    public override string BatchForwardCall(LayerContext c, string xs, string ys)
    {
        var l = c.Layer;
        return $"{RuntimeNames.Kernel("DenseBatch")}.Forward(_parameters, {Offsets(l)}, {xs}, {ys}, count);";
    }

    /// <summary>The batch's backward products, the gradients added into this instance's; <paramref name="dxs"/> null where no dx is needed.</summary>
    public override string BatchBackwardCall(LayerContext c, string xs, string dzs, string? dxs)
    {
        var l = c.Layer;
        string add = AddsThroughPart(c) ? "true" : "false";
        return $"{RuntimeNames.Kernel("DenseBatch")}.Backward(_parameters, _gradients, {Offsets(l)}, {xs}, {dzs}, {dxs ?? "null"}, {add}, count);";
    }

    /// <summary>The weights' offset, the biases' (-1: none), the units and the inputs.</summary>
    private static string Offsets(LayerShape l) =>
        $"{I(l.ParameterOffset)}, {(l.HasBias ? I(l.ParameterOffset + l.WeightCount) : "-1")}, {I(l.Units)}, {I(l.In.Size)}";

    /// <summary>
    /// The replica's own methods around the batch's product: <c>{Member}Activation</c> (the activation over the values the
    /// product wrote) and, unless the loss wrote dz, <c>{Member}ActivationBackward</c> (dz = act'(.) * dy, in place over dy).
    /// </summary>
    public override void BatchActivation(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        const string Span = "global::System.Span<float>";
        string u = I(l.Units);
        bool linear = KeepsLinear(l.Activation);
        w.Line($"/// <summary>{l.Name}'s {l.Activation} on this replica's sample, over the values the batch's product wrote.</summary>");
        w.Open($"private void {l.Member}Activation()");
        if (linear) w.Line($"{Span} linear = new {Span}({Linear(l)}, 0, {u});");
        w.Line($"{Span} y = new {Span}({c.Output}, 0, {u});");
        var text = new SourceWriter();
        ActivationForward(text, l.Activation, l.Alpha, linear ? "linear" : "y", "y");
        w.Line(Qualified(text));
        w.Close();
        w.Line();
        if (!BatchActivatesBackward(c)) return;
        bool readsLinear = BackwardReadsLinear(c);
        w.Line($"/// <summary>{l.Name}'s {l.Activation} backward on this replica's sample: dz = act'(.) * dy, in place over dy.</summary>");
        w.Open($"private void {l.Member}ActivationBackward()");
        if (readsLinear) w.Line($"{Span} linear = new {Span}({Linear(l)}, 0, {u});");
        if (BackwardReadsOutput(c)) w.Line($"{Span} y = new {Span}({c.Output}, 0, {u});");
        w.Line($"{Span} dy = new {Span}({c.OutputGrad}, 0, {u});");
        text = new SourceWriter();
        ActivationBackward(text, l.Activation, l.Alpha, "linear", "y", "dy", "dy");
        w.Line(Qualified(text));
        w.Close();
        w.Line();
    }

    /// <summary>An activation call written for the layers class, qualified for the network's partial class.</summary>
    private static string Qualified(SourceWriter text) => RuntimeNames.Kernel("Activations") + text.ToString().Trim().Substring("Activations".Length);
}
