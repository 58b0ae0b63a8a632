using System;
using System.Linq;
using StaticNets.Generator.Layers;

namespace StaticNets.Generator.Emit;

internal sealed partial class Conv2DEmitter
{
    /// <summary>
    /// The input gradient of a stride-1 convolution on the vector paths with the channels across the lanes
    /// (<see cref="Conv2DBuffers.StrideOneLanes"/>): dz channels-last with a zero border, the weights as <c>[taps][K][C]</c>,
    /// blocks of channel vectors by positions of a row of dx in registers, each loaded weight vector feeding every
    /// position of the block and each broadcast dz every channel vector; no wide rows, no crop, no position computed twice.
    /// </summary>
    private sealed partial class BackwardWriter
    {
        /// <summary>Whether this layer's vector paths take the input gradient with the channels across the lanes (not the dilated view's).</summary>
        private bool LaneInputGradient =>
            Dx && !dilatedView && Conv2DBuffers.StrideOneLanes(new Model.WindowGeometry(G.FH, G.FW, G.SH, G.SW, G.PadT, G.PadL, G.PadB, G.PadR), G.C, G.K, G.Groups);

        private string LaneWideGrad =>
            $"dz channels-last with a zero border [{G.H + G.FH - 1}][{G.W + G.FW - 1}][{G.K}], "
            + $"then the weights as [{G.FH * G.FW}][{G.K}][{G.C}]";

        private string LanePaddedGrad => Adds
            ? $"the input gradient as [{G.H * G.W}][{G.C}], then as [{G.C}][{G.H * G.W}]"
            : $"the input gradient as [{G.H * G.W}][{G.C}]";

        /// <summary>Accumulators of a block: 24 of the 32 registers with Vector512, 12 of the 16 with Vector256.</summary>
        private static int InputBudget(int lanes) => lanes == 16 ? 24 : 12;

        private void LaneInputGradientBody(int lanes)
        {
            int cl = G.C % lanes == 0 ? lanes : Geometry.Lanes;
            string v = N.Vector(cl);
            int vectors = G.C / cl;
            int cb = new[] { 4, 3, 2, 1 }.First(n => vectors % n == 0);
            int most = Math.Min(8, InputBudget(cl) / cb);
            int pb = Enumerable.Range(1, most).Reverse().FirstOrDefault(p => G.W % p == 0 && p * 2 > most);
            if (pb == 0) pb = most;
            int bt = G.FH - 1 - G.PadT, bl = G.FW - 1 - G.PadL, wb = G.W + G.FW - 1, hb = G.H + G.FH - 1;
            W.Line($"// Input, the channels across the lanes: dx[c][iy][ix] = sum over k and taps of w[k][c][ky][kx] * dzb[k][iy + {G.KH} - 1 - ky][ix + {G.KWN} - 1 - kx],");
            W.Line("// dzb: dz channels-last with a zero border; dx computed as [H * W][C], then transposed.");
            W.Line($"const int HB = {hb}, WB = {wb}, BT = {bt}, BL = {bl}; // dz at (oy + BT, ox + BL) of the bordered plane; the border stays zero");
            W.Line("Transpose.Padded(dz, K, HO, WO, wideGrad, WB, BT, BL);");
            W.Line($"ref float br = ref {N.MemoryMarshal}.GetArrayDataReference(wideGrad);");
            W.Line("// The weights as [taps][K][C] after the bordered dz: [K * C][taps] transposed.");
            W.Line($"{N.ReadOnlySpan} weights = new {N.ReadOnlySpan}(parameters, WeightOffset, K * C * {G.FF});");
            W.Line($"Transpose.Matrix(weights, {G.FF}, K * C, {G.FF}, new {N.Span}(wideGrad, K * HB * WB, {G.FF} * K * C), K * C);");
            W.Line($"ref float wt = ref {U}.Add(ref br, K * HB * WB);");
            W.Line($"ref float ot = ref {N.MemoryMarshal}.GetArrayDataReference(paddedGrad);");
            W.Line($"// {cb} vector(s) of {cl} channels by {pb} positions of a row at a time.");
            W.Open($"for (int c0 = 0; c0 < C; c0 += {cb * cl})");
            W.Open("for (int iy = 0; iy < H; iy++)");
            W.Line("int ix = 0;");
            W.Open(G.W % pb == 0 ? $"for (; ix < W; ix += {pb})" : $"for (; ix <= W - {pb}; ix += {pb})");
            LaneInputBlock(v, cl, cb, pb);
            W.Close();
            if (G.W % pb != 0)
            {
                W.Open("for (; ix < W; ix++)");
                LaneInputBlock(v, cl, cb, 1);
                W.Close();
            }
            W.Close().Close();
            if (!Adds)
            {
                W.Line("Transpose.Matrix(paddedGrad, C, H * W, C, dx, H * W);");
                return;
            }
            W.Line($"{N.Span} back = new {N.Span}(paddedGrad, C * H * W, C * H * W);");
            W.Line("Transpose.Matrix(paddedGrad, C, H * W, C, back, H * W);");
            W.Line($"{N.TensorPrimitives}.Add(dx.Slice(0, C * H * W), back, dx);");
        }

        /// <summary>One block: cb channel vectors by pb positions from (iy, ix), over the filters and the taps unrolled.</summary>
        private void LaneInputBlock(string v, int cl, int cb, int pb)
        {
            for (int j = 0; j < cb; j++)
                for (int p = 0; p < pb; p++)
                    W.Line($"var a{j}{p} = {v}<float>.Zero;");
            W.Line($"ref float bp = ref {U}.Add(ref br, (iy * WB + ix) * K);");
            W.Open("for (int k = 0; k < K; k++)");
            W.Line($"ref float bk = ref {U}.Add(ref bp, k);");
            W.Line($"ref float wk = ref {U}.Add(ref wt, k * C + c0);");
            W.Line($"{v}<float> {string.Join(", ", Enumerable.Range(0, cb).Select(j => "w" + j))}, x;");
            foreach (var (t, ky, kx) in Taps(G.FH, G.FW))
            {
                int u = G.FH - 1 - ky, s = G.FW - 1 - kx;
                W.Line($"// tap ({ky}, {kx}): dzb at ({u}, {s}) from the block's positions");
                for (int j = 0; j < cb; j++) W.Line($"w{j} = {v}.LoadUnsafe(ref wk, {I(t * G.K * G.C + j * cl)});");
                for (int p = 0; p < pb; p++)
                {
                    W.Line($"x = {v}.Create({U}.Add(ref bk, {(u * (G.W + G.FW - 1) + s + p) * G.K}));");
                    for (int j = 0; j < cb; j++) W.Line($"a{j}{p} = {v}.MultiplyAddEstimate(w{j}, x, a{j}{p});");
                }
            }
            W.Close();
            W.Line($"ref float op = ref {U}.Add(ref ot, (iy * W + ix) * C + c0);");
            for (int p = 0; p < pb; p++)
                for (int j = 0; j < cb; j++)
                    W.Line($"{v}.StoreUnsafe(a{j}{p}, ref op, {I(p * G.C + j * cl)});");
        }
    }
}
