using System.Collections.Generic;
using System.Linq;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// MaxPool and AvgPool, windows unrolled. Max pooling's backward finds each maximum again (the first input
/// of the window with the output's bits, the one the forward kept) and sends the gradient there, adding, since
/// windows overlap when the stride is below the size; so the forward stores nothing but its output. The search
/// compares bits as integers, without branches: the maxima fall at random, and mispredicted branches cost more.
/// Average pooling spreads each gradient evenly over its window.
/// </summary>
internal sealed class PoolEmitter : LayerEmitter
{
    private const int MaxUnrolled = 49;
    private const string Ms = "MemoryMarshal";
    private const string Us = "Unsafe";

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

    public override void Forward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        bool max = l.Type == LayerType.MaxPool;
        bool unrolled = l.Kernel * l.Kernel <= MaxUnrolled;
        w.Line($"/// <summary>{Title(l)}</summary>");
        w.Line($"/// <param name=\"x\">The input {Dims(l.In)}.</param>");
        w.Line($"/// <param name=\"y\">The output {Dims(l.Out)}.</param>");
        OpenMethod(w, l.Member + "Forward", "ReadOnlySpan<float> x", "Span<float> y");
        Constants(w, l);
        w.Line("x = x.Slice(0, C * H * W);");
        w.Line("y = y.Slice(0, C * HO * WO);");
        w.Line($"ref float xr = ref {Ms}.GetReference(x);");
        w.Line($"ref float yr = ref {Ms}.GetReference(y);");
        bool vector = max && l.Kernel == 2 && l.Stride == 2 && l.Out.W >= 8;
        if (vector)
        {
            Vector2x2Forward(w);
            w.Open("else");
        }
        w.Open("for (int c = 0; c < C; c++)");
        w.Open("for (int oy = 0; oy < HO; oy++)");
        w.Line($"ref float xrow = ref {Us}.Add(ref xr, (c * H + oy * S) * W);");
        w.Line($"ref float yrow = ref {Us}.Add(ref yr, (c * HO + oy) * WO);");
        w.Open("for (int ox = 0; ox < WO; ox++)");
        w.Line($"ref float xc = ref {Us}.Add(ref xrow, ox * S);");
        if (max)
        {
            w.Line("float m = xc; // the maximum without branches: inputs change, and a mispredicted branch costs more than the comparison"); // a 1x1 window has no other tap to compare
            if (unrolled)
            {
                foreach (int off in Offsets(l))
                {
                    if (off == 0) continue;
                    w.Line($"m = float.MaxNative(m, {Us}.Add(ref xc, {I(off)}));");
                }
            }
            else
            {
                w.Open("for (int ky = 0; ky < F; ky++)");
                w.Open("for (int kx = 0; kx < F; kx++)");
                w.Line($"m = float.MaxNative(m, {Us}.Add(ref xc, ky * W + kx));");
                w.Close().Close();
            }
            w.Line($"{Us}.Add(ref yrow, ox) = m;");
        }
        else
        {
            w.Line("float s = 0f;");
            if (unrolled)
            {
                foreach (int off in Offsets(l)) w.Line($"s += {Us}.Add(ref xc, {I(off)});");
            }
            else
            {
                w.Open("for (int ky = 0; ky < F; ky++)");
                w.Open("for (int kx = 0; kx < F; kx++)");
                w.Line($"s += {Us}.Add(ref xc, ky * W + kx);");
                w.Close().Close();
            }
            w.Line($"{Us}.Add(ref yrow, ox) = s * (1f / (F * F));");
        }
        w.Close().Close().Close();
        if (vector) w.Close();
        w.Close();
    }

    /// <summary>
    /// 2x2 max windows, stride 2, eight outputs at a time: the maximum of the two rows, then of each pair of
    /// columns (the even and the odd columns gathered into two vectors). The last block of a row overlaps the one
    /// before.
    /// </summary>
    private static void Vector2x2Forward(SourceWriter w)
    {
        w.Open("if (Simd.IsEnabled)");
        w.Line($"var split = {V}.Create(0, 2, 4, 6, 1, 3, 5, 7); // evens, then odds");
        w.Open("for (int c = 0; c < C; c++)");
        w.Open("for (int oy = 0; oy < HO; oy++)");
        w.Line($"ref float x0 = ref {Us}.Add(ref xr, (c * H + oy * 2) * W);");
        w.Line($"ref float x1 = ref {Us}.Add(ref x0, W);");
        w.Line($"ref float yrow = ref {Us}.Add(ref yr, (c * HO + oy) * WO);");
        w.Open("for (int ob = 0; ob < WO; ob += 8)");
        w.Line("int ox = Math.Min(ob, WO - 8);");
        w.Line("nuint col = (nuint)(2 * ox);");
        w.Line($"var m0 = {V}.Shuffle({V}.MaxNative({V}.LoadUnsafe(ref x0, col), {V}.LoadUnsafe(ref x1, col)), split);");
        w.Line($"var r1 = {V}.MaxNative({V}.LoadUnsafe(ref x0, col + 8), {V}.LoadUnsafe(ref x1, col + 8));");
        w.Line($"var m1 = {V}.Shuffle(r1, split);");
        w.Line($"var lower = {V}.Create({V}.GetLower(m0), {V}.GetLower(m1));");
        w.Line($"var upper = {V}.Create({V}.GetUpper(m0), {V}.GetUpper(m1));");
        w.Line($"{V}.StoreUnsafe({V}.MaxNative(lower, upper), ref yrow, (nuint)ox);");
        w.Close().Close().Close();
        w.Close();
    }

    public override string? BackwardCall(LayerContext c) => Call(c, "Backward", c.Input, c.Output, c.OutputGrad, c.InputGrad);

    public override void Backward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        if (c.AddsInputGrad) throw new System.NotSupportedException($"{l.Name}: pooling's backward writes dx; adding into it is not emitted.");
        bool max = l.Type == LayerType.MaxPool;
        w.Line($"/// <summary>{l.Name} backward: {(max ? "each gradient goes to the input that was the maximum" : "each gradient is spread evenly over its window")}.</summary>");
        w.Line($"/// <param name=\"x\">The input of the forward pass {Dims(l.In)}.</param>");
        w.Line($"/// <param name=\"output\">The output of the forward pass {Dims(l.Out)}.</param>");
        w.Line($"/// <param name=\"dy\">The gradient of the output {Dims(l.Out)}.</param>");
        w.Line($"/// <param name=\"dx\">The gradient of the input {Dims(l.In)}.</param>");
        OpenMethod(w, l.Member + "Backward", "ReadOnlySpan<float> x", "float[] output", "ReadOnlySpan<float> dy", "Span<float> dx");
        Constants(w, l);
        bool tiles = max && l.Kernel == l.Stride && l.Kernel > 1 && l.Kernel * l.Kernel <= MaxUnrolled;
        if (tiles)
        {
            TiledMaxBackward(w, c);
            w.Close();
            return;
        }
        w.Line("dx.Clear();");
        if (max)
        {
            w.Line("ReadOnlySpan<float> y = output;");
            w.Open("for (int c = 0; c < C; c++)");
            w.Open("for (int oy = 0; oy < HO; oy++)");
            w.Open("for (int ox = 0; ox < WO; ox++)");
            w.Line("int at = (c * H + oy * S) * W + ox * S;");
            w.Line("int o = (c * HO + oy) * WO + ox;");
            w.Line("// Compared as bits: the forward's max returns one of its inputs.");
            w.Line("int m = BitConverter.SingleToInt32Bits(y[o]);");
            w.Line("int a = 0;");
            if (l.Kernel * l.Kernel <= MaxUnrolled && l.Kernel > 1)
            {
                var offsets = new List<int>(Offsets(l));
                // The first input equal to the maximum, in the forward's order: tried from the last, so the first wins; arithmetic, not branches.
                offsets.Reverse();
                foreach (int off in offsets)
                {
                    if (off == 0) continue;
                    w.Line($"a += ({I(off)} - a) & -(BitConverter.SingleToInt32Bits(x[at + {I(off)}]) == m ? 1 : 0);");
                }
            }
            else
            {
                w.Open("for (int t = F * F - 1; t >= 0; t--)");
                w.Line("int off = t / F * W + t % F;");
                w.Line("a += (off - a) & -(BitConverter.SingleToInt32Bits(x[at + off]) == m ? 1 : 0);");
                w.Close();
            }
            w.Line("dx[at + a] += dy[o];");
            w.Close().Close().Close();
        }
        else
        {
            w.Open("for (int c = 0; c < C; c++)");
            w.Open("for (int oy = 0; oy < HO; oy++)");
            w.Open("for (int ox = 0; ox < WO; ox++)");
            w.Line("int at = (c * H + oy * S) * W + ox * S;");
            w.Line("float d = dy[(c * HO + oy) * WO + ox] * (1f / (F * F));");
            if (l.Kernel * l.Kernel <= MaxUnrolled)
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
            w.Close().Close().Close();
        }
        w.Close();
    }

    /// <summary>
    /// Max pooling whose windows tile the input (stride equal to the size): every input of a window is written
    /// once, the gradient at the maximum and zero elsewhere, so dx needs no clearing pass and nothing is added.
    /// The maximum is the first input with the output's bits (the forward's max returns one of its inputs), else
    /// the first input; the writes are masks, not branches.
    /// </summary>
    private static void TiledMaxBackward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        var offsets = new List<int>(Offsets(l));
        if (l.Out.H * l.Stride != l.In.H || l.Out.W * l.Stride != l.In.W)
        {
            w.Line("dx.Clear(); // the rows or columns past the last window get no gradient");
        }
        w.Line("x = x.Slice(0, C * H * W);");
        w.Line("dy = dy.Slice(0, C * HO * WO);");
        w.Line("dx = dx.Slice(0, C * H * W);");
        w.Line("ReadOnlySpan<float> y = new ReadOnlySpan<float>(output, 0, C * HO * WO);");
        w.Line($"ref float xr = ref {Ms}.GetReference(x);");
        w.Line($"ref float yr = ref {Ms}.GetReference(y);");
        w.Line($"ref float dyr = ref {Ms}.GetReference(dy);");
        w.Line($"ref float dxr = ref {Ms}.GetReference(dx);");
        bool vector = l.Kernel == 2 && l.Out.W >= 4;
        if (vector)
        {
            if (l.Out.W >= 8) Vector2x2Backward(w, V, 8);
            else Vector2x2Backward(w, V128, 4);
            w.Open("else");
        }
        w.Open("for (int c = 0; c < C; c++)");
        w.Open("for (int oy = 0; oy < HO; oy++)");
        w.Line("int row = (c * H + oy * S) * W, o = (c * HO + oy) * WO;");
        w.Open("for (int ox = 0; ox < WO; ox++)");
        w.Line($"ref float xc = ref {Us}.Add(ref xr, row + ox * S);");
        w.Line($"ref float dc = ref {Us}.Add(ref dxr, row + ox * S);");
        w.Line("// Compared as bits: integer selects, where float compares would be branches.");
        w.Line($"int m = BitConverter.SingleToInt32Bits({Us}.Add(ref yr, o + ox));");
        w.Line("// + 0f: a gradient of -0 lands as +0, as when added to a cleared dx.");
        w.Line($"int g = BitConverter.SingleToInt32Bits({Us}.Add(ref dyr, o + ox) + 0f);");
        // e_t: input t equals the maximum; h_t: it is the first that does (input 0 also when none does).
        for (int t = 0; t < offsets.Count; t++)
        {
            w.Line($"int e{t} = BitConverter.SingleToInt32Bits({Us}.Add(ref xc, {I(offsets[t])})) == m ? 1 : 0;");
        }
        w.Line("int seen = e0;");
        for (int t = 1; t < offsets.Count; t++)
        {
            w.Line($"int h{t} = e{t} & ~seen;");
            w.Line($"seen |= e{t};");
        }
        w.Line("int h0 = e0 | (seen ^ 1);");
        for (int t = 0; t < offsets.Count; t++)
        {
            w.Line($"{Us}.Add(ref dc, {I(offsets[t])}) = BitConverter.Int32BitsToSingle(g & -h{t});");
        }
        w.Close().Close().Close();
        if (vector) w.Close();
    }

    private const string V = "Vector256";
    private const string V128 = "Vector128";

    /// <summary>
    /// 2x2 windows, stride 2, <paramref name="n"/> at a time (8 in a Vector256, 4 in a Vector128 for rows of 4 to 7
    /// windows): each output and its gradient are spread over the two columns of
    /// their window, the inputs compared with them as bits, and the first match of the four (row 0 left, right,
    /// row 1 left, right; else row 0 left) found with lane masks. The last block of a row overlaps the one before
    /// (both write the same values).
    /// </summary>
    private static void Vector2x2Backward(SourceWriter w, string V, int n)
    {
        string Ints(System.Func<int, int> f) => string.Join(", ", Enumerable.Range(0, n).Select(f));
        w.Open("if (Simd.IsEnabled)");
        w.Line($"var lo = {V}.Create({Ints(i => i / 2)});");
        w.Line($"var hi = {V}.Create({Ints(i => n / 2 + i / 2)});");
        w.Line($"var swap = {V}.Create({Ints(i => i ^ 1)});");
        w.Line($"var left = {V}.Create({Ints(i => i % 2 == 0 ? -1 : 0)});");
        w.Open("for (int c = 0; c < C; c++)");
        w.Open("for (int oy = 0; oy < HO; oy++)");
        w.Line("int row = (c * H + oy * 2) * W, o = (c * HO + oy) * WO;");
        w.Line($"ref float x0 = ref {Us}.Add(ref xr, row);");
        w.Line($"ref float x1 = ref {Us}.Add(ref xr, row + W);");
        w.Line($"ref float d0 = ref {Us}.Add(ref dxr, row);");
        w.Line($"ref float d1 = ref {Us}.Add(ref dxr, row + W);");
        w.Open($"for (int ob = 0; ob < WO; ob += {n})");
        w.Line($"int ox = Math.Min(ob, WO - {n});");
        w.Line($"var mv = {V}.AsInt32({V}.LoadUnsafe(ref yr, (nuint)(o + ox)));");
        w.Line("// + 0: a gradient of -0 lands as +0.");
        w.Line($"var gv = {V}.AsInt32({V}.LoadUnsafe(ref dyr, (nuint)(o + ox)) + {V}<float>.Zero);");
        foreach (var (idx, add, which) in new[] { ("lo", "", $"ox to ox + {n / 2 - 1}"), ("hi", $" + {n}", $"ox + {n / 2} to ox + {n - 1}") })
        {
            w.Open($"// windows {which}");
            w.Line($"nuint col = (nuint)(2 * ox{add});");
            w.Line($"var m = {V}.Shuffle(mv, {idx});");
            w.Line($"var g = {V}.Shuffle(gv, {idx});");
            w.Line($"var e0 = {V}.Equals({V}.AsInt32({V}.LoadUnsafe(ref x0, col)), m);");
            w.Line($"var e1 = {V}.Equals({V}.AsInt32({V}.LoadUnsafe(ref x1, col)), m);");
            w.Line($"var s0 = {V}.Shuffle(e0, swap);");
            w.Line($"var s1 = {V}.Shuffle(e1, swap);");
            w.Line("var r0 = e0 | s0;");
            w.Line("var none = ~(r0 | e1 | s1);");
            w.Line($"{V}.StoreUnsafe({V}.AsSingle(g & {V}.ConditionalSelect(left, e0 | none, e0 & ~s0)), ref d0, col);");
            w.Line($"{V}.StoreUnsafe({V}.AsSingle(g & e1 & ~r0 & ~(s1 & ~left)), ref d1, col);");
            w.Close();
        }
        w.Close().Close().Close();
        w.Close();
    }
}
