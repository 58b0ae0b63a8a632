using System;
using System.Linq;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Layers;

/// <summary>
/// A convolution's padding: the SN1003 checks of <c>Padding</c>, <c>Pads</c> and <c>PaddingMode</c> (one of them at
/// most; four pads, none negative), and the per-side pads they resolve to on an input.
/// </summary>
internal static class Conv2DPadding
{
    /// <summary>The arguments that choose the padding, in the order messages name them.</summary>
    private static readonly string[] Options = { "Padding", "Pads", "PaddingMode" };

    public static void Check(LayerSpec spec, ArgumentChecks checks)
    {
        var given = Options.Where(o => Given(spec, o)).ToList();
        if (given.Count > 1)
        {
            string which = given.Count == 2 ? $"{given[0]} and {given[1]} are both given" : "Padding, Pads and PaddingMode are all given";
            checks.ShapeInvalid(given[1], $"{which}, and each sets the padding. Give one of them: Padding (all four sides), Pads (per side) or PaddingMode = PaddingMode.Same.");
        }
        if (spec.Arguments.Any(a => a.Name == "Pads") && spec.Pads.Count != 4)
        {
            checks.ShapeInvalid("Pads", $"Pads has {spec.Pads.Count} values; it takes four, in ONNX order: new[] {{ top, left, bottom, right }}.");
        }
        else if (spec.Pads.Count == 4 && spec.Pads.Any(p => p < 0))
        {
            checks.ShapeInvalid("Pads", $"Pads = new[] {{ {string.Join(", ", spec.Pads)} }} has a negative value; each side's padding must be at least 0.");
        }
        if (spec.PaddingMode < PaddingModeKind.Explicit || spec.PaddingMode > PaddingModeKind.Same)
        {
            checks.ShapeInvalid("PaddingMode", $"PaddingMode = {(int)spec.PaddingMode} is not a value of the PaddingMode enum. Use PaddingMode.Explicit or PaddingMode.Same.");
        }
    }

    /// <summary>Whether <paramref name="option"/> chooses the padding: written (Padding), non-null (Pads), Same (PaddingMode).</summary>
    private static bool Given(LayerSpec spec, string option) => option switch
    {
        "Padding" => spec.Arguments.Any(a => a.Name == "Padding") || spec.Padding != 0,
        "Pads" => spec.Pads.Count > 0,
        _ => spec.PaddingMode != PaddingModeKind.Explicit,
    };

    /// <summary>
    /// The geometry on <paramref name="input"/>: <c>PaddingMode.Same</c> pads each axis by what <c>ceil(in / stride)</c>
    /// outputs need, the smaller half at the top and left (Keras/TensorFlow); <c>Pads</c> as written; else
    /// <c>Padding</c> on all four sides.
    /// </summary>
    public static WindowGeometry Resolve(LayerSpec spec, Shape input)
    {
        int kh = spec.KernelRows, kw = spec.KernelColumns, sh = spec.RowStride, sw = spec.ColumnStride;
        if (spec.PaddingMode == PaddingModeKind.Same)
        {
            int th = Same(input.H, kh, sh), tw = Same(input.W, kw, sw);
            return new WindowGeometry(kh, kw, sh, sw, th / 2, tw / 2, th - th / 2, tw - tw / 2);
        }
        if (spec.Pads.Count == 4)
        {
            return new WindowGeometry(kh, kw, sh, sw, spec.Pads[0], spec.Pads[1], spec.Pads[2], spec.Pads[3]);
        }
        int p = spec.Padding;
        return new WindowGeometry(kh, kw, sh, sw, p, p, p, p);
    }

    /// <summary>The total padding of "same" on one axis: <c>max((ceil(in / stride) - 1) * stride + kernel - in, 0)</c>, below the kernel.</summary>
    private static int Same(int size, int kernel, int stride)
    {
        long outputs = ((long)size + stride - 1) / stride;
        return (int)Math.Max((outputs - 1) * stride + kernel - size, 0);
    }
}
