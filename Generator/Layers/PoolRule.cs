using System;
using System.Collections.Generic;
using System.Linq;
using StaticNets.Generator.Emit;
using StaticNets.Generator.Model;
using StaticNets.Generator.Shapes;

namespace StaticNets.Generator.Layers;

/// <summary>
/// [MaxPool(size)] and [AvgPool(size)], or (windowHeight, windowWidth), with Stride, StrideHeight, StrideWidth and one of
/// Padding, Pads or PaddingMode: a window per channel; the strides default to the window. Max pooling pads with
/// -infinity, average pooling averages the input values inside each window (the padding is not counted).
/// </summary>
internal sealed class PoolRule : LayerRule
{
    public override bool Spatial => true;

    public PoolRule(LayerType type, LayerEmitter emitter)
        : base(type, emitter)
    {
    }

    public override string Stem => "pool";

    public override LayerSpec Read(LayerSpec spec, LayerArguments arguments)
    {
        bool rectangular = arguments.Has("windowHeight") || arguments.Has("windowWidth");
        int size = arguments.Int("size", 0);
        int rows = rectangular ? arguments.Int("windowHeight", 0) : size, columns = rectangular ? arguments.Int("windowWidth", 0) : size;
        bool strideGiven = arguments.Has("Stride");
        int stride = arguments.Int("Stride", size);
        return spec with
        {
            Size = size,
            Kernel = size,
            KernelHeight = rectangular ? rows : null,
            KernelWidth = rectangular ? columns : null,
            Stride = stride,
            // Per axis: as written, else Stride, else (for a rectangular window) the window's side.
            StrideHeight = arguments.Has("StrideHeight") ? arguments.Int("StrideHeight", 1) : strideGiven || !rectangular ? null : rows,
            StrideWidth = arguments.Has("StrideWidth") ? arguments.Int("StrideWidth", 1) : strideGiven || !rectangular ? null : columns,
            StrideGiven = strideGiven,
            Padding = arguments.Int("Padding", 0),
            Pads = arguments.Ints("Pads") is { } pads ? new EquatableArray<int>(pads) : EquatableArray<int>.Empty,
            PaddingMode = (PaddingModeKind)arguments.Int("PaddingMode", 0),
        };
    }

    /// <summary>The spec with its square size as the kernel, which the window's rows and columns default to.</summary>
    private static LayerSpec Sized(LayerSpec spec) => spec with { Kernel = spec.Size };

    /// <summary>Whether a per-axis stride was written or set otherwise than to its default, the window's side.</summary>
    private static bool Written(LayerSpec spec, string name, int? value, int window) =>
        value is { } v && (spec.Arguments.Any(a => a.Name == name) || v != window);

    public override void Check(LayerSpec spec, ArgumentChecks checks)
    {
        spec = Sized(spec);
        if (spec.KernelHeight is null && spec.KernelWidth is null)
        {
            checks.ShapeAtLeast("size", spec.Size, 1);
        }
        else
        {
            checks.ShapeAtLeast("windowHeight", spec.KernelRows, 1);
            checks.ShapeAtLeast("windowWidth", spec.KernelColumns, 1);
        }
        if (spec.StrideGiven) checks.ShapeAtLeast("Stride", spec.Stride, 1);
        if (Written(spec, "StrideHeight", spec.StrideHeight, spec.KernelRows)) checks.ShapeAtLeast("StrideHeight", spec.RowStride, 1);
        if (Written(spec, "StrideWidth", spec.StrideWidth, spec.KernelColumns)) checks.ShapeAtLeast("StrideWidth", spec.ColumnStride, 1);
        checks.ShapeAtLeast("Padding", spec.Padding, 0);
        Conv2DPadding.Check(spec, checks);
        // A window entirely in padding would have no input: its maximum -infinity, its average 0 / 0.
        int kh = spec.KernelRows, kw = spec.KernelColumns;
        if (kh < 1 || kw < 1) return;
        if (spec.Padding >= Math.Min(kh, kw) && spec.Padding > 0)
        {
            checks.ShapeInvalid("Padding", $"Padding = {spec.Padding} is not smaller than the {kh}x{kw} window, so a window could hold only padding. Use a padding below {Math.Min(kh, kw)}.");
        }
        if (spec.Pads.Count == 4 && (Math.Max(spec.Pads[0], spec.Pads[2]) >= kh || Math.Max(spec.Pads[1], spec.Pads[3]) >= kw))
        {
            checks.ShapeInvalid("Pads", $"Pads = new[] {{ {string.Join(", ", spec.Pads)} }} is not smaller than the {kh}x{kw} window on every side, so a window could hold only padding. Use pads below {kh} at the top and bottom and below {kw} on the left and right.");
        }
    }

