using System.Collections.Generic;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// MaxPool and AvgPool, windows unrolled. Max pooling's backward finds each maximum again (the first input
/// of the window with the output's bits, the one the forward kept) and sends the gradient there, adding, since
/// windows overlap when the stride is below the size; so the forward stores nothing but its output. The search
/// compares bits as integers, without branches: the maxima fall at random, and mispredicted branches cost more.
/// Average pooling spreads each gradient evenly over its window.
/// </summary>
/// <remarks>
/// A pass with a vector variant (2x2 max windows of stride 2) is a dispatcher over <c>Pool1ForwardVector256</c>
/// and <c>Pool1ForwardScalar</c>; the others are the scalar loops themselves. The backward writes dx, or adds
/// into it where <see cref="LayerContext.AddsInputGrad"/>. Its writer is in <c>PoolEmitter.Backward.cs</c>.
/// </remarks>
internal sealed partial class PoolEmitter : LayerEmitter
{
    private const int MaxUnrolled = 49;

    public override string ForwardCall(LayerContext c) => Call(c, "Forward", c.Input, c.Output);

    public override string? BackwardCall(LayerContext c) => c.NeedsInputGrad
        ? Call(c, "Backward", c.Input, c.Output, c.OutputGrad, c.InputGrad)
        : null;

    private static void Constants(SourceWriter w, LayerShape l)
    {
        w.Line($"const int C = {l.In.C}, H = {l.In.H}, W = {l.In.W}, F = {l.Kernel}, S = {l.Stride}, HO = {l.Out.H}, WO = {l.Out.W};");
    }

    private static IEnumerable<int> Offsets(LayerShape l)
    {
        for (int ky = 0; ky < l.Kernel; ky++)
            for (int kx = 0; kx < l.Kernel; kx++)
                yield return ky * l.In.W + kx;
    }

    private static string InShape(LayerShape l) => $"[{l.In.C}][{l.In.H}][{l.In.W}]";

    private static string OutShape(LayerShape l) => $"[{l.Out.C}][{l.Out.H}][{l.Out.W}]";

    private static List<(string, string, string)> ForwardParameters(LayerShape l, SpatialNames n) => new()
    {
        (n.ReadOnlySpan, "x", $"{l.Name} input {InShape(l)}"),
        (n.Span, "y", $"{l.Name} output {OutShape(l)}"),
    };

