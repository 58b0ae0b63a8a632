using System.Collections.Generic;
using System.Linq;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// Conv2D. The input is copied into a zero-bordered buffer, then, for stride 1, each filter's output is
/// computed over "wide rows": output (oy, ox) sits at <c>p = oy*WP + ox</c>, where WP is the padded width,
/// so that every tap (c, ky, kx) reads the contiguous run <c>xp[c][p + ky*WP + kx]</c>. That turns the
/// convolution into long vector multiply-adds with constant offsets; the few columns past WO are computed
/// and dropped. The backward pass uses the same rows: weight gradients are dot products of the wide
/// output gradient with shifted input runs, and the input gradient gathers the wide output gradient at
/// the negated offsets. Stride above 1 uses direct loops with the window unrolled.
/// </summary>
internal sealed class Conv2DEmitter : LayerEmitter
{
    private const string Ms = "MemoryMarshal";
    private const string Us = "Unsafe";
    private const string V = "Vector256";

    /// <summary>Windows up to 7x7 are unrolled; larger ones loop.</summary>
    private const int MaxUnrolled = 49;

    private sealed class Geometry
    {
        public Geometry(LayerShape l)
        {
            C = l.In.C; H = l.In.H; W = l.In.W; K = l.Units; Fk = l.Kernel; P = l.Padding; S = l.Stride;
            HP = H + 2 * P; WP = W + 2 * P; HO = l.Out.H; WO = l.Out.W;
            L = (HO - 1) * WP + WO;
            LV = (L + 15) / 16 * 16;
            KB = Block(K);
            CB = Block(C);
            // A padded plane, rounded up so that whole input-gradient blocks of either width fit.
            int step = Lcm(Lanes * QB(Lanes), 2 * Lanes * QB(2 * Lanes));
            QV = (HP * WP + step - 1) / step * step;
            G = (Fk - 1) * WP + (Fk - 1);
            DS = G + QV;
            KW = Fk <= 5 && K % 2 == 0 ? 2 : 1;
        }

        /// <summary>Floats in a Vector256; the Vector512 path takes twice as many.</summary>
        public const int Lanes = 8;

        /// <summary>
        /// Vectors of positions per forward block at a width: from the usual count (about 8 accumulators) up to 12
        /// accumulators, the count that computes the fewest vectors in all, since the last block of a filter's
        /// wide row overlaps the one before (LeNet-5's conv2: 3 vectors of 16 cover its 136 positions in 144,
        /// 2 vectors in 160).
        /// </summary>
        public int PB(int lanes)
        {
            int best = System.Math.Max(1, System.Math.Min(Vectors(KB), L / lanes));
            int most = System.Math.Min(12 / KB, L / lanes);
            for (int v = best + 1; v <= most; v++)
            {
                if (Work(v, lanes) < Work(best, lanes)) best = v;
            }
            return best;
        }

        private int Work(int vectors, int lanes) => (L + lanes * vectors - 1) / (lanes * vectors) * vectors;

        /// <summary>Vectors of positions per input-gradient block at a width.</summary>
        public int QB(int lanes) => System.Math.Max(1, System.Math.Min(Vectors(CB), (HP * WP + lanes - 1) / lanes));

        private static int Lcm(int a, int b)
        {
            int x = a, y = b;
            while (y != 0) (x, y) = (y, x % y);
            return a / x * b;
        }

        /// <summary>Filters (or channels) computed together: the largest of 4, 3, 2, 1 that divides the count.</summary>
        private static int Block(int n) => n % 4 == 0 ? 4 : n % 3 == 0 ? 3 : n % 2 == 0 ? 2 : 1;

        /// <summary>Vectors of positions per block, so that about 8 accumulators stay in registers.</summary>
        private static int Vectors(int block) => block == 4 ? 2 : block == 3 ? 3 : 4;

        public int C, H, W, K, Fk, P, S, HP, WP, HO, WO, L, LV, QV, G, DS;

        /// <summary>Forward: KB filters by PB vectors of positions. Input gradient: CB channels by QB vectors. Weight gradient: KW filters.</summary>
        public int KB, CB, KW;

