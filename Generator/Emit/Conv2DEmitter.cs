using System.Collections.Generic;
using System.Linq;
using StaticNets.Generator.Layers;
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
    private const string Ms = "global::System.Runtime.InteropServices.MemoryMarshal";
    private const string Us = "global::System.Runtime.CompilerServices.Unsafe";
    private const string V = "global::System.Runtime.Intrinsics.Vector256";

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
            QV = (int)Conv2DBuffers.RoundedPlane(C, HP * WP);
            G = (Fk - 1) * WP + (Fk - 1);
            DS = G + QV;
            KW = Fk <= 5 && K % 2 == 0 ? 2 : 1;
        }

        /// <summary>Floats in a Vector256; the Vector512 path takes twice as many.</summary>
        public const int Lanes = Conv2DBuffers.Lanes;

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
        public int QB(int lanes) => Conv2DBuffers.InputGradientVectors(C, HP * WP, lanes);

        private static int Block(int n) => Conv2DBuffers.Block(n);

        private static int Vectors(int block) => Conv2DBuffers.Vectors(block);

        public int C, H, W, K, Fk, P, S, HP, WP, HO, WO, L, LV, QV, G, DS;

        /// <summary>Forward: KB filters by PB vectors of positions. Input gradient: CB channels by QB vectors. Weight gradient: KW filters.</summary>
        public int KB, CB, KW;

        public bool Wide => S == 1;

        /// <summary>
        /// Whether the vector paths compute the weight gradient with the filters across the lanes (a whole number
        /// of Vector256s of filters, a window unrolled): the output gradient is transposed to <c>[position][filter]</c>
        /// first, and no horizontal sum is needed.
        /// </summary>
        public bool FilterLanes => Conv2DBuffers.FilterLanes(S, Fk, K);
    }

    public override IEnumerable<(string Name, string Length, string Type)> Buffers(LayerContext c)
    {
        var l = c.Layer;
        var b = Conv2DBuffers.Of(l, c.NeedsInputGrad);
        string n = Field(l, "");
        yield return (n + "Input", b.PaddedInput.ToString(Inv), "float");
        if (b.Wide > 0) yield return (n + "Wide", b.Wide.ToString(Inv), "float");
        if (b.WideGrad > 0) yield return (n + "WideGrad", b.WideGrad.ToString(Inv), "float");
        if (b.GradT > 0) yield return (n + "GradT", b.GradT.ToString(Inv), "float");
        if (KeepsLinear(l.Activation)) yield return (n + "Linear", I(l.Out.Size), "float");
        if (b.InputGrad > 0) yield return (n + "InputGrad", b.InputGrad.ToString(Inv), "float");
    }

    private static string Field(LayerShape l, string suffix) => "_" + l.Name + suffix;

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
        string n = Field(l, "");
        w.Line($"/// <summary>{Title(l)}</summary>");
        w.Line(LayerEmitter.Hot);
        w.Open($"private void {l.Member}Forward(global::System.ReadOnlySpan<float> x, global::System.Span<float> y)");
        Constants(w, l, g, backward: false);
        w.Line("// Copy x into the padded input; its zero border is never written.");
        w.Line($"global::System.Span<float> xp = {n}Input;");
        w.Open("for (int c = 0; c < C; c++)");
        w.Line($"{RowCopy}(x.Slice(c * H * W), W, xp.Slice((c * HP + P) * WP + P), WP, H, W);");
        w.Close();
        string z = KeepsLinear(l.Activation) ? "z" : "y";
        if (KeepsLinear(l.Activation)) w.Line($"global::System.Span<float> z = {n}Linear;");
        w.Line($"ref float xr = ref {Ms}.GetArrayDataReference({n}Input);");
        w.Line($"ref float wr = ref {Ms}.GetArrayDataReference(_parameters);");

        if (g.Wide)
        {
            w.Line($"ref float zr = ref {Ms}.GetArrayDataReference({n}Wide);");
            VectorPaths(w, g, "L >= {0}", lanes => lanes * g.PB(lanes), (v, lanes) => ForwardVectors(w, g, v, lanes));
            w.Open("else");
            w.Open("for (int k = 0; k < K; k++)");
            w.Open("for (int p = 0; p < L; p++)");
            w.Line($"float s = {Us}.Add(ref wr, BiasOffset + k);");
            w.Open("for (int c = 0; c < C; c++)");
            w.Open("for (int ky = 0; ky < F; ky++)");
            w.Open("for (int kx = 0; kx < F; kx++)");
            w.Line($"s += {Us}.Add(ref wr, WeightOffset + ((k * C + c) * F + ky) * F + kx) * {Us}.Add(ref xr, c * HP * WP + p + ky * WP + kx);");
            w.Close().Close().Close();
            w.Line($"{Us}.Add(ref zr, k * L + p) = s;");
            w.Close().Close().Close();
            w.Line("// Gather the wide rows into [K][HO][WO].");
            w.Open("for (int k = 0; k < K; k++)");
            w.Line($"{RowCopy}(new global::System.ReadOnlySpan<float>({n}Wide, k * L, L), WP, {z}.Slice(k * HO * WO, HO * WO), WO, HO, WO);");
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
        const string Simd = "global::StaticNets.__Internals.Simd";
        w.Open($"if ({Simd}.IsEnabled && {Simd}.UseVector512{(condition is null ? "" : " && " + string.Format(condition, least(16)))})");
        emit(V512, 16);
        w.Close();
        w.Open($"else if ({Simd}.IsEnabled{(condition is null ? "" : " && " + string.Format(condition, least(8)))})");
        emit(V, 8);
        w.Close();
    }

    private const string V512 = "global::System.Runtime.Intrinsics.Vector512";

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
        w.Line($"int p = global::System.Math.Min(p0, L - {lanes * pb}); // the last block overlaps the one before");
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
                var line = new System.Text.StringBuilder($"wk = {V}.Create({Us}.Add(ref w{j}, wc + {t}));");
                for (int v = 0; v < pb; v++) line.Append($" a{j}{v} = {V}.MultiplyAddEstimate(x{v}, wk, a{j}{v});");
                w.Line(line.ToString());
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
    private static void FilterLaneWeightGradient(SourceWriter w, Geometry g, string n, string V, int lanes)
    {
        int f = g.Fk;
        w.Line($"// Filters across the lanes: dz transposed to [position][filter], then {f} accumulators per set, one per kernel column.");
        w.Line($"ref float tr = ref {Ms}.GetArrayDataReference({n}GradT);");
        w.Open("for (int k = 0; k < K; k++)");
        w.Line("global::System.ReadOnlySpan<float> dk = dz.Slice(k * HO * WO, HO * WO);");
        w.Line($"for (int p = 0; p < HO * WO; p++) {Us}.Add(ref tr, p * K + k) = dk[p];");
        w.Close();
        w.Line($"global::System.Span<float> lane = stackalloc float[{lanes}];");
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
            w.Line($"a{kx} = {V}.MultiplyAddEstimate(d0, {V}.Create({Us}.Add(ref xrow, ox + {kx})), a{kx}); b{kx} = {V}.MultiplyAddEstimate(d1, {V}.Create({Us}.Add(ref xrow, ox + {kx + 1})), b{kx});");
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
                var line = new System.Text.StringBuilder($"var x{kx} = {V}.LoadUnsafe(ref xc, (nuint)(p + {kx}));");
                for (int j = 0; j < g.KW; j++) line.Append($" a{j}{kx} = {V}.MultiplyAddEstimate(d{j}, x{kx}, a{j}{kx});");
                w.Line(line.ToString());
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
                var line = new System.Text.StringBuilder($"wk = {V}.Create({Us}.Add(ref w{j}, {t}));");
                for (int v = 0; v < qb; v++) line.Append($" a{j}{v} = {V}.MultiplyAddEstimate(d{v}, wk, a{j}{v});");
                w.Line(line.ToString());
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
        string n = Field(l, "");
        w.Line($"/// <summary>{l.Name} backward: adds into its weight and bias gradients{(c.NeedsInputGrad ? "; writes dx" : "")}.</summary>");
        string dxParam = c.NeedsInputGrad ? ", global::System.Span<float> dx" : "";
        w.Line(LayerEmitter.Hot);
        w.Open($"private void {l.Member}Backward(global::System.ReadOnlySpan<float> x, global::System.ReadOnlySpan<float> dy{dxParam})");
        Constants(w, l, g, backward: true);
        InlineActivationBackward(w, c);
        w.Line($"ref float xr = ref {Ms}.GetArrayDataReference({n}Input);");
        w.Line($"ref float wr = ref {Ms}.GetArrayDataReference(_parameters);");
        w.Line($"ref float gw = ref {Ms}.GetArrayDataReference(_gradients);");
        w.Line("// Bias: the sum of dz over each filter's plane.");
        w.Open("for (int k = 0; k < K; k++)");
        w.Line($"{Us}.Add(ref gw, BiasOffset + k) += global::System.Numerics.Tensors.TensorPrimitives.Sum(dz.Slice(k * HO * WO, HO * WO));");
        w.Close();

        if (g.Wide)
        {
            w.Line("// Spread dz into wide rows; the columns past WO, the guard and the tail stay zero.");
            w.Open("for (int k = 0; k < K; k++)");
            w.Line($"{RowCopy}(dz.Slice(k * HO * WO, HO * WO), WO, new global::System.Span<float>({n}WideGrad, k * DS + G, L), WP, HO, WO);");
            w.Close();
            w.Line($"ref float gr = ref {Ms}.GetArrayDataReference({n}WideGrad);");
            w.Line("// Weights: dW[k][c][ky][kx] += sum over p of dz[k][p] * xp[c][p + ky * WP + kx].");
            VectorPaths(w, g, null, _ => 0, (v, lanes) =>
            {
                if (g.FilterLanes && g.K % lanes == 0) FilterLaneWeightGradient(w, g, n, v, lanes);
                else if (g.FilterLanes) FilterLaneWeightGradient(w, g, n, V, Geometry.Lanes); // filters fill Vector256s, not Vector512s
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
                w.Line($"ref float dr = ref {Ms}.GetArrayDataReference({n}InputGrad);");
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
                Crop(w, n, "QV");
            }
        }
        else
        {
            if (c.NeedsInputGrad)
            {
                w.Line($"global::System.Array.Clear({n}InputGrad);");
                w.Line($"ref float dr = ref {Ms}.GetArrayDataReference({n}InputGrad);");
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
            if (c.NeedsInputGrad) Crop(w, n, "HP * WP");
        }
        w.Close();
    }

    private static void Crop(SourceWriter w, string n, string plane)
    {
        w.Open("for (int c = 0; c < C; c++)");
        w.Line($"{RowCopy}(new global::System.ReadOnlySpan<float>({n}InputGrad, c * {plane} + P * WP + P, (H - 1) * WP + W), WP, dx.Slice(c * H * W, H * W), W, H, W);");
        w.Close();
    }

    private const string RowCopy = "global::StaticNets.__Internals.Rows.Copy";
}