    public override void Forward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        var n = SpatialNames.For(c);
        bool vector = l.Type == LayerType.MaxPool && l.Kernel == 2 && l.Stride == 2 && l.Out.W >= 8;
        w.Line($"/// <summary>{Title(l)}</summary>");
        SpatialNames.Signature(w, c, l.Member + "Forward", ForwardParameters(l, n));
        if (!Square(l))
        {
            GeneralForwardBody(w, l, n);
            w.Close();
            return;
        }
        if (!vector)
        {
            ScalarForwardBody(w, l, n);
            w.Close();
            return;
        }
        w.Line("// Dispatch: eight windows at a time where the hardware has vectors, else the scalar reference loops.");
        w.Open($"if ({n.Simd}.IsEnabled)");
        w.Line($"{l.Member}ForwardVector256(x, y);");
        w.Close();
        w.Open("else");
        w.Line($"{l.Member}ForwardScalar(x, y);");
        w.Close();
        w.Close();
        w.Line();
        w.Line($"/// <summary>{l.Name} forward on Vector256: the maximum of the two rows, then of each pair of columns.</summary>");
        SpatialNames.Signature(w, c, l.Member + "ForwardVector256", ForwardParameters(l, n));
        Vector2x2Forward(w, l, n);
        w.Close();
        w.Line();
        w.Line($"/// <summary>{l.Name} forward, scalar: each output the {(l.Type == LayerType.MaxPool ? "maximum" : "mean")} of its window.</summary>");
        SpatialNames.Signature(w, c, l.Member + "ForwardScalar", ForwardParameters(l, n));
        ScalarForwardBody(w, l, n);
        w.Close();
    }

    private static void ScalarForwardBody(SourceWriter w, LayerShape l, SpatialNames n)
    {
        bool max = l.Type == LayerType.MaxPool;
        bool unrolled = l.Kernel * l.Kernel <= MaxUnrolled;
        string u = n.Unsafe;
        Constants(w, l);
        w.Line("x = x.Slice(0, C * H * W);");
        w.Line("y = y.Slice(0, C * HO * WO);");
        w.Line($"ref float xr = ref {n.MemoryMarshal}.GetReference(x);");
        w.Line($"ref float yr = ref {n.MemoryMarshal}.GetReference(y);");
        w.Open("for (int c = 0; c < C; c++)");
        w.Open("for (int oy = 0; oy < HO; oy++)");
        w.Line($"ref float xrow = ref {u}.Add(ref xr, (c * H + oy * S) * W);");
        w.Line($"ref float yrow = ref {u}.Add(ref yr, (c * HO + oy) * WO);");
        w.Open("for (int ox = 0; ox < WO; ox++)");
        w.Line($"ref float xc = ref {u}.Add(ref xrow, ox * S);");
        if (max)
        {
            w.Line("// The maximum without branches: inputs change, and a mispredicted branch costs more than the comparison.");
            w.Line("float m = xc;");
            if (unrolled)
            {
                foreach (int off in Offsets(l))
                {
                    if (off == 0) continue;
                    w.Line($"m = float.MaxNative(m, {u}.Add(ref xc, {I(off)}));");
                }
            }
            else
            {
                w.Open("for (int ky = 0; ky < F; ky++)");
                w.Open("for (int kx = 0; kx < F; kx++)");
                w.Line($"m = float.MaxNative(m, {u}.Add(ref xc, ky * W + kx));");
                w.Close().Close();
            }
            w.Line($"{u}.Add(ref yrow, ox) = m;");
        }
        else
        {
            w.Line("float s = 0f;");
            if (unrolled)
            {
                foreach (int off in Offsets(l)) w.Line($"s += {u}.Add(ref xc, {I(off)});");
            }
            else
            {
                w.Open("for (int ky = 0; ky < F; ky++)");
                w.Open("for (int kx = 0; kx < F; kx++)");
                w.Line($"s += {u}.Add(ref xc, ky * W + kx);");
                w.Close().Close();
            }
            w.Line($"{u}.Add(ref yrow, ox) = s * (1f / (F * F));");
        }
        w.Close().Close().Close();
    }

    /// <summary>
    /// 2x2 max windows, stride 2, eight outputs at a time: the maximum of the two rows, then of each pair of
    /// columns (the even and the odd columns gathered into two vectors). The last block of a row overlaps the one
    /// before.
    /// </summary>
    private static void Vector2x2Forward(SourceWriter w, LayerShape l, SpatialNames n)
    {
        string v = n.Vector256;
        string u = n.Unsafe;
        Constants(w, l);
        w.Line($"ref float xr = ref {n.MemoryMarshal}.GetReference(x);");
        w.Line($"ref float yr = ref {n.MemoryMarshal}.GetReference(y);");
        w.Line($"var split = {v}.Create(0, 2, 4, 6, 1, 3, 5, 7); // evens, then odds");
        w.Open("for (int c = 0; c < C; c++)");
        w.Open("for (int oy = 0; oy < HO; oy++)");
        w.Line($"ref float x0 = ref {u}.Add(ref xr, (c * H + oy * 2) * W);");
        w.Line($"ref float x1 = ref {u}.Add(ref x0, W);");
        w.Line($"ref float yrow = ref {u}.Add(ref yr, (c * HO + oy) * WO);");
        w.Open("for (int ob = 0; ob < WO; ob += 8)");
        w.Line($"int ox = {n.Math}.Min(ob, WO - 8);");
        w.Line("nuint col = (nuint)(2 * ox);");
        w.Line($"var m0 = {v}.Shuffle({v}.MaxNative({v}.LoadUnsafe(ref x0, col), {v}.LoadUnsafe(ref x1, col)), split);");
        w.Line($"var m1 = {v}.Shuffle({v}.MaxNative({v}.LoadUnsafe(ref x0, col + 8), {v}.LoadUnsafe(ref x1, col + 8)), split);");
        w.Line($"var lower = {v}.Create({v}.GetLower(m0), {v}.GetLower(m1));");
        w.Line($"var upper = {v}.Create({v}.GetUpper(m0), {v}.GetUpper(m1));");
        w.Line($"{v}.StoreUnsafe({v}.MaxNative(lower, upper), ref yrow, (nuint)ox);");
        w.Close().Close().Close();
    }
}
