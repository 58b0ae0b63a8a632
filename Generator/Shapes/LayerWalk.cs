using System.Collections.Generic;
using System.Numerics;
using StaticNets.Generator.Layers;
using StaticNets.Generator.Model;
using static StaticNets.Generator.Shapes.Messages;

namespace StaticNets.Generator.Shapes;

/// <summary>
/// The layers in order, each from the tensors it reads (a table of outputs by layer, -1 the network input), under
/// the rule of <see cref="ShapeInference"/>: a layer is inferred when what it reads is known and its shape
/// arguments are in range; an unknown output leaves unknown every layer that reads it; the size limits (SN2006)
/// are reported once.
/// </summary>
internal sealed class LayerWalk
{
    private readonly EquatableArray<LayerSpec> _specs;
    private readonly LayerRule[] _rules;
    private readonly string[] _defaults;
    private readonly string[] _names;
    private readonly bool[] _argumentsKnown;
    private readonly DiagnosticSink _diagnostics;

    private BigInteger _offset;
    private int _statisticsOffset;
    private BigInteger _activationFloats;
    private bool _withinLimits = true;

    /// <summary>
    /// A walk over <paramref name="specs"/> with their <paramref name="rules"/>: <paramref name="defaults"/> are the default
    /// names, which generated members are named after; <paramref name="names"/> the ones messages, <c>Summary</c> and
    /// <c>Info</c> use (a given <c>Name</c>, else the default); <paramref name="argumentsKnown"/> whether each layer's
    /// shape arguments are in range; <paramref name="diagnostics"/> receives what it reports.
    /// </summary>
    public LayerWalk(EquatableArray<LayerSpec> specs, LayerRule[] rules, string[] defaults, string[] names, bool[] argumentsKnown, DiagnosticSink diagnostics)
    {
        _specs = specs;
        _rules = rules;
        _defaults = defaults;
        _names = names;
        _argumentsKnown = argumentsKnown;
        _diagnostics = diagnostics;
    }

    /// <summary>
    /// Infers every layer it can from <paramref name="input"/>: the shape each receives into <paramref name="inputs"/>
    /// (by spec index), and, while every layer so far is known and within the limits, its <see cref="LayerShape"/>
    /// into <paramref name="layers"/>. True when every layer's output is known and within the limits.
    /// </summary>
    public bool Run(Tensor input, List<LayerShape> layers, Shape?[] inputs)
    {
        // Outputs by layer index ([Input] is no layer); null where unknown.
        var outputs = new List<Tensor?>();
        _activationFloats = input.Shape.Size;
        bool complete = true;
        for (int i = 0; i < _specs.Count; i++)
        {
            if (_specs[i].Type == LayerType.Input) continue;
            // Today every layer reads the one before it.
            var reads = new[] { outputs.Count - 1 };
            Tensor? received = reads[0] < 0 ? input : outputs[reads[0]];
            Tensor? produced = null;
            if (received is { } current)
            {
                inputs[i] = current.Shape;
                if (_argumentsKnown[i]) produced = Layer(i, current, reads, complete ? layers : null);
            }
            outputs.Add(produced);
            complete &= produced is not null && _withinLimits;
        }
        return complete;
    }

