using System.Collections.Generic;
using System.Linq;

namespace StaticNets.Generator.Emit;

internal sealed partial class Conv2DEmitter
{
    /// <summary>
    /// The forward pass: <c>Conv1Forward</c> pads the input, dispatches, and applies the inline activation;
    /// <c>Conv1ForwardVector512</c> and <c>Conv1ForwardVector256</c> compute the wide rows and gather them;
    /// <c>Conv1ForwardScalar</c> is the loop nest over outputs, channels and taps.
    /// </summary>
    private sealed partial class ForwardWriter : ConvWriter
    {
        public ForwardWriter(SourceWriter w, LayerContext c, FusedChain? chain = null)
            : base(w, c)
        {
            Chain = chain;
        }

        /// <summary>The chain whose fused method this writes (the dispatcher alone, then the epilogue), or null.</summary>
        private FusedChain? Chain { get; }

        private bool Linear => KeepsLinear(Layer.Activation);

        /// <summary>Where the linear part writes: the linear buffer when the activation keeps it, else the output itself.</summary>
        private string Z => Linear ? "linear" : "y";

        public void Write()
        {
            var (vector512, vector256) = VectorWidths(G);

            var parameters = new List<(string, string, string)>
            {
                (N.ReadOnlySpan, "x", $"{Layer.Name} input {InShape}"),
                (N.Span, "y", Chain is null ? $"{Layer.Name} output {OutShape}" : $"{Chain.Last.Layer.Name} output {OutShape}"),
            };
            if (Linear) parameters.Add(("float[]", "linear", $"before the activation {OutShape}"));
            parameters.Add(("float[]", "parameters", WeightShape));
            if (!G.ReadsX) parameters.Add(("float[]", "padded", $"x with a zero border {PaddedShape}"));
            if (G.WideBuffer) parameters.Add(("float[]", "wide", WideShape));
            if (G.Staging) parameters.Add(("float[]", "staging", G.Depthwise(8) ? DepthwiseStagingShape : StagingShape));
            if (G.Winograd) parameters.Add(("float[]", "winograd", WinogradScratch));
            if (G.Winograd && Chain is null) parameters.Add(("float[]?", "shared", "batch training: the scratch whose prepared U to use; null: winograd's own"));
            if (G.StridedLanes) parameters.Add(("float[]", "lanes", LanesScratch));
            if (G.StridedLanes && Chain is null) parameters.Add(("float[]?", "shared", "batch training: the scratch whose arranged weights to use; null: lanes' own"));
            if (G.StridedWide) parameters.Add(("float[]", "phases", PhasesShape));
            if (Chain is not null) parameters.AddRange(Chain.EpilogueParameters());
            if (Handoff) parameters.Add(("float[]", "next", HandoffShape));

            W.Line(Chain is null
                ? $"/// <summary>{Title(Layer)}</summary>"
                : $"/// <summary>Inference: {Chain.Names} in one pass, {Layer.Name}'s output {OutShape} written into {Chain.Last.Layer.Name}'s.</summary>");
            SpatialNames.Signature(W, Context, Chain is null ? Name("Forward") : Chain.Method, parameters);
            Constants(backward: false);
            string z = Linear ? "linear" : "y";
            if (G.ReadsX) DirectDispatch(z, vector512, vector256);
            else if (G.Direct) CopiedDispatch(z, vector512, vector256);
            else if (G.Depthwise(8)) DepthwiseDispatch(z, vector512, vector256);
            else if (G.Subsampled) SubsampledDispatch(z);
            else if (Chain is not null && G.Winograd) WinogradUnpaddedDispatch(z);
            else
            {
                W.Line("// Copy x into the padded input; its zero border is never written.");
                W.Line($"{N.Span} xp = padded;");
                W.Open("for (int c = 0; c < C; c++)");
                W.Line($"{N.Rows}.Copy(x.Slice(c * H * W), W, xp.Slice((c * HP + {G.PTN}) * WP + {G.PLN}), WP, H, W);");
                W.Close();
                if (G.Winograd) WinogradDispatch(z);
                else if (G.StridedLanes) StridedLanesDispatch(z);
                else if (FilterLanes) ForwardDispatch($"padded, parameters, {z}", $"padded, parameters, {z}", vector512, vector256);
                else
                {
                    if (G.StridedWide) SplitPhases();
                    string input = G.StridedWide ? "phases" : "padded";
                    ForwardDispatch($"{input}, parameters, wide, {z}", $"padded, parameters, {z}", vector512, vector256);
                }
            }
            if (Layer.Activation != Model.ActivationKind.None) ActivationForward(W, Layer.Activation, Layer.Alpha, z, "y");
            // The epilogue hook: every path above has written y [K][HO][WO]; a chain's epilogue then runs per channel, unless
            // the variants apply it themselves (the depthwise lanes, or the chain's copies of the wide rows).
            bool variantsApplyIt = LaneEpilogue || StoreEpilogue && (vector512 || vector256);
            if (!variantsApplyIt) Chain?.WriteEpilogue(W, "K", G.HO * G.WO);
            W.Close();
            if (Chain is not null)
            {
                if (LaneEpilogue) DepthwiseChainMethods(vector512, vector256);
                else if (variantsApplyIt)
                {
                    if (Handoff) HandoffOffsets();
                    StoreEpilogueMethods(vector512, vector256);
                }
                return;
            }

            if (G.Subsampled) SubsampledMethods();
            VectorMethods(vector512, vector256);
            W.Line();
            if (G.Wide) ScalarMethod();
            else StridedMethod();
        }