        public bool Wide => S == 1;

        /// <summary>
        /// Whether the vector paths compute the weight gradient with the filters across the lanes (a whole number
        /// of Vector256s of filters, a window unrolled): the output gradient is transposed to <c>[position][filter]</c>
        /// first, and no horizontal sum is needed.
        /// </summary>
        public bool FilterLanes => Wide && Fk <= 7 && K % Lanes == 0;
    }

    public override IEnumerable<(string Name, string Length, string Type)> Buffers(LayerContext c)
    {
        var l = c.Layer;
        var g = new Geometry(l);
        string n = Field(l, "");
        yield return (n + "Input", I(g.C * g.HP * g.WP + Slack), "float");
        if (g.Wide)
        {
            yield return (n + "Wide", I(g.K * g.L + Slack), "float");
            yield return (n + "WideGrad", I(g.K * g.DS + Slack), "float");
        }
        if (g.FilterLanes) yield return (n + "GradT", I(g.HO * g.WO * g.K + Slack), "float");
        if (KeepsLinear(l.Activation)) yield return (n + "Linear", I(l.Out.Size), "float");
        if (c.NeedsInputGrad) yield return (n + "InputGrad", I(g.C * (g.Wide ? g.QV : g.HP * g.WP) + Slack), "float");
    }

    private static string Field(LayerShape l, string suffix) => "_" + l.Name + suffix;

    public override string BufferComment(LayerContext c, string name, int length)
    {
        var l = c.Layer;
        var g = new Geometry(l);
        var (what, size) = name.Substring(Field(l, "").Length) switch
        {
            "Input" => ($"input, zero-padded [{g.C}][{g.HP}][{g.WP}]", g.C * g.HP * g.WP),
            "Wide" => ($"output in wide rows [{g.K}][{g.L}]", g.K * g.L),
            "WideGrad" => ($"output gradient in wide rows, guarded [{g.K}][{g.DS}]", g.K * g.DS),
            "GradT" => ($"output gradient transposed [{g.HO * g.WO}][{g.K}]", g.HO * g.WO * g.K),
            "Linear" => ($"before its {l.Activation} {Dims(l.Out)}", l.Out.Size),
            _ => ($"input gradient, padded [{g.C}][{(g.Wide ? g.QV : g.HP * g.WP)}]", g.C * (g.Wide ? g.QV : g.HP * g.WP)),
        };
        return length > size ? $"{l.Name} {what} + {length - size} spare" : $"{l.Name} {what}";
    }

    public override string ForwardCall(LayerContext c)
    {
        var l = c.Layer;
        var g = new Geometry(l);
        string n = Field(l, "");
        return Call(c, "Forward", "_parameters", c.Input, c.Output, n + "Input", g.Wide ? n + "Wide" : null, KeepsLinear(l.Activation) ? n + "Linear" : null);
    }

    public override string? BackwardCall(LayerContext c)
    {
        var l = c.Layer;
        var g = new Geometry(l);
        string n = Field(l, "");
        return Call(
            c,
            "Backward",
            "_parameters",
            "_gradients",
            BackwardReadsOutput(c) ? c.Output : null,
            BackwardReadsLinear(c) ? n + "Linear" : null,
            c.OutputGrad,
            c.InputGrad,
            n + "Input",
            g.Wide ? n + "WideGrad" : null,
            g.FilterLanes ? n + "GradT" : null,
            c.NeedsInputGrad ? n + "InputGrad" : null);
    }

    private static void Constants(SourceWriter w, LayerShape l, Geometry g, bool backward)
    {
        w.Line($"const int C = {g.C}, H = {g.H}, W = {g.W}, K = {g.K}, F = {g.Fk}, P = {g.P}, S = {g.S};");
        w.Line($"const int HP = H + 2 * P, WP = W + 2 * P, HO = {g.HO}, WO = {g.WO};");
        w.Line($"const int WeightOffset = {l.ParameterOffset}, BiasOffset = {l.ParameterOffset + l.WeightCount};");
        if (g.Wide)
        {
            w.Line("const int L = (HO - 1) * WP + WO; // wide rows: output (oy, ox) at oy * WP + ox");
            if (backward)
            {
                w.Line($"const int LV = (L + 15) / 16 * 16, QV = {g.QV}; // QV: a padded plane rounded up to whole blocks of vectors");
                w.Line("const int G = (F - 1) * WP + (F - 1), DS = G + QV; // each filter's wide gradient: G zeros, then the rows, then zeros");
            }
        }
    }