    public override string Describe(LayerSpec spec)
    {
        spec = Sized(spec);
        string stride = spec.RowStride == spec.ColumnStride ? $"{spec.RowStride}" : $"{spec.RowStride}x{spec.ColumnStride}";
        return $"{Type} {spec.KernelRows}x{spec.KernelColumns}, stride {stride}";
    }

    public override LayerOutcome? Infer(LayerSpec spec, Tensor input, string head, DiagnosticSink diagnostics)
    {
        spec = Sized(spec);
        var g = Conv2DPadding.Resolve(spec, input.Shape);
        var output = Window.Infer(spec, input, head, conv: false, input.Shape.C, g, s => Repairs(s, spec, g), diagnostics);
        return output is { } o ? new LayerOutcome(o) { Kernel = g.KernelHeight, Stride = g.StrideHeight, Padding = g.PadTop, Geometry = g } : null;
    }

    public override string TableText(LayerShape l) => Uniform(l)
        ? $"{Type} {l.KernelHeight}x{l.KernelWidth} s{l.StrideHeight}{(l.PadTop > 0 ? $" p{l.PadTop}" : "")}"
        : $"{Type} {l.KernelHeight}x{l.KernelWidth} s{Strides(l, "x")} p({l.PadTop},{l.PadLeft},{l.PadBottom},{l.PadRight})";

    public override string Title(LayerShape l) => Uniform(l)
        ? $"{Type} {l.KernelHeight}x{l.KernelWidth}, stride {l.StrideHeight}{(l.PadTop > 0 ? $", padding {l.PadTop}" : "")}"
        : $"{Type} {l.KernelHeight}x{l.KernelWidth}, stride {Strides(l, "x")}, pads ({l.PadTop}, {l.PadLeft}, {l.PadBottom}, {l.PadRight}) (top, left, bottom, right)";

    private static bool Uniform(LayerShape l) => l.StrideHeight == l.StrideWidth && l.PadTop == l.PadLeft && l.PadTop == l.PadBottom && l.PadTop == l.PadRight;

    private static string Strides(LayerShape l, string separator) => l.StrideHeight == l.StrideWidth ? $"{l.StrideHeight}" : $"{l.StrideHeight}{separator}{l.StrideWidth}";

    /// <summary>
    /// SN2002's repairs. For an unpadded square window with equal strides: with the default stride (the size), window
    /// sizes that tile the input, nearest first (at most two); with a given stride, nearby sizes that divide exactly;
    /// then the largest smaller stride. Otherwise the <c>Pads</c> that add the trailing padding the last window needs.
    /// </summary>
    private static List<Repair> Repairs(Shape input, LayerSpec l, WindowGeometry g)
    {
        if (!g.IsUniform || g.PadTop != 0 || l.KernelHeight is not null || l.Pads.Count > 0 || l.PaddingMode != PaddingModeKind.Explicit)
        {
            long rows = (g.PaddedHeight(input.H) - g.KernelHeight) % g.StrideHeight, columns = (g.PaddedWidth(input.W) - g.KernelWidth) % g.StrideWidth;
            long bottom = g.PadBottom + (rows == 0 ? 0 : g.StrideHeight - rows), right = g.PadRight + (columns == 0 ? 0 : g.StrideWidth - columns);
            if (bottom >= g.KernelHeight || right >= g.KernelWidth) return new List<Repair>();
            return new List<Repair> { Repair.Array("Pads", g.PadTop, g.PadLeft, (int)bottom, (int)right) };
        }
        int size = l.Size, stride = l.Stride;
        var repairs = new List<Repair>();
        if (!l.StrideGiven)
        {
            // Shapes hold at most int.MaxValue values, so the smaller side is at most 46,340.
            int limit = Math.Min(input.H, input.W);
            repairs.AddRange(Enumerable.Range(2, Math.Max(0, limit - 1))
                .Where(s => s != size && input.H % s == 0 && input.W % s == 0)
                .OrderBy(s => Math.Abs(s - size)).ThenBy(s => s).Take(2).OrderBy(s => s)
                .Select(s => new Repair("Size", s)));
        }
        else
        {
            repairs.AddRange(Shapes.Repairs.NearbyWindows(input, size, 0, stride).Where(k => k >= 2).Select(k => new Repair("Size", k)));
        }
        var smaller = Shapes.Repairs.LargestStride(input, size, 0, stride);
        if (smaller is { } st) repairs.Add(new Repair("Stride", st));
        return repairs;
    }
}
