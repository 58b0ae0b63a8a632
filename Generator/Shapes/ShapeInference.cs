using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using StaticNets.Generator.Layers;
using StaticNets.Generator.Model;
using static StaticNets.Generator.Shapes.Messages;

namespace StaticNets.Generator.Shapes;

/// <summary>
/// Turns a <see cref="NetworkSpec"/> into layer shapes, parameter counts and diagnostics. Pure and
/// Roslyn-free: the generator and the analyzer both call it, so the error a user sees and the code
/// that is emitted never disagree. A driver over the layer rules (<see cref="LayerRegistry"/>): the class
/// and placement checks, each rule's argument checks, then each layer's shape from the tensors it reads,
/// checked against the size limits, then the design advice.
/// </summary>
/// <remarks>
/// <para>
/// Every message names the layer (<c>conv1</c>: its kind and its index among that kind), what it is
/// (<c>Conv2D 5x5, stride 2</c>), the shape it receives where that is known, the arithmetic with the
/// numbers filled in, and ends with the repair when there is one. Sizes are computed in
/// <see cref="BigInteger"/>, so no argument, however large, overflows here: it becomes SN2006.
/// </para>
/// <para>
/// Each independent mistake is reported, and nothing that a reported mistake causes. A layer's output shape is
/// known when the tensor it reads is known, its own shape arguments are in range and its rule infers a shape;
/// the rule is:
/// <list type="number">
/// <item>The class and placement checks (SN1001, SN1002, SN1004) and every attribute's argument checks (SN1003)
/// need no shape and are always all reported.</item>
/// <item>Shapes are inferred only when the layer order is known (<see cref="Placement.Check"/>: one declaration,
/// [Input] first; SN1001 and a repeated [Input] after the first do not stop them) and the [Input]'s arguments are
/// in range and its size fits an int.</item>
/// <item>An argument out of range that the output shape is not computed from (a dropout rate, a LeakyReLU alpha,
/// L1, L2, Activation, Init) stops nothing: the layer is inferred as written.</item>
/// <item>An argument out of range that the output shape is computed from (filters, units, kernel, size, stride,
/// padding; <see cref="ArgumentChecks.ShapeAtLeast"/>), or arguments that could not be read, leave that layer's
/// output unknown: it is not inferred, and neither is any layer that reads its output, directly or through other
/// layers. Layers before it are inferred as usual.</item>
/// <item>A shape error that leaves the output unknown (SN2003, SN2004, SN2005, an output too large for an int)
/// likewise stops only the layers that read that output. SN2001 and SN2002 leave the floored shape known:
/// inference goes on.</item>
/// <item>The size limits (SN2006 for a 32-bit parameter count or for <see cref="MaxFloats"/>) add up over the
/// layers, so each is reported once, at the first layer that crosses one; the shapes after it are still inferred,
/// and not measured again.</item>
/// <item>The design advice (SN3xxx) works on the arguments and is given whatever else is reported.</item>
/// </list>
/// <see cref="NetworkShape.CanEmit"/> is false when any error but SN2001 and SN2002 is reported, or a shape is unknown.
/// </para>
/// </remarks>
internal static class ShapeInference
{
    /// <summary>
    /// An instance's parameters, gradients and activation buffers together may hold at most this many floats (1 GiB).
    /// Activations are counted as an upper bound: the input, every layer's output and its gradient, and each layer's
    /// scratch as its rule counts it (a convolution's <see cref="Conv2DBuffers"/>, the values before an inline
    /// activation, dropout masks, batch tiles); the emitter may need less (in-place layers).
    /// </summary>
    public const long MaxFloats = 1L << 28;

    /// <summary>The number of saturating activations at which SN3002 warns (<see cref="DesignAdvice.SaturatingDepth"/>).</summary>
    public const int SaturatingDepth = DesignAdvice.SaturatingDepth;

    /// <summary>Samples per tile of the generated <c>ForwardBatch</c> (<c>NetworkEmitter.BatchTile</c>).</summary>
    public const int BatchTile = LayerRule.BatchTile;

    /// <summary>Infers the shapes, parameter counts and diagnostics of <paramref name="spec"/>. Never throws.</summary>
    public static NetworkShape Infer(NetworkSpec spec)
    {
        var diagnostics = new DiagnosticSink();
        var specs = spec.Layers;
        var rules = specs.Select(l => LayerRegistry.For(l.Type)).ToArray();
        var defaults = LayerNames.Defaults(specs, rules);
        var names = LayerNames.Labels(specs, rules, defaults, out var nameProblems);

        bool orderKnown = Placement.Check(spec, names, diagnostics);
        var argumentsKnown = new bool[specs.Count];
        var from = Enumerable.Repeat(-1, specs.Count).ToArray();
        for (int i = 0; i < specs.Count; i++)
        {
            if (specs[i].HasErrors)
            {
                // The values read are defaults, not what the user wrote: say only that.
                diagnostics.Report(DiagnosticIds.SN1003, $"{names[i]} ({specs[i].Type}): the attribute's arguments could not be read. Fix the compiler errors on it.", specs[i].Location);
                continue;
            }
            var checks = new ArgumentChecks(specs[i], names[i], diagnostics);
            rules[i].Check(specs[i], checks);
            argumentsKnown[i] = !checks.ShapeUnknown;
            // A rejected name leaves the layer its default: nothing else depends on it.
            if (nameProblems[i] is { } problem) diagnostics.Report(DiagnosticIds.SN1005, problem, specs[i].ArgumentOrAttribute("Name"), isFatal: false);
            // An [Add] reads the output of the layer its from names: an unknown one leaves its output unknown.
            if (!rules[i].ReadsFrom) continue;
            from[i] = LayerNames.From(specs, i, defaults, names, out var fromProblem);
            if (fromProblem is null) continue;
            diagnostics.Report(DiagnosticIds.SN1005, fromProblem, specs[i].ArgumentOrAttribute("from"));
            argumentsKnown[i] = false;
        }
        Budget.CheckArguments(spec.Budget, diagnostics);

        var layers = new List<LayerShape>();
        var inputs = new Shape?[specs.Count];
        Shape input = default;
        bool complete = false;
        if (orderKnown && argumentsKnown[0] && ((InputRule)LayerRegistry.Input).Shape(specs[0], diagnostics) is { } tensor)
        {
            input = tensor.Shape;
            complete = new LayerWalk(specs, rules, defaults, names, argumentsKnown, diagnostics) { From = from }.Run(tensor, layers, inputs);
        }

        DesignAdvice.Report(specs, rules, names, inputs, diagnostics);

        var last = layers.LastOrDefault();
        var loss = last is not null && last.Activation == ActivationKind.Softmax ? LossKind.CrossEntropy : LossKind.MeanSquaredError;
        bool canEmit = complete && !diagnostics.Fatal && layers.Count > 0;
        var shape = new NetworkShape(input, (canEmit ? layers : new List<LayerShape>()).ToEquatableArray(), diagnostics.ToEquatableArray(), canEmit, loss);
        // The budget needs the whole network (its buffers come from the emitter's plan): checked last, when code can be emitted.
        if (canEmit && spec.Budget is { } budget && Budget.Check(spec, shape, budget, diagnostics)) shape = shape with { Diagnostics = diagnostics.ToEquatableArray() };
        return shape;
    }
}
