namespace StaticNets.Generator.Emit;

/// <summary>
/// Flatten: nothing to compute, since <c>[C][H][W]</c> is already the flat order. The next layer reads the same
/// buffer, and its backward writes (or adds into) the gradient of the layer before: Flatten has no pass of its own.
/// </summary>
internal sealed class FlattenEmitter : LayerEmitter
{
    public override bool HasOutput => false;

    public override string ForwardCall(LayerContext c) => $"// {c.Layer.Name}: {c.Layer.In} -> {c.Layer.Out}, no copy ([C][H][W] is already the flat order)";

    public override string? BackwardCall(LayerContext c) => null;

    public override void Forward(SourceWriter w, LayerContext c)
    {
    }

    public override void Backward(SourceWriter w, LayerContext c)
    {
    }
}