    private static IEnumerable<(int T, int Ky, int Kx)> Taps(int f)
    {
        for (int ky = 0; ky < f; ky++)
            for (int kx = 0; kx < f; kx++)
                yield return (ky * f + kx, ky, kx);
    }

    public override void Forward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        var g = new Geometry(l);
        w.Line($"/// <summary>{Title(l)}</summary>");
        OpenMethod(
            w,
            l.Member + "Forward",
            "float[] parameters",
            "ReadOnlySpan<float> x",
            "Span<float> y",
            "float[] padded",
            g.Wide ? "float[] wide" : null,
            KeepsLinear(l.Activation) ? "Span<float> linear" : null);
        Constants(w, l, g, backward: false);
        w.Line("// Copy x into the padded input; its zero border is never written.");
        w.Line($"Span<float> xp = padded;");
        w.Open("for (int c = 0; c < C; c++)");
        w.Line($"{RowCopy}(x.Slice(c * H * W), W, xp.Slice((c * HP + P) * WP + P), WP, H, W);");
        w.Close();
        string z = KeepsLinear(l.Activation) ? "z" : "y";
        if (KeepsLinear(l.Activation)) w.Line($"Span<float> z = linear;");
        w.Line($"ref float xr = ref {Ms}.GetArrayDataReference(padded);");
        w.Line($"ref float wr = ref {Ms}.GetArrayDataReference(parameters);");

