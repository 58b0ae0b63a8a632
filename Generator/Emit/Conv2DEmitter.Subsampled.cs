using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

internal sealed partial class Conv2DEmitter
{
    /// <summary>
    /// The forward of a 1x1 convolution of stride above 1 without padding (<see cref="Geometry.Subsampled"/>, a residual
    /// block's projection): on the vector paths, x's strided positions copied into the padded input's buffer as
    /// <c>[C][HO][WO]</c>, then the vector variants of the 1x1 stride-1 convolution over that (<see cref="Geometry.Direct"/>:
    /// read in place, the output written directly), instead of the phases and the wide rows, three quarters of whose
    /// positions a stride of 2 drops. The scalar path copies x there and runs the strided reference loops.
    /// </summary>
    private sealed partial class ForwardWriter
    {
        /// <summary>The 1x1 stride-1 convolution over the subsample: the same layer, its input the <c>[C][HO][WO]</c> positions the stride takes.</summary>
        private ForwardWriter Pointwise()
        {
            var l = Layer with
            {
                In = new Shape(G.C, G.HO, G.WO, Flat: false),
                Stride = 1,
                StrideHeight = 1,
                StrideWidth = 1,
            };
            var c = new LayerContext(l, Context.Index)
            {
                LayersClass = Context.LayersClass,
                Input = Context.Input,
                Output = Context.Output,
            };
            return new ForwardWriter(W, c);
        }

        /// <summary>The dispatch: subsample then the pointwise variants, else x copied and the scalar loops.</summary>
        private void SubsampledDispatch(string z)
        {
            string simd = N.Simd;
            W.Line($"// 1x1, stride {G.SH}x{G.SW}, no padding: the vector paths subsample x into the padded input's buffer as [C][HO][WO],");
            W.Line("// then run the stride-1 1x1 product over it; the scalar reference loops read x copied there.");
            W.Open($"if ({simd}.IsEnabled)");
            W.Line($"ref float xr = ref {N.MemoryMarshal}.GetReference(x);");
            W.Line($"ref float sr = ref {N.MemoryMarshal}.GetArrayDataReference(padded);");
            W.Open("for (int c = 0; c < C; c++)");
            W.Open("for (int oy = 0; oy < HO; oy++)");
            W.Line($"ref float xo = ref {U}.Add(ref xr, (c * H + oy * {G.SHN}) * W);");
            W.Line($"ref float so = ref {U}.Add(ref sr, (c * HO + oy) * WO);");
            W.Open("for (int ox = 0; ox < WO; ox++)");
            W.Line($"{U}.Add(ref so, ox) = {U}.Add(ref xo, ox * {G.SWN});");
            W.Close().Close().Close();
            W.Open($"if ({simd}.UseVector512)");
            W.Line($"{Name("Forward")}Vector512(padded, parameters, {z});");
            W.Close();
            W.Open("else");
            W.Line($"{Name("Forward")}Vector256(padded, parameters, {z});");
            W.Close();
            W.Close();
            W.Open("else");
            W.Line("x.Slice(0, C * H * W).CopyTo(padded);");
            W.Line($"{Name("Forward")}Scalar(padded, parameters, {z});");
            W.Close();
        }

        /// <summary>The pointwise variants at both widths, over the subsample.</summary>
        private void SubsampledMethods()
        {
            var pointwise = Pointwise();
            W.Line();
            pointwise.VectorMethod(16);
            W.Line();
            pointwise.VectorMethod(8);
        }
    }
}
