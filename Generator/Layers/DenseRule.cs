using System.Numerics;
using StaticNets.Generator.Emit;
using StaticNets.Generator.Model;
using StaticNets.Generator.Shapes;
using static StaticNets.Generator.Shapes.Messages;

namespace StaticNets.Generator.Layers;

/// <summary>[Dense(units, Activation, Init, L1, L2)]: every unit a weighted sum of the whole flat input, plus a bias.</summary>
internal sealed class DenseRule : LayerRule
{
    public DenseRule(LayerEmitter emitter)
        : base(LayerType.Dense, emitter)
    {
    }

    public override bool HasWeights => true;

    public override LayerSpec Read(LayerSpec spec, LayerArguments arguments) =>
        Weighted.Read(spec, arguments) with { Units = arguments.Int("units", 0), Bias = arguments.Bool("Bias", true) };

    public override void Check(LayerSpec spec, ArgumentChecks checks)
    {
        checks.ShapeAtLeast("units", spec.Units, 1);
        checks.WeightOptions();
    }

    public override string Describe(LayerSpec spec) => $"Dense {spec.Units}";

    public override ActivationKind ActivationOf(LayerSpec spec) => spec.Activation;

    public override LayerOutcome? Infer(LayerSpec spec, Tensor input, string head, DiagnosticSink diagnostics)
    {
        var current = input.Shape;
        if (input.FlattenedBy is null)
        {
            diagnostics.Report(DiagnosticIds.SN2005, $"{head}: a dense layer needs a flat input. Insert [Flatten] before it, to feed it the {current.H}*{current.W}*{current.C} = {Num(current.Size)} values.", spec.Location);
            return null;
        }
        var output = new Shape(spec.Units, 1, 1, true);
        // The values before an inline activation; ForwardBatch's tiles of its input and output; the input gradient of its
        // own that it adds into a shared one where its input has another reader (an [Add]), counted always: an upper bound.
        BigInteger scratch = spec.Activation != ActivationKind.None ? output.Size : 0;
        scratch += BatchTile * ((BigInteger)current.Size + output.Size);
        scratch += current.Size;
        return new LayerOutcome(output)
        {
            Units = spec.Units,
            Activation = spec.Activation,
            Alpha = Weighted.InlineAlpha,
            Weights = (BigInteger)spec.Units * current.Size,
            Biases = spec.Bias ? spec.Units : 0,
            FanIn = current.Size,
            FanOut = spec.Units,
            Scratch = scratch,
            ParameterArithmetic = spec.Bias ? $"{spec.Units}*{current.Size} weights + {spec.Units} biases" : $"{spec.Units}*{current.Size} weights",
            FewerParameters = "units, or a smaller input to it",
        };
    }

    public override string TableText(LayerShape l) => $"Dense {l.Units}{(l.HasBias ? "" : " nobias")}{InlineActivation(l, " ")}";

    public override string Title(LayerShape l) => $"Dense {l.Units}{InlineActivation(l, ", ")}";

    /// <summary>Each unit multiplies every input by its weight.</summary>
    public override long MultiplyAdds(LayerShape l) => (long)l.In.Size * l.Units;
}
