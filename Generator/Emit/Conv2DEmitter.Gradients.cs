using System.Linq;

namespace StaticNets.Generator.Emit;

internal sealed partial class Conv2DEmitter
{
    private sealed partial class BackwardWriter
    {
        /// <summary>
        /// The backward at a width: dz spread into wide rows, the weight gradients (filters across the lanes where
        /// they fill whole vectors, as the strided direct backward takes them, else dot products of wide rows), then the
        /// input gradient by the blocks of the padded plane that hold its interior, cropped into dx.
        /// </summary>
        private void VectorMethod(int lanes)
        {
            string v = N.Vector(lanes);
            W.Line($"/// <summary>{Layer.Name} backward on Vector{lanes * 32}: dz in wide rows, then the weight and input gradients.</summary>");
            SpatialNames.Signature(W, Context, Name($"BackwardVector{lanes * 32}"), VariantParameters(wide: true, scratch: true));
            Constants(backward: true);
            if (!G.FilterLanes || (Dx && !LaneInputGradient))
            {
                // The wide rows feed the dot-product weight gradient and the wide-row input gradient only.
                W.Line("// Spread dz into wide rows; the columns past WO, the guard and the tail stay zero.");
                W.Open("for (int k = 0; k < K; k++)");
                W.Line($"{N.Span} rows = new {N.Span}(wideGrad, k * DS + G, L);");
                W.Line($"{N.Rows}.Copy(dz.Slice(k * HO * WO, HO * WO), WO, rows, WP, HO, WO);");
                W.Close();
            }
            W.Line($"ref float xr = ref {N.MemoryMarshal}.GetArrayDataReference(padded);");
            W.Line($"ref float gw = ref {N.MemoryMarshal}.GetArrayDataReference(gradients);");
            if (!G.FilterLanes || (Dx && !LaneInputGradient)) W.Line($"ref float gr = ref {N.MemoryMarshal}.GetArrayDataReference(wideGrad);");
            W.Line("// Weights: dW[k][c][ky][kx] += sum over p of dz[k][p] * xp[c][p + ky * WP + kx].");
            if (G.FilterLanes)
            {
                // Filters across the lanes, as the strided direct backward takes them: dz transposed to [position][filter].
                W.Line($"ref float tr = ref {N.MemoryMarshal}.GetArrayDataReference(gradT);");
                W.Line("Transpose.Matrix(dz, HO * WO, K, HO * WO, gradT, K);");
                StridedWeightGradient(lanes);
            }
            else
            {
                WeightGradientVectors(v, lanes);
            }
            if (LaneInputGradient)
            {
                LaneInputGradientBody(lanes);
            }
            else if (Dx)
            {
                W.Line("// Input: dxp[c][q] = sum over k and taps of w[k][c][ky][kx] * dz[k][q - ky * WP - kx], then the border is cropped.");
                W.Line($"ref float wr = ref {N.MemoryMarshal}.GetArrayDataReference(parameters);");
                W.Line($"ref float dr = ref {N.MemoryMarshal}.GetArrayDataReference(paddedGrad);");
                InputGradientVectors(v, lanes);
                Crop("QV");
            }
            W.Close();
        }

        /// <summary>KW filters at a time, one accumulator per filter and kernel column over the wide rows.</summary>
        private void WeightGradientVectors(string v, int lanes)
        {
            W.Line($"// {G.KW} filter(s) at a time, one accumulator per filter and kernel column; the input vector of each column is loaded once.");
            W.Open($"for (int k = 0; k < K; k += {G.KW})");
            GroupOfFilter();
            W.Open($"for (int c = 0; c < {G.CGN}; c++)");
            W.Open($"for (int ky = 0; ky < {G.KH}; ky++)");
            W.Line($"ref float xc = ref {U}.Add(ref xr, {G.InputChannel("c")} * HP * WP + ky * WP);");
            for (int j = 0; j < G.KW; j++) W.Line($"ref float g{j} = ref {U}.Add(ref gr, (k + {j}) * DS + G);");
            if (G.FW <= 7)
            {
                for (int j = 0; j < G.KW; j++)
                    for (int kx = 0; kx < G.FW; kx++)
                        W.Line($"var a{j}{kx} = {v}<float>.Zero;");
                W.Open($"for (int p = 0; p < LV; p += {lanes})");
                for (int j = 0; j < G.KW; j++) W.Line($"var d{j} = {v}.LoadUnsafe(ref g{j}, (nuint)p);");
                for (int kx = 0; kx < G.FW; kx++)
                {
                    W.Line($"var x{kx} = {v}.LoadUnsafe(ref xc, (nuint)(p + {kx}));");
                    for (int j = 0; j < G.KW; j++) W.Line($"a{j}{kx} = {v}.MultiplyAddEstimate(d{j}, x{kx}, a{j}{kx});");
                }
                W.Close();
                for (int j = 0; j < G.KW; j++)
                {
                    W.Line($"ref float dw{j} = ref {U}.Add(ref gw, WeightOffset + ((k + {j}) * {G.CGN} + c) * {G.FF} + ky * {G.KWN});");
                    for (int kx = 0; kx < G.FW; kx++) W.Line($"{U}.Add(ref dw{j}, {kx}) += {v}.Sum(a{j}{kx});");
                }
            }
            else
            {
                W.Line("// A large kernel: one kernel column at a time.");
                W.Open($"for (int kx = 0; kx < {G.KWN}; kx++)");
                for (int j = 0; j < G.KW; j++) W.Line($"var a{j} = {v}<float>.Zero;");
                W.Open($"for (int p = 0; p < LV; p += {lanes})");
                W.Line($"var xv = {v}.LoadUnsafe(ref xc, (nuint)(p + kx));");
                for (int j = 0; j < G.KW; j++) W.Line($"a{j} = {v}.MultiplyAddEstimate({v}.LoadUnsafe(ref g{j}, (nuint)p), xv, a{j});");
                W.Close();
                for (int j = 0; j < G.KW; j++)
                {
                    W.Line($"{U}.Add(ref gw, WeightOffset + ((k + {j}) * {G.CGN} + c) * {G.FF} + ky * {G.KWN} + kx) += {v}.Sum(a{j});");
                }
                W.Close();
            }
            W.Close().Close().Close();
        }