        /// <summary>The vector variants the forward has, widest first (the layer's, or the chain's copies).</summary>
        private void VectorMethods(bool vector512, bool vector256)
        {
            DepthwiseWindows(vector512, vector256);
            if (vector512)
            {
                W.Line();
                VectorMethod(16);
            }
            if (vector256)
            {
                W.Line();
                VectorMethod(8);
            }
        }

        /// <summary>Which vector variants the forward has: a width's is written only where the layer reaches its least size.</summary>
        internal static (bool Vector512, bool Vector256) VectorWidths(Geometry g) =>
            (g.ForwardWide && (g.L >= 16 * g.PB(16) || g.ChannelLanes(16)) || g.Depthwise(16),
             g.ForwardWide && (g.L >= 8 * g.PB(8) || g.ChannelLanes(8)) || g.Depthwise(8));

        private List<(string, string, string)> VariantParameters(bool wide)
        {
            var list = new List<(string, string, string)>
            {
                G.ReadsX ? (N.ReadOnlySpan, "x", $"{Layer.Name} input {InShape}")
                    : wide && G.StridedWide ? ("float[]", "phases", PhasesShape)
                    : ("float[]", "padded", $"the input with a zero border {PaddedShape}"),
                ("float[]", "parameters", WeightShape),
            };
            if (wide && G.WideBuffer) list.Add(("float[]", "wide", WideShape));
            if (wide && G.Staging) list.Add(("float[]", "staging", StagingShape));
            list.Add((N.Span, Z, $"{(Linear ? "before the activation" : "the output")} {OutShape}"));
            return list;
        }

        /// <summary>
        /// The textbook convolution: for each filter and output, the bias plus the products of the window's taps
        /// over every channel, in the order the vector paths add them.
        /// </summary>
        private void ScalarMethod()
        {
            W.Line($"/// <summary>{Layer.Name} forward, scalar: z[k][oy][ox] = b[k] + sum over c, ky, kx of w[k][c][ky][kx] * xp[c][oy + ky][ox + kx].</summary>");
            SpatialNames.Signature(W, Context, Name("ForwardScalar"), VariantParameters(wide: false));
            Constants(backward: false);
            W.Open("for (int k = 0; k < K; k++)");
            GroupOfFilter();
            W.Open("for (int oy = 0; oy < HO; oy++)");
            W.Open("for (int ox = 0; ox < WO; ox++)");
            W.Line(G.Bias ? "float s = parameters[BiasOffset + k];" : "float s = 0f;");
            W.Open($"for (int c = 0; c < {G.CGN}; c++)");
            W.Open($"for (int ky = 0; ky < {G.KH}; ky++)");
            W.Open($"for (int kx = 0; kx < {G.KWN}; kx++)");
            W.Line($"float weight = parameters[WeightOffset + ((k * {G.CGN} + c) * {G.KH} + ky) * {G.KWN} + kx];");
            W.Line($"s += weight * {Source}[({G.InputChannel("c")} * HP + oy + ky) * WP + ox + kx];");
            W.Close().Close().Close();
            W.Line($"{Z}[(k * HO + oy) * WO + ox] = s;");
            W.Close().Close().Close();
            W.Close();
        }

