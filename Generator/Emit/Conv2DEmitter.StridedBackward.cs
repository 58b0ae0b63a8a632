using System.Collections.Generic;
using System.Linq;

namespace StaticNets.Generator.Emit;

internal sealed partial class Conv2DEmitter
{
    /// <summary>
    /// The backward of a strided convolution on the vector paths without dilating dz (<see cref="Geometry.StridedDirect"/>):
    /// the weight gradients with the filters across the lanes, reading the padded input at the strided positions; the
    /// input gradient per phase of the padded input, each a stride-1 correlation of dz with that phase's taps, then
    /// interleaved into dx. The scalar reference loops are <c>StridedMethod</c>'s.
    /// </summary>
    private sealed partial class BackwardWriter
    {
        /// <summary>Accumulators the weight gradient keeps at a width: 18 of the 32 registers with Vector512, 12 with Vector256.</summary>
        private static int Budget(int lanes) => lanes == 16 ? 18 : 12;

        private void StridedDirectParameters(List<(string, string, string)> parameters)
        {
            if (Dx) parameters.Add(("float[]", "wideGrad", $"dz in phase rows [{G.K}][{G.GS} + {G.QS}]"));
            parameters.Add(("float[]", "gradT", $"dz transposed [{G.HO * G.WO}][{G.K}]"));
            if (Dx) parameters.Add(("float[]", "paddedGrad", $"gradient of the padded input in phase planes [{G.C}][{G.Phases}][{G.QS}]"));
        }

        private List<(string, string, string)> StridedDirectVariantParameters()
        {
            var list = new List<(string, string, string)> { (N.ReadOnlySpan, "dz", $"gradient of the linear output {OutShape}") };
            if (Dx) list.Add((N.Span, "dx", $"gradient of the input {InShape}; {(Adds ? "added into" : "written")}"));
            if (Dx) list.Add(("float[]", "parameters", WeightShape));
            list.Add(("float[]", "gradients", "weight and bias gradients at the same offsets; added into"));
            list.Add(("float[]", "padded", $"the forward's padded input {PaddedShape}"));
            StridedDirectParameters(list);
            return list;
        }

        /// <summary>The dispatch, then the vector variants at both widths and the scalar reference loops.</summary>
        private void StridedDirectMethods(string head)
        {
            string vector = head + (Dx ? ", wideGrad" : "") + ", gradT" + (Dx ? ", paddedGrad" : "");
            Dispatch("Backward", vector, head + (Dx ? ", paddedGrad" : ""), vector512: true, vector256: true);
            W.Close();
            W.Line();
            StridedDirectMethod(16);
            W.Line();
            StridedDirectMethod(8);
            W.Line();
            StridedMethod();
        }

        private void StridedDirectMethod(int lanes)
        {
            string input = Dx ? ", then the input gradient per phase of the padded input" : "";
            W.Line($"/// <summary>{Layer.Name} backward on Vector{lanes * 32}, without dilating dz: the weight gradients{input}.</summary>");
            SpatialNames.Signature(W, Context, Name($"BackwardVector{lanes * 32}"), StridedDirectVariantParameters());
            Constants(backward: true);
            if (Dx) W.Line($"const int PH = {G.Phases}, HPh = {G.HPh}, WPh = {G.WPh}; // phases: xp[c][{G.SHN} * i + a][{G.SWN} * j + b] at [c][a * {G.SWN} + b][i][j]");
            if (Dx) W.Line($"const int GS = {G.GS}, QS = {G.QS}, DS = GS + QS; // dz in phase rows: GS zeros, output (oy, ox) at oy * WPh + ox, zeros");
            W.Line($"ref float xr = ref {N.MemoryMarshal}.GetArrayDataReference(padded);");
            W.Line($"ref float gw = ref {N.MemoryMarshal}.GetArrayDataReference(gradients);");
            W.Line($"ref float tr = ref {N.MemoryMarshal}.GetArrayDataReference(gradT);");
            W.Line("Transpose.Matrix(dz, HO * WO, K, HO * WO, gradT, K);");
            StridedWeightGradient(lanes);
            if (!Dx)
            {
                W.Close();
                return;
            }
            W.Line("// dz in phase rows; the columns past WO, the guard and the tail stay zero.");
            W.Open("for (int k = 0; k < K; k++)");
            W.Line($"{N.Rows}.Copy(dz.Slice(k * HO * WO, HO * WO), WO, new {N.Span}(wideGrad, k * DS + GS, (HO - 1) * WPh + WO), WPh, HO, WO);");
            W.Close();
            W.Line($"ref float wr = ref {N.MemoryMarshal}.GetArrayDataReference(parameters);");
            W.Line($"ref float dr = ref {N.MemoryMarshal}.GetArrayDataReference(paddedGrad);");
            W.Line($"ref float gr = ref {N.MemoryMarshal}.GetArrayDataReference(wideGrad);");
            PhaseInputGradient(N.Vector(lanes), lanes);
            Interleave();
            W.Close();
        }

