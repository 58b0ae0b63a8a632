using System.Collections.Generic;

namespace StaticNets.Generator.Emit;

internal sealed partial class Conv2DEmitter
{
    /// <summary>
    /// The backward pass: <c>Conv1Backward</c> differentiates the inline activation in place, sums the bias
    /// gradients and dispatches; the vector variants spread dz into wide rows for the weight and input gradients
    /// (<c>Conv2DEmitter.Gradients.cs</c>); <c>Conv1BackwardScalar</c> is the loop nest over the same buffers.
    /// The input gradient is written into dx, or added into it where <see cref="LayerContext.AddsInputGrad"/>.
    /// </summary>
    private sealed partial class BackwardWriter : ConvWriter
    {
        public BackwardWriter(SourceWriter w, LayerContext c)
            : base(w, c)
        {
        }

        /// <summary>A writer of the stride-1 view's vector methods (<see cref="Geometry.StrideOne"/>).</summary>
        private BackwardWriter(SourceWriter w, LayerContext c, Geometry view)
            : base(w, c, view)
        {
            dilatedView = true;
        }

        /// <summary>Whether this writes the stride-1 view's methods of a strided layer (dz dilated), not a stride-1 layer's.</summary>
        private readonly bool dilatedView;

        private bool Dx => Context.NeedsInputGrad;

        private bool Adds => Context.AddsInputGrad;

        /// <summary><c>=</c> or <c>+=</c>: how the input gradient is stored.</summary>
        private string Store => Adds ? "+=" : "=";

        public void Write()
        {
            if (Pointwise)
            {
                WritePointwise();
                return;
            }
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
            if (G.BackwardCopiesX) parameters.Add((N.ReadOnlySpan, "x", $"{Layer.Name} input {InShape}"));
            parameters.Add(("float[]", "padded", G.BackwardCopiesX ? $"x copied here {PaddedShape}" : $"the forward's padded input {PaddedShape}"));
            // Strided, on the vector paths: directly (StridedDirect), else the stride-1 backward over dz dilated to the stride-1 output.
            // Depthwise with the channels across the lanes: the forward's staging instead of wide rows.
            var view = G.StridedBackwardWide && !DepthwiseLanes ? G.StrideOne() : null;
            var wide = DepthwiseLanes ? null : view ?? G;
            if (wide is { Wide: true }) parameters.Add(("float[]", "wideGrad", LaneInputGradient ? LaneWideGrad : $"dz in wide rows [{G.K}][{wide.DS}]"));
            if (wide is { FilterLanes: true }) parameters.Add(("float[]", "gradT", $"dz transposed [{wide.HO * wide.WO}][{G.K}]"));
            if (view is not null) parameters.Add(("float[]", "dilated", $"dz dilated to the stride-1 output [{G.K}][{view.HO}][{view.WO}]"));
            if (DepthwiseLanes) parameters.Add(("float[]", "staging", DepthwiseBackwardStaging));
            if (G.StridedDirect) StridedDirectParameters(parameters);
            else if (Dx) parameters.Add(("float[]", "paddedGrad", LaneInputGradient ? LanePaddedGrad : $"gradient of the padded input [{G.C}][{(wide is { Wide: true } ? G.QV : G.HP * G.WP)}]"));

            string dx = Dx ? $"; {(Adds ? "adds into" : "writes")} dx" : "";
            W.Line($"/// <summary>{Layer.Name} backward: adds into its weight and bias gradients{dx}.</summary>");
            SpatialNames.Signature(W, Context, Name("Backward"), parameters);
            Constants(backward: true);
            if (G.BackwardCopiesX)
            {
                W.Line(G.ReadsX
                    ? "// The forward read x directly (1x1, stride 1, no padding): copy it here for the gradients' loops."
                    : "// The forward's vector paths left x subsampled here (1x1, no padding): copy x for the gradients' loops.");
                W.Line("x.Slice(0, C * H * W).CopyTo(padded);");
            }
            LinearGradient();

            string head = Dx ? "dz, dx, parameters, gradients, padded" : "dz, gradients, padded";
            if (DepthwiseLanes)
            {
                DepthwiseBackward(G.Wide ? head : head + (Dx ? ", paddedGrad" : ""));
            }
            else if (G.Wide)
            {
                string vector = head + ", wideGrad" + (G.FilterLanes ? ", gradT" : "") + (Dx ? ", paddedGrad" : "");
                Dispatch("Backward", vector, head, vector512: true, vector256: true);
                W.Close();
                W.Line();
                VectorMethod(16);
                W.Line();
                VectorMethod(8);
                W.Line();
                ScalarMethod();
            }
            else if (G.StridedDirect)
            {
                StridedDirectMethods(head);
            }
            else if (view is not null)
            {
                string vector = (Dx ? "dilated, dx, parameters, gradients, padded" : "dilated, gradients, padded")
                    + ", wideGrad" + (view.FilterLanes ? ", gradT" : "") + (Dx ? ", paddedGrad" : "");
                DilatedDispatch(view, vector, head + (Dx ? ", paddedGrad" : ""));
                W.Close();
                W.Line();
                var stride1 = new BackwardWriter(W, Context, view);
                stride1.VectorMethod(16);
                W.Line();
                stride1.VectorMethod(8);
                W.Line();
                StridedMethod();
            }
            else
            {
                Dispatch("Backward", "", head + (Dx ? ", paddedGrad" : ""), vector512: false, vector256: false);
                W.Close();
                W.Line();
                StridedMethod();
            }
        }

