using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using StaticNets.Generator.Model;
using StaticNets.Generator.Shapes;
using static StaticNets.Generator.Shapes.Messages;

namespace StaticNets.Generator.Layers;

/// <summary>
/// The shape rule that a convolution and pooling share: a square window slid over an image with a stride,
/// <c>S_out = floor((S_in - S_f + 2P) / stride) + 1</c>. A remainder is SN2001 (SN2002 for pooling), and the
/// floored shape is still computed so that a project that lowers those ids gets PyTorch's code.
/// </summary>
/// <remarks>
/// For a square input the rows and the columns go through the same arithmetic, so a stride message states it
/// once and speaks of columns (<c>the last input column would be dropped</c>); a rectangular input names each
/// side that fails.
/// </remarks>
internal static class Window
{
    /// <summary>
    /// The output rows and columns of a window on <paramref name="input"/>, or null after SN2004 (on a flat shape),
    /// SN2003 (window larger than the padded input) or SN2006 (output too large). A stride that leaves real input
    /// rows or columns unread reports SN2001 or SN2002 with the repairs <paramref name="repairs"/> finds; one that
    /// leaves only trailing padding unread reports SN3004 with the exact <c>Pads</c>. Either way it floors.
    /// </summary>
    public static Shape? Infer(
        LayerSpec spec, Tensor input, string head, bool conv, int channels, int window, int stride, int padding,
        Func<Shape, List<Repair>> repairs, DiagnosticSink diagnostics) =>
        Infer(spec, input, head, conv, channels, WindowGeometry.Square(window, stride, padding), repairs, diagnostics);

    /// <inheritdoc cref="Infer(LayerSpec, Tensor, string, bool, int, int, int, int, Func{Shape, List{Repair}}, DiagnosticSink)"/>
    public static Shape? Infer(
        LayerSpec spec, Tensor input, string head, bool conv, int channels, WindowGeometry g,
        Func<Shape, List<Repair>> repairs, DiagnosticSink diagnostics)
    {
        var current = input.Shape;
        if (input.FlattenedBy is { } flattenedBy)
        {
            string needs = conv ? "a convolution" : "pooling";
            diagnostics.Report(DiagnosticIds.SN2004, flattenedBy == "input"
                ? $"{head}: the input is flat ([Input(features)]), and {needs} needs an image. Declare the input as [Input(height, width, channels)], or remove this layer."
                : $"{head}: the shape is already flat after {flattenedBy}, and {needs} needs an image. Move this layer before {flattenedBy}.",
                spec.Location);
            return null;
        }
        long paddedH = g.PaddedHeight(current.H), paddedW = g.PaddedWidth(current.W);
        if (g.KernelHeight > paddedH || g.KernelWidth > paddedW)
        {
            // The repairs of the square message set Padding, Kernel or Size: only where that is how the layer is written.
            bool written = spec.Pads.Count == 0 && spec.PaddingMode == PaddingModeKind.Explicit && (conv || g.PadTop == 0);
            string message = g.IsUniform && written
                ? TooLarge(head, conv, current, g.KernelHeight, g.StrideHeight, g.PadTop)
                : $"{head}: the {g.KernelText} {(conv ? "kernel" : "window")} does not fit the {current.H}x{current.W} input padded by {g.PadsText} ({paddedH}x{paddedW}). Use a {(conv ? "kernel" : "window")} of at most {paddedH}x{paddedW}, or more padding.";
            diagnostics.Report(DiagnosticIds.SN2003, message, spec.ArgumentOrAttribute(KernelArgument(spec, conv)));
            return null;
        }
        long spanH = paddedH - g.KernelHeight, spanW = paddedW - g.KernelWidth;
        long rows = spanH % g.StrideHeight, columns = spanW % g.StrideWidth;
        if (rows != 0 || columns != 0)
        {
            bool dropsInput = rows > g.PadBottom || columns > g.PadRight;
            // A pool's arithmetic names its padding only where it has some.
            bool padded = conv || g.PadTop > 0 || g.PadLeft > 0 || g.PadBottom > 0 || g.PadRight > 0;
            string arithmetic = g.IsUniform
                ? Arithmetic(current, g.KernelHeight, g.PadTop, g.StrideHeight, spanH, spanW, padded)
                : AxisArithmetic(current, g, spanH, spanW, padded);
            if (dropsInput)
            {
                var found = repairs(current);
                string consequence = g.IsUniform ? Consequence(current, spanH, spanW, g.StrideHeight, g.PadTop) : AxisConsequence(g, rows, columns);
                string message = $"{head}: {arithmetic}; {consequence}. {RepairText(found)}";
                diagnostics.Report(conv ? DiagnosticIds.SN2001 : DiagnosticIds.SN2002, message,
                    spec.ArgumentOrAttribute(StrideArgument(spec, conv)), isFatal: false, repairs: found);
            }
            else
            {
                var pads = Repair.Array("Pads", g.PadTop, g.PadLeft, (int)(g.PadBottom - rows), (int)(g.PadRight - columns));
                string message = $"{head}: {arithmetic}; only padding goes unread: {Unread(rows, "row")}{(rows > 0 && columns > 0 ? " and " : "")}{Unread(columns, "column")}, "
                    + $"so the padding is in effect {pads.Values[0]} at the top, {pads.Values[1]} on the left, {pads.Values[2]} at the bottom and {pads.Values[3]} on the right. State it: {pads}.";
                diagnostics.Report(DiagnosticIds.SN3004, message, spec.ArgumentOrAttribute(PaddingArgument(spec)), isFatal: false, repairs: new List<Repair> { pads });
            }
        }
        BigInteger outH = spanH / g.StrideHeight + 1, outW = spanW / g.StrideWidth + 1;
        BigInteger size = outH * outW * channels;
        if (size > int.MaxValue)
        {
            diagnostics.Report(DiagnosticIds.SN2006, $"{head}: the output {outH}x{outW}x{channels} = {Num(size)} values overflows a 32-bit size (at most {Num(int.MaxValue)}). Use fewer {(conv ? "filters" : "channels")}, a larger stride, or less padding.", spec.Location);
            return null;
        }
        return new Shape(channels, (int)outH, (int)outW, false);
    }

