using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using StaticNets.Generator.Emit;
using StaticNets.Generator.Model;
using StaticNets.Generator.Shapes;

namespace StaticNets.Generator.Layers;

/// <summary>
/// [Conv2D(filters, kernel)] and [Conv2D(filters, kernelHeight, kernelWidth)], with Stride, StrideHeight, StrideWidth,
/// one of Padding, Pads or PaddingMode, Bias, Activation, Init, L1, L2: a convolution over all input channels.
/// </summary>
internal class Conv2DRule : LayerRule
{
    public Conv2DRule(LayerEmitter emitter)
        : this(LayerType.Conv2D, emitter)
    {
    }

    /// <summary>A kind that is a convolution in all but its arguments ([DepthwiseConv2D]).</summary>
    protected Conv2DRule(LayerType type, LayerEmitter emitter)
        : base(type, emitter)
    {
    }

    public override string Stem => "conv";

    public override bool HasWeights => true;

    public override bool Spatial => true;

    public override LayerSpec Read(LayerSpec spec, LayerArguments arguments)
    {
        bool rectangular = arguments.Has("kernelHeight") || arguments.Has("kernelWidth");
        return Weighted.Read(spec, arguments) with
        {
            Filters = arguments.Int("filters", 0),
            Kernel = arguments.Int("kernel", 0),
            KernelHeight = rectangular ? arguments.Int("kernelHeight", 0) : null,
            KernelWidth = rectangular ? arguments.Int("kernelWidth", 0) : null,
            Stride = arguments.Int("Stride", 1),
            StrideHeight = arguments.Has("StrideHeight") ? arguments.Int("StrideHeight", 1) : null,
            StrideWidth = arguments.Has("StrideWidth") ? arguments.Int("StrideWidth", 1) : null,
            StrideGiven = arguments.Has("Stride") || arguments.Has("StrideHeight") || arguments.Has("StrideWidth"),
            Padding = arguments.Int("Padding", 0),
            Pads = arguments.Ints("Pads") is { } pads ? new EquatableArray<int>(pads) : EquatableArray<int>.Empty,
            PaddingMode = (PaddingModeKind)arguments.Int("PaddingMode", 0),
            Bias = arguments.Bool("Bias", true),
            Groups = arguments.Int("Groups", 1),
        };
    }

    public override void Check(LayerSpec spec, ArgumentChecks checks)
    {
        checks.ShapeAtLeast("filters", spec.Filters, 1);
        checks.ShapeAtLeast("Groups", spec.Groups, 1);
        if (spec.Groups > 1 && spec.Filters >= 1 && spec.Filters % spec.Groups != 0)
        {
            checks.ShapeInvalid("Groups", $"Groups = {spec.Groups} does not divide the {spec.Filters} filters; each group needs the same number of filters. Use a divisor of {spec.Filters}.");
        }
        CheckWindow(spec, checks);
    }

    /// <summary>SN1003 on the kernel, the strides, the padding options and the weight options.</summary>
    protected static void CheckWindow(LayerSpec spec, ArgumentChecks checks)
    {
        if (spec.KernelHeight is null && spec.KernelWidth is null)
        {
            checks.ShapeAtLeast("kernel", spec.Kernel, 1);
        }
        else
        {
            checks.ShapeAtLeast("kernelHeight", spec.KernelRows, 1);
            checks.ShapeAtLeast("kernelWidth", spec.KernelColumns, 1);
        }
        checks.ShapeAtLeast("Stride", spec.Stride, 1);
        if (spec.StrideHeight is { } sh) checks.ShapeAtLeast("StrideHeight", sh, 1);
        if (spec.StrideWidth is { } sw) checks.ShapeAtLeast("StrideWidth", sw, 1);
        checks.ShapeAtLeast("Padding", spec.Padding, 0);
        Conv2DPadding.Check(spec, checks);
        checks.WeightOptions();
    }

    public override string Describe(LayerSpec spec)
    {
        string stride = spec.RowStride == spec.ColumnStride ? $"{spec.RowStride}" : $"{spec.RowStride}x{spec.ColumnStride}";
        return $"{Type} {spec.KernelRows}x{spec.KernelColumns}, stride {stride}";
    }

    public override ActivationKind ActivationOf(LayerSpec spec) => spec.Activation;