        /// <summary>Stride above 1: one output at a time, the window unrolled.</summary>
        private void StridedMethod()
        {
            W.Line($"/// <summary>{Layer.Name} forward, scalar: each output the bias plus its window's products, the window unrolled.</summary>");
            SpatialNames.Signature(W, Context, Name("ForwardScalar"), VariantParameters(wide: false));
            Constants(backward: false);
            W.Line($"ref float xr = ref {N.MemoryMarshal}.GetArrayDataReference(padded);");
            W.Line($"ref float wr = ref {N.MemoryMarshal}.GetArrayDataReference(parameters);");
            W.Open("for (int k = 0; k < K; k++)");
            GroupOfFilter();
            W.Open("for (int oy = 0; oy < HO; oy++)");
            W.Open("for (int ox = 0; ox < WO; ox++)");
            W.Line(G.Bias ? $"float s = {U}.Add(ref wr, BiasOffset + k);" : "float s = 0f;");
            W.Open($"for (int c = 0; c < {G.CGN}; c++)");
            W.Line($"ref float xc = ref {U}.Add(ref xr, {G.InputChannel("c")} * HP * WP + oy * {G.SHN} * WP + ox * {G.SWN});");
            W.Line($"ref float wc = ref {U}.Add(ref wr, WeightOffset + (k * {G.CGN} + c) * {G.FF});");
            DirectTaps("s += {w} * {x};", "wc", "xc");
            W.Close();
            W.Line($"{Z}[(k * HO + oy) * WO + ox] = s;");
            W.Close().Close().Close();
            W.Close();
        }

        /// <summary>
        /// The wide rows at a width: KB filters by PB vectors of positions, each input vector loaded once feeding KB
        /// accumulators and each weight PB, then the rows gathered into <c>[K][HO][WO]</c>. Stride above 1: the wide rows
        /// of the phase planes, each tap reading its phase.
        /// </summary>
        private void VectorMethod(int lanes)
        {
            if (G.Depthwise(lanes))
            {
                DepthwiseMethod(lanes);
                return;
            }
            if (chainVariant && FilterLanes)
            {
                FilterLanesMethod(lanes);
                return;
            }
            if (G.ChannelLanes(lanes))
            {
                ChannelLaneMethod(lanes);
                return;
            }
            if (G.WholeVectors(lanes))
            {
                WholeVectorMethod(lanes);
                return;
            }
            string v = N.Vector(lanes);
            int pb = G.PB(lanes);
            W.Line(G.Direct
                ? $"/// <summary>{Layer.Name} forward on Vector{lanes * 32}: the wide rows are the output's layout, read from x and written in place.</summary>"
                : $"/// <summary>{Layer.Name} forward on Vector{lanes * 32}: the wide rows, then gathered.</summary>");
            SpatialNames.Signature(W, Context, VariantName(lanes), WithStatistics(VariantParameters(wide: true)));
            Constants(backward: false);
            StackScaleShift();
            HandoffRefs();
            W.Line(G.ReadsX ? $"ref float xr = ref {N.MemoryMarshal}.GetReference(x);"
                : $"ref float xr = ref {N.MemoryMarshal}.GetArrayDataReference({(G.StridedWide ? "phases" : "padded")});");
            W.Line($"ref float wr = ref {N.MemoryMarshal}.GetArrayDataReference(parameters);");
            W.Line(G.Direct ? $"ref float zr = ref {N.MemoryMarshal}.GetReference({Z});" : $"ref float zr = ref {N.MemoryMarshal}.GetArrayDataReference(wide);");
            W.Line($"// {G.KB} filters by {pb} vectors of {lanes} positions: each input vector loaded once feeds {G.KB} accumulators, each weight {pb}.");
            W.Open($"for (int k = 0; k < K; k += {G.KB})");
            for (int j = 0; j < G.KB; j++)
            {
                W.Line($"ref float w{j} = ref {U}.Add(ref wr, WeightOffset + (k + {j}) * {G.CGN} * {G.FF});");
            }
            FilterScaleShift(G.KB);
            W.Open($"for (int p0 = 0; p0 < L; p0 += {lanes * pb})");
            W.Line($"int p = {N.Math}.Min(p0, L - {lanes * pb}); // the last block overlaps the one before");
            for (int j = 0; j < G.KB; j++)
            {
                W.Line(G.Bias ? $"var b{j} = {v}.Create({U}.Add(ref wr, BiasOffset + k + {j}));" : $"var b{j} = {v}<float>.Zero;");
                for (int q = 0; q < pb; q++) W.Line($"var a{j}{q} = b{j};");
            }
            GroupOfFilter();
            W.Open($"for (int c = 0; c < {G.CGN}; c++)");
            if (G.StridedWide) PhaseRefs();
            else W.Line($"ref float xc = ref {U}.Add(ref xr, {G.InputChannel("c")} * HP * WP + p);");
            W.Line($"int wc = c * {G.FF};");
            W.Line($"{v}<float> {string.Join(", ", Enumerable.Range(0, pb).Select(q => "x" + q))}, wk;");
            if (Unrolled)
            {
                foreach (var (t, ky, kx) in Taps(G.FH, G.FW))
                {
                    W.Line($"// tap ({ky}, {kx})");
                    if (G.StridedWide) Tap(v, lanes, pb, I(ky / G.SH * G.WPh + kx / G.SW), I(t), $"ph{ky % G.SH}{kx % G.SW}");
                    else Tap(v, lanes, pb, I(ky * G.WP + kx), I(t));
                }
            }
            else
            {
                W.Open($"for (int ky = 0; ky < {G.KH}; ky++)");
                W.Open($"for (int kx = 0; kx < {G.KWN}; kx++)");
                if (G.StridedWide)
                {
                    W.Line($"int phase = ky % {G.SHN} * {G.SWN} + kx % {G.SWN};");
                    W.Line($"ref float xt = ref {U}.Add(ref xr, (({G.InputChannel("c")} * PH + phase) * HPh + ky / {G.SHN}) * WPh + kx / {G.SWN} + p);");
                    Tap(v, lanes, pb, "0", $"ky * {G.KWN} + kx", "xt");
                }
                else Tap(v, lanes, pb, "(nuint)(ky * WP + kx)", $"ky * {G.KWN} + kx");
                W.Close().Close();
            }
            W.Close();
            if (HandoffVariant)
            {
                for (int q = 0; q < pb; q++)
                {
                    for (int j = 0; j < G.KB; j++) StoreActivation(v, $"a{j}{q}", j);
                    HandoffStore(q, $"p + {lanes * q}");
                }
            }
            else
            {
                for (int j = 0; j < G.KB; j++)
                {
                    for (int q = 0; q < pb; q++)
                    {
                        StoreActivation(v, $"a{j}{q}", j);
                        W.Line($"{v}.StoreUnsafe(a{j}{q}, ref zr, (nuint)((k + {j}) * L + p + {lanes * q}));");
                    }
                }
            }
            W.Close().Close();
            if (!G.Direct && !HandoffVariant) Gather();
            W.Close();
        }