    /// <summary>Where a stride error points: the stride written (per axis first), else the kernel or size.</summary>
    private static string StrideArgument(LayerSpec spec, bool conv)
    {
        foreach (var name in new[] { "StrideHeight", "StrideWidth" })
        {
            if (spec.Arguments.Any(a => a.Name == name)) return name;
        }
        if (spec.StrideGiven) return "Stride";
        return KernelArgument(spec, conv);
    }

    /// <summary>The window's first argument: <c>kernel</c> or <c>kernelHeight</c>, <c>size</c> or <c>windowHeight</c>.</summary>
    private static string KernelArgument(LayerSpec spec, bool conv) =>
        conv ? (spec.KernelHeight is null ? "kernel" : "kernelHeight") : (spec.KernelHeight is null ? "size" : "windowHeight");

    /// <summary>Where SN3004 points: the padding as written.</summary>
    private static string PaddingArgument(LayerSpec spec)
    {
        foreach (var name in new[] { "Padding", "Pads", "PaddingMode" })
        {
            if (spec.Arguments.Any(a => a.Name == name)) return name;
        }
        return StrideArgument(spec, conv: true);
    }

    private static string Unread(long count, string noun) => count == 0 ? "" : count == 1 ? $"the last padding {noun}" : $"the last {count} padding {noun}s";

    /// <summary>Per axis: <c>(49 - 10 + 4 + 5) = 48 (rows)</c>, the pads of an axis as <c>2*1</c> when they are equal.</summary>
    private static string AxisArithmetic(Shape input, WindowGeometry g, long spanH, long spanW, bool conv)
    {
        string Pads(int begin, int end) => !conv ? "" : begin == end ? $" + 2*{begin}" : $" + {begin} + {end}";
        var parts = new List<string>();
        if (spanH % g.StrideHeight != 0) parts.Add($"({input.H} - {g.KernelHeight}{Pads(g.PadTop, g.PadBottom)}) = {spanH} (rows) is not a multiple of {g.StrideHeight}");
        if (spanW % g.StrideWidth != 0) parts.Add($"({input.W} - {g.KernelWidth}{Pads(g.PadLeft, g.PadRight)}) = {spanW} (columns) is not a multiple of {g.StrideWidth}");
        return string.Join(", and ", parts);
    }