        /// <summary>
        /// dz, the gradient of the linear output, from dy: the inline activation's derivative applied in place (unless
        /// the loss already took the fused softmax), then the bias gradient, the sum of dz over each filter's plane.
        /// </summary>
        private void LinearGradient()
        {
            if (ActivationBackwardReads(Context))
            {
                string z = KeepsLinear(Layer.Activation) ? "linear" : "y";
                ActivationBackward(W, Layer.Activation, Layer.Alpha, z, "y", "dy", "dy");
            }
            W.Line(Context.FusedSoftmax
                ? $"{N.ReadOnlySpan} dz = dy; // the loss wrote softmax-and-cross-entropy's gradient with respect to the logits"
                : Layer.Activation == Model.ActivationKind.None
                    ? $"{N.ReadOnlySpan} dz = dy;"
                    : $"{N.ReadOnlySpan} dz = dy; // the activation's derivative was applied in place above");
            if (G.Bias)
            {
                W.Line("// Bias: the sum of dz over each filter's plane.");
                W.Open("for (int k = 0; k < K; k++)");
                W.Line($"gradients[BiasOffset + k] += {N.TensorPrimitives}.Sum(dz.Slice(k * HO * WO, HO * WO));");
                W.Close();
            }
        }

        /// <summary>
        /// Strided, where the vector paths take it: dz dilated (output (oy, ox) at (oy*SH, ox*SW) of the stride-1 output,
        /// zeros between), then the stride-1 backward's vector methods over it; the scalar loops take dz as it is.
        /// </summary>
        private void DilatedDispatch(Geometry view, string vector, string scalar)
        {
            string simd = N.Simd;
            W.Line($"const int HO1 = {view.HO}, WO1 = {view.WO}; // the stride-1 output the vector paths compute");
            W.Line("// Dispatch: the widest vector path the hardware has, over dz dilated, else the scalar reference loops.");
            W.Open($"if ({simd}.IsEnabled)");
            W.Line($"{N.Array}.Clear(dilated);");
            W.Open("for (int k = 0; k < K; k++)");
            W.Open("for (int oy = 0; oy < HO; oy++)");
            W.Line($"{N.ReadOnlySpan} row = dz.Slice((k * HO + oy) * WO, WO);");
            W.Line($"int at = (k * HO1 + oy * {G.SHN}) * WO1;");
            W.Open("for (int ox = 0; ox < WO; ox++)");
            W.Line($"dilated[at + ox * {G.SWN}] = row[ox];");
            W.Close().Close().Close();
            W.Open($"if ({simd}.UseVector512)");
            W.Line($"{Name("Backward")}Vector512({vector});");
            W.Close();
            W.Open("else");
            W.Line($"{Name("Backward")}Vector256({vector});");
            W.Close();
            W.Close();
            W.Open("else");
            W.Line($"{Name("Backward")}Scalar({scalar});");
            W.Close();
        }