    public override LayerOutcome? Infer(LayerSpec spec, Tensor input, string head, DiagnosticSink diagnostics)
    {
        var g = Conv2DPadding.Resolve(spec, input.Shape);
        if (Window.Infer(spec, input, head, conv: true, spec.Filters, g, s => Repairs(s, spec, g), diagnostics) is not { } output)
        {
            return null;
        }
        int groups = spec.Groups, c = input.Shape.C / groups;
        if (input.Shape.C % groups != 0)
        {
            diagnostics.Report(DiagnosticIds.SN1003, $"{head}: Groups = {groups} does not divide the {input.Shape.C} input channels; each group needs the same number of channels. Use a divisor of {input.Shape.C}.",
                spec.ArgumentOrAttribute("Groups"));
            return null;
        }
        int kh = g.KernelHeight, kw = g.KernelWidth;
        // Scratch: the convolution's own buffers (the input gradient counted, an upper bound), the values before an inline activation.
        BigInteger scratch = Conv2DBuffers.Of(input.Shape, output, g, needsInputGrad: true, groups).Total;
        if (spec.Activation != ActivationKind.None) scratch += output.Size;
        int biases = spec.Bias ? spec.Filters : 0;
        return new LayerOutcome(output)
        {
            Units = spec.Filters,
            Kernel = kh,
            Stride = g.StrideHeight,
            Padding = g.PadTop,
            Geometry = g,
            Groups = groups,
            Activation = spec.Activation,
            Alpha = Weighted.InlineAlpha,
            Weights = (BigInteger)spec.Filters * c * kh * kw,
            Biases = biases,
            FanIn = (BigInteger)c * kh * kw,
            FanOut = (BigInteger)(spec.Filters / groups) * kh * kw,
            Scratch = scratch,
            ParameterArithmetic = spec.Bias ? $"{spec.Filters}*{c}*{kh}*{kw} weights + {spec.Filters} biases" : $"{spec.Filters}*{c}*{kh}*{kw} weights",
            FewerParameters = "filters or a smaller kernel",
        };
    }

    /// <summary>SN3003: padding not smaller than the kernel, with the exact padding nearest <c>(kernel - 1) / 2</c>.</summary>
    public override void Advise(LayerSpec spec, string head, Shape? input, DiagnosticSink diagnostics)
    {
        if (spec.Pads.Count == 4)
        {
            int top = spec.Pads[0], left = spec.Pads[1], bottom = spec.Pads[2], right = spec.Pads[3];
            int rows = spec.KernelRows, columns = spec.KernelColumns;
            if (rows <= 0 || columns <= 0 || Math.Max(top, bottom) < rows && Math.Max(left, right) < columns) return;
            diagnostics.Report(DiagnosticIds.SN3003, $"{head}: Pads = new[] {{ {top}, {left}, {bottom}, {right} }} is not smaller than the {rows}x{columns} kernel on every side, so the outermost outputs see only padding zeros. Use pads below {rows} at the top and bottom and below {columns} on the left and right.",
                spec.ArgumentOrAttribute("Pads"), isFatal: false);
            return;
        }
        int kernel = Math.Min(spec.KernelRows, spec.KernelColumns);
        if (kernel <= 0 || spec.PaddingMode != PaddingModeKind.Explicit || spec.Padding < kernel) return;
        string size = spec.KernelRows == spec.KernelColumns ? $"the kernel ({spec.Padding} >= {kernel})" : $"the {spec.KernelRows}x{spec.KernelColumns} kernel ({spec.Padding} >= {kernel})";
        diagnostics.Report(DiagnosticIds.SN3003, $"{head}: Padding = {spec.Padding} is not smaller than {size}, so the outermost outputs see only padding zeros. {PaddingAdvice(input, spec)}",
            spec.ArgumentOrAttribute("Padding"), isFatal: false);
    }

    public override string TableText(LayerShape l)
    {
        string text = Uniform(l) ? $"{Type} {l.Units}@{l.KernelHeight}x{l.KernelWidth} s{l.StrideHeight} p{l.PadTop}" : $"{Type} {l.Units}@{l.KernelHeight}x{l.KernelWidth} s{Strides(l, "x")} p{Pads(l, ",")}";
        return text + (l.Groups > 1 ? $" g{l.Groups}" : "") + (l.HasBias ? "" : " nobias") + InlineActivation(l, " ");
    }

