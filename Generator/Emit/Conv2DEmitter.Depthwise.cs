using System.Collections.Generic;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

internal sealed partial class Conv2DEmitter
{
    /// <summary>
    /// The depthwise forward with the channels across the vector lanes (<see cref="Geometry.Depthwise"/>): each plane of
    /// a depthwise convolution is small, so vectors of positions are short and mostly waste; vectors of channels are
    /// full. x is transposed into the interior of a zero-bordered <c>[HP][WP][C]</c> and the weights to <c>[FH*FW][C]</c>
    /// (every call: the parameters may have changed), then, a vector of channels at a time, its taps' weights held in
    /// registers, each output <c>z[oy][ox][c..]</c> is the bias plus the window's products in the scalar loops' order,
    /// read at <c>[oy*SH + ky][ox*SW + kx][c..]</c> (a stride needs no phases), and the output is stored as
    /// <c>[K][HO][WO]</c>, four positions at a time transposed in registers (on a plane of fewer than four positions, into
    /// the staging and transposed back). In a fused inference chain (BatchNorm, then an activation) the epilogue is
    /// applied per lane before the stores, with the same operations in the same order as the Runtime's <c>Epilogue</c>.
    /// </summary>
    private sealed partial class ForwardWriter
    {
        private string DepthwiseStagingShape =>
            $"the input [{G.HP}][{G.WP}][{G.C}], the weights [{G.FH * G.FW}][{G.C}], the output [{G.HO}][{G.WO}][{G.C}], scales and shifts [2][{G.C}]";

        /// <summary>A chain whose BatchNorm and activation the depthwise vector paths apply per lane (not with a residual).</summary>
        private bool LaneEpilogue => Chain is { Norm: not null, Add: null } && G.Depthwise(Geometry.Lanes);

        /// <summary>
        /// The dispatch. The vector paths transpose x into the staging themselves, which their backward reads (training
        /// runs this forward); only the scalar loops copy x into the padded input, which they and the scalar backward read.
        /// In a chain (inference only) the vector paths may apply the epilogue per lane.
        /// </summary>
        private void DepthwiseDispatch(string z, bool vector512, bool vector256)
        {
            string simd = N.Simd;
            bool lanes = Chain is not null && LaneEpilogue;
            string name = lanes ? Chain!.Method : Name("Forward");
            string arguments = lanes ? "x, parameters, statistics, staging, y" : $"x, parameters, staging, {z}";
            W.Line(Chain is null
                ? "// The vector paths transpose x into the staging, which their backward reads; the scalar loops and their backward read the padded input."
                : LaneEpilogue
                ? "// Inference: the vector paths transpose x themselves and apply the epilogue per lane; the scalar loops read the padded input."
                : "// Inference: the vector paths transpose x themselves; the scalar loops read the padded input.");
            string keyword = "if";
            if (vector512)
            {
                W.Open($"if ({simd}.IsEnabled && {simd}.UseVector512)");
                W.Line($"{name}Vector512({arguments});");
                W.Close();
                keyword = "else if";
            }
            if (vector256)
            {
                W.Open($"{keyword} ({simd}.IsEnabled)");
                W.Line($"{name}Vector256({arguments});");
                W.Close();
            }
            W.Open("else");
            W.Line("// Copy x into the padded input; its zero border is never written.");
            CopyPadded();
            W.Line($"{Name("Forward")}Scalar(padded, parameters, {z});");
            if (lanes) Chain!.WriteEpilogue(W, "K", G.HO * G.WO);
            W.Close();
        }

        private void CopyPadded()
        {
            W.Line($"{N.Span} xp = padded;");
            W.Open("for (int c = 0; c < C; c++)");
            W.Line($"{N.Rows}.Copy(x.Slice(c * H * W), W, xp.Slice((c * HP + {G.PTN}) * WP + {G.PLN}), WP, H, W);");
            W.Close();
        }

        /// <summary>A chain's vector methods, with the epilogue per lane.</summary>
        private void DepthwiseChainMethods(bool vector512, bool vector256)
        {
            // The window table (ColumnStores) is the layer's own, written with its forward's vector methods.
            if (vector512)
            {
                W.Line();
                DepthwiseMethod(16);
            }
            if (vector256)
            {
                W.Line();
                DepthwiseMethod(8);
            }
        }

