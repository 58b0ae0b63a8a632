using StaticNets.Generator.Emit;
using StaticNets.Generator.Model;
using StaticNets.Generator.Shapes;

namespace StaticNets.Generator.Layers;

/// <summary>
/// [GlobalMaxPool] and [GlobalAvgPool]: one window over each channel's whole image, the output flat (one value per
/// channel). In Info, weight files and ONNX it is a MaxPool or AvgPool whose window and strides are the input's size.
/// </summary>
internal sealed class GlobalPoolRule : LayerRule
{
    public GlobalPoolRule(LayerType type, LayerEmitter emitter)
        : base(type, emitter)
    {
    }

    public override string Stem => "pool";

    public override bool Spatial => true;

    public override string InfoKind => Type == LayerType.GlobalMaxPool ? "MaxPool" : "AvgPool";

    public override LayerOutcome? Infer(LayerSpec spec, Tensor input, string head, DiagnosticSink diagnostics)
    {
        var current = input.Shape;
        if (input.FlattenedBy is { } flattenedBy)
        {
            diagnostics.Report(DiagnosticIds.SN2004, flattenedBy == "input"
                ? $"{head}: the input is flat ([Input(features)]), and global pooling needs an image. Declare the input as [Input(height, width, channels)], or remove this layer."
                : $"{head}: the shape is already flat after {flattenedBy}, and global pooling needs an image. Move this layer before {flattenedBy}, or remove this layer.",
                spec.Location);
            return null;
        }
        var g = new WindowGeometry(current.H, current.W, current.H, current.W, 0, 0, 0, 0);
        return new LayerOutcome(new Shape(current.C, 1, 1, true)) { Kernel = current.H, Stride = current.H, Geometry = g };
    }

    /// <summary>The output is flat: a spatial layer after it is SN2004, naming it.</summary>
    public override string? FlattenedBy(Tensor input, string name) => input.FlattenedBy ?? name;

    public override string TableText(LayerShape l) => $"{Type} {l.KernelHeight}x{l.KernelWidth}";

    public override string Title(LayerShape l) => $"{Type} over the whole {l.KernelHeight}x{l.KernelWidth} image, one value per channel";
}