        /// <summary>
        /// <c>dW[k][c][ky][kx] += sum over (oy, ox) of dz[k][oy][ox] * xp[c][oy*SH + ky][ox*SW + kx]</c>, a block of filter
        /// vectors by a block of kernel rows by all the kernel columns in registers: each loaded dz vector serves every
        /// tap of the block, each broadcast input every filter vector.
        /// </summary>
        private void StridedWeightGradient(int lanes)
        {
            int wl = G.K % lanes == 0 ? lanes : Geometry.Lanes;
            string v = N.Vector(wl);
            int vectors = G.K / wl;
            int kv = new[] { 4, 3, 2, 1 }.First(n => vectors % n == 0 && n * G.FW <= Budget(lanes));
            int rows = Enumerable.Range(1, G.FH).Reverse().First(r => G.FH % r == 0 && r * G.FW * kv <= Budget(lanes));
            int sets = 2 * rows * G.FW * kv <= Budget(lanes) && rows * G.FW * kv < 8 ? 2 : 1;
            W.Line($"// Weights: {kv * wl} filters across {kv} vector(s) by {rows} kernel row(s) by the {G.FW} columns at a time;");
            if (sets == 2) W.Line("// two sets of accumulators, even and odd ox, for independent chains;");
            W.Line($"// dW[k][c][ky][kx] += sum over (oy, ox) of dz[k][oy][ox] * xp[c][oy * {G.SHN} + ky][ox * {G.SWN} + kx].");
            W.Line($"{N.Span} lane = stackalloc float[{rows * G.FW * kv * wl}];");
            W.Line($"ref float lr = ref {N.MemoryMarshal}.GetReference(lane);");
            W.Open($"for (int kb = 0; kb < K; kb += {kv * wl})");
            W.Open("for (int c = 0; c < C; c++)");
            W.Open($"for (int ky = 0; ky < {G.KH}; ky += {rows})");
            for (int set = 0; set < sets; set++)
                for (int r = 0; r < rows; r++)
                    for (int kx = 0; kx < G.FW; kx++)
                        for (int j = 0; j < kv; j++)
                            W.Line($"var {(set == 0 ? "a" : "e")}{r}{kx}{j} = {v}<float>.Zero;");
            W.Open("for (int oy = 0; oy < HO; oy++)");
            for (int r = 0; r < rows; r++) W.Line($"ref float x{r} = ref {U}.Add(ref xr, c * HP * WP + (oy * {G.SHN} + ky + {r}) * WP);");
            W.Line($"ref float trow = ref {U}.Add(ref tr, oy * WO * K + kb);");
            if (sets == 1)
            {
                W.Open("for (int ox = 0; ox < WO; ox++)");
                WeightProducts(v, wl, kv, rows, "ox", "a", "");
                W.Close();
            }
            else
            {
                W.Line("int ox = 0;");
                W.Open("for (; ox <= WO - 2; ox += 2)");
                WeightProducts(v, wl, kv, rows, "ox", "a", "");
                WeightProducts(v, wl, kv, rows, "(ox + 1)", "e", "n");
                W.Close();
                W.Open("if (ox < WO)");
                WeightProducts(v, wl, kv, rows, "ox", "a", "");
                W.Close();
            }
            W.Close();
            W.Line($"// Lane l of accumulator (r, kx, j) belongs to dW[kb + j * {wl} + l][c][ky + r][kx]: stored at ((r * {G.FW} + kx) * {kv} + j) * {wl} + l.");
            for (int r = 0; r < rows; r++)
                for (int kx = 0; kx < G.FW; kx++)
                    for (int j = 0; j < kv; j++)
                        W.Line($"{v}.StoreUnsafe(a{r}{kx}{j}{(sets == 2 ? $" + e{r}{kx}{j}" : "")}, ref lr, {((r * G.FW + kx) * kv + j) * wl});");
            W.Line($"ref float dw = ref {U}.Add(ref gw, WeightOffset + (kb * C + c) * {G.FF} + ky * {G.KWN});");
            W.Open($"for (int j = 0; j < {kv}; j++)");
            W.Open($"for (int l = 0; l < {wl}; l++)");
            W.Open($"for (int t = 0; t < {rows * G.FW}; t++)");
            W.Line($"{U}.Add(ref dw, (j * {wl} + l) * C * {G.FF} + t) += {U}.Add(ref lr, (t * {kv} + j) * {wl} + l);");
            W.Close().Close().Close();
            W.Close().Close().Close();
        }

        /// <summary>One output position's products: its dz vectors loaded once, each input of the block broadcast once.</summary>
        private void WeightProducts(string v, int wl, int kv, int rows, string ox, string acc, string suffix)
        {
            for (int j = 0; j < kv; j++) W.Line($"var d{j}{suffix} = {v}.LoadUnsafe(ref trow, (nuint)({ox} * K + {j * wl}));");
            W.Line($"int at{suffix} = {ox} * {G.SWN};");
            for (int r = 0; r < rows; r++)
            {
                for (int kx = 0; kx < G.FW; kx++)
                {
                    W.Line($"var b{r}{kx}{suffix} = {v}.Create({U}.Add(ref x{r}, at{suffix} + {kx}));");
                    for (int j = 0; j < kv; j++)
                        W.Line($"{acc}{r}{kx}{j} = {v}.MultiplyAddEstimate(d{j}{suffix}, b{r}{kx}{suffix}, {acc}{r}{kx}{j});");
                }
            }
        }