    /// <summary>Per axis: the real rows or columns dropped past the trailing padding, or the padding left unread.</summary>
    private static string AxisConsequence(WindowGeometry g, long rows, long columns)
    {
        string Side(long remainder, int end, string noun)
        {
            long dropped = remainder - end;
            if (dropped > 0) return dropped == 1 ? $"the last input {noun} would be dropped" : $"the last {dropped} input {noun}s would be dropped";
            return $"{Unread(remainder, noun)} would go unread";
        }
        var parts = new List<string>();
        if (rows > 0) parts.Add(Side(rows, g.PadBottom, "row"));
        if (columns > 0) parts.Add(Side(columns, g.PadRight, "column"));
        return string.Join(", and ", parts);
    }

    /// <summary>SN2003, with the largest window that fits and divides exactly, and for a convolution the smallest padding that does.</summary>
    private static string TooLarge(string head, bool conv, Shape input, int kernel, int stride, int padding)
    {
        int side = Math.Min(input.H, input.W);
        long padded = side + 2L * padding;
        string noun = conv ? "kernel" : "window";
        string arithmetic = conv ? $"{side} + 2*{padding} = {padded} < {kernel}" : $"{side} < {kernel}";
        var repairs = new List<string>();
        // The largest window that fits and divides exactly (periodic in k with period stride).
        long largest = Math.Min(padded, kernel - 1L);
        for (long k = largest; k >= 1 && k > largest - Math.Min(stride, Repairs.SearchLimit); k--)
        {
            if (((long)input.H + 2L * padding - k) % stride == 0 && ((long)input.W + 2L * padding - k) % stride == 0)
            {
                repairs.Add($"{(conv ? "Kernel" : "Size")} = {k}");
                break;
            }
        }
        if (conv)
        {
            // The smallest padding (below the kernel) that makes it fit and divides exactly (periodic in p).
            long needed = (kernel - side + 1L) / 2;
            for (long p = needed; p < kernel && p < needed + Math.Min(stride, Repairs.SearchLimit); p++)
            {
                if (p > padding && ((long)input.H + 2 * p - kernel) % stride == 0 && ((long)input.W + 2 * p - kernel) % stride == 0)
                {
                    repairs.Add($"Padding = {p}");
                    break;
                }
            }
        }
        string repair = repairs.Count > 0 ? $"Use {string.Join(", or ", repairs)}{(conv ? "" : ", or remove the layer")}." : "Remove the layer.";
        return $"{head}: the {kernel}x{kernel} {noun} does not fit the {input.H}x{input.W} input{(conv ? $" padded by {padding}" : "")} ({arithmetic}). {repair}";
    }

    private static string Arithmetic(Shape input, int window, int padding, int stride, long spanH, long spanW, bool conv)
    {
        string One(int side, long span) => conv ? $"({side} - {window} + 2*{padding}) = {span}" : $"({side} - {window}) = {span}";
        if (input.H == input.W) return $"{One(input.H, spanH)} is not a multiple of {stride}";
        var parts = new List<string>();
        if (spanH % stride != 0) parts.Add($"{One(input.H, spanH)} (rows)");
        if (spanW % stride != 0) parts.Add($"{One(input.W, spanW)} (columns)");
        return $"{string.Join(" and ", parts)} {(parts.Count > 1 ? "are not multiples" : "is not a multiple")} of {stride}";
    }

    /// <summary>
    /// What the floor would do. The last <c>span % stride</c> padded rows or columns are never covered by a
    /// window: past the padding they are input rows or columns dropped; within it, the padding ends up uneven.
    /// A square input is described once, by its columns.
    /// </summary>
    private static string Consequence(Shape input, long spanH, long spanW, int stride, int padding)
    {
        string Side(long remainder, string noun, string near, string far)
        {
            long dropped = remainder - padding;
            if (dropped > 0) return dropped == 1 ? $"the last input {noun} would be dropped" : $"the last {dropped} input {noun}s would be dropped";
            return $"the padding would be uneven: {Count(padding, noun)} {near}, {padding - remainder} {far}";
        }
        long rows = spanH % stride, columns = spanW % stride;
        if (input.H == input.W) return Side(columns, "column", "on the left", "on the right");
        var parts = new List<string>();
        if (rows > 0) parts.Add(Side(rows, "row", "at the top", "at the bottom"));
        if (columns > 0) parts.Add(Side(columns, "column", "on the left", "on the right"));
        return string.Join(", and ", parts);
    }
}
