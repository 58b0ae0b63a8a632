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
/// Every message names the layer (<c>conv1</c>: its kind and its index among that kind), what it is
/// (<c>Conv2D 5x5, stride 2</c>), the shape it receives where that is known, the arithmetic with the
/// numbers filled in, and ends with the repair when there is one. Sizes are computed in
/// <see cref="BigInteger"/>, so no argument, however large, overflows here: it becomes SN2006.
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
        var names = Names(specs, rules);

        Placement.Check(spec, names, diagnostics);
        for (int i = 0; i < specs.Count; i++)
        {
            if (specs[i].HasErrors)
            {
                // The values read are defaults, not what the user wrote: say only that.
                diagnostics.Report(DiagnosticIds.SN1003, $"{names[i]} ({specs[i].Type}): the attribute's arguments could not be read. Fix the compiler errors on it.", specs[i].Location);
                continue;
            }
            rules[i].Check(specs[i], new ArgumentChecks(specs[i], names[i], diagnostics));
        }

        var layers = new List<LayerShape>();
        Shape input = default;
        var inputSpec = specs.FirstOrDefault(l => l.Type == LayerType.Input);
        bool shapesKnown = !diagnostics.Fatal && inputSpec is not null;
        if (shapesKnown && ((InputRule)LayerRegistry.Input).Shape(inputSpec!, diagnostics) is { } tensor)
        {
            input = tensor.Shape;
            shapesKnown = Layers(specs, rules, names, tensor, layers, diagnostics);
        }
        else
        {
            shapesKnown = false;
        }

        DesignAdvice.Report(specs, rules, names, layers, diagnostics);

        var last = layers.LastOrDefault();
        var loss = last is not null && last.Activation == ActivationKind.Softmax ? LossKind.CrossEntropy : LossKind.MeanSquaredError;
        bool canEmit = shapesKnown && !diagnostics.Fatal && layers.Count > 0;
        return new NetworkShape(input, (canEmit ? layers : new List<LayerShape>()).ToEquatableArray(), diagnostics.ToEquatableArray(), canEmit, loss);
    }

    /// <summary>Names: one counter per stem, in order (<c>conv1</c>, <c>pool1</c>, <c>conv2</c>...); [Input] is <c>input</c>.</summary>
    private static string[] Names(EquatableArray<LayerSpec> specs, LayerRule[] rules)
    {
        var counters = new Dictionary<string, int>();
        var names = new string[specs.Count];
        for (int i = 0; i < specs.Count; i++)
        {
            string stem = rules[i].Stem;
            counters.TryGetValue(stem, out int n);
            counters[stem] = ++n;
            names[i] = specs[i].Type == LayerType.Input ? "input" : stem + n.ToString(Inv);
        }
        return names;
    }

    /// <summary>
    /// Each layer's shape from the tensors it reads (a table of outputs by layer, -1 the network input), checked against
    /// a 32-bit parameter count and <see cref="MaxFloats"/>. False when an error stopped inference.
    /// </summary>
    private static bool Layers(
        EquatableArray<LayerSpec> specs, LayerRule[] rules, string[] names, Tensor input, List<LayerShape> layers, DiagnosticSink diagnostics)
    {
        var outputs = new List<Tensor>();
        BigInteger offset = 0;
        BigInteger activationFloats = input.Shape.Size;
        for (int i = 0; i < specs.Count; i++)
        {
            var l = specs[i];
            if (l.Type == LayerType.Input) continue;
            var rule = rules[i];
            // Today every layer reads the one before it.
            var inputs = new[] { layers.Count - 1 };
            var current = inputs[0] < 0 ? input : outputs[inputs[0]];
            string head = $"{names[i]} ({rule.Describe(l)}) on {current.Shape}";
            if (rule.Infer(l, current, head, diagnostics) is not { } outcome) return false;

            BigInteger parameters = outcome.Weights + outcome.Biases;
            if (parameters > int.MaxValue || offset + parameters > int.MaxValue)
            {
                diagnostics.Report(DiagnosticIds.SN2006, $"{head}: {outcome.ParameterArithmetic} = {Num(parameters)} parameters{(offset > 0 ? $", {Num(offset + parameters)} with the layers before" : "")}, more than a 32-bit size ({Num(int.MaxValue)}). Use fewer {outcome.FewerParameters}.", l.Location);
                return false;
            }

            var next = outcome.Output;
            activationFloats += 2 * (BigInteger)next.Size + outcome.Scratch;
            BigInteger parameterFloats = 2 * (offset + parameters);
            BigInteger total = parameterFloats + activationFloats;
            if (total > MaxFloats)
            {
                diagnostics.Report(DiagnosticIds.SN2006, $"{head}: with this layer an instance would need up to {Num(total * 4)} bytes (parameters and gradients {Num(parameterFloats * 4)}, activations up to {Num(activationFloats * 4)}), more than the limit of {Num(MaxFloats * 4)} bytes (1 GiB). Use a smaller input, fewer filters or units, or downsample earlier.", l.Location);
                return false;
            }

            var shape = new LayerShape
            {
                Name = names[i],
                Type = l.Type,
                Inputs = inputs.ToEquatableArray(),
                In = current.Shape,
                Out = next,
                Units = outcome.Units,
                Kernel = outcome.Kernel,
                Stride = outcome.Stride,
                Padding = outcome.Padding,
                Activation = outcome.Activation,
                Alpha = outcome.Alpha,
                Rate = outcome.Rate,
                Init = ResolveInit(specs, rules, i, outcome.Activation),
                L1 = l.L1,
                L2 = l.L2,
                WeightCount = (int)outcome.Weights,
                BiasCount = (int)outcome.Biases,
                ParameterOffset = (int)offset,
                FanIn = (int)outcome.FanIn,
                FanOut = (int)outcome.FanOut,
                Description = rule.Describe(l),
            };
            layers.Add(shape with { TableText = rule.TableText(shape), Title = rule.Title(shape), MultiplyAdds = rule.MultiplyAdds(shape) });
            outputs.Add(new Tensor(next, rule.FlattenedBy(current, names[i])));
            offset += parameters;
        }
        return true;
    }

    /// <summary>
    /// <c>Init.Auto</c> resolved for a layer with weights: He for ReLU, LeakyReLU and GELU, else Xavier, after the
    /// activation that follows: inline, else the next standalone activation layer (past dropout).
    /// </summary>
    private static InitKind ResolveInit(EquatableArray<LayerSpec> specs, LayerRule[] rules, int index, ActivationKind activation)
    {
        var l = specs[index];
        if (!rules[index].HasWeights) return InitKind.Auto;
        if (l.Init != InitKind.Auto) return l.Init;
        var next = activation;
        for (int i = index + 1; next == ActivationKind.None && i < specs.Count; i++)
        {
            if (rules[i].PassesActivationThrough) continue;
            next = rules[i].HasWeights ? ActivationKind.None : rules[i].ActivationOf(specs[i]);
            break;
        }
        return next is ActivationKind.ReLU or ActivationKind.LeakyReLU or ActivationKind.GELU ? InitKind.HeNormal : InitKind.XavierUniform;
    }
}
