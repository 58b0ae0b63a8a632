using System.Collections.Generic;
using StaticNets.Generator.Layers;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

internal sealed partial class Conv2DEmitter
{
    /// <summary>
    /// The depthwise backward with the channels across the vector lanes, where the forward runs that way
    /// (<see cref="Geometry.Depthwise"/>): the forward left x transposed into the staging's zero-bordered
    /// <c>[HP][WP][C]</c> and the weights as <c>[FH*FW][C]</c>; dz is transposed to <c>[HO][WO][C]</c> where the forward's
    /// output was, then the Runtime's <c>DepthwiseBackward</c> adds the weight gradient
    /// <c>dw[c][tap] += sum over o of dz[o][c] * xs[o*S + tap][c]</c> and scatters the input gradient
    /// <c>dxs[o*S + tap][c] += w[tap][c] * dz[o][c]</c> into a zero-bordered <c>[HP][WP][C]</c>, whose interior is
    /// transposed back into dx (written, or added where the backward adds). The scalar loops stay the reference.
    /// </summary>
    private sealed partial class BackwardWriter
    {
        /// <summary>Whether the backward's vector paths run with the channels across the lanes.</summary>
        private bool DepthwiseLanes => G.Depthwise(Geometry.Lanes);

        private string DepthwiseBackwardStaging =>
            $"the forward's x [{G.HP}][{G.WP}][{G.C}] and weights [{G.FH * G.FW}][{G.C}], then dz [{G.HO}][{G.WO}][{G.C}]";

        /// <summary>The dispatch, then the vector methods at the widths the forward has, then the scalar reference.</summary>
        private void DepthwiseBackward(string scalar)
        {
            bool vector512 = G.Depthwise(2 * Geometry.Lanes);
            string vector = Dx ? "dz, dx, gradients, staging, paddedGrad" : "dz, gradients, staging";
            W.Line("// The vector paths read x and the weights as the forward's vector paths left them, transposed in the staging.");
            Dispatch("Backward", vector, scalar, vector512, vector256: true);
            W.Close();
            if (vector512)
            {
                W.Line();
                DepthwiseBackwardMethod(16);
            }
            W.Line();
            DepthwiseBackwardMethod(8);
            W.Line();
            if (G.Wide) ScalarMethod();
            else StridedMethod();
        }

        private void DepthwiseBackwardMethod(int lanes)
        {
            var parameters = new List<(string, string, string)> { (N.ReadOnlySpan, "dz", $"gradient of the linear output {OutShape}") };
            if (Dx) parameters.Add((N.Span, "dx", $"gradient of the input {InShape}; {(Adds ? "added into" : "written")}"));
            parameters.Add(("float[]", "gradients", "weight and bias gradients at the same offsets; added into"));
            parameters.Add(("float[]", "staging", Gather
                ? $"the forward's x [{G.HP}][{G.WP}][{G.C}] and weights [{G.FH * G.FW}][{G.C}], then the input's gradient [{G.H}][{G.W}][{G.C}]"
                : DepthwiseBackwardStaging));
            if (Dx) parameters.Add(("float[]", "paddedGrad", Gather
                ? $"dz zero-bordered [{G.H + G.FH - 1}][{G.W + G.FW - 1}][{G.C}]"
                : $"gradient of the input, channels last [{G.HP}][{G.WP}][{G.C}]"));
            W.Line($"/// <summary>{Layer.Name} backward on Vector{lanes * 32}, the channels across the lanes: dz transposed, then the {(Dx ? "weight and input gradients" : "weight gradient")}.</summary>");
            SpatialNames.Signature(W, Context, Name($"BackwardVector{lanes * 32}"), parameters);
            Constants(backward: false);
            W.Line($"const int WS = HP * WP * C, ZS = WS + {G.FF} * C; // where the staging holds the weights and the output");
            string geometry = $"C, HO, WO, WP, {G.KH}, {G.KWN}, {G.SHN}, {G.SWN}";
            if (Gather)
            {
                GatherBody(lanes, geometry);
                return;
            }
            W.Line("// dz [K][HO][WO] to [HO][WO][C] where the forward's output was.");
            W.Line($"{N.Span} dzt = new {N.Span}(staging, ZS, HO * WO * C);");
            W.Line("Transpose.Matrix(dz, HO * WO, C, HO * WO, dzt, C);");
            W.Line("// Weights: dW[c][tap] += sum over the outputs o of dz[o][c] * xs[o * S + tap][c].");
            W.Line($"{N.Span} dw = new {N.Span}(gradients, WeightOffset, C * {G.FF});");
            W.Line($"DepthwiseBackward.WeightGradientVector{lanes * 32}(staging, dzt, dw, {geometry});");
            if (Dx)
            {
                W.Line("// Input: dxs[o * S + tap][c] += w[tap][c] * dz[o][c] over a zeroed [HP][WP][C], its interior then transposed back into dx.");
                W.Line($"{N.Array}.Clear(paddedGrad, 0, WS);");
                W.Line($"{N.ReadOnlySpan} wt = new {N.ReadOnlySpan}(staging, WS, {G.FF} * C);");
                W.Line($"DepthwiseBackward.InputGradientVector{lanes * 32}(wt, dzt, paddedGrad, {geometry});");
                W.Line($"DepthwiseBackward.Unpadded(paddedGrad, C, H, W, WP, {G.PTN}, {G.PLN}, dx, add: {(Adds ? "true" : "false")});");
            }
            W.Close();
        }