        /// <summary>
        /// Where the window of each output position starts in the staging, for the column stores of the layer's vector
        /// methods and its chain's copies: written once, with the layer's own.
        /// </summary>
        private void DepthwiseWindows(bool vector512, bool vector256)
        {
            if (Chain is not null || !ColumnStores || !(vector512 && G.Depthwise(16) || vector256 && G.Depthwise(8))) return;
            W.Line();
            W.Line($"/// <summary>Where the window of each of {Layer.Name}'s output positions starts in its staging [{G.HP}][{G.WP}][{G.C}].</summary>");
            W.Line($"private static readonly int[] {Name("Windows")} = Transpose.WindowOffsets({G.HO}, {G.WO}, {G.SH}, {G.SW}, {G.WP}, {G.C});");
        }

        private void DepthwiseMethod(int lanes)
        {
            string v = N.Vector(lanes);
            int ff = G.FH * G.FW;
            bool epilogue = Chain is not null;
            string output = epilogue ? "y" : Z;
            var parameters = new List<(string, string, string)>
            {
                (N.ReadOnlySpan, "x", $"{Layer.Name} input {InShape}"),
                ("float[]", "parameters", WeightShape),
            };
            if (epilogue) parameters.AddRange(Chain!.EpilogueParameters());
            parameters.Add(("float[]", "staging", DepthwiseStagingShape));
            parameters.Add((N.Span, output, epilogue ? $"{Chain!.Last.Layer.Name} output {OutShape}" : $"{(Linear ? "before the activation" : "the output")} {OutShape}"));
            W.Line(epilogue
                ? $"/// <summary>Inference: {Chain!.Names} on Vector{lanes * 32}, the channels across the lanes, {Layer.Name}'s {Chain.Steps} per lane.</summary>"
                : $"/// <summary>{Layer.Name} forward on Vector{lanes * 32}, the channels across the lanes: x and the weights transposed, each output vector the bias"
                    + (ColumnStores ? " plus its window's taps, four positions stored at a time transposed in registers.</summary>" : " plus its window's taps, the output transposed back.</summary>"));
            SpatialNames.Signature(W, Context, epilogue ? $"{Chain!.Method}Vector{lanes * 32}" : Name($"ForwardVector{lanes * 32}"), parameters);
            Constants(backward: false);
            W.Line($"const int WS = HP * WP * C, ZS = WS + {G.FF} * C, SS = ZS + HO * WO * C; // where the staging holds the weights, the output, the scales and shifts");
            if (Chain?.TakesFrom is { } from)
            {
                W.Line($"// x is already in the interior of the staging's [HP][WP][C]: {from.Head.Layer.Name}'s vector variants wrote it there.");
                W.Line("// The weights [C][FF] to [FF][C].");
            }
            else
            {
                W.Line("// x [C][H][W] into the interior of the staging's [HP][WP][C], whose zero border is never written; the weights [C][FF] to [FF][C].");
                W.Line($"Transpose.Padded(x, C, H, W, staging, WP, {G.PTN}, {G.PLN});");
            }
            W.Line($"Transpose.Matrix(new {N.ReadOnlySpan}(parameters, WeightOffset, C * {G.FF}), {G.FF}, C, {G.FF}, new {N.Span}(staging, WS, {G.FF} * C), C);");
            if (epilogue) LaneScaleShift();
            W.Line($"ref float xr = ref {N.MemoryMarshal}.GetArrayDataReference(staging);");
            W.Line($"ref float wr = ref {U}.Add(ref xr, WS);");
            if (!ColumnStores) W.Line($"ref float zr = ref {U}.Add(ref xr, ZS);");
            if (epilogue) W.Line($"ref float sr = ref {U}.Add(ref xr, SS);");
            if (G.Bias) W.Line($"ref float br = ref {U}.Add(ref {N.MemoryMarshal}.GetArrayDataReference(parameters), BiasOffset);");
            if (ColumnStores)
            {
                DepthwiseColumns(v, lanes, output, epilogue);
                W.Close();
                return;
            }
            W.Line($"// {lanes} channels at a time, the window's {ff} weights in registers.");
            W.Open($"for (int c0 = 0; c0 < C; c0 += {lanes})");
            W.Line($"int c = {N.Math}.Min(c0, C - {lanes}); // the last block overlaps the one before");
            for (int t = 0; t < ff; t++) W.Line($"var w{t} = {v}.LoadUnsafe(ref wr, (nuint)({I(t)} * C + c));");
            W.Line(G.Bias ? $"var b = {v}.LoadUnsafe(ref br, (nuint)c);" : $"var b = {v}<float>.Zero;");
            if (epilogue)
            {
                W.Line($"var scale = {v}.LoadUnsafe(ref sr, (nuint)c);");
                W.Line($"var shift = {v}.LoadUnsafe(ref sr, (nuint)(C + c));");
            }
            W.Open("for (int oy = 0; oy < HO; oy++)");
            W.Line($"ref float xo = ref {U}.Add(ref xr, oy * {G.SHN} * WP * C + c);");
            W.Line($"ref float zo = ref {U}.Add(ref zr, oy * WO * C + c);");
            int ob = System.Math.Min(DepthwiseBlock(lanes), G.WO);
            if (ob > 1)
            {
                W.Line($"// {ob} outputs of the row at a time: independent sums whose multiply-adds overlap, then the rest one by one.");
                W.Line("int ox = 0;");
                W.Open($"for (; ox <= WO - {ob}; ox += {ob})");
                DepthwiseOutputs(v, ob, epilogue);
                W.Close();
                if (G.WO % ob != 0)
                {
                    W.Open("for (; ox < WO; ox++)");
                    DepthwiseOutputs(v, 1, epilogue);
                    W.Close();
                }
            }
            else
            {
                W.Open("for (int ox = 0; ox < WO; ox++)");
                DepthwiseOutputs(v, 1, epilogue);
                W.Close();
            }
            W.Close().Close();
            W.Line("// Transpose the output [HO][WO][C] back to [K][HO][WO].");
            W.Line($"Transpose.Matrix(new {N.ReadOnlySpan}(staging, ZS, HO * WO * C), C, HO * WO, C, {output}, HO * WO);");
            W.Close();
        }

