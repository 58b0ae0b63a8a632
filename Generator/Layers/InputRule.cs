using System.Numerics;
using StaticNets.Generator.Model;
using StaticNets.Generator.Shapes;
using static StaticNets.Generator.Shapes.Messages;

namespace StaticNets.Generator.Layers;

/// <summary>
/// [Input(height, width, channels)] or [Input(features)]: the network's input, declared first. It is no
/// layer of its own (no emitter, no <see cref="LayerShape"/>): it gives the first layer its shape.
/// </summary>
internal sealed class InputRule : LayerRule
{
    public InputRule()
        : base(LayerType.Input, emitter: null)
    {
    }

    public override LayerSpec Read(LayerSpec spec, LayerArguments arguments) => arguments.Has("features")
        ? spec with { Height = 1, Width = 1, Channels = arguments.Int("features", 0), Flat = true }
        : spec with { Height = arguments.Int("height", 0), Width = arguments.Int("width", 0), Channels = arguments.Int("channels", 0) };

    public override void Check(LayerSpec spec, ArgumentChecks checks)
    {
        if (spec.Flat)
        {
            checks.ShapeAtLeast("features", spec.Channels, 1);
            return;
        }
        checks.ShapeAtLeast("height", spec.Height, 1);
        checks.ShapeAtLeast("width", spec.Width, 1);
        checks.ShapeAtLeast("channels", spec.Channels, 1);
    }

    public override string Describe(LayerSpec spec) => spec.Flat ? $"Input {spec.Channels}" : $"Input {spec.Height}x{spec.Width}x{spec.Channels}";

    /// <summary>The network's input tensor, or null after SN2006 (more values than an int counts).</summary>
    public Tensor? Shape(LayerSpec spec, DiagnosticSink diagnostics)
    {
        BigInteger values = (BigInteger)spec.Height * spec.Width * spec.Channels;
        if (values > int.MaxValue)
        {
            diagnostics.Report(DiagnosticIds.SN2006, $"input ({Describe(spec)}): {spec.Height}*{spec.Width}*{spec.Channels} = {Num(values)} values overflows a 32-bit size (at most {Num(int.MaxValue)}). Use a smaller input.", spec.Location);
            return null;
        }
        return new Tensor(new Shape(spec.Channels, spec.Height, spec.Width, spec.Flat), spec.Flat ? "input" : null);
    }

    /// <summary>[Input] passes its tensor on unchanged; the driver takes the network's input from <see cref="Shape"/> and does not call this.</summary>
    public override LayerOutcome? Infer(LayerSpec spec, Tensor input, string head, DiagnosticSink diagnostics) => new(input.Shape);
}