        /// <summary>CB channels by QB vectors of the padded plane: each tap gathers dz shifted back by its offset.</summary>
        private void InputGradientVectors(string v, int lanes)
        {
            int qb = G.QB(lanes), step = lanes * qb;
            // Only the blocks the crop reads: from the one holding the first interior position to the one holding the last.
            int first = (G.PadT * G.WP + G.PadL) / step * step;
            int last = ((G.PadT + G.H - 1) * G.WP + G.PadL + G.W + step - 1) / step * step;
            W.Line($"// {G.CB} channel(s) by {qb} vectors of {lanes} positions; each channel's plane takes QV floats here, so no block writes into another's.");
            W.Line($"// The blocks from {first} to {last}: those the interior (rows {G.PTN} to {G.PTN} + H - 1) falls in; the crop reads no other.");
            W.Open($"for (int c = 0; c < C; c += {G.CB})");
            W.Open($"for (int q = {first}; q < {last}; q += {step})");
            for (int j = 0; j < G.CB; j++)
                for (int x = 0; x < qb; x++)
                    W.Line($"var a{j}{x} = {v}<float>.Zero;");
            if (G.Grouped)
            {
                W.Line("int cb = c / CG * CG, kb = c / CG * KG; // the channels' group: its first channel and first filter");
                W.Open("for (int k = kb; k < kb + KG; k++)");
            }
            else
            {
                W.Open("for (int k = 0; k < K; k++)");
            }
            W.Line($"ref float gk = ref {U}.Add(ref gr, k * DS + q);");
            string channel = G.Grouped ? "k * CG + c - cb" : "k * C + c";
            for (int j = 0; j < G.CB; j++) W.Line($"ref float w{j} = ref {U}.Add(ref wr, WeightOffset + ({channel} + {j}) * {G.FF});");
            W.Line($"{v}<float> {string.Join(", ", Enumerable.Range(0, qb).Select(x => "d" + x))}, wk;");
            if (Unrolled)
            {
                foreach (var (t, ky, kx) in Taps(G.FH, G.FW))
                {
                    W.Line($"// tap ({ky}, {kx}): dz shifted back by {ky * G.WP + kx}");
                    InputTap(v, lanes, qb, I(G.G - (ky * G.WP + kx)), I(t));
                }
            }
            else
            {
                W.Open($"for (int t = 0; t < {G.FF}; t++)");
                InputTap(v, lanes, qb, $"(nuint)(G - t / {G.KWN} * WP - t % {G.KWN})", "t");
                W.Close();
            }
            W.Close();
            for (int j = 0; j < G.CB; j++)
                for (int x = 0; x < qb; x++)
                    W.Line($"{v}.StoreUnsafe(a{j}{x}, ref dr, (nuint)((c + {j}) * QV + q + {lanes * x}));");
            W.Close().Close();
        }

        private void InputTap(string v, int lanes, int qb, string offset, string t)
        {
            for (int x = 0; x < qb; x++) W.Line($"d{x} = {v}.LoadUnsafe(ref gk, {offset}{(x == 0 ? "" : " + " + I(lanes * x))});");
            for (int j = 0; j < G.CB; j++)
            {
                W.Line($"wk = {v}.Create({U}.Add(ref w{j}, {t}));");
                for (int x = 0; x < qb; x++) W.Line($"a{j}{x} = {v}.MultiplyAddEstimate(d{x}, wk, a{j}{x});");
            }
        }
    }
}
