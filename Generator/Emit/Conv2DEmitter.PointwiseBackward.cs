using System.Collections.Generic;
using StaticNets.Generator.Layers;

namespace StaticNets.Generator.Emit;

internal sealed partial class Conv2DEmitter
{
    /// <summary>
    /// The backward of a 1x1 convolution of stride 1 without padding, ungrouped (<see cref="Conv2DBuffers.PointwiseBackward"/>):
    /// on the vector paths, two matrix products over the planes by the Runtime's <c>PointwiseBackward</c>, the weight
    /// gradient <c>dW[k][c] += sum over p of dz[k][p] * x[c][p]</c> and the input gradient
    /// <c>dx[c][p] = sum over k of w[k][c] * dz[k][p]</c> (added where the backward adds), reading x and dz as they are and
    /// writing dx directly, with only the products' panels for scratch. The scalar loops stay the reference.
    /// </summary>
    private sealed partial class BackwardWriter
    {
        /// <summary>Whether the backward is the pointwise one.</summary>
        private bool Pointwise => Conv2DBuffers.PointwiseBackward(Conv2DBuffers.GeometryOf(Layer), Layer.Groups);

        private void WritePointwise()
        {
            var parameters = new List<(string, string, string)>
            {
                (N.Span, "dy", $"gradient of the output {OutShape}"),
            };
            if (ActivationBackwardReads(Context))
            {
                parameters.Add((N.ReadOnlySpan, "y", $"{Layer.Name} output {OutShape}"));
                if (KeepsLinear(Layer.Activation)) parameters.Add(("float[]", "linear", $"before the activation {OutShape}"));
            }
            if (Dx) parameters.Add((N.Span, "dx", $"gradient of the input {InShape}; {(Adds ? "added into" : "written")}"));
            if (Dx) parameters.Add(("float[]", "parameters", WeightShape));
            parameters.Add(("float[]", "gradients", "weight and bias gradients at the same offsets; added into"));
            if (G.ReadsX) parameters.Add((N.ReadOnlySpan, "x", $"{Layer.Name} input {InShape}"));
            parameters.Add(("float[]", "padded", G.ReadsX ? $"x copied here for the scalar loops {PaddedShape}" : $"the forward's copy of x {PaddedShape}"));
            parameters.Add(("float[]", "panels", "the products' packed panels"));

            string dx = Dx ? $"; {(Adds ? "adds into" : "writes")} dx" : "";
            W.Line($"/// <summary>{Layer.Name} backward: adds into its weight and bias gradients{dx}.</summary>");
            SpatialNames.Signature(W, Context, Name("Backward"), parameters);
            Constants(backward: false);
            LinearGradient();
            string simd = N.Simd;
            string xs = G.ReadsX ? "x" : "padded";
            string vector = Dx ? $"dz, dx, parameters, gradients, {xs}, panels" : $"dz, gradients, {xs}, panels";
            W.Line("// 1x1, stride 1, no padding: the vector paths' gradients are two matrix products over the [C][H * W] planes.");
            W.Open($"if ({simd}.IsEnabled && {simd}.UseVector512)");
            W.Line($"{Name("Backward")}Vector512({vector});");
            W.Close();
            W.Open($"else if ({simd}.IsEnabled)");
            W.Line($"{Name("Backward")}Vector256({vector});");
            W.Close();
            W.Open("else");
            if (G.ReadsX) W.Line("x.Slice(0, C * H * W).CopyTo(padded); // the scalar loops read the padded input");
            W.Line($"{Name("Backward")}Scalar({(Dx ? "dz, dx, parameters, gradients, padded" : "dz, gradients, padded")});");
            W.Close();
            W.Close();
            W.Line();
            ProductsMethod(512);
            W.Line();
            ProductsMethod(256);
            W.Line();
            ScalarMethod();
        }

        private void ProductsMethod(int bits)
        {
            var parameters = new List<(string, string, string)> { (N.ReadOnlySpan, "dz", $"gradient of the linear output {OutShape}") };
            if (Dx) parameters.Add((N.Span, "dx", $"gradient of the input {InShape}; {(Adds ? "added into" : "written")}"));
            if (Dx) parameters.Add(("float[]", "parameters", WeightShape));
            parameters.Add(("float[]", "gradients", "weight and bias gradients at the same offsets; added into"));
            parameters.Add(G.ReadsX ? (N.ReadOnlySpan, "x", $"{Layer.Name} input {InShape}") : ("float[]", "padded", $"the forward's copy of x {PaddedShape}"));
            parameters.Add(("float[]", "panels", "the products' packed panels"));
            W.Line($"/// <summary>{Layer.Name} backward on Vector{bits}: the weight gradient{(Dx ? " and the input gradient" : "")} as matrix products.</summary>");
            SpatialNames.Signature(W, Context, Name($"BackwardVector{bits}"), parameters);
            W.Line($"const int C = {G.C}, H = {G.H}, W = {G.W}, K = {G.K}, WeightOffset = {Layer.ParameterOffset};");
            W.Line($"{N.ReadOnlySpan} xs = {(G.ReadsX ? "x.Slice(0, C * H * W)" : $"new {N.ReadOnlySpan}(padded, 0, C * H * W)")};");
            W.Line("// Weights: dW[k][c] += sum over p of dz[k][p] * x[c][p].");
            W.Line($"PointwiseBackward.WeightGradientVector{bits}(dz, xs, new {N.Span}(gradients, WeightOffset, K * C), K, C, H * W, panels);");
            if (Dx)
            {
                W.Line($"// Input: dx[c][p] {Store} sum over k of w[k][c] * dz[k][p].");
                W.Line($"{N.ReadOnlySpan} w = new {N.ReadOnlySpan}(parameters, WeightOffset, K * C);");
                W.Line($"PointwiseBackward.InputGradientVector{bits}(w, dz, dx, K, C, H * W, add: {(Adds ? "true" : "false")}, panels);");
            }
            W.Close();
        }
    }
}
