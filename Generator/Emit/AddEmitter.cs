using System.Collections.Generic;
using System.Linq;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// [Add(from)]: <c>y = x + skip</c>, where skip is the output of the layer named by from, or its projection: a 1x1
/// convolution over it (stride the ratio of the sizes), written by <see cref="Conv2DEmitter"/> as the layer
/// <c>{add}Projection</c> with the Add's parameters, so that it has the convolution's scalar and vector paths; with
/// <c>Projection.ConvBatchNorm</c> the convolution has no bias and a BatchNorm, written by <see cref="BatchNormEmitter"/>
/// as the layer <c>{add}Norm</c> (γ and β after the convolution's weights, the Add's statistics), normalises its
/// output in place. Training normalises with the batch's statistics: the batch pass cuts a segment there
/// (<see cref="BatchTrainingEmitter"/>). Backward, dy goes unchanged to both tensors: into the input's gradient, and
/// into the skip tensor's (through the projection's backward where there is one), each written or added into as the
/// plan says.
/// </summary>
internal sealed class AddEmitter : LayerEmitter
{
    private static readonly Conv2DEmitter Conv = new();
    private static readonly BatchNormEmitter Norm = new();

    private static bool Projects(LayerShape l) => l.Projection is ProjectionKind.Conv or ProjectionKind.ConvBatchNorm;

    /// <summary>Whether the projection ends with a BatchNorm (<c>Projection.ConvBatchNorm</c>).</summary>
    public static bool Normalizes(LayerShape l) => l.Projection == ProjectionKind.ConvBatchNorm;

    /// <inheritdoc/>
    public override bool NormalizesOverBatch(LayerShape layer) => Normalizes(layer);

    private static string Stride(LayerShape l) => l.StrideHeight == l.StrideWidth ? $"{l.StrideHeight}" : $"{l.StrideHeight}x{l.StrideWidth}";

    /// <summary>The projection as the convolution it is: <c>add1Projection</c>, 1x1, reading the skip tensor.</summary>
    private static LayerShape Projection(LayerShape l)
    {
        string name = l.Name + "Projection";
        return new LayerShape
        {
            Name = name,
            Label = name,
            Type = LayerType.Conv2D,
            Inputs = l.Inputs,
            In = l.FromShape,
            Out = l.Out,
            Units = l.Units,
            Kernel = 1,
            Stride = l.StrideHeight,
            KernelHeight = 1,
            KernelWidth = 1,
            StrideHeight = l.StrideHeight,
            StrideWidth = l.StrideWidth,
            WeightCount = l.WeightCount,
            BiasCount = Normalizes(l) ? 0 : l.BiasCount,
            ParameterOffset = l.ParameterOffset,
            FanIn = l.FanIn,
            FanOut = l.FanOut,
            Init = l.Init,
            Title = $"the 1x1 projection of {l.From} for {l.Label}, stride {Stride(l)}{(Normalizes(l) ? ", without bias" : "")}",
        };
    }

    /// <summary>The ConvBatchNorm projection's BatchNorm as the layer it is: <c>add1Norm</c>, γ and β after the weights.</summary>
    public static LayerShape ProjectionNorm(LayerShape l)
    {
        string name = l.Name + "Norm";
        return new LayerShape
        {
            Name = name,
            Label = name,
            Type = LayerType.BatchNorm,
            Inputs = l.Inputs,
            In = l.Out,
            Out = l.Out,
            Units = l.Out.C,
            WeightCount = l.Out.C,
            BiasCount = l.Out.C,
            ParameterOffset = l.ParameterOffset + l.WeightCount,
            FanIn = 1,
            FanOut = 1,
            StatisticsOffset = l.StatisticsOffset,
            StatisticsCount = l.StatisticsCount,
            Momentum = l.Momentum,
            Epsilon = l.Epsilon,
            Title = $"BatchNorm of {l.Label}'s projection, momentum {Shapes.Messages.Format(l.Momentum)}, epsilon {Shapes.Messages.Format(l.Epsilon)}",
        };
    }

    /// <summary>The projection's context: it reads the skip tensor, writes its own output, and takes the Add's output gradient (or the BatchNorm's input gradient).</summary>
    private static LayerContext ProjectionContext(LayerContext c) => new(Projection(c.Layer), c.Index)
    {
        LayersClass = c.LayersClass,
        Input = c.Skip,
        Output = ProjectionOutput(c.Layer),
        InputGrad = c.SkipGrad,
        OutputGrad = Normalizes(c.Layer) ? ProjectionOutputGrad(c.Layer) : c.OutputGrad,
        AddsInputGrad = c.AddsSkipGrad,
        HasParametersUpToHere = true,
    };