        /// <summary>
        /// Each phase (a, b) of the padded input gradient, CB channels by QB vectors of its plane at a time:
        /// <c>dxp[c][a + SH*i][b + SW*j] = sum over k and the phase's taps (a + SH*ty, b + SW*tx) of w[k][c][tap] * dz[k][i - ty][j - tx]</c>.
        /// </summary>
        private void PhaseInputGradient(string v, int lanes)
        {
            int qb = G.QBS(lanes);
            W.Line($"// Input, per phase: {G.CB} channel(s) by {qb} vectors of {lanes} positions of the phase plane; each tap reads dz's phase rows shifted back.");
            W.Open($"for (int c = 0; c < C; c += {G.CB})");
            for (int a = 0; a < G.SH; a++)
            {
                for (int b = 0; b < G.SW; b++)
                {
                    int ph = a * G.SW + b;
                    var taps = new List<(int Ty, int Tx)>();
                    for (int ty = 0; a + G.SH * ty < G.FH; ty++)
                        for (int tx = 0; b + G.SW * tx < G.FW; tx++)
                            taps.Add((ty, tx));
                    if (taps.Count == 0)
                    {
                        W.Line($"// phase ({a}, {b}): no tap of the window reaches it.");
                        for (int j = 0; j < G.CB; j++) W.Line($"new {N.Span}(paddedGrad, ((c + {j}) * PH + {ph}) * QS, QS).Clear();");
                        continue;
                    }
                    W.Line($"// phase ({a}, {b}): {taps.Count} tap(s).");
                    W.Open($"for (int q = 0; q < QS; q += {lanes * qb})");
                    for (int j = 0; j < G.CB; j++)
                        for (int x = 0; x < qb; x++)
                            W.Line($"var a{j}{x} = {v}<float>.Zero;");
                    W.Open("for (int k = 0; k < K; k++)");
                    W.Line($"ref float gk = ref {U}.Add(ref gr, k * DS + q);");
                    for (int j = 0; j < G.CB; j++) W.Line($"ref float w{j} = ref {U}.Add(ref wr, WeightOffset + (k * C + c + {j}) * {G.FF});");
                    W.Line($"{v}<float> {string.Join(", ", Enumerable.Range(0, qb).Select(x => "d" + x))}, wk;");
                    foreach (var (ty, tx) in taps)
                    {
                        int ky = a + G.SH * ty, kx = b + G.SW * tx;
                        W.Line($"// tap ({ky}, {kx}): dz shifted back by {ty} row(s) and {tx} column(s)");
                        InputTap(v, lanes, qb, I(G.GS - (ty * G.WPh + tx)), I(ky * G.FW + kx));
                    }
                    W.Close();
                    for (int j = 0; j < G.CB; j++)
                        for (int x = 0; x < qb; x++)
                            W.Line($"{v}.StoreUnsafe(a{j}{x}, ref dr, (nuint)(((c + {j}) * PH + {ph}) * QS + q + {lanes * x}));");
                    W.Close();
                }
            }
            W.Close();
        }

        /// <summary>
        /// The interior of the padded input gradient, from its phase planes into dx (copied, or added): per row, each
        /// column phase b fills the columns <c>ix</c> with <c>(ix + PL) % SW == b</c>, every SW-th, from its phase row.
        /// </summary>
        private void Interleave()
        {
            W.Line("// Interleave the phase planes into dx: padded (py, px) is phase (py % SH, px % SW) at (py / SH, px / SW).");
            W.Line($"ref float xd = ref {N.MemoryMarshal}.GetReference(dx);");
            W.Open("for (int c = 0; c < C; c++)");
            W.Open("for (int iy = 0; iy < H; iy++)");
            W.Line($"int py = iy + {G.PTN};");
            W.Line($"ref float src = ref {U}.Add(ref dr, (c * PH + py % {G.SHN} * {G.SWN}) * QS + py / {G.SHN} * WPh);");
            W.Line($"ref float row = ref {U}.Add(ref xd, (c * H + iy) * W);");
            for (int b = 0; b < G.SW; b++)
            {
                int first = ((b - G.PadL) % G.SW + G.SW) % G.SW;
                if (first >= G.W) continue;
                int j = (first + G.PadL) / G.SW;
                W.Line($"// column phase {b}: ix = {first}, {first} + {G.SWN}, ... from phase column {j} on");
                W.Open($"for (int ix = {first}, j = {j}; ix < W; ix += {G.SWN}, j++)");
                W.Line($"{U}.Add(ref row, ix) {Store} {U}.Add(ref src, {b} * QS + j);");
                W.Close();
            }
            W.Close().Close();
        }
    }
}