    public override string Title(LayerShape l)
    {
        string padding = Uniform(l) ? $"padding {l.PadTop}" : $"pads {Pads(l, ", ")} (top, left, bottom, right)";
        string groups = l.Groups > 1 ? $", {l.Groups} groups" : "";
        return $"{Type} {l.Units}@{l.KernelHeight}x{l.KernelWidth}, stride {Strides(l, "x")}, {padding}{groups}{(l.HasBias ? "" : ", no bias")}{InlineActivation(l, ", ")}";
    }

    private static bool Uniform(LayerShape l) => l.StrideHeight == l.StrideWidth && l.PadTop == l.PadLeft && l.PadTop == l.PadBottom && l.PadTop == l.PadRight;

    private static string Strides(LayerShape l, string separator) => l.StrideHeight == l.StrideWidth ? $"{l.StrideHeight}" : $"{l.StrideHeight}{separator}{l.StrideWidth}";

    private static string Pads(LayerShape l, string separator) => $"({l.PadTop}{separator}{l.PadLeft}{separator}{l.PadBottom}{separator}{l.PadRight})";

    /// <summary>Each output value (rows by columns by filters) is a dot product over its window: its group's channels by kernel height by kernel width.</summary>
    public override long MultiplyAdds(LayerShape l) => (long)l.Out.Size * l.FanIn;

    /// <summary>
    /// SN2001's repairs. For a square kernel with equal strides and <c>Padding</c>: paddings below the kernel that make
    /// the division exact on both sides, nearest the current one first (at most two); where none exists, the largest
    /// smaller stride and up to two nearby kernels. Otherwise the <c>Pads</c> that add the trailing padding the last
    /// window needs.
    /// </summary>
    private static List<Repair> Repairs(Shape input, LayerSpec l, WindowGeometry g)
    {
        if (!g.IsUniform || l.Kernel == 0 || l.Pads.Count > 0 || l.PaddingMode != PaddingModeKind.Explicit)
        {
            long rows = (g.PaddedHeight(input.H) - g.KernelHeight) % g.StrideHeight, columns = (g.PaddedWidth(input.W) - g.KernelWidth) % g.StrideWidth;
            long bottom = g.PadBottom + (rows == 0 ? 0 : g.StrideHeight - rows), right = g.PadRight + (columns == 0 ? 0 : g.StrideWidth - columns);
            if (bottom > int.MaxValue || right > int.MaxValue) return new List<Repair>();
            return new List<Repair> { Repair.Array("Pads", g.PadTop, g.PadLeft, (int)bottom, (int)right) };
        }
        int kernel = l.Kernel, stride = l.Stride, padding = l.Padding;
        var paddings = Shapes.Repairs.NearestPaddings(input, kernel, stride, padding, exclude: padding, count: 2);
        if (paddings.Count > 0) return paddings.OrderBy(p => p.Value).ToList();

        var repairs = new List<Repair>();
        var smaller = Shapes.Repairs.LargestStride(input, kernel, padding, stride);
        if (smaller is { } s) repairs.Add(new Repair("Stride", s));
        repairs.AddRange(Shapes.Repairs.NearbyWindows(input, kernel, padding, stride).Where(k => k > padding).Select(k => new Repair("Kernel", k)));
        return repairs;
    }

    private static string PaddingAdvice(Shape? input, LayerSpec l)
    {
        if (l.KernelRows != l.KernelColumns || l.RowStride != l.ColumnStride) return "Use a padding smaller than the kernel.";
        int kernel = l.KernelRows, stride = Math.Max(l.Stride, 1), keep = (kernel - 1) / 2;
        if (input is not { } s) return $"Use Padding = {keep} or less.";
        // The exact padding nearest (kernel - 1) / 2, which keeps the size at stride 1 for an odd kernel.
        var p = Shapes.Repairs.NearestPaddings(s, kernel, stride, keep, exclude: -1, count: 1).FirstOrDefault();
        if (p is null) return "Use a padding smaller than the kernel.";
        long h = ((long)s.H - kernel + 2L * p.Value) / stride + 1, w = ((long)s.W - kernel + 2L * p.Value) / stride + 1;
        return $"Use Padding = {p.Value}, for a {h}x{w} output.";
    }
}
