using System.Numerics;
using StaticNets.Generator.Emit;
using StaticNets.Generator.Model;
using StaticNets.Generator.Shapes;
using static StaticNets.Generator.Shapes.Messages;

namespace StaticNets.Generator.Layers;

/// <summary>
/// [BatchNorm(Momentum, Epsilon)]: per channel after a spatial layer, per feature after a flat one,
/// <c>y = γ (x - mean) / sqrt(var + ε) + β</c>. Training normalises with the batch's mean and biased variance over
/// every sample and position of a channel and updates the running statistics once per batch
/// (<c>r = (1 - momentum) r + momentum b</c>, the variance unbiased, as PyTorch); inference uses the running ones.
/// γ are its weights, β its biases; its running means then variances stand at <c>StatisticsOffset</c>.
/// </summary>
internal sealed class BatchNormRule : LayerRule
{
    public BatchNormRule(LayerEmitter emitter)
        : base(LayerType.BatchNorm, emitter)
    {
    }

    public override string Stem => "bn";

    /// <summary>The activation after it decides how the layer before it is initialised, as after dropout.</summary>
    public override bool PassesActivationThrough => true;

    public override LayerSpec Read(LayerSpec spec, LayerArguments arguments) => spec with
    {
        Momentum = arguments.Double("Momentum", 0.1),
        Epsilon = arguments.Double("Epsilon", 1e-5),
    };

    public override void Check(LayerSpec spec, ArgumentChecks checks)
    {
        if (!(spec.Momentum >= 0 && spec.Momentum <= 1))
        {
            checks.Report("Momentum", $"Momentum = {Format(spec.Momentum)} must be between 0 and 1 (the weight of a batch's statistics in the running ones).");
        }
        if (!(spec.Epsilon > 0) || (float)spec.Epsilon == 0 || float.IsInfinity((float)spec.Epsilon))
        {
            checks.Report("Epsilon", $"Epsilon = {Format(spec.Epsilon)} must be positive and finite as a float (it is added to the variance before its square root).");
        }
    }

    public override string Describe(LayerSpec spec) => "BatchNorm";

    /// <summary>
    /// The shape is the input's; one γ and one β per channel (per feature when flat), two running statistics per
    /// channel. Scratch: the normalised values, and per channel the batch's moments and sums (4 doubles) and the
    /// coefficients of the normalisation and of its backward (5 floats).
    /// </summary>
    public override LayerOutcome? Infer(LayerSpec spec, Tensor input, string head, DiagnosticSink diagnostics)
    {
        var shape = input.Shape;
        int channels = shape.C; // a flat shape is [features][1][1]
        return new LayerOutcome(shape)
        {
            Units = channels,
            Weights = channels,
            Biases = channels,
            FanIn = 1,
            FanOut = 1,
            Statistics = 2 * channels,
            Momentum = spec.Momentum,
            Epsilon = spec.Epsilon,
            Scratch = shape.Size + (BigInteger)channels * (2 + 8 + 5),
            ParameterArithmetic = $"{channels} scales + {channels} shifts",
            FewerParameters = "channels",
        };
    }

    public override string TableText(LayerShape l) => $"BatchNorm {l.Units}";

    public override string Title(LayerShape l) =>
        $"BatchNorm over {l.Units} {(l.In.Flat ? "features" : "channels")}, momentum {Format(l.Momentum)}, epsilon {Format(l.Epsilon)}";

    /// <summary>One per value: inference scales and shifts each value (the running statistics folded into γ and β).</summary>
    public override long MultiplyAdds(LayerShape l) => l.Out.Size;
}
