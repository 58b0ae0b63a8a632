using System.Collections.Generic;
using StaticNets.Generator.Layers;

namespace StaticNets.Generator.Emit;

internal sealed partial class Conv2DEmitter
{
    /// <summary>
    /// Whether the layer's forward on the vector paths reads weights rearranged from the parameters (Winograd's U, or the
    /// filter lanes' <c>[C][FH][FW][K]</c>), which batch training's replicas share.
    /// </summary>
    public static bool SharesWeights(LayerContext c) => new Geometry(c.Layer) is var g && (g.Winograd || g.StridedLanes);

    /// <summary>
    /// Batch training's forward call on a replica: as inference's, the rearranged weights read from the network's
    /// scratch (<c>owner</c>'s, which <see cref="PrepareCall"/> brought up to date before the segments) instead of its own.
    /// </summary>
    public static string SharedForwardCall(LayerContext c) =>
        ForwardCall(c, "owner." + Field(c.Layer, new Geometry(c.Layer).Winograd ? "Winograd" : "Lanes"));

    /// <summary>
    /// What the batch pass runs on its own thread before the segments: the network's rearranged weights (Winograd's U,
    /// or the filter lanes') brought up to date with the parameters (again only where they changed), on the vector
    /// paths, for the replicas to share.
    /// </summary>
    public static string PrepareCall(LayerContext c)
    {
        var l = c.Layer;
        var g = new Geometry(l);
        if (!g.Winograd)
        {
            return $"{RuntimeNames.Kernel("ConvolutionLanes")}.Prepare(_parameters, {l.ParameterOffset}, {g.C}, {g.K}, {g.FH}, {g.FW}, {g.HO}, {g.WO}, "
                + $"{Field(l, "Lanes")});";
        }
        string lanes = g.WinogradLanes ? "true" : "false";
        return $"{RuntimeNames.Kernel("Winograd")}.Prepare(_parameters, {l.ParameterOffset}, {g.C}, {g.K}, {g.HO}, {g.WO}, {lanes}, {Field(l, "Winograd")});";
    }

    /// <summary>
    /// The Winograd F(2x2, 3x3) forward (where <see cref="Conv2DBuffers.Winograd"/> applies): on the vector paths the
    /// layer calls <c>Winograd.ForwardVector512</c> or <c>ForwardVector256</c> in the Runtime with its sizes, its
    /// weights and biases and its scratch, instead of the wide rows; the scalar path stays the direct loops.
    /// </summary>
    private sealed partial class ForwardWriter
    {
        /// <summary>The Runtime's Winograd kernels, under the layers class's usings.</summary>
        private const string WinogradKernels = "Winograd";

        /// <summary>The scratch parameter's comment.</summary>
        private string WinogradScratch
        {
            get
            {
                int rows = (G.HO + 1) / 2, stride = (G.WO + 1) / 2 + 1;
                int padded = (rows * stride + 15) / 16 * 16;
                string u = G.WinogradLanes ? $"[16][{G.C}][{G.K}]" : $"[16][{G.K}][{G.C}]";
                string m = G.WinogradLanes ? $"[16][{padded}][{G.K}]" : $"[16][{G.K}][{padded}]";
                return $"Winograd: parity planes [{G.C}][4][{rows + 1}][{stride}], U {u}, "
                    + $"V [16][{G.C}][{padded}], M {m}, U's weights";
            }
        }

        /// <summary>
        /// The dispatch: Winograd on Vector512 where the hardware has it, then Vector256, else the scalar reference
        /// loops. Writes into <paramref name="z"/> (the output, or the linear buffer before the activation).
        /// </summary>
        private void WinogradDispatch(string z)
        {
            string simd = N.Simd;
            string kernel = G.WinogradLanes ? "ForwardLanes" : "Forward";
            string bias = G.Bias ? $"new {N.ReadOnlySpan}(parameters, BiasOffset, K)" : "default";
            W.Line("// Dispatch: Winograd F(2x2, 3x3) on the vector paths (16 multiplies a 2x2 tile, channel and filter for 36 direct),");
            W.Line(G.WinogradLanes
                ? "// the filters across the lanes (in multiples of 32); else the scalar reference loops."
                : "// else the scalar reference loops.");
            W.Line($"{N.ReadOnlySpan} weights = new {N.ReadOnlySpan}(parameters, WeightOffset, K * C * F * F);");
            W.Line($"{N.ReadOnlySpan} biases = {bias};");
            W.Line("// U: this scratch's own (transformed again where the weights changed), or in batch training the shared one, prepared.");
            W.Open($"if ({simd}.IsEnabled && {simd}.UseVector512)");
            W.Line($"{WinogradKernels}.{kernel}SharedVector512(padded, C, HP, WP, weights, biases, K, winograd, shared, {z});");
            W.Close();
            W.Open($"else if ({simd}.IsEnabled)");
            W.Line($"{WinogradKernels}.{kernel}SharedVector256(padded, C, HP, WP, weights, biases, K, winograd, shared, {z});");
            W.Close();
            W.Open("else");
            W.Line($"{Name("Forward")}Scalar(padded, parameters, {z});");
            W.Close();
        }

        /// <summary>
        /// A fused inference chain's dispatch (its backward never reads the padded copy): the vector paths read x, their
        /// split into parity planes making the zero border at the edge tiles; the scalar reference loops copy x into the
        /// padded input first, as the plain forward does.
        /// </summary>
        private void WinogradUnpaddedDispatch(string z)
        {
            string simd = N.Simd;
            string kernel = G.WinogradLanes ? "ForwardLanesUnpadded" : "ForwardUnpadded";
            string bias = G.Bias ? $"new {N.ReadOnlySpan}(parameters, BiasOffset, K)" : "default";
            W.Line("// Dispatch: Winograd F(2x2, 3x3) on the vector paths, from x itself (no padded copy: the split into parity planes");
            W.Line(G.WinogradLanes
                ? "// makes the zero border), the filters across the lanes; else the scalar reference loops on the padded copy."
                : "// makes the zero border); else the scalar reference loops on the padded copy.");
            W.Line($"{N.ReadOnlySpan} weights = new {N.ReadOnlySpan}(parameters, WeightOffset, K * C * F * F);");
            W.Line($"{N.ReadOnlySpan} biases = {bias};");
            string args = $"x, C, H, W, {G.PTN}, {G.PLN}, HP, WP, weights, biases, K, winograd, {z}";
            W.Open($"if ({simd}.IsEnabled && {simd}.UseVector512)");
            W.Line($"{WinogradKernels}.{kernel}Vector512({args});");
            W.Close();
            W.Open($"else if ({simd}.IsEnabled)");
            W.Line($"{WinogradKernels}.{kernel}Vector256({args});");
            W.Close();
            W.Open("else");
            W.Line("// Copy x into the padded input; its zero border is never written.");
            W.Line($"{N.Span} xp = padded;");
            W.Open("for (int c = 0; c < C; c++)");
            W.Line($"{N.Rows}.Copy(x.Slice(c * H * W), W, xp.Slice((c * HP + {G.PTN}) * WP + {G.PLN}), WP, H, W);");
            W.Close();
            W.Line($"{Name("Forward")}Scalar(padded, parameters, {z});");
            W.Close();
        }
    }
}
