using System.Collections.Generic;
using System.Linq;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

internal sealed partial class PoolEmitter
{
    private static List<(string, string, string)> BackwardParameters(LayerContext c, SpatialNames n)
    {
        var l = c.Layer;
        return new()
        {
            (n.ReadOnlySpan, "x", $"{l.Name} input {InShape(l)}"),
            (n.ReadOnlySpan, "y", $"{l.Name} output {OutShape(l)}"),
            (n.ReadOnlySpan, "dy", $"gradient of the output {OutShape(l)}"),
            (n.Span, "dx", $"gradient of the input {InShape(l)}; {(c.AddsInputGrad ? "added into" : "written")}"),
        };
    }

    public override void Backward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        var n = SpatialNames.For(c);
        bool max = IsMax(l);
        string mode = c.AddsInputGrad ? "adds into dx" : "writes dx";
        string how = max ? "each gradient goes to the input that was the maximum" : "each gradient is spread evenly over its window";
        w.Line($"/// <summary>{l.Name} backward: {how}; {mode}.</summary>");
        SpatialNames.Signature(w, c, l.Member + "Backward", BackwardParameters(c, n));
        if (!Square(l))
        {
            GeneralBackwardBody(w, c, n);
            w.Close();
            return;
        }
        bool tiles = max && l.Kernel == l.Stride && l.Kernel > 1 && l.Kernel * l.Kernel <= MaxUnrolled;
        if (!tiles)
        {
            OverlappingBackward(w, c, n);
            w.Close();
            return;
        }
        int lanes = l.Kernel == 2 ? l.Out.W >= 8 ? 8 : l.Out.W >= 4 ? 4 : 0 : 0;
        if (lanes == 0)
        {
            TiledScalarBody(w, c, n);
            w.Close();
            return;
        }
        string variant = $"BackwardVector{lanes * 32}";
        w.Line($"// Dispatch: {lanes} windows at a time where the hardware has vectors, else the scalar reference loops.");
        w.Open($"if ({n.Simd}.IsEnabled)");
        w.Line($"{l.Member}{variant}(x, y, dy, dx);");
        w.Close();
        w.Open("else");
        w.Line($"{l.Member}BackwardScalar(x, y, dy, dx);");
        w.Close();
        w.Close();
        w.Line();
        w.Line($"/// <summary>{l.Name} backward on Vector{lanes * 32}: {lanes} windows at a time, the maxima found with lane masks.</summary>");
        SpatialNames.Signature(w, c, l.Member + variant, BackwardParameters(c, n));
        TiledHead(w, c, n);
        Vector2x2Backward(w, c, n, lanes);
        w.Close();
        w.Line();
        w.Line($"/// <summary>{l.Name} backward, scalar: each window's gradient to its maximum, zero to the others.</summary>");
        SpatialNames.Signature(w, c, l.Member + "BackwardScalar", BackwardParameters(c, n));
        TiledScalarBody(w, c, n);
        w.Close();
    }

    /// <summary>Windows that may overlap (or a window of one): dx is cleared (unless added into), then each gradient added where it goes.</summary>
    private static void OverlappingBackward(SourceWriter w, LayerContext c, SpatialNames n)
    {
        var l = c.Layer;
        bool unrolled = l.Kernel * l.Kernel <= MaxUnrolled;
        Constants(w, l);
        if (!c.AddsInputGrad) w.Line("dx.Clear();");
        w.Open("for (int c = 0; c < C; c++)");
        w.Open("for (int oy = 0; oy < HO; oy++)");
        w.Open("for (int ox = 0; ox < WO; ox++)");
        w.Line("int at = (c * H + oy * S) * W + ox * S;");
        if (l.Type == LayerType.MaxPool)
        {
            string bits = n.BitConverter + ".SingleToInt32Bits";
            w.Line("int o = (c * HO + oy) * WO + ox;");
            w.Line($"int m = {bits}(y[o]); // compared as bits: the forward's max returns one of its inputs");
            w.Line("int a = 0;");
            if (unrolled && l.Kernel > 1)
            {
                w.Line("// The first input equal to the maximum, in the forward's order: tried from the last, so the first wins.");
                foreach (int off in Offsets(l).Reverse())
                {
                    if (off == 0) continue;
                    w.Line($"a += ({I(off)} - a) & -({bits}(x[at + {I(off)}]) == m ? 1 : 0);");
                }
            }
            else
            {
                w.Open("for (int t = F * F - 1; t >= 0; t--)");
                w.Line("int off = t / F * W + t % F;");
                w.Line($"a += (off - a) & -({bits}(x[at + off]) == m ? 1 : 0);");
                w.Close();
            }
            w.Line("dx[at + a] += dy[o];");
        }
        else
        {
            w.Line("float d = dy[(c * HO + oy) * WO + ox] * (1f / (F * F));");
            if (unrolled)
            {
                foreach (int off in Offsets(l)) w.Line($"dx[at + {I(off)}] += d;");
            }
            else
            {
                w.Open("for (int ky = 0; ky < F; ky++)");
                w.Open("for (int kx = 0; kx < F; kx++)");
                w.Line("dx[at + ky * W + kx] += d;");
                w.Close().Close();
            }
        }
        w.Close().Close().Close();
    }

    /// <summary>What both tiled variants start with: the constants, dx cleared where windows leave some of it out, the references.</summary>
    private static void TiledHead(SourceWriter w, LayerContext c, SpatialNames n)
    {
        var l = c.Layer;
        Constants(w, l);
        if (!c.AddsInputGrad && (l.Out.H * l.Stride != l.In.H || l.Out.W * l.Stride != l.In.W))
        {
            w.Line("dx.Clear(); // the rows or columns past the last window get no gradient");
        }
        w.Line("x = x.Slice(0, C * H * W);");
        w.Line("y = y.Slice(0, C * HO * WO);");
        w.Line("dy = dy.Slice(0, C * HO * WO);");
        w.Line("dx = dx.Slice(0, C * H * W);");
        w.Line($"ref float xr = ref {n.MemoryMarshal}.GetReference(x);");
        w.Line($"ref float yr = ref {n.MemoryMarshal}.GetReference(y);");
        w.Line($"ref float dyr = ref {n.MemoryMarshal}.GetReference(dy);");
        w.Line($"ref float dxr = ref {n.MemoryMarshal}.GetReference(dx);");
    }

    /// <summary>
    /// Max pooling whose windows tile the input (stride equal to the size): every input of a window is written
    /// once, the gradient at the maximum and zero elsewhere, so dx needs no clearing pass (or has each added).
    /// </summary>
    private static void TiledScalarBody(SourceWriter w, LayerContext c, SpatialNames n)
    {
        TiledHead(w, c, n);
        w.Open("for (int c = 0; c < C; c++)");
        w.Open("for (int oy = 0; oy < HO; oy++)");
        w.Line("int row = (c * H + oy * S) * W;");
        w.Line("int o = (c * HO + oy) * WO;");
        w.Open("for (int ox = 0; ox < WO; ox++)");
        TiledWindow(w, c, n);
        w.Close().Close().Close();
    }

    /// <summary>
    /// One window, at <c>row + ox * S</c> of the input and <c>o + ox</c> of the output. The maximum is the first input
    /// with the output's bits (the forward's max returns one of its inputs), else the first input; the writes are
    /// masks, not branches.
    /// </summary>
    private static void TiledWindow(SourceWriter w, LayerContext c, SpatialNames n)
    {
        var offsets = Offsets(c.Layer).ToList();
        string u = n.Unsafe;
        string bits = n.BitConverter + ".SingleToInt32Bits";
        w.Line($"ref float xc = ref {u}.Add(ref xr, row + ox * S);");
        w.Line($"ref float dc = ref {u}.Add(ref dxr, row + ox * S);");
        w.Line("// Compared as bits: integer selects, where float compares would be branches.");
        w.Line($"int m = {bits}({u}.Add(ref yr, o + ox));");
        w.Line("// + 0f: a gradient of -0 lands as +0, as when added to a cleared dx.");
        w.Line($"int g = {bits}({u}.Add(ref dyr, o + ox) + 0f);");
        w.Line("// e_t: input t equals the maximum; h_t: it is the first that does (input 0 also when none does).");
        for (int t = 0; t < offsets.Count; t++)
        {
            w.Line($"int e{t} = {bits}({u}.Add(ref xc, {I(offsets[t])})) == m ? 1 : 0;");
        }
        w.Line("int seen = e0;");
        for (int t = 1; t < offsets.Count; t++)
        {
            w.Line($"int h{t} = e{t} & ~seen;");
            w.Line($"seen |= e{t};");
        }
        w.Line("int h0 = e0 | (seen ^ 1);");
        string store = c.AddsInputGrad ? "+=" : "=";
        for (int t = 0; t < offsets.Count; t++)
        {
            w.Line($"{u}.Add(ref dc, {I(offsets[t])}) {store} {n.BitConverter}.Int32BitsToSingle(g & -h{t});");
        }
    }

    /// <summary>
    /// 2x2 windows, stride 2, <paramref name="lanes"/> at a time (8 in a Vector256, 4 in a Vector128 for rows of 4 to 7
    /// windows): each output and its gradient are spread over the two columns of their window, the inputs compared
    /// with them as bits, and the first match of the four (row 0 left, right, row 1 left, right; else row 0 left)
    /// found with lane masks. Writing, the last block of a row overlaps the one before (both write the same values);
    /// adding, the windows past the last whole block take the scalar path, so none is added twice.
    /// </summary>
    private static void Vector2x2Backward(SourceWriter w, LayerContext c, SpatialNames n, int lanes)
    {
        string v = n.Vector(lanes);
        string u = n.Unsafe;
        bool adds = c.AddsInputGrad;
        string Ints(System.Func<int, int> f) => string.Join(", ", Enumerable.Range(0, lanes).Select(f));
        w.Line($"var lo = {v}.Create({Ints(i => i / 2)});");
        w.Line($"var hi = {v}.Create({Ints(i => lanes / 2 + i / 2)});");
        w.Line($"var swap = {v}.Create({Ints(i => i ^ 1)});");
        w.Line($"var left = {v}.Create({Ints(i => i % 2 == 0 ? -1 : 0)});");
        w.Open("for (int c = 0; c < C; c++)");
        w.Open("for (int oy = 0; oy < HO; oy++)");
        w.Line("int row = (c * H + oy * 2) * W;");
        w.Line("int o = (c * HO + oy) * WO;");
        w.Line($"ref float x0 = ref {u}.Add(ref xr, row);");
        w.Line($"ref float x1 = ref {u}.Add(ref xr, row + W);");
        w.Line($"ref float d0 = ref {u}.Add(ref dxr, row);");
        w.Line($"ref float d1 = ref {u}.Add(ref dxr, row + W);");
        if (adds)
        {
            w.Line("int ob = 0;");
            w.Open($"for (; ob <= WO - {lanes}; ob += {lanes})");
            w.Line("int ox = ob;");
        }
        else
        {
            w.Open($"for (int ob = 0; ob < WO; ob += {lanes})");
            w.Line($"int ox = {n.Math}.Min(ob, WO - {lanes});");
        }
        w.Line($"var mv = {v}.AsInt32({v}.LoadUnsafe(ref yr, (nuint)(o + ox)));");
        w.Line($"var gv = {v}.AsInt32({v}.LoadUnsafe(ref dyr, (nuint)(o + ox)) + {v}<float>.Zero); // + 0: a gradient of -0 lands as +0");
        foreach (var (idx, add, which) in new[] { ("lo", "", $"ox to ox + {lanes / 2 - 1}"), ("hi", $" + {lanes}", $"ox + {lanes / 2} to ox + {lanes - 1}") })
        {
            w.Open($"// windows {which}");
            w.Line($"nuint col = (nuint)(2 * ox{add});");
            w.Line($"var m = {v}.Shuffle(mv, {idx});");
            w.Line($"var g = {v}.Shuffle(gv, {idx});");
            w.Line($"var e0 = {v}.Equals({v}.AsInt32({v}.LoadUnsafe(ref x0, col)), m);");
            w.Line($"var e1 = {v}.Equals({v}.AsInt32({v}.LoadUnsafe(ref x1, col)), m);");
            w.Line($"var s0 = {v}.Shuffle(e0, swap);");
            w.Line($"var s1 = {v}.Shuffle(e1, swap);");
            w.Line("var r0 = e0 | s0;");
            w.Line("var none = ~(r0 | e1 | s1);");
            w.Line($"var top = {v}.AsSingle(g & {v}.ConditionalSelect(left, e0 | none, e0 & ~s0));");
            w.Line($"var bottom = {v}.AsSingle(g & e1 & ~r0 & ~(s1 & ~left));");
            if (adds)
            {
                w.Line($"{v}.StoreUnsafe({v}.LoadUnsafe(ref d0, col) + top, ref d0, col);");
                w.Line($"{v}.StoreUnsafe({v}.LoadUnsafe(ref d1, col) + bottom, ref d1, col);");
            }
            else
            {
                w.Line($"{v}.StoreUnsafe(top, ref d0, col);");
                w.Line($"{v}.StoreUnsafe(bottom, ref d1, col);");
            }
            w.Close();
        }
        w.Close();
        if (adds)
        {
            w.Line("// The windows past the last whole block, one at a time.");
            w.Open("for (int ox = ob; ox < WO; ox++)");
            TiledWindow(w, c, n);
            w.Close();
        }
        w.Close().Close();
    }
}