        /// <summary>
        /// Whether the depthwise vector paths (the layer's, which training runs, and a chain's copies) write their output
        /// <c>[K][HO][WO]</c> themselves, four positions at a time transposed in registers (<c>Transpose.Columns4</c>),
        /// instead of the output in the staging and a transpose: on a plane of at least four positions. The backward
        /// reads only the staging's input and weights, never the output.
        /// </summary>
        private bool ColumnStores => G.HO * G.WO >= 4;

        /// <summary>
        /// The loops with <see cref="ColumnStores"/>: for each vector of channels, the plane's positions four at a time
        /// in their flat order (the last four overlapping the ones before), each output the bias plus its window's taps
        /// in the order of the scalar loops, read at its own place in the staging; a chain's epilogue per lane; then the
        /// four vectors stored as each channel's run of four positions.
        /// </summary>
        private void DepthwiseColumns(string v, int lanes, string output, bool epilogue)
        {
            W.Line("const int PO = HO * WO; // the output plane's positions");
            W.Line($"{N.Span} yo = {output}.Slice(0, K * PO);");
            W.Line($"ref float yr = ref {N.MemoryMarshal}.GetReference(yo);");
            W.Line($"ref int wor = ref {N.MemoryMarshal}.GetArrayDataReference({Name("Windows")});");
            W.Line($"// {lanes} channels at a time, the window's {G.FH * G.FW} weights in registers.");
            W.Open($"for (int c0 = 0; c0 < C; c0 += {lanes})");
            W.Line($"int c = {N.Math}.Min(c0, C - {lanes}); // the last block overlaps the one before");
            for (int t = 0; t < G.FH * G.FW; t++) W.Line($"var w{t} = {v}.LoadUnsafe(ref wr, (nuint)({I(t)} * C + c));");
            W.Line(G.Bias ? $"var b = {v}.LoadUnsafe(ref br, (nuint)c);" : $"var b = {v}<float>.Zero;");
            if (epilogue)
            {
                W.Line($"var scale = {v}.LoadUnsafe(ref sr, (nuint)c);");
                W.Line($"var shift = {v}.LoadUnsafe(ref sr, (nuint)(C + c));");
            }
            W.Line($"ref float yc = ref {U}.Add(ref yr, c * PO);");
            W.Open("for (int p0 = 0; p0 < PO; p0 += 4)");
            W.Line($"int p = {N.Math}.Min(p0, PO - 4); // the last four overlap the ones before");
            W.Line($"ref int wo = ref {U}.Add(ref wor, p); // where the four windows start");
            for (int j = 0; j < 4; j++)
            {
                W.Line($"ref float x{j} = ref {U}.Add(ref xr, {(j == 0 ? "wo" : $"{U}.Add(ref wo, {j})")} + c);");
            }
            for (int j = 0; j < 4; j++) W.Line($"var a{j} = b;");
            foreach (var (t, ky, kx) in Taps(G.FH, G.FW))
            {
                for (int j = 0; j < 4; j++)
                {
                    W.Line($"a{j} = {v}.MultiplyAddEstimate({v}.LoadUnsafe(ref x{j}, {I((ky * G.WP + kx) * G.C)}), w{t}, a{j});");
                }
            }
            if (epilogue)
            {
                for (int j = 0; j < 4; j++) LaneActivation(v, $"a{j}");
            }
            W.Line($"Transpose.Columns4(a0, a1, a2, a3, ref {U}.Add(ref yc, p), PO);");
            W.Close().Close();
        }

