using System.Numerics;
using StaticNets.Generator.Emit;
using StaticNets.Generator.Model;
using StaticNets.Generator.Shapes;

namespace StaticNets.Generator.Layers;

/// <summary>
/// [DepthwiseConv2D(kernel)] and [DepthwiseConv2D(kernelHeight, kernelWidth)], with Multiplier and the convolution's
/// other options: <c>Multiplier</c> filters per input channel, each reading its channel only (Keras' DepthwiseConv2D,
/// PyTorch's <c>groups = channels</c>). It is a convolution with <c>channels * Multiplier</c> filters in <c>channels</c>
/// groups: the same shape rule, emitter, weights <c>[channels*multiplier][1][kh][kw]</c>, and a Conv2D in <c>Info</c>.
/// </summary>
internal sealed class DepthwiseConv2DRule : Conv2DRule
{
    public DepthwiseConv2DRule(LayerEmitter emitter)
        : base(LayerType.DepthwiseConv2D, emitter)
    {
    }

    public override string Stem => "dwconv";

    /// <summary>In <c>Info</c>, ONNX and weight files it is the grouped convolution it computes.</summary>
    public override string InfoKind => nameof(LayerType.Conv2D);

    public override LayerSpec Read(LayerSpec spec, LayerArguments arguments) =>
        base.Read(spec, arguments) with { Multiplier = arguments.Int("Multiplier", 1), Filters = 0, Groups = 1 };

    public override void Check(LayerSpec spec, ArgumentChecks checks)
    {
        checks.ShapeAtLeast("Multiplier", spec.Multiplier, 1);
        CheckWindow(spec, checks);
    }

    public override LayerOutcome? Infer(LayerSpec spec, Tensor input, string head, DiagnosticSink diagnostics)
    {
        int channels = input.Shape.C;
        BigInteger filters = (BigInteger)channels * spec.Multiplier;
        if (filters > int.MaxValue)
        {
            diagnostics.Report(DiagnosticIds.SN2006, $"{head}: {channels} channels * Multiplier {spec.Multiplier} = {Messages.Num(filters)} filters overflows a 32-bit size (at most {Messages.Num(int.MaxValue)}). Use a smaller Multiplier.",
                spec.ArgumentOrAttribute("Multiplier"));
            return null;
        }
        return base.Infer(spec with { Filters = (int)filters, Groups = channels }, input, head, diagnostics);
    }
}