        /// <summary>Whether the input gradient is gathered (<see cref="Conv2DBuffers.DepthwiseGather"/>).</summary>
        private bool Gather => Dx && Conv2DBuffers.DepthwiseGather(
            new WindowGeometry(G.FH, G.FW, G.SH, G.SW, G.PadT, G.PadL, G.PadB, G.PadR),
            new Shape(G.C, G.H, G.W, Flat: false),
            new Shape(G.K, G.HO, G.WO, Flat: false));

        /// <summary>
        /// Stride 1: dz transposed into the interior of the input gradient buffer's zero-bordered <c>[H+FH-1][W+FW-1][C]</c>
        /// (its border never written), the weight gradient reading it there, each input's gradient its window's sum over it,
        /// written to <c>[H][W][C]</c> where the staging held the forward's output, then transposed into dx. Nothing
        /// cleared, nothing scattered.
        /// </summary>
        private void GatherBody(int lanes, string geometry)
        {
            string top = $"{G.KH} - 1 - {G.PTN}", left = $"{G.KWN} - 1 - {G.PLN}";
            W.Line($"const int DW = W + {G.KWN} - 1; // dz's zero-bordered rows");
            W.Line($"const int DT = {top}, DL = {left}; // dz's place in its border");
            W.Line($"// dz [K][HO][WO] into the interior of [H + {G.KH} - 1][DW][C]; the border, never written, stays zero.");
            W.Line("Transpose.Padded(dz, C, HO, WO, paddedGrad, DW, DT, DL);");
            W.Line($"{N.ReadOnlySpan} dzt = new {N.ReadOnlySpan}(paddedGrad, (DT * DW + DL) * C, ((HO - 1) * DW + WO) * C);");
            W.Line("// Weights: dW[c][tap] += sum over the outputs o of dz[o][c] * xs[o + tap][c].");
            W.Line($"{N.Span} dw = new {N.Span}(gradients, WeightOffset, C * {G.FF});");
            W.Line($"DepthwiseBackward.WeightGradientRowsVector{lanes * 32}(staging, dzt, DW * C, dw, {geometry});");
            W.Line("// Input: dx[i][c] = sum over the taps of w[tap][c] * dz[i + P - tap][c], gathered into [H][W][C], then transposed back into dx.");
            W.Line($"{N.ReadOnlySpan} wt = new {N.ReadOnlySpan}(staging, WS, {G.FF} * C);");
            W.Line($"{N.Span} dxt = new {N.Span}(staging, ZS, H * W * C); // where the forward's output was");
            W.Line($"DepthwiseBackward.InputGradientGatherVector{lanes * 32}(wt, paddedGrad, dxt, C, H, W, {G.KH}, {G.KWN});");
            W.Line($"DepthwiseBackward.Unpadded(dxt, C, H, W, W, 0, 0, dx, add: {(Adds ? "true" : "false")});");
            W.Close();
        }
    }
}