        if (g.Wide)
        {
            w.Line($"ref float zr = ref {Ms}.GetArrayDataReference(wide);");
            VectorPaths(w, g, "L >= {0}", lanes => lanes * g.PB(lanes), (v, lanes) => ForwardVectors(w, g, v, lanes));
            w.Open("else");
            w.Open("for (int k = 0; k < K; k++)");
            w.Open("for (int p = 0; p < L; p++)");
            w.Line($"float s = {Us}.Add(ref wr, BiasOffset + k);");
            w.Open("for (int c = 0; c < C; c++)");
            w.Open("for (int ky = 0; ky < F; ky++)");
            w.Open("for (int kx = 0; kx < F; kx++)");
            w.Line($"float weight = {Us}.Add(ref wr, WeightOffset + ((k * C + c) * F + ky) * F + kx);");
            w.Line($"s += weight * {Us}.Add(ref xr, c * HP * WP + p + ky * WP + kx);");
            w.Close().Close().Close();
            w.Line($"{Us}.Add(ref zr, k * L + p) = s;");
            w.Close().Close().Close();
            w.Line("// Gather the wide rows into [K][HO][WO].");
            w.Open("for (int k = 0; k < K; k++)");
            w.Line($"{RowCopy}(new ReadOnlySpan<float>(wide, k * L, L), WP, {z}.Slice(k * HO * WO, HO * WO), WO, HO, WO);");
            w.Close();
        }
        else
        {
            w.Line("// Stride above 1: one output at a time, the window unrolled.");
            w.Open("for (int k = 0; k < K; k++)");
            w.Open("for (int oy = 0; oy < HO; oy++)");
            w.Open("for (int ox = 0; ox < WO; ox++)");
            w.Line($"float s = {Us}.Add(ref wr, BiasOffset + k);");
            w.Open("for (int c = 0; c < C; c++)");
            w.Line($"ref float xc = ref {Us}.Add(ref xr, c * HP * WP + oy * S * WP + ox * S);");
            w.Line($"ref float wc = ref {Us}.Add(ref wr, WeightOffset + (k * C + c) * F * F);");
            EmitDirectTaps(w, g, "s += {w} * {x};");
            w.Close();
            w.Line($"{z}[(k * HO + oy) * WO + ox] = s;");
            w.Close().Close().Close();
        }
        InlineActivationForward(w, l);
        w.Close();
    }

    /// <summary>
    /// The vector paths, widest first: Vector512 where the hardware has it, then Vector256, then the scalar loops
    /// that follow. <paramref name="condition"/> formats the least size a path needs (null: none).
    /// </summary>
    private static void VectorPaths(SourceWriter w, Geometry g, string? condition, System.Func<int, int> least, System.Action<string, int> emit)
    {
        const string Simd = "Simd";
        w.Open($"if ({Simd}.IsEnabled && {Simd}.UseVector512{(condition is null ? "" : " && " + string.Format(condition, least(16)))})");
        emit(V512, 16);
        w.Close();
        w.Open($"else if ({Simd}.IsEnabled{(condition is null ? "" : " && " + string.Format(condition, least(8)))})");
        emit(V, 8);
        w.Close();
    }

    private const string V512 = "Vector512";

    private static void ForwardVectors(SourceWriter w, Geometry g, string V, int lanes)
    {
        int pb = g.PB(lanes);
        w.Line($"// {g.KB} filters by {pb} vectors of {lanes} positions: each input vector loaded once feeds {g.KB} accumulators, each weight {pb}.");
        w.Open($"for (int k = 0; k < K; k += {g.KB})");
        for (int j = 0; j < g.KB; j++)
        {
            w.Line($"ref float w{j} = ref {Us}.Add(ref wr, WeightOffset + (k + {j}) * C * F * F);");
        }
        w.Open($"for (int p0 = 0; p0 < L; p0 += {lanes * pb})");
        w.Line($"int p = Math.Min(p0, L - {lanes * pb}); // the last block overlaps the one before");
        for (int j = 0; j < g.KB; j++)
        {
            w.Line($"var b{j} = {V}.Create({Us}.Add(ref wr, BiasOffset + k + {j}));");
            for (int v = 0; v < pb; v++) w.Line($"var a{j}{v} = b{j};");
        }
        w.Open("for (int c = 0; c < C; c++)");
        w.Line($"ref float xc = ref {Us}.Add(ref xr, c * HP * WP + p);");
        w.Line("int wc = c * F * F;");
        w.Line($"{V}<float> {string.Join(", ", Enumerable.Range(0, pb).Select(v => "x" + v))}, wk;");
        void Tap(string offset, string t)
        {
            for (int v = 0; v < pb; v++) w.Line($"x{v} = {V}.LoadUnsafe(ref xc, {offset}{(v == 0 ? "" : " + " + I(lanes * v))});");
            for (int j = 0; j < g.KB; j++)
            {
                w.Line($"wk = {V}.Create({Us}.Add(ref w{j}, wc + {t}));");
                for (int v = 0; v < pb; v++) w.Line($"a{j}{v} = {V}.MultiplyAddEstimate(x{v}, wk, a{j}{v});");
            }
        }
        if (g.Fk * g.Fk <= MaxUnrolled)
        {
            foreach (var (t, ky, kx) in Taps(g.Fk))
            {
                w.Line($"// tap ({ky}, {kx})");
                Tap(I(ky * g.WP + kx), I(t));
            }
        }
        else
        {
            w.Open("for (int ky = 0; ky < F; ky++)");
            w.Open("for (int kx = 0; kx < F; kx++)");
            Tap("(nuint)(ky * WP + kx)", "ky * F + kx");
            w.Close().Close();
        }
        w.Close();
        for (int j = 0; j < g.KB; j++)
            for (int v = 0; v < pb; v++)
                w.Line($"{V}.StoreUnsafe(a{j}{v}, ref zr, (nuint)((k + {j}) * L + p + {lanes * v}));");
        w.Close().Close();
    }

    /// <summary>
    /// The weight gradient with filters across the lanes: <c>dW[k][c][ky][kx] += sum over (oy, ox) of
    /// dz[k][oy][ox] * xp[c][oy + ky][ox + kx]</c> for a vector of k at once. For each channel and kernel row, one
    /// accumulator per kernel column (two sets, even and odd columns of the output, for independent chains) takes a
    /// vector of the transposed dz and a broadcast input per multiply-add; the valid positions only, no wide-row waste.
    /// </summary>
    private static void FilterLaneWeightGradient(SourceWriter w, Geometry g, string V, int lanes)
    {
        int f = g.Fk;
        w.Line($"// Filters across the lanes: dz transposed to [position][filter], then {f} accumulators per set, one per kernel column.");
        w.Line($"ref float tr = ref {Ms}.GetArrayDataReference(gradT);");
        w.Open("for (int k = 0; k < K; k++)");
        w.Line("ReadOnlySpan<float> dk = dz.Slice(k * HO * WO, HO * WO);");
        w.Line($"for (int p = 0; p < HO * WO; p++) {Us}.Add(ref tr, p * K + k) = dk[p];");
        w.Close();
        w.Line($"Span<float> lane = stackalloc float[{lanes}];");
        w.Line($"ref float lr = ref {Ms}.GetReference(lane);");
        w.Open($"for (int kb = 0; kb < K; kb += {lanes})");
        w.Open("for (int c = 0; c < C; c++)");
        w.Open("for (int ky = 0; ky < F; ky++)");
        for (int kx = 0; kx < f; kx++) w.Line($"{V}<float> a{kx} = default, b{kx} = default;");
        w.Open("for (int oy = 0; oy < HO; oy++)");
        w.Line($"ref float xrow = ref {Us}.Add(ref xr, c * HP * WP + (oy + ky) * WP);");
        w.Line($"ref float trow = ref {Us}.Add(ref tr, oy * WO * K + kb);");
        w.Line("int ox = 0;");
        w.Open("for (; ox <= WO - 2; ox += 2)");
        w.Line($"var d0 = {V}.LoadUnsafe(ref trow, (nuint)(ox * K));");
        w.Line($"var d1 = {V}.LoadUnsafe(ref trow, (nuint)((ox + 1) * K));");
        for (int kx = 0; kx < f; kx++)
        {
            w.Line($"a{kx} = {V}.MultiplyAddEstimate(d0, {V}.Create({Us}.Add(ref xrow, ox + {kx})), a{kx});");
            w.Line($"b{kx} = {V}.MultiplyAddEstimate(d1, {V}.Create({Us}.Add(ref xrow, ox + {kx + 1})), b{kx});");
        }
        w.Close();
        w.Open("if (ox < WO)");
        w.Line($"var d0 = {V}.LoadUnsafe(ref trow, (nuint)(ox * K));");
        for (int kx = 0; kx < f; kx++) w.Line($"a{kx} = {V}.MultiplyAddEstimate(d0, {V}.Create({Us}.Add(ref xrow, ox + {kx})), a{kx});");
        w.Close();
        w.Close();
        w.Line("// Lane j of column kx belongs to dW[kb + j][c][ky][kx].");
        w.Line($"ref float dw = ref {Us}.Add(ref gw, WeightOffset + (kb * C + c) * F * F + ky * F);");
        for (int kx = 0; kx < f; kx++)
        {
            w.Line($"{V}.StoreUnsafe(a{kx} + b{kx}, ref lr);");
            w.Line($"for (int j = 0; j < {lanes}; j++) {Us}.Add(ref dw, j * C * F * F + {kx}) += {Us}.Add(ref lr, j);");
        }
        w.Close().Close().Close();
    }

    private static void WeightGradientVectors(SourceWriter w, Geometry g, string V, int lanes)
    {
        w.Line($"// {g.KW} filter(s) at a time, one accumulator per filter and kernel column; the input vector of each column is loaded once.");
        w.Open($"for (int k = 0; k < K; k += {g.KW})");
        w.Open("for (int c = 0; c < C; c++)");
        w.Open("for (int ky = 0; ky < F; ky++)");
        w.Line($"ref float xc = ref {Us}.Add(ref xr, c * HP * WP + ky * WP);");
        for (int j = 0; j < g.KW; j++) w.Line($"ref float g{j} = ref {Us}.Add(ref gr, (k + {j}) * DS + G);");
        if (g.Fk <= 7)
        {
            for (int j = 0; j < g.KW; j++)
                for (int kx = 0; kx < g.Fk; kx++)
                    w.Line($"var a{j}{kx} = {V}<float>.Zero;");
            w.Open($"for (int p = 0; p < LV; p += {lanes})");
            for (int j = 0; j < g.KW; j++) w.Line($"var d{j} = {V}.LoadUnsafe(ref g{j}, (nuint)p);");
            for (int kx = 0; kx < g.Fk; kx++)
            {
                w.Line($"var x{kx} = {V}.LoadUnsafe(ref xc, (nuint)(p + {kx}));");
                for (int j = 0; j < g.KW; j++) w.Line($"a{j}{kx} = {V}.MultiplyAddEstimate(d{j}, x{kx}, a{j}{kx});");
            }
            w.Close();
            for (int j = 0; j < g.KW; j++)
            {
                w.Line($"ref float dw{j} = ref {Us}.Add(ref gw, WeightOffset + ((k + {j}) * C + c) * F * F + ky * F);");
                for (int kx = 0; kx < g.Fk; kx++) w.Line($"{Us}.Add(ref dw{j}, {kx}) += {V}.Sum(a{j}{kx});");
            }
        }
        else
        {
            // Large kernels: one kernel column at a time.
            w.Open("for (int kx = 0; kx < F; kx++)");
            for (int j = 0; j < g.KW; j++) w.Line($"var a{j} = {V}<float>.Zero;");
            w.Open($"for (int p = 0; p < LV; p += {lanes})");
            w.Line($"var xv = {V}.LoadUnsafe(ref xc, (nuint)(p + kx));");
            for (int j = 0; j < g.KW; j++) w.Line($"a{j} = {V}.MultiplyAddEstimate({V}.LoadUnsafe(ref g{j}, (nuint)p), xv, a{j});");
            w.Close();
            for (int j = 0; j < g.KW; j++) w.Line($"{Us}.Add(ref gw, WeightOffset + ((k + {j}) * C + c) * F * F + ky * F + kx) += {V}.Sum(a{j});");
            w.Close();
        }
        w.Close().Close().Close();
    }

    private static void InputGradientVectors(SourceWriter w, Geometry g, string V, int lanes)
    {
        int qb = g.QB(lanes);
        w.Line($"// {g.CB} channel(s) by {qb} vectors of {lanes} positions; each channel's plane takes QV floats here, so no block writes into another's.");
        w.Open($"for (int c = 0; c < C; c += {g.CB})");
        w.Open($"for (int q = 0; q < QV; q += {lanes * qb})");
        for (int j = 0; j < g.CB; j++)
            for (int v = 0; v < qb; v++)
                w.Line($"var a{j}{v} = {V}<float>.Zero;");
        w.Open("for (int k = 0; k < K; k++)");
        w.Line($"ref float gk = ref {Us}.Add(ref gr, k * DS + q);");
        for (int j = 0; j < g.CB; j++) w.Line($"ref float w{j} = ref {Us}.Add(ref wr, WeightOffset + (k * C + c + {j}) * F * F);");
        w.Line($"{V}<float> {string.Join(", ", Enumerable.Range(0, qb).Select(v => "d" + v))}, wk;");
        void Tap(string offset, string t)
        {
            for (int v = 0; v < qb; v++) w.Line($"d{v} = {V}.LoadUnsafe(ref gk, {offset}{(v == 0 ? "" : " + " + I(lanes * v))});");
            for (int j = 0; j < g.CB; j++)
            {
                w.Line($"wk = {V}.Create({Us}.Add(ref w{j}, {t}));");
                for (int v = 0; v < qb; v++) w.Line($"a{j}{v} = {V}.MultiplyAddEstimate(d{v}, wk, a{j}{v});");
            }
        }
        if (g.Fk * g.Fk <= MaxUnrolled)
        {
            foreach (var (t, ky, kx) in Taps(g.Fk))
            {
                w.Line($"// tap ({ky}, {kx}): dz shifted back by {ky * g.WP + kx}");
                Tap(I(g.G - (ky * g.WP + kx)), I(t));
            }
        }
        else
        {
            w.Open("for (int t = 0; t < F * F; t++)");
            Tap("(nuint)(G - t / F * WP - t % F)", "t");
            w.Close();
        }
        w.Close();
        for (int j = 0; j < g.CB; j++)
            for (int v = 0; v < qb; v++)
                w.Line($"{V}.StoreUnsafe(a{j}{v}, ref dr, (nuint)((c + {j}) * QV + q + {lanes * v}));");
        w.Close().Close();
    }

    /// <summary>Writes the window's taps with <c>{w}</c> and <c>{x}</c> replaced by the weight and input expressions.</summary>
    private static void EmitDirectTaps(SourceWriter w, Geometry g, string pattern, string wRef = "wc", string xRef = "xc")
    {
        if (g.Fk * g.Fk <= MaxUnrolled)
        {
            foreach (var (t, ky, kx) in Taps(g.Fk))
            {
                w.Line(pattern.Replace("{w}", $"{Us}.Add(ref {wRef}, {I(t)})").Replace("{x}", $"{Us}.Add(ref {xRef}, {I(ky * g.WP + kx)})"));
            }
        }
        else
        {
            w.Open("for (int ky = 0; ky < F; ky++)");
            w.Open("for (int kx = 0; kx < F; kx++)");
            w.Line(pattern.Replace("{w}", $"{Us}.Add(ref {wRef}, ky * F + kx)").Replace("{x}", $"{Us}.Add(ref {xRef}, ky * WP + kx)"));
            w.Close().Close();
        }
    }

    public override void Backward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        var g = new Geometry(l);
        if (c.AddsInputGrad) throw new System.NotSupportedException($"{l.Name}: Conv2D's backward writes dx; adding into it is not emitted.");
        w.Line($"/// <summary>{l.Name} backward: adds into its weight and bias gradients{InputGradNote(c)}.</summary>");
        OpenMethod(
            w,
            l.Member + "Backward",
            "float[] parameters",
            "float[] gradients",
            BackwardReadsOutput(c) ? "ReadOnlySpan<float> y" : null,
            BackwardReadsLinear(c) ? "ReadOnlySpan<float> linear" : null,
            "Span<float> dy",
            c.NeedsInputGrad ? "Span<float> dx" : null,
            "float[] padded",
            g.Wide ? "float[] wideGrad" : null,
            g.FilterLanes ? "float[] gradT" : null,
            c.NeedsInputGrad ? "float[] paddedGrad" : null);
        Constants(w, l, g, backward: true);
        InlineActivationBackward(w, c);
        w.Line($"ref float xr = ref {Ms}.GetArrayDataReference(padded);");
        w.Line($"ref float wr = ref {Ms}.GetArrayDataReference(parameters);");
        w.Line($"ref float gw = ref {Ms}.GetArrayDataReference(gradients);");
        w.Line("// Bias: the sum of dz over each filter's plane.");
        w.Open("for (int k = 0; k < K; k++)");
        w.Line($"{Us}.Add(ref gw, BiasOffset + k) += TensorPrimitives.Sum(dz.Slice(k * HO * WO, HO * WO));");
        w.Close();

        if (g.Wide)
        {
            w.Line("// Spread dz into wide rows; the columns past WO, the guard and the tail stay zero.");
            w.Open("for (int k = 0; k < K; k++)");
            w.Line($"{RowCopy}(dz.Slice(k * HO * WO, HO * WO), WO, new Span<float>(wideGrad, k * DS + G, L), WP, HO, WO);");
            w.Close();
            w.Line($"ref float gr = ref {Ms}.GetArrayDataReference(wideGrad);");
            w.Line("// Weights: dW[k][c][ky][kx] += sum over p of dz[k][p] * xp[c][p + ky * WP + kx].");
            VectorPaths(w, g, null, _ => 0, (v, lanes) =>
            {
                if (g.FilterLanes && g.K % lanes == 0) FilterLaneWeightGradient(w, g, v, lanes);
                else if (g.FilterLanes) FilterLaneWeightGradient(w, g, V, Geometry.Lanes); // filters fill Vector256s, not Vector512s
                else WeightGradientVectors(w, g, v, lanes);
            });
            w.Open("else");
            w.Open("for (int k = 0; k < K; k++)");
            w.Open("for (int c = 0; c < C; c++)");
            w.Open("for (int t = 0; t < F * F; t++)");
            w.Line("int offset = t / F * WP + t % F;");
            w.Line("float s = 0f;");
            w.Open("for (int p = 0; p < L; p++)");
            w.Line($"s += {Us}.Add(ref gr, k * DS + G + p) * {Us}.Add(ref xr, c * HP * WP + offset + p);");
            w.Close();
            w.Line($"{Us}.Add(ref gw, WeightOffset + (k * C + c) * F * F + t) += s;");
            w.Close().Close().Close().Close();

            if (c.NeedsInputGrad)
            {
                w.Line("// Input: dxp[c][q] = sum over k and taps of w[k][c][ky][kx] * dz[k][q - ky * WP - kx], then the border is cropped.");
                w.Line($"ref float dr = ref {Ms}.GetArrayDataReference(paddedGrad);");
                VectorPaths(w, g, null, _ => 0, (v, lanes) => InputGradientVectors(w, g, v, lanes));
                w.Open("else");
                w.Open("for (int c = 0; c < C; c++)");
                w.Open("for (int q = 0; q < HP * WP; q++)");
                w.Line("float s = 0f;");
                w.Open("for (int k = 0; k < K; k++)");
                w.Open("for (int t = 0; t < F * F; t++)");
                w.Line($"s += {Us}.Add(ref wr, WeightOffset + (k * C + c) * F * F + t) * {Us}.Add(ref gr, k * DS + G + q - t / F * WP - t % F);");
                w.Close().Close();
                w.Line($"{Us}.Add(ref dr, c * QV + q) = s;");
                w.Close().Close().Close();
                Crop(w, "QV");
            }
        }
        else
        {
            if (c.NeedsInputGrad)
            {
                w.Line($"Array.Clear(paddedGrad);");
                w.Line($"ref float dr = ref {Ms}.GetArrayDataReference(paddedGrad);");
            }
            w.Line("// Stride above 1: each output's gradient flows to its window's weights and inputs.");
            w.Open("for (int k = 0; k < K; k++)");
            w.Open("for (int oy = 0; oy < HO; oy++)");
            w.Open("for (int ox = 0; ox < WO; ox++)");
            w.Line("float d = dz[(k * HO + oy) * WO + ox];");
            w.Open("for (int c = 0; c < C; c++)");
            w.Line("int at = c * HP * WP + oy * S * WP + ox * S;");
            w.Line($"ref float xc = ref {Us}.Add(ref xr, at);");
            w.Line($"ref float wc = ref {Us}.Add(ref gw, WeightOffset + (k * C + c) * F * F);");
            EmitDirectTaps(w, g, "{w} += d * {x};");
            if (c.NeedsInputGrad)
            {
                w.Line($"ref float dc = ref {Us}.Add(ref dr, at);");
                w.Line($"ref float kc = ref {Us}.Add(ref wr, WeightOffset + (k * C + c) * F * F);");
                EmitDirectTaps(w, g, "{x} += d * {w};", wRef: "kc", xRef: "dc");
            }
            w.Close().Close().Close().Close();
            if (c.NeedsInputGrad) Crop(w, "HP * WP");
        }
        w.Close();
    }

    private static void Crop(SourceWriter w, string plane)
    {
        w.Open("for (int c = 0; c < C; c++)");
        w.Line($"{RowCopy}(new ReadOnlySpan<float>(paddedGrad, c * {plane} + P * WP + P, (H - 1) * WP + W), WP, dx.Slice(c * H * W, H * W), W, H, W);");
        w.Close();
    }

    private const string RowCopy = "Rows.Copy";
}
