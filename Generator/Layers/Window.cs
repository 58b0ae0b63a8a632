using System;
using System.Collections.Generic;
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
    /// SN2003 (window larger than the padded input) or SN2006 (output too large). A stride that does not divide
    /// reports SN2001 or SN2002 with the repairs <paramref name="repairs"/> finds, and floors.
    /// </summary>
    public static Shape? Infer(
        LayerSpec spec, Tensor input, string head, bool conv, int channels, int window, int stride, int padding,
        Func<Shape, List<Repair>> repairs, DiagnosticSink diagnostics)
    {
        var current = input.Shape;
        if (input.FlattenedBy is { } flattenedBy)
        {
            string needs = conv ? "a convolution" : "pooling";
            diagnostics.Report(DiagnosticIds.SN2004, flattenedBy == "input"
                ? $"{head}: the input is flat ([Input(features)]), and {needs} needs an image. Declare the input as [Input(height, width, channels)], or remove this layer."
                : $"{head}: the shape is already flat after {flattenedBy}, and {needs} needs an image. Move this layer before the [Flatten].",
                spec.Location);
            return null;
        }
        long paddedH = (long)current.H + 2L * padding, paddedW = (long)current.W + 2L * padding;
        if (window > paddedH || window > paddedW)
        {
            diagnostics.Report(DiagnosticIds.SN2003, TooLarge(head, conv, current, window, stride, padding), spec.ArgumentOrAttribute(conv ? "kernel" : "size"));
            return null;
        }
        long spanH = paddedH - window, spanW = paddedW - window;
        if (spanH % stride != 0 || spanW % stride != 0)
        {
            var found = repairs(current);
            string arithmetic = Arithmetic(current, window, padding, stride, spanH, spanW, conv);
            string message = $"{head}: {arithmetic}; {Consequence(current, spanH, spanW, stride, padding)}. {RepairText(found)}";
            diagnostics.Report(conv ? DiagnosticIds.SN2001 : DiagnosticIds.SN2002, message,
                spec.ArgumentOrAttribute(spec.StrideGiven ? "Stride" : conv ? "kernel" : "size"), isFatal: false, repairs: found);
        }
        BigInteger outH = spanH / stride + 1, outW = spanW / stride + 1;
        BigInteger size = outH * outW * channels;
        if (size > int.MaxValue)
        {
            diagnostics.Report(DiagnosticIds.SN2006, $"{head}: the output {outH}x{outW}x{channels} = {Num(size)} values overflows a 32-bit size (at most {Num(int.MaxValue)}). Use fewer {(conv ? "filters" : "channels")}, a larger stride, or less padding.", spec.Location);
            return null;
        }
        return new Shape(channels, (int)outH, (int)outW, false);
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