        /// <summary>
        /// Outputs of a row computed together by the depthwise vector paths at a width: on Vector512 (32 registers) 4,
        /// whose 4 sums, the window's weights and a row of inputs fit; on Vector256 (16 registers) 2.
        /// </summary>
        private static int DepthwiseBlock(int lanes) => lanes == 16 ? 4 : 2;

        /// <summary>
        /// <paramref name="count"/> outputs from <c>ox</c>: row by row of the window, the inputs the outputs' taps read
        /// loaded once each, then each sum's taps of the row in order; the epilogue; the stores.
        /// </summary>
        private void DepthwiseOutputs(string v, int count, bool epilogue)
        {
            W.Line($"ref float xt = ref {U}.Add(ref xo, ox * {G.SWN} * C);");
            for (int j = 0; j < count; j++) W.Line($"var a{j} = b;");
            int columns = (count - 1) * G.SW + G.FW;
            for (int ky = 0; ky < G.FH; ky++)
            {
                W.Line($"// window row {ky}");
                for (int col = 0; col < columns; col++)
                {
                    bool read = false;
                    for (int j = 0; j < count; j++) read |= col - j * G.SW >= 0 && col - j * G.SW < G.FW;
                    if (read) W.Line($"{(ky == 0 ? "var " : "")}x{col} = {v}.LoadUnsafe(ref xt, {I((ky * G.WP + col) * G.C)});");
                    else if (ky == 0) W.Line($"var x{col} = {v}<float>.Zero; // read by none of these outputs");
                }
                for (int kx = 0; kx < G.FW; kx++)
                {
                    for (int j = 0; j < count; j++)
                    {
                        W.Line($"a{j} = {v}.MultiplyAddEstimate(x{kx + j * G.SW}, w{ky * G.FW + kx}, a{j});");
                    }
                }
            }
            for (int j = 0; j < count; j++)
            {
                if (epilogue) LaneActivation(v, $"a{j}");
                W.Line($"{v}.StoreUnsafe(a{j}, ref zo, (nuint)((ox + {j}) * C));");
            }
        }

        /// <summary>The chain's BatchNorm scale and shift per channel into the staging, as the Runtime's epilogue rounds them.</summary>
        private void LaneScaleShift()
        {
            var n = Chain!.Norm!.Layer;
            W.Line($"// The epilogue's scale and shift per channel: {n.Name}'s γ/sqrt(var + ε) and β - mean * scale, as the Epilogue rounds them.");
            W.Line($"const int GammaOffset = {n.ParameterOffset}, BetaOffset = {n.ParameterOffset + n.WeightCount}; // {n.Name}'s γ and β");
            W.Line($"const int MeanOffset = {n.StatisticsOffset}, VarianceOffset = {n.StatisticsOffset + n.Out.C}; // its running statistics");
            W.Line($"const float Epsilon = {FusedChain.F(n.Epsilon)};");
            W.Line($"{N.ReadOnlySpan} gamma = new {N.ReadOnlySpan}(parameters, GammaOffset, K);");
            W.Line($"{N.ReadOnlySpan} beta = new {N.ReadOnlySpan}(parameters, BetaOffset, K);");
            W.Line($"{N.ReadOnlySpan} mean = new {N.ReadOnlySpan}(statistics, MeanOffset, K);");
            W.Line($"{N.ReadOnlySpan} variance = new {N.ReadOnlySpan}(statistics, VarianceOffset, K);");
            W.Line($"EpilogueLanes.ScaleShift(gamma, beta, mean, variance, Epsilon, new {N.Span}(staging, SS, K), new {N.Span}(staging, SS + K, K));");
        }

        /// <summary>The epilogue on one output vector: the product, then the shift, then the activation, as <c>Epilogue</c> computes them.</summary>
        private void LaneActivation(string v, string a)
        {
            W.Line($"{a} = {a} * scale + shift; // two roundings, as the epilogue's");
            PerLaneActivation(v, a);
        }
    }
}