        private List<(string, string, string)> VariantParameters(bool wide, bool scratch)
        {
            var list = new List<(string, string, string)> { (N.ReadOnlySpan, "dz", $"gradient of the linear output {OutShape}") };
            if (Dx) list.Add((N.Span, "dx", $"gradient of the input {InShape}; {(Adds ? "added into" : "written")}"));
            if (Dx) list.Add(("float[]", "parameters", WeightShape));
            list.Add(("float[]", "gradients", "weight and bias gradients at the same offsets; added into"));
            list.Add(("float[]", "padded", $"the forward's padded input {PaddedShape}"));
            if (wide) list.Add(("float[]", "wideGrad", LaneInputGradient ? LaneWideGrad : $"dz in wide rows [{G.K}][{G.DS}]"));
            if (wide && G.FilterLanes) list.Add(("float[]", "gradT", $"dz transposed [{G.HO * G.WO}][{G.K}]"));
            if (Dx && scratch) list.Add(("float[]", "paddedGrad", LaneInputGradient && wide ? LanePaddedGrad : $"gradient of the padded input [{G.C}][{(G.Wide ? G.QV : G.HP * G.WP)}]"));
            return list;
        }

        /// <summary>
        /// The textbook backward over the same buffers: each weight's gradient is the correlation of dz with the
        /// padded input, each input's gradient the sum over the outputs whose window holds it.
        /// </summary>
        private void ScalarMethod()
        {
            W.Line($"/// <summary>{Layer.Name} backward, scalar: the weight gradients, then the input gradient, one value at a time.</summary>");
            SpatialNames.Signature(W, Context, Name("BackwardScalar"), VariantParameters(wide: false, scratch: false));
            Constants(backward: false);
            W.Line("// Weights: dW[k][c][ky][kx] += sum over oy, ox of dz[k][oy][ox] * xp[c][oy + ky][ox + kx].");
            W.Open("for (int k = 0; k < K; k++)");
            GroupOfFilter();
            W.Open($"for (int c = 0; c < {G.CGN}; c++)");
            W.Open($"for (int ky = 0; ky < {G.KH}; ky++)");
            W.Open($"for (int kx = 0; kx < {G.KWN}; kx++)");
            W.Line("float s = 0f;");
            W.Open("for (int oy = 0; oy < HO; oy++)");
            W.Open("for (int ox = 0; ox < WO; ox++)");
            W.Line($"s += dz[(k * HO + oy) * WO + ox] * padded[({G.InputChannel("c")} * HP + oy + ky) * WP + ox + kx];");
            W.Close().Close();
            W.Line($"gradients[WeightOffset + ((k * {G.CGN} + c) * {G.KH} + ky) * {G.KWN} + kx] += s;");
            W.Close().Close().Close().Close();
            if (!Dx)
            {
                W.Close();
                return;
            }
            W.Line($"// Input: dx[c][iy][ix] = sum over k, ky, kx of w[k][c][ky][kx] * dz[k][iy + {G.PTN} - ky][ix + {G.PLN} - kx], where that output exists.");
            W.Open("for (int c = 0; c < C; c++)");
            W.Open("for (int iy = 0; iy < H; iy++)");
            W.Open("for (int ix = 0; ix < W; ix++)");
            W.Line("float s = 0f;");
            if (G.Grouped)
            {
                W.Line("int cb = c / CG * CG, kb = c / CG * KG; // channel c's group: its first channel and first filter");
                W.Open("for (int k = kb; k < kb + KG; k++)");
            }
            else
            {
                W.Open("for (int k = 0; k < K; k++)");
            }
            W.Open($"for (int ky = 0; ky < {G.KH}; ky++)");
            W.Line($"int oy = iy + {G.PTN} - ky;");
            W.Open("if ((uint)oy >= HO)");
            W.Line("continue;");
            W.Close();
            W.Open($"for (int kx = 0; kx < {G.KWN}; kx++)");
            W.Line($"int ox = ix + {G.PLN} - kx;");
            W.Open("if ((uint)ox >= WO)");
            W.Line("continue;");
            W.Close();
            string channel = G.Grouped ? "k * CG + c - cb" : "k * C + c";
            W.Line($"s += parameters[WeightOffset + (({channel}) * {G.KH} + ky) * {G.KWN} + kx] * dz[(k * HO + oy) * WO + ox];");
            W.Close().Close().Close();
            W.Line($"dx[(c * H + iy) * W + ix] {Store} s;");
            W.Close().Close().Close();
            W.Close();
        }

