using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>One buffer field of the generated class: its name, length, element type and what it holds.</summary>
internal readonly record struct PlannedBuffer(string Name, int Length, string Type, string Comment);

/// <summary>
/// Who reads and writes what: each layer's input, output and gradient buffers, whether its backward writes or adds
/// into its input gradient, every buffer field the class holds, and the tiles of <c>ForwardBatch</c>.
/// </summary>
internal sealed class NetworkPlan
{
    /// <summary>Samples per tile of <c>ForwardBatch</c>: enough to read each dense weight once per eight samples, few enough to stay in L1.</summary>
    public const int BatchTile = Shapes.ShapeInference.BatchTile;

    private NetworkPlan(string layersClass) => LayersClass = layersClass;

    /// <summary>The file-local class holding the layer bodies: <c>LeNet5Layers</c>.</summary>
    public string LayersClass { get; }

    /// <summary>
    /// The indices of the layers that normalise with the batch's statistics, each [BatchNorm] and each [Add] with a
    /// <c>Projection.ConvBatchNorm</c>: training runs the layers between them sample by sample on per-sample replicas
    /// (the segments of <see cref="BatchTrainingEmitter"/>) and each BatchNorm across the batch. Empty: every pass is
    /// per sample.
    /// </summary>
    public List<int> BatchNorms { get; } = new();

    /// <summary>Whether training normalises with batch statistics (the network has a BatchNorm, or a ConvBatchNorm projection).</summary>
    public bool BatchTraining => BatchNorms.Count > 0;

    /// <summary>
    /// The class as the partial class's calls name it: in full, so that no type or member of the user's named the same
    /// (a <c>LeNet5Layers</c> of their own in the namespace) takes its place.
    /// </summary>
    public string LayersClassInCalls => "global::" + RuntimeNames.LayersNamespace + "." + LayersClass;

    public List<LayerContext> Contexts { get; } = new();

    /// <summary>
    /// The chains inference runs as one call each (<see cref="FusedChain"/>), by the producer's index: only in a network
    /// with BatchNorm, whose <c>ForwardCore</c> is inference only.
    /// </summary>
    public Dictionary<int, FusedChain> Chains { get; private set; } = new();

    public List<PlannedBuffer> Buffers { get; } = new();

    /// <summary>The buffer holding the network's output after a pass.</summary>
    public string Output { get; private set; } = "input";

    /// <summary>The buffer the loss writes its gradient into: where the backward pass starts.</summary>
    public string LossGrad { get; private set; } = "";

    /// <summary>The buffer of the logits the cross-entropy reads (null for the mean squared error).</summary>
    public string? Logits { get; private set; }

    /// <summary>No layer writes a buffer (the network only flattens): the output is a copy of the input.</summary>
    public bool CopyInputToOutput { get; private set; }

    /// <summary>
    /// Where the batched tail begins: the first Dense layer of the run of Dense, Flatten, Dropout and activation
    /// layers that ends the network (-1 if there is none). <c>ForwardBatch</c> runs the layers before it one
    /// sample at a time and the tail over a tile of samples at once.
    /// </summary>
    public int TailStart { get; private set; } = -1;

    /// <summary>The tile buffer each layer of the tail reads, and the one it writes, by layer index.</summary>
    public Dictionary<int, (string In, string Out)> Tiles { get; } = new();

    /// <summary>
    /// The layers whose outputs layer <paramref name="index"/> reads, as indices into <c>shape.Layers</c>; -1 is the
    /// network input (<c>LayerShape.Inputs</c>): the one before it, and for an [Add] the layer its from names.
    /// </summary>
    public static IReadOnlyList<int> InputsOf(NetworkShape shape, int index) => shape.Layers[index].Inputs;

    /// <summary>
    /// The plan of a network that has no errors. With <paramref name="addEveryInputGrad"/>, every backward adds into
    /// its input gradient, as a tensor read by several layers needs; else the first backward to reach a tensor writes it.
    /// </summary>
    public static NetworkPlan Build(NetworkSpec spec, NetworkShape shape, bool addEveryInputGrad = false)
    {
        var plan = new NetworkPlan(spec.ClassName + "Layers");
        plan.Connect(shape);
        plan.AssignGradientModes(addEveryInputGrad);
        plan.AddLayerBuffers(shape);
        plan.PlanTail();
        plan.PlanLoss(shape);
        plan.PlanBatchTraining(shape);
        plan.Chains = FusedChain.Find(plan, shape);
        return plan;
    }

    /// <summary>Each layer's input, output and gradient buffers, following <see cref="InputsOf"/>.</summary>
    private void Connect(NetworkShape shape)
    {
        bool parameters = false;
        var layers = shape.Layers;
        for (int i = 0; i < layers.Count; i++)
        {
            var l = layers[i];
            int from = InputsOf(shape, i)[0];
            var source = from < 0 ? null : Contexts[from];
            string input = source?.Output ?? "input";
            string? inputGrad = source is null || source.OutputGrad.Length == 0 ? null : source.OutputGrad;
            var c = new LayerContext(l, i + 1) { LayersClass = LayersClassInCalls, Input = input, InputGrad = parameters ? inputGrad : null };
            parameters |= l.ParameterCount > 0;
            c.HasParametersUpToHere = parameters;
            if (LayerEmitter.For(l.Type).HasOutput)
            {
                c.Output = "_" + l.Name + "Output";
                c.OutputGrad = c.Output + "Grad";
            }
            else
            {
                c.Output = input;
                c.OutputGrad = inputGrad ?? "";
            }
            c.FusedSoftmax = i == layers.Count - 1 && shape.Loss == LossKind.CrossEntropy;
            if (InputsOf(shape, i).Count > 1) ConnectSkip(c, InputsOf(shape, i)[1]);
            Contexts.Add(c);
        }
        Output = Contexts.Count == 0 ? "input" : Contexts[Contexts.Count - 1].Output;
    }

