using System.Linq;

namespace StaticNets.Generator.Model;

/// <summary>
/// What source output receives: the spec and the inferred shapes with every location removed. Locations
/// matter only to diagnostics (the analyzer reports them); the generated code does not depend on them, so an
/// edit that only moves the class in its file (a comment or a using above it) leaves this model equal and the
/// file is not emitted again.
/// </summary>
internal sealed record EmitModel(NetworkSpec Spec, NetworkShape Shape)
{
    public static EmitModel From(NetworkSpec spec, NetworkShape shape) => new(
        spec with
        {
            ClassLocation = null,
            Layers = spec.Layers.Select(l => l with { Location = null, Arguments = default }).ToEquatableArray(),
        },
        shape with
        {
            Diagnostics = shape.Diagnostics.Select(d => d with { Location = null }).ToEquatableArray(),
        });
}
