using StaticNets.Generator.Emit;
using StaticNets.Generator.Model;
using StaticNets.Generator.Shapes;

namespace StaticNets.Generator.Layers;

/// <summary>[Flatten]: an image as a flat vector of the same values, in the same order.</summary>
internal sealed class FlattenRule : LayerRule
{
    public FlattenRule(LayerEmitter emitter)
        : base(LayerType.Flatten, emitter)
    {
    }

    public override LayerOutcome? Infer(LayerSpec spec, Tensor input, string head, DiagnosticSink diagnostics) =>
        new(new Shape(input.Shape.Size, 1, 1, true));

    public override string? FlattenedBy(Tensor input, string name) => input.FlattenedBy ?? name;
}