    /// <summary>An [Add]'s second tensor, the output of layer <paramref name="from"/> (-1: the input), kept in its own buffer.</summary>
    private void ConnectSkip(LayerContext c, int from)
    {
        var source = from < 0 ? null : Contexts[from];
        c.Skip = source?.Output ?? "input";
        c.SkipGrad = source is null || !source.HasParametersUpToHere || source.OutputGrad.Length == 0 ? null : source.OutputGrad;
    }

    /// <summary>
    /// In the order the backward pass runs, the first layer to reach an input gradient buffer writes it and any
    /// later one adds into it, so that a tensor read by two layers gets both gradients.
    /// </summary>
    private void AssignGradientModes(bool addEveryInputGrad)
    {
        var written = new HashSet<string>();
        for (int i = Contexts.Count - 1; i >= 0; i--)
        {
            var c = Contexts[i];
            if (!c.HasParametersUpToHere || c.InputGrad is null && c.SkipGrad is null) continue;
            if (LayerEmitter.For(c.Layer.Type).BackwardCall(c) is null) continue;
            // An [Add]'s backward delivers its input's gradient first, then its second tensor's (the same buffer when from names the previous layer).
            if (c.InputGrad is not null) c.AddsInputGrad = addEveryInputGrad || !written.Add(c.InputGrad);
            if (c.SkipGrad is not null) c.AddsSkipGrad = addEveryInputGrad || !written.Add(c.SkipGrad);
        }
    }

    private void AddLayerBuffers(NetworkShape shape)
    {
        foreach (var c in Contexts)
        {
            var l = c.Layer;
            var emitter = LayerEmitter.For(l.Type);
            if (emitter.HasOutput)
            {
                Buffers.Add(new(c.Output, l.Out.Size, "float", $"{l.Name} output {LayerEmitter.Dims(l.Out)}"));
                Buffers.Add(new(c.OutputGrad, l.Out.Size, "float", $"{l.Name} output gradient {LayerEmitter.Dims(l.Out)}"));
            }
            foreach (var (name, length, type) in emitter.Buffers(c))
            {
                int size = int.Parse(length, CultureInfo.InvariantCulture);
                Buffers.Add(new(name, size, type, emitter.BufferComment(c, name, size)));
            }
        }
        if (Output == "input")
        {
            Buffers.Add(new("_output", shape.OutputSize, "float", $"a copy of the input, the output [{Num(shape.OutputSize)}]"));
            CopyInputToOutput = true;
            Output = "_output";
        }
    }

    private void PlanTail()
    {
        int start = Contexts.Count;
        while (start > 0 && !Layers.LayerRegistry.For(Contexts[start - 1].Layer.Type).Spatial) start--;
        while (start < Contexts.Count && !Layers.LayerRegistry.For(Contexts[start].Layer.Type).HasWeights) start++;
        if (start == Contexts.Count) return;
        TailStart = start;
        var first = Contexts[start];
        string current;
        if (first.Input == "input")
        {
            current = "inputs"; // the samples are already back to back
        }
        else
        {
            current = "_" + first.Layer.Name + "TileInput";
            Buffers.Add(new(current, BatchTile * first.Layer.In.Size, "float", $"{first.Layer.Name} tile input [{BatchTile}][{Num(first.Layer.In.Size)}]"));
        }
        for (int i = start; i < Contexts.Count; i++)
        {
            var l = Contexts[i].Layer;
            string output = current;
            if (LayerEmitter.For(l.Type).HasOutput)
            {
                output = "_" + l.Name + "Tile";
                Buffers.Add(new(output, BatchTile * l.Out.Size, "float", $"{l.Name} tile [{BatchTile}][{Num(l.Out.Size)}]"));
            }
            Tiles[i] = (current, output);
            current = output;
        }
    }

    private void PlanLoss(NetworkShape shape)
    {
        var final = Contexts[Contexts.Count - 1];
        if (shape.Loss == LossKind.CrossEntropy)
        {
            if (Layers.LayerRegistry.For(final.Layer.Type).HasWeights)
            {
                Logits = "_" + final.Layer.Name + "Linear";
                LossGrad = final.OutputGrad;
            }
            else
            {
                Logits = final.Input;
                LossGrad = final.InputGrad ?? final.OutputGrad;
            }
        }
        else
        {
            LossGrad = final.OutputGrad;
        }
        if (LossGrad.Length == 0)
        {
            LossGrad = "_lossGrad";
            Buffers.Add(new("_lossGrad", shape.OutputSize, "float", $"the loss gradient, read by no layer [{Num(shape.OutputSize)}]"));
        }
    }

    /// <summary>The layers normalised over the batch, and the buffers a replica receives its sample in.</summary>
    private void PlanBatchTraining(NetworkShape shape)
    {
        for (int i = 0; i < Contexts.Count; i++)
        {
            if (LayerEmitter.For(Contexts[i].Layer.Type).NormalizesOverBatch(Contexts[i].Layer)) BatchNorms.Add(i);
        }
        foreach (int b in BatchNorms) Contexts[b].BatchActivation = BatchTrainingEmitter.FusedActivation(Contexts, b);
        if (!BatchTraining) return;
        Buffers.Add(new("_sampleInput", shape.InputSize, "float", $"the sample of a batch training pass [{Num(shape.InputSize)}]"));
        Buffers.Add(new("_sampleTarget", shape.OutputSize, "float", $"its target, when given as a vector [{Num(shape.OutputSize)}]"));
    }

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);
}