    /// <summary>The projection's BatchNorm's context: in place on the projection's output; its gradient is the Add's output gradient.</summary>
    public static LayerContext NormContext(LayerContext c) => new(ProjectionNorm(c.Layer), c.Index)
    {
        LayersClass = c.LayersClass,
        Input = ProjectionOutput(c.Layer),
        Output = ProjectionOutput(c.Layer),
        InputGrad = ProjectionOutputGrad(c.Layer),
        OutputGrad = c.OutputGrad,
        HasParametersUpToHere = true,
    };

    private static string ProjectionOutput(LayerShape l) => "_" + l.Name + "ProjectionOutput";

    private static string ProjectionOutputGrad(LayerShape l) => "_" + l.Name + "ProjectionOutputGrad";

    /// <summary>What the add reads as its second term: the skip tensor, or its projection.</summary>
    public static string Term(LayerContext c) => Projects(c.Layer) ? ProjectionOutput(c.Layer) : c.Skip;

    /// <summary>The projection's convolution, the first part of a ConvBatchNorm Add's forward (the batch pass ends a segment with it).</summary>
    public static string ConvCall(LayerContext c) => Conv.ForwardCall(ProjectionContext(c));

    /// <summary>The sum, the last part of an Add's forward.</summary>
    public static string SumCall(LayerContext c) => Call(c, "Forward", c.Input, Term(c), c.Output);

    public override IEnumerable<(string Name, string Length, string Type)> Buffers(LayerContext c)
    {
        if (!Projects(c.Layer)) return System.Array.Empty<(string, string, string)>();
        var own = new[] { (ProjectionOutput(c.Layer), I(c.Layer.Out.Size), "float") };
        if (!Normalizes(c.Layer)) return own.Concat(Conv.Buffers(ProjectionContext(c)));
        var grad = new[] { (ProjectionOutputGrad(c.Layer), I(c.Layer.Out.Size), "float") };
        return own.Concat(grad).Concat(Conv.Buffers(ProjectionContext(c))).Concat(Norm.Buffers(NormContext(c)));
    }

    public override string BufferComment(LayerContext c, string name, int length)
    {
        var l = c.Layer;
        if (name == ProjectionOutput(l)) return $"{l.Name} projection of {l.From}{(Normalizes(l) ? ", normalised in place" : "")} {Dims(l.Out)}";
        if (name == ProjectionOutputGrad(l)) return $"{l.Name} gradient of the projection's convolution output {Dims(l.Out)}";
        if (Normalizes(l) && name.StartsWith("_" + ProjectionNorm(l).Name, System.StringComparison.Ordinal)) return Norm.BufferComment(NormContext(c), name, length);
        return Conv.BufferComment(ProjectionContext(c), name, length);
    }

    /// <summary>Inference's projection calls (its BatchNorm with the running statistics), or null without a projection.</summary>
    public static string? ProjectionCalls(LayerContext c)
    {
        if (!Projects(c.Layer)) return null;
        return Normalizes(c.Layer) ? ConvCall(c) + "\n" + Norm.ForwardCall(NormContext(c)) : ConvCall(c);
    }

    /// <inheritdoc/>
    public override FusionRole Fusion(LayerShape layer) => FusionRole.Sum;

    /// <summary>Inference's calls of a chain the Add begins (<see cref="FusedChain"/>): the projection, then the sum activated.</summary>
    public override string FusedCall(FusedChain chain)
    {
        var c = chain.Head;
        string sum = Call(c, chain.MethodAfterHead, c.Input, Term(c), chain.Last.Output);
        return ProjectionCalls(c) is { } projection ? projection + "\n" + sum : sum;
    }

    /// <summary>The chain's method: <c>y = act(x + skip)</c> in one pass.</summary>
    public override void FusedForward(SourceWriter w, FusedChain chain)
    {
        var l = chain.Head.Layer;
        w.Line($"/// <summary>Inference: {chain.Names} in one pass, the sum activated as it is written into {chain.Last.Layer.Name}'s output.</summary>");
        w.Line($"/// <param name=\"x\">{l.InputLabel}'s output {Dims(l.In)}.</param>");
        w.Line($"/// <param name=\"skip\">What {l.Name} adds {Dims(l.Out)}.</param>");
        w.Line($"/// <param name=\"y\">{chain.Last.Layer.Name}'s output {Dims(l.Out)}.</param>");
        OpenMethod(w, chain.Method, "ReadOnlySpan<float> x", "ReadOnlySpan<float> skip", "Span<float> y");
        w.Line($"const int N = {I(l.Out.Size)};");
        w.Line($"Epilogue.Sum(x.Slice(0, N), skip.Slice(0, N), y.Slice(0, N), {chain.ActivationArgument}, {FusedChain.F(chain.Alpha)});");
        w.Close();
    }

