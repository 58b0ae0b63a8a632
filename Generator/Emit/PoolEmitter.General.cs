using System.Collections.Generic;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// Pooling of any other geometry (a rectangular window, strides that differ per axis, padding): scalar loops over
/// the part of each window that lies on the input. Max pooling's padding is -infinity, so it never wins; average
/// pooling divides by the number of input values in the window (the padding is not counted, ONNX's default).
/// </summary>
internal sealed partial class PoolEmitter
{
    /// <summary>The lecture's pools: a square window, equal strides, no padding (these keep their unrolled and vector loops).</summary>
    private static bool Square(LayerShape l) => l.Type is LayerType.MaxPool or LayerType.AvgPool && l.KernelHeight == l.KernelWidth && l.StrideHeight == l.StrideWidth
        && l.PadTop == 0 && l.PadLeft == 0 && l.PadBottom == 0 && l.PadRight == 0;

    /// <summary>[MaxPool] and [GlobalMaxPool]; the others average.</summary>
    private static bool IsMax(LayerShape l) => l.Type is LayerType.MaxPool or LayerType.GlobalMaxPool;

    private static void GeneralConstants(SourceWriter w, LayerShape l)
    {
        w.Line($"const int C = {l.In.C}, H = {l.In.H}, W = {l.In.W}, HO = {l.Out.H}, WO = {l.Out.W};");
        w.Line($"const int FH = {l.KernelHeight}, FW = {l.KernelWidth}, SH = {l.StrideHeight}, SW = {l.StrideWidth}, PT = {l.PadTop}, PL = {l.PadLeft};");
    }

    /// <summary>The window of output (oy, ox) clipped to the input: rows y0..y1 and columns x0..x1, ends excluded.</summary>
    private static void ClippedWindow(SourceWriter w, LayerShape l, SpatialNames n)
    {
        w.Line($"int y0 = {n.Math}.Max(oy * SH - PT, 0);");
        w.Line($"int y1 = {n.Math}.Min(oy * SH - PT + FH, H);");
        w.Line($"int x0 = {n.Math}.Max(ox * SW - PL, 0);");
        w.Line($"int x1 = {n.Math}.Min(ox * SW - PL + FW, W);");
    }

    /// <summary>Channels the general forward takes at a time: independent sums or maxima, whose chains of additions overlap.</summary>
    private const int GeneralChannels = 8;

    /// <summary>
    /// Each output over the part of its window on the input, <see cref="GeneralChannels"/> channels at a time (each
    /// channel's values taken in the same order as one at a time, so the bits do not depend on the blocking), the rest one
    /// by one.
    /// </summary>
    private static void GeneralForwardBody(SourceWriter w, LayerShape l, SpatialNames n)
    {
        GeneralConstants(w, l);
        w.Line("x = x.Slice(0, C * H * W);");
        w.Line("y = y.Slice(0, C * HO * WO);");
        w.Line($"ref float xr = ref {n.MemoryMarshal}.GetReference(x);");
        w.Line($"ref float yr = ref {n.MemoryMarshal}.GetReference(y);");
        w.Line("int c = 0;");
        if (l.In.C >= GeneralChannels)
        {
            w.Line($"// {GeneralChannels} channels at a time: independent chains, each in the order of the one-channel loop below.");
            w.Open($"for (; c <= C - {GeneralChannels}; c += {GeneralChannels})");
            GeneralWindows(w, l, n, GeneralChannels);
            w.Close();
        }
        w.Open("for (; c < C; c++)");
        GeneralWindows(w, l, n, 1);
        w.Close();
    }

    /// <summary>The outputs of channels c to c + <paramref name="channels"/> - 1.</summary>
    private static void GeneralWindows(SourceWriter w, LayerShape l, SpatialNames n, int channels)
    {
        bool max = IsMax(l);
        string u = n.Unsafe;
        w.Open("for (int oy = 0; oy < HO; oy++)");
        w.Open("for (int ox = 0; ox < WO; ox++)");
        ClippedWindow(w, l, n);
        for (int j = 0; j < channels; j++)
        {
            w.Line(max ? $"float m{j} = float.NegativeInfinity;{(j == 0 ? " // the padding's value: it never wins" : "")}" : $"float s{j} = 0f;");
        }
        w.Open("for (int iy = y0; iy < y1; iy++)");
        w.Open("for (int ix = x0; ix < x1; ix++)");
        w.Line($"ref float xc = ref {u}.Add(ref xr, (c * H + iy) * W + ix);");
        for (int j = 0; j < channels; j++)
        {
            string value = j == 0 ? "xc" : $"{u}.Add(ref xc, {j} * H * W)";
            w.Line(max ? $"m{j} = float.MaxNative(m{j}, {value});" : $"s{j} += {value};");
        }
        w.Close().Close();
        if (!max) w.Line("int count = (y1 - y0) * (x1 - x0); // the input values inside the window");
        for (int j = 0; j < channels; j++)
        {
            w.Line($"{u}.Add(ref yr, ((c + {j}) * HO + oy) * WO + ox) = {(max ? $"m{j}" : $"s{j} / count")};");
        }
        w.Close().Close();
    }

    /// <summary>dx cleared (unless added into), then each window's gradient added: to its first maximum, or spread evenly over its input values.</summary>
    private static void GeneralBackwardBody(SourceWriter w, LayerContext c, SpatialNames n)
    {
        var l = c.Layer;
        GeneralConstants(w, l);
        if (!c.AddsInputGrad) w.Line("dx.Clear();");
        w.Open("for (int c = 0; c < C; c++)");
        w.Open("for (int oy = 0; oy < HO; oy++)");
        w.Open("for (int ox = 0; ox < WO; ox++)");
        ClippedWindow(w, l, n);
        w.Line("int o = (c * HO + oy) * WO + ox;");
        if (IsMax(l))
        {
            string bits = n.BitConverter + ".SingleToInt32Bits";
            w.Line($"int m = {bits}(y[o]); // compared as bits: the forward's max returns one of its inputs");
            w.Line("int a = (c * H + y0) * W + x0; // the first input, where none matches");
            w.Line("bool found = false;");
            w.Open("for (int iy = y0; iy < y1 && !found; iy++)");
            w.Open("for (int ix = x0; ix < x1 && !found; ix++)");
            w.Line("int at = (c * H + iy) * W + ix;");
            w.Open($"if ({bits}(x[at]) == m)");
            w.Line("a = at;");
            w.Line("found = true;");
            w.Close();
            w.Close().Close();
            w.Line("dx[a] += dy[o];");
        }
        else
        {
            w.Line("float d = dy[o] / ((y1 - y0) * (x1 - x0));");
            w.Open("for (int iy = y0; iy < y1; iy++)");
            w.Open("for (int ix = x0; ix < x1; ix++)");
            w.Line("dx[(c * H + iy) * W + ix] += d;");
            w.Close().Close();
        }
        w.Close().Close().Close();
    }
}
