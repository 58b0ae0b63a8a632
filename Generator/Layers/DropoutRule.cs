using System.Numerics;
using StaticNets.Generator.Emit;
using StaticNets.Generator.Model;
using StaticNets.Generator.Shapes;
using static StaticNets.Generator.Shapes.Messages;

namespace StaticNets.Generator.Layers;

/// <summary>[Dropout(rate)]: in training, zeroes each value with probability <c>rate</c> and scales the rest by <c>1 / (1 - rate)</c>.</summary>
internal sealed class DropoutRule : LayerRule
{
    public DropoutRule(LayerEmitter emitter)
        : base(LayerType.Dropout, emitter)
    {
    }

    public override bool PassesActivationThrough => true;

    public override LayerSpec Read(LayerSpec spec, LayerArguments arguments) => spec with { Rate = arguments.Double("rate", 0) };

    public override void Check(LayerSpec spec, ArgumentChecks checks)
    {
        if (!(spec.Rate >= 0 && spec.Rate < 1))
        {
            checks.Report("rate", $"rate = {Format(spec.Rate)} must be at least 0 and less than 1 (the fraction of values dropped in training).");
        }
    }

    public override string Describe(LayerSpec spec) => $"Dropout {Format(spec.Rate)}";

    /// <summary>The shape is unchanged; the mask and ForwardBatch's output tile are scratch.</summary>
    public override LayerOutcome? Infer(LayerSpec spec, Tensor input, string head, DiagnosticSink diagnostics) =>
        new(input.Shape) { Rate = spec.Rate, Scratch = input.Shape.Size + BatchTile * (BigInteger)input.Shape.Size };

    public override string TableText(LayerShape l) => $"Dropout {Format(l.Rate)}";

    public override string Title(LayerShape l) => $"Dropout {Format(l.Rate)}";
}