        /// <summary>Stride above 1: each output's gradient flows to its window's weights and inputs, the window unrolled.</summary>
        private void StridedMethod()
        {
            W.Line($"/// <summary>{Layer.Name} backward, scalar: each output's gradient flows to its window's weights and inputs.</summary>");
            SpatialNames.Signature(W, Context, Name("BackwardScalar"), VariantParameters(wide: false, scratch: true));
            Constants(backward: false);
            W.Line($"ref float xr = ref {N.MemoryMarshal}.GetArrayDataReference(padded);");
            W.Line($"ref float gw = ref {N.MemoryMarshal}.GetArrayDataReference(gradients);");
            if (Dx)
            {
                W.Line($"ref float wr = ref {N.MemoryMarshal}.GetArrayDataReference(parameters);");
                W.Line($"{N.Array}.Clear(paddedGrad);");
                W.Line($"ref float dr = ref {N.MemoryMarshal}.GetArrayDataReference(paddedGrad);");
            }
            W.Open("for (int k = 0; k < K; k++)");
            GroupOfFilter();
            W.Open("for (int oy = 0; oy < HO; oy++)");
            W.Open("for (int ox = 0; ox < WO; ox++)");
            W.Line("float d = dz[(k * HO + oy) * WO + ox];");
            W.Open($"for (int c = 0; c < {G.CGN}; c++)");
            W.Line($"int at = {G.InputChannel("c")} * HP * WP + oy * {G.SHN} * WP + ox * {G.SWN};");
            W.Line($"ref float xc = ref {U}.Add(ref xr, at);");
            W.Line($"ref float wc = ref {U}.Add(ref gw, WeightOffset + (k * {G.CGN} + c) * {G.FF});");
            DirectTaps("{w} += d * {x};", "wc", "xc");
            if (Dx)
            {
                W.Line($"ref float dc = ref {U}.Add(ref dr, at);");
                W.Line($"ref float kc = ref {U}.Add(ref wr, WeightOffset + (k * {G.CGN} + c) * {G.FF});");
                DirectTaps("{x} += d * {w};", "kc", "dc");
            }
            W.Close().Close().Close().Close();
            if (Dx) Crop("HP * WP");
            W.Close();
        }

        /// <summary>The interior of the padded input gradient into dx: copied, or added where dx already holds a gradient.</summary>
        private void Crop(string plane)
        {
            if (!Adds)
            {
                W.Line("// Crop the border: dx is the interior of the padded gradient.");
                W.Open("for (int c = 0; c < C; c++)");
                W.Line($"{N.ReadOnlySpan} interior = new {N.ReadOnlySpan}(paddedGrad, c * {plane} + {G.PTN} * WP + {G.PLN}, (H - 1) * WP + W);");
                W.Line($"{N.Rows}.Copy(interior, WP, dx.Slice(c * H * W, H * W), W, H, W);");
                W.Close();
                return;
            }
            W.Line("// Add the interior of the padded gradient into dx, a row at a time.");
            W.Open("for (int c = 0; c < C; c++)");
            W.Open("for (int iy = 0; iy < H; iy++)");
            W.Line($"{N.Span} row = dx.Slice((c * H + iy) * W, W);");
            W.Line($"{N.ReadOnlySpan} interior = new {N.ReadOnlySpan}(paddedGrad, c * {plane} + (iy + {G.PTN}) * WP + {G.PLN}, W);");
            W.Line($"{N.TensorPrimitives}.Add(row, interior, row);");
            W.Close().Close();
        }
    }
}
