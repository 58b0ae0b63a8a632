using System.Numerics;
using StaticNets.Generator.Emit;
using StaticNets.Generator.Model;
using StaticNets.Generator.Shapes;
using static StaticNets.Generator.Shapes.Messages;

namespace StaticNets.Generator.Layers;

/// <summary>[ReLU], [ReLU6], [GELU], [Sigmoid], [Tanh], [Softmax]: an activation as a layer of its own, applied to each value (Softmax: to the whole vector).</summary>
internal class ActivationRule : LayerRule
{
    public override string InfoKind => "Activation";

    private readonly ActivationKind _activation;

    public ActivationRule(LayerType type, ActivationKind activation, LayerEmitter emitter)
        : base(type, emitter) => _activation = activation;

    public override ActivationKind ActivationOf(LayerSpec spec) => _activation;

    /// <summary>The kind in lower case; a stem ending in a digit takes '_' before its index (<c>relu6_1</c>, not <c>relu61</c>).</summary>
    public override string Stem => char.IsDigit(base.Stem[base.Stem.Length - 1]) ? base.Stem + "_" : base.Stem;

    /// <summary>The shape is unchanged; ForwardBatch's output tile is scratch.</summary>
    public override LayerOutcome? Infer(LayerSpec spec, Tensor input, string head, DiagnosticSink diagnostics) =>
        new(input.Shape) { Activation = _activation, Alpha = AlphaOf(spec), Scratch = BatchTile * (BigInteger)input.Shape.Size };

    /// <summary>The slope below zero the layer passes to its kernel (only LeakyReLU has one).</summary>
    protected virtual double AlphaOf(LayerSpec spec) => 0;
}

/// <summary>[LeakyReLU(alpha)]: <c>x</c> above zero, <c>alpha * x</c> below.</summary>
internal sealed class LeakyReLURule : ActivationRule
{
    public LeakyReLURule(LayerEmitter emitter)
        : base(LayerType.LeakyReLU, ActivationKind.LeakyReLU, emitter)
    {
    }

    public override LayerSpec Read(LayerSpec spec, LayerArguments arguments) => spec with { Alpha = arguments.Double("alpha", 0.01) };

    public override void Check(LayerSpec spec, ArgumentChecks checks) => checks.FiniteNotNegative("alpha", spec.Alpha);

    public override string Describe(LayerSpec spec) => $"LeakyReLU {Format(spec.Alpha)}";

    protected override double AlphaOf(LayerSpec spec) => spec.Alpha;

    public override string TableText(LayerShape l) => $"LeakyReLU {Format(l.Alpha)}";

    public override string Title(LayerShape l) => $"LeakyReLU, alpha {Format(l.Alpha)}";
}