    /// <summary>Inference: the projection (its BatchNorm with the running statistics), then the sum.</summary>
    public override string ForwardCall(LayerContext c)
    {
        if (!Projects(c.Layer)) return SumCall(c);
        string norm = Normalizes(c.Layer) ? Norm.ForwardCall(NormContext(c)) + "\n" : "";
        return ConvCall(c) + "\n" + norm + SumCall(c);
    }

    /// <summary>
    /// The input's gradient first, then the skip tensor's (directly, or through the projection's backward: its BatchNorm's
    /// from the batch's coefficients, then the convolution's).
    /// </summary>
    public override string? BackwardCall(LayerContext c)
    {
        var calls = new List<string>();
        bool skipHere = !Projects(c.Layer) && c.SkipGrad is not null;
        if (c.NeedsInputGrad || skipHere) calls.Add(Call(c, "Backward", c.OutputGrad, c.InputGrad, skipHere ? c.SkipGrad : null));
        if (Normalizes(c.Layer)) calls.Add(Norm.BackwardCall(NormContext(c))!);
        if (Projects(c.Layer) && Conv.BackwardCall(ProjectionContext(c)) is { } projection) calls.Add(projection);
        return calls.Count == 0 ? null : string.Join("\n", calls);
    }

    public override void Forward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        if (Projects(l))
        {
            Conv.Forward(w, ProjectionContext(c));
            w.Line();
        }
        if (Normalizes(l))
        {
            Norm.Forward(w, NormContext(c));
            w.Line();
        }
        w.Line($"/// <summary>{Title(l)}</summary>");
        w.Line($"/// <param name=\"x\">{l.InputLabel}'s output {Dims(l.In)}.</param>");
        w.Line(Projects(l)
            ? $"/// <param name=\"skip\">The projection of {l.From}'s output{(Normalizes(l) ? ", normalised" : "")} {Dims(l.Out)}.</param>"
            : $"/// <param name=\"skip\">{l.From}'s output {Dims(l.Out)}.</param>");
        w.Line($"/// <param name=\"y\">The sum {Dims(l.Out)}.</param>");
        OpenMethod(w, l.Member + "Forward", "ReadOnlySpan<float> x", "ReadOnlySpan<float> skip", "Span<float> y");
        w.Line($"const int N = {I(l.Out.Size)};");
        w.Line("TensorPrimitives.Add(x.Slice(0, N), skip.Slice(0, N), y.Slice(0, N));");
        w.Close();
    }

    public override void Backward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        bool skipHere = !Projects(l) && c.SkipGrad is not null;
        if (c.NeedsInputGrad || skipHere)
        {
            string dx = !c.NeedsInputGrad ? "" : c.AddsInputGrad ? "; adds it into dx" : "; writes it into dx";
            string dskip = !skipHere ? "" : c.AddsSkipGrad ? $", adds it into dskip ({l.From}'s gradient)" : $", writes it into dskip ({l.From}'s gradient)";
            w.Line($"/// <summary>{l.Name} backward: the gradient of a sum passes unchanged to both terms{dx}{dskip}.</summary>");
            w.Line($"/// <param name=\"dy\">The gradient of the output {Dims(l.Out)}.</param>");
            if (c.NeedsInputGrad) w.Line($"/// <param name=\"dx\">The gradient of {l.InputLabel}'s output {Dims(l.In)}.</param>");
            if (skipHere) w.Line($"/// <param name=\"dskip\">The gradient of {l.From}'s output {Dims(l.Out)}.</param>");
            OpenMethod(w, l.Member + "Backward", "ReadOnlySpan<float> dy", c.NeedsInputGrad ? "Span<float> dx" : null, skipHere ? "Span<float> dskip" : null);
            w.Line($"const int N = {I(l.Out.Size)};");
            if (c.NeedsInputGrad) Deliver(w, "dx", c.AddsInputGrad);
            if (skipHere) Deliver(w, "dskip", c.AddsSkipGrad);
            w.Close();
        }
        if (!Projects(l)) return;
        var text = new SourceWriter();
        if (Normalizes(l))
        {
            Norm.Backward(text, NormContext(c));
            text.Line();
        }
        Conv.Backward(text, ProjectionContext(c));
        if (c.NeedsInputGrad || skipHere) w.Line();
        w.Raw(text.ToString());
    }

    private static void Deliver(SourceWriter w, string target, bool adds) => w.Line(adds
        ? $"TensorPrimitives.Add({target}.Slice(0, N), dy.Slice(0, N), {target}.Slice(0, N));"
        : $"dy.Slice(0, N).CopyTo({target});");
}