        /// <summary>
        /// Strided: the phases of the padded input, phase (a, b) of channel c holding <c>xp[c][SH*i + a][SW*j + b]</c> at
        /// <c>[c][a*SW + b][i][j]</c>, on the vector paths only (the scalar loops read the padded input). Only the phases
        /// a tap reads; the cells past the padded input are never written and never read for an output.
        /// </summary>
        private void SplitPhases()
        {
            W.Line("// Split the padded input into its phases, so that every tap reads a stride-1 run of one of them.");
            W.Open($"if ({N.Simd}.IsEnabled)");
            W.Open("for (int c = 0; c < C; c++)");
            W.Line($"{N.ReadOnlySpan} plane = new {N.ReadOnlySpan}(padded, c * HP * WP, HP * WP);");
            W.Line($"{N.Span} split = new {N.Span}(phases, c * PH * HPh * WPh, PH * HPh * WPh);");
            int rows = System.Math.Min(G.SH, G.FH), columns = System.Math.Min(G.SW, G.FW);
            W.Line($"{N.Rows}.SplitPhases(plane, HP, WP, {G.SHN}, {G.SWN}, {rows}, {columns}, split, HPh, WPh); // the {rows}x{columns} phases the window reads");
            W.Close().Close();
        }

        /// <summary>Strided, in the loop over a filter's channels: a reference into each phase the window reads, at position p.</summary>
        private void PhaseRefs()
        {
            for (int a = 0; a < System.Math.Min(G.SH, G.FH); a++)
            {
                for (int b = 0; b < System.Math.Min(G.SW, G.FW); b++)
                {
                    W.Line($"ref float ph{a}{b} = ref {U}.Add(ref xr, ({G.InputChannel("c")} * PH + {a * G.SW + b}) * HPh * WPh + p);");
                }
            }
        }

        /// <summary>The wide rows gathered into <c>[K][HO][WO]</c>: output (oy, ox) at <c>oy*WPh + ox</c>.</summary>
        private void Gather()
        {
            string width = G.Wide ? "WP" : "WPh";
            W.Line("// Gather the wide rows into [K][HO][WO].");
            W.Open("for (int k = 0; k < K; k++)");
            W.Line($"{N.Rows}.Copy(new {N.ReadOnlySpan}(wide, k * L, L), {width}, {Z}.Slice(k * HO * WO, HO * WO), WO, HO, WO);");
            W.Close();
        }

        /// <summary>One tap: the input vectors at its offset, then each filter's weight times each of them.</summary>
        private void Tap(string v, int lanes, int pb, string offset, string t, string input = "xc")
        {
            for (int q = 0; q < pb; q++)
            {
                W.Line($"x{q} = {v}.LoadUnsafe(ref {input}, {offset}{(q == 0 ? "" : " + " + I(lanes * q))});");
            }
            for (int j = 0; j < G.KB; j++)
            {
                W.Line($"wk = {v}.Create({U}.Add(ref w{j}, wc + {t}));");
                for (int q = 0; q < pb; q++) W.Line($"a{j}{q} = {v}.MultiplyAddEstimate(x{q}, wk, a{j}{q});");
            }
        }
    }
}