    /// <summary>
    /// One layer on a known input: its rule's shape, then the size limits. Its output tensor, or null after an error
    /// that leaves it unknown. Adds its <see cref="LayerShape"/> to <paramref name="layers"/> when that is given and
    /// the counts are within the limits.
    /// </summary>
    private Tensor? Layer(int i, Tensor current, int[] reads, List<LayerShape>? layers)
    {
        var l = _specs[i];
        var rule = _rules[i];
        string head = $"{_names[i]} ({rule.Describe(l)}) on {current.Shape}";
        if (rule.Infer(l, current, head, _diagnostics) is not { } outcome) return null;

        var next = outcome.Output;
        var produced = new Tensor(next, rule.FlattenedBy(current, _names[i]));
        if (!_withinLimits) return produced;

        BigInteger parameters = outcome.Weights + outcome.Biases;
        if (parameters > int.MaxValue || _offset + parameters > int.MaxValue)
        {
            _diagnostics.Report(DiagnosticIds.SN2006, $"{head}: {outcome.ParameterArithmetic} = {Num(parameters)} parameters{(_offset > 0 ? $", {Num(_offset + parameters)} with the layers before" : "")}, more than a 32-bit size ({Num(int.MaxValue)}). Use fewer {outcome.FewerParameters}.", l.Location);
            _withinLimits = false;
            return produced;
        }

        _activationFloats += 2 * (BigInteger)next.Size + outcome.Scratch;
        BigInteger parameterFloats = 2 * (_offset + parameters);
        BigInteger total = parameterFloats + _activationFloats;
        if (total > ShapeInference.MaxFloats)
        {
            _diagnostics.Report(DiagnosticIds.SN2006, $"{head}: with this layer an instance would need up to {Num(total * 4)} bytes (parameters and gradients {Num(parameterFloats * 4)}, activations up to {Num(_activationFloats * 4)}), more than the limit of {Num(ShapeInference.MaxFloats * 4)} bytes (1 GiB). Use a smaller input, fewer filters or units, or downsample earlier.", l.Location);
            _withinLimits = false;
            return produced;
        }

        if (layers is not null)
        {
            var shape = new LayerShape
            {
                Name = _defaults[i],
                Label = _names[i],
                Type = l.Type,
                Inputs = reads.ToEquatableArray(),
                In = current.Shape,
                Out = next,
                Units = outcome.Units,
                Kernel = outcome.Kernel,
                Stride = outcome.Stride,
                Padding = outcome.Padding,
                KernelHeight = outcome.Geometry?.KernelHeight ?? 0,
                KernelWidth = outcome.Geometry?.KernelWidth ?? 0,
                StrideHeight = outcome.Geometry?.StrideHeight ?? 0,
                StrideWidth = outcome.Geometry?.StrideWidth ?? 0,
                PadTop = outcome.Geometry?.PadTop ?? 0,
                PadLeft = outcome.Geometry?.PadLeft ?? 0,
                PadBottom = outcome.Geometry?.PadBottom ?? 0,
                PadRight = outcome.Geometry?.PadRight ?? 0,
                Groups = outcome.Groups,
                Activation = outcome.Activation,
                Alpha = outcome.Alpha,
                Rate = outcome.Rate,
                Init = ResolveInit(i, outcome.Activation),
                L1 = l.L1,
                L2 = l.L2,
                WeightCount = (int)outcome.Weights,
                BiasCount = (int)outcome.Biases,
                ParameterOffset = (int)_offset,
                StatisticsOffset = _statisticsOffset,
                StatisticsCount = outcome.Statistics,
                Momentum = outcome.Momentum,
                Epsilon = outcome.Epsilon,
                FanIn = (int)outcome.FanIn,
                FanOut = (int)outcome.FanOut,
                Description = rule.Describe(l),
            };
            layers.Add(shape with { TableText = rule.TableText(shape), Title = rule.Title(shape), MultiplyAdds = rule.MultiplyAdds(shape) });
        }
        _offset += parameters;
        _statisticsOffset += outcome.Statistics;
        return produced;
    }

    /// <summary>
    /// <c>Init.Auto</c> resolved for a layer with weights: He for ReLU, ReLU6, LeakyReLU and GELU, else Xavier, after the
    /// activation that follows: inline, else the next standalone activation layer (past dropout).
    /// </summary>
    private InitKind ResolveInit(int index, ActivationKind activation)
    {
        var l = _specs[index];
        if (!_rules[index].HasWeights) return InitKind.Auto;
        if (l.Init != InitKind.Auto) return l.Init;
        var next = activation;
        for (int i = index + 1; next == ActivationKind.None && i < _specs.Count; i++)
        {
            if (_rules[i].PassesActivationThrough) continue;
            next = _rules[i].HasWeights ? ActivationKind.None : _rules[i].ActivationOf(_specs[i]);
            break;
        }
        return next is ActivationKind.ReLU or ActivationKind.ReLU6 or ActivationKind.LeakyReLU or ActivationKind.GELU ? InitKind.HeNormal : InitKind.XavierUniform;
    }
}
