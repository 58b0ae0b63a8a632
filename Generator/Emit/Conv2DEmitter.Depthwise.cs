using System.Collections.Generic;

namespace StaticNets.Generator.Emit;

internal sealed partial class Conv2DEmitter
{
    /// <summary>
    /// The forward of a depthwise convolution on a small plane (<see cref="Geometry.DepthwiseLanes"/>): the vector
    /// variants run across the channels, so that the per-channel work of the wide rows (a padded copy, a few short
    /// vectors, a gather) becomes three transposes through the staging buffer: x into padded planes <c>[HP][WP][C]</c>
    /// (the border never written), the weights into <c>[FH*FW][C]</c>, and the output back from <c>[HO][WO][C]</c>.
    /// Each output position is then the bias plus one multiply-add per tap over a vector of channels, at any stride.
    /// </summary>
    private sealed partial class ForwardWriter
    {
        /// <summary>The vector variants read x and skip the padded copy, which the scalar branch and the backward make.</summary>
        private void DepthwiseDispatch(string z)
        {
            string simd = N.Simd;
            W.Line("// Dispatch: across the channels from x on the vector paths; the scalar reference loops read the padded copy.");
            W.Open($"if ({simd}.IsEnabled && {simd}.UseVector512)");
            W.Line($"{Name("Forward")}Vector512(x, parameters, staging, {z});");
            W.Close();
            W.Open($"else if ({simd}.IsEnabled)");
            W.Line($"{Name("Forward")}Vector256(x, parameters, staging, {z});");
            W.Close();
            W.Open("else");
            PaddedCopy("Copy x into the padded input; its zero border is never written.");
            W.Line($"{Name("Forward")}Scalar(padded, parameters, {z});");
            W.Close();
        }

        /// <summary>The variant at a width: the transposes in, the taps over vectors of channels, the transpose out.</summary>
        private void DepthwiseLaneMethod(int lanes)
        {
            string v = N.Vector(lanes);
            int taps = G.FH * G.FW;
            var parameters = new List<(string, string, string)>
            {
                (N.ReadOnlySpan, "x", $"{Layer.Name} input {InShape}"),
                ("float[]", "parameters", WeightShape),
                ("float[]", "staging", $"x padded [{G.HP}][{G.WP}][{G.C}], weights [{taps}][{G.C}], output [{G.HO}][{G.WO}][{G.C}]"),
                (N.Span, Z, $"{(Linear ? "before the activation" : "the output")} {OutShape}"),
            };
            W.Line($"/// <summary>{Layer.Name} forward on Vector{lanes * 32}, across the channels: x and the weights transposed, the taps, the output transposed back.</summary>");
            SpatialNames.Signature(W, Context, Name($"ForwardVector{lanes * 32}"), parameters);
            Constants(backward: false);
            W.Line($"const int XS = HP * WP * C, YS = XS + {G.FF} * C; // where the weights and the output start in the staging buffer");
            W.Line($"// x into the padded planes [HP][WP][C]; their zero border is never written.");
            W.Open("for (int c = 0; c < C; c++)");
            W.Open("for (int iy = 0; iy < H; iy++)");
            W.Open("for (int ix = 0; ix < W; ix++)");
            W.Line($"staging[((iy + {G.PTN}) * WP + ix + {G.PLN}) * C + c] = x[(c * H + iy) * W + ix];");
            W.Close().Close().Close();
            W.Line("// The weights [C][1][t] into [t][C].");
            W.Open("for (int c = 0; c < C; c++)");
            W.Open($"for (int t = 0; t < {G.FF}; t++)");
            W.Line($"staging[XS + t * C + c] = parameters[WeightOffset + c * {G.FF} + t];");
            W.Close().Close();
            W.Line($"ref float sr = ref {N.MemoryMarshal}.GetArrayDataReference(staging);");
            W.Line($"ref float wr = ref {N.MemoryMarshal}.GetArrayDataReference(parameters);");
            W.Line($"// {lanes} channels at a time: the {taps} weight vectors held, one multiply-add per tap and position.");
            W.Open($"for (int c = 0; c < C; c += {lanes})");
            foreach (var (t, _, _) in Taps(G.FH, G.FW))
            {
                W.Line($"var w{t} = {v}.LoadUnsafe(ref sr, (nuint)(XS + {I(t)} * C + c));");
            }
            W.Line(G.Bias ? $"var b = {v}.LoadUnsafe(ref wr, (nuint)(BiasOffset + c));" : $"var b = {v}<float>.Zero;");
            W.Open("for (int oy = 0; oy < HO; oy++)");
            W.Open("for (int ox = 0; ox < WO; ox++)");
            W.Line($"ref float xo = ref {U}.Add(ref sr, (oy * {G.SHN} * WP + ox * {G.SWN}) * C + c);");
            W.Line("var a = b;");
            foreach (var (t, ky, kx) in Taps(G.FH, G.FW))
            {
                W.Line($"a = {v}.MultiplyAddEstimate({v}.LoadUnsafe(ref xo, {I((ky * G.WP + kx) * G.C)}), w{t}, a);");
            }
            W.Line($"{v}.StoreUnsafe(a, ref sr, (nuint)(YS + (oy * WO + ox) * C + c));");
            W.Close().Close().Close();
            W.Line("// The output [HO][WO][C] back into [K][HO][WO].");
            W.Open("for (int c = 0; c < C; c++)");
            W.Open("for (int p = 0; p < HO * WO; p++)");
            W.Line($"{Z}[c * HO * WO + p] = staging[YS + p * C + c];");
            W.Close().Close();
            W.Close();
        }
    }
}
