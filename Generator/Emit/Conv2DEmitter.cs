using System.Collections.Generic;
using StaticNets.Generator.Layers;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// Conv2D. The input is copied into a zero-bordered buffer, then, for stride 1, each filter's output is
/// computed over "wide rows": output (oy, ox) sits at <c>p = oy*WP + ox</c>, where WP is the padded width,
/// so that every tap (c, ky, kx) reads the contiguous run <c>xp[c][p + ky*WP + kx]</c>. That turns the
/// convolution into long vector multiply-adds with constant offsets; the few columns past WO are computed
/// and dropped. The backward pass uses the same rows: weight gradients are dot products of the wide
/// output gradient with shifted input runs, and the input gradient gathers the wide output gradient at
/// the negated offsets. Stride above 1 uses direct loops with the window unrolled; its forward's vector paths
/// (where <c>Conv2DBuffers.StridedWide</c> allows) split the padded input into its SH*SW phases, so that each tap
/// reads a stride-1 run of one phase, and compute wide rows over the phase planes; its backward's run directly where
/// <c>Conv2DBuffers.StridedDirect</c> allows (<c>Conv2DEmitter.StridedBackward.cs</c>: the weight gradients with the
/// filters across the lanes, the input gradient per phase), else (where <c>Conv2DBuffers.StridedBackwardWide</c>
/// allows) dilate dz to the stride-1 output, zeros between, and run the stride-1 backward over it. A 3x3 stride-1 convolution with enough channels, filters and tiles
/// (<c>Conv2DBuffers.Winograd</c>) takes Winograd F(2x2, 3x3) on the vector paths instead of the wide rows
/// (<c>Conv2DEmitter.Winograd.cs</c>).
/// </summary>
/// <remarks>
/// Each pass is a static method that receives every buffer it touches, and dispatches to its variants:
/// <c>Conv1ForwardVector512</c>, <c>Conv1ForwardVector256</c> (the wide rows) and <c>Conv1ForwardScalar</c>,
/// the textbook loop nest over the same buffers. The writers of the forward and backward variants are in
/// <c>Conv2DEmitter.Forward.cs</c> and <c>Conv2DEmitter.Backward.cs</c>.
/// </remarks>
internal sealed partial class Conv2DEmitter : LayerEmitter
{
    /// <summary>Windows up to 7x7 are unrolled; larger ones loop.</summary>
    private const int MaxUnrolled = 49;

    public override IEnumerable<(string Name, string Length, string Type)> Buffers(LayerContext c)
    {
        var l = c.Layer;
        var b = Conv2DBuffers.Of(l, c.NeedsInputGrad);
        string n = Field(l, "");
        yield return (n + "Input", b.PaddedInput.ToString(Inv), "float");
        if (b.Wide > 0) yield return (n + "Wide", b.Wide.ToString(Inv), "float");
        if (b.Staging > 0) yield return (n + "Staging", b.Staging.ToString(Inv), "float");
        if (b.WinogradScratch > 0) yield return (n + "Winograd", b.WinogradScratch.ToString(Inv), "float");
        if (b.LaneScratch > 0) yield return (n + "Lanes", b.LaneScratch.ToString(Inv), "float");
        if (b.WideGrad > 0) yield return (n + "WideGrad", b.WideGrad.ToString(Inv), "float");
        if (b.Dilated > 0) yield return (n + "Dilated", b.Dilated.ToString(Inv), "float");
        if (b.Phases > 0) yield return (n + "Phases", b.Phases.ToString(Inv), "float");
        if (b.GradT > 0) yield return (n + "GradT", b.GradT.ToString(Inv), "float");
        if (b.Panels > 0) yield return (n + "Panels", b.Panels.ToString(Inv), "float");
        if (KeepsLinear(l.Activation)) yield return (n + "Linear", I(l.Out.Size), "float");
        if (b.InputGrad > 0) yield return (n + "InputGrad", b.InputGrad.ToString(Inv), "float");
    }

    private static string Field(LayerShape l, string suffix) => "_" + l.Name + suffix;

    /// <summary>The forward dispatcher's call: its own rearranged weights, where it has any (batch training's replicas share the network's: SharedForwardCall).</summary>
    public override string ForwardCall(LayerContext c) => ForwardCall(c, "null");

    /// <summary>
    /// The forward dispatcher's call, with <paramref name="shared"/> as the scratch whose rearranged weights (Winograd's
    /// U, the filter lanes') to read where the layer has any.
    /// </summary>
    private static string ForwardCall(LayerContext c, string shared)
    {
        var l = c.Layer;
        var g = new Geometry(l);
        var args = new List<string> { c.Input, c.Output };
        if (KeepsLinear(l.Activation)) args.Add(Field(l, "Linear"));
        args.Add("_parameters");
        args.AddRange(ForwardScratch(l, g));
        if (g.Winograd || g.StridedLanes) args.Add(shared);
        return Call(c, "Forward", args.ToArray());
    }

    /// <summary>The scratch buffers the forward dispatcher takes after the parameters, in its parameters' order.</summary>
    private static IEnumerable<string> ForwardScratch(LayerShape l, Geometry g)
    {
        if (!g.ReadsX) yield return Field(l, "Input");
        if (g.WideBuffer) yield return Field(l, "Wide");
        if (g.Staging) yield return Field(l, "Staging");
        if (g.Winograd) yield return Field(l, "Winograd");
        if (g.StridedLanes) yield return Field(l, "Lanes");
        if (g.StridedWide) yield return Field(l, "Phases");
    }

    public override string? BackwardCall(LayerContext c)
    {
        var l = c.Layer;
        var g = new Geometry(l);
        var args = new List<string> { c.OutputGrad };
        if (ActivationBackwardReads(c)) args.Add(c.Output);
        if (ActivationBackwardReads(c) && KeepsLinear(l.Activation)) args.Add(Field(l, "Linear"));
        if (c.NeedsInputGrad) args.Add(c.InputGrad!);
        if (c.NeedsInputGrad) args.Add("_parameters");
        args.Add("_gradients");
        if (g.BackwardCopiesX) args.Add(c.Input);
        args.Add(Field(l, "Input"));
        bool depthwise = g.Depthwise(Geometry.Lanes); // the depthwise backward reads the forward's staging, no wide rows
        var wide = g.StridedBackwardWide ? g.StrideOne() : g;
        bool pointwise = Conv2DBuffers.PointwiseBackward(Conv2DBuffers.GeometryOf(l), l.Groups); // two matrix products, their panels only
        if (pointwise)
        {
            args.Add(Field(l, "Panels"));
            return Call(c, "Backward", args.ToArray());
        }
        if (wide.Wide && !depthwise) args.Add(Field(l, "WideGrad"));
        if (wide.FilterLanes && !depthwise) args.Add(Field(l, "GradT"));
        if (g.StridedBackwardWide && !depthwise) args.Add(Field(l, "Dilated"));
        if (g.StridedDirect && c.NeedsInputGrad) args.Add(Field(l, "WideGrad"));
        if (g.StridedDirect) args.Add(Field(l, "GradT"));
        if (depthwise) args.Add(Field(l, "Staging"));
        if (c.NeedsInputGrad) args.Add(Field(l, "InputGrad"));
        return Call(c, "Backward", args.ToArray());
    }

    /// <summary>Whether the backward differentiates an inline activation (not where the loss already did, with Softmax).</summary>
    private static bool ActivationBackwardReads(LayerContext c) => c.Layer.Activation != ActivationKind.None && !c.FusedSoftmax;

    public override void Forward(SourceWriter w, LayerContext c) => new ForwardWriter(w, c).Write();

    public override void Backward(SourceWriter w, LayerContext c) => new BackwardWriter(w, c).Write();

    /// <summary>What the forward and backward writers share: the layer, its geometry, the names, and the constants.</summary>
    private abstract class ConvWriter
    {
        protected ConvWriter(SourceWriter w, LayerContext c)
            : this(w, c, new Geometry(c.Layer))
        {
        }

        /// <summary>A writer over <paramref name="g"/>, the layer's geometry or a view of it (<see cref="Geometry.StrideOne"/>).</summary>
        protected ConvWriter(SourceWriter w, LayerContext c, Geometry g)
        {
            W = w;
            Context = c;
            Layer = c.Layer;
            G = g;
            N = SpatialNames.For(c);
            U = N.Unsafe;
        }

        protected SourceWriter W { get; }
        protected LayerContext Context { get; }
        protected LayerShape Layer { get; }
        protected Geometry G { get; }
        protected SpatialNames N { get; }

        /// <summary>The <c>Unsafe</c> class, written often.</summary>
        protected string U { get; }

        /// <summary>The shapes the parameter comments give.</summary>
        protected string InShape => $"[{G.C}][{G.H}][{G.W}]";
        protected string OutShape => $"[{G.K}][{G.HO}][{G.WO}]";
        protected string PaddedShape => $"[{G.C}][{G.HP}][{G.WP}]";
        protected string WeightShape => $"weights [{G.K}][{G.C / G.Groups}][{G.FH}][{G.FW}] at {Layer.ParameterOffset}"
            + (G.Bias ? $", biases [{G.K}] at {Layer.ParameterOffset + Layer.WeightCount}" : ", no biases");

        protected string Name(string suffix) => Layer.Member + suffix;

        protected void Constants(bool backward)
        {
            W.Line($"const int C = {G.C}, H = {G.H}, W = {G.W}, K = {G.K}, {G.GeometryConstants};");
            W.Line($"const int {G.PaddedConstants}, HO = {G.HO}, WO = {G.WO};");
            if (G.Grouped) W.Line($"const int Groups = {G.Groups}, CG = C / Groups, KG = K / Groups; // each filter reads the CG channels of its group");
            W.Line(G.Bias
                ? $"const int WeightOffset = {Layer.ParameterOffset}, BiasOffset = {Layer.ParameterOffset + Layer.WeightCount};"
                : $"const int WeightOffset = {Layer.ParameterOffset}; // no biases");
            if (G.StridedWide && !backward)
            {
                W.Line($"const int PH = {G.Phases}, HPh = {G.HPh}, WPh = {G.WPh}; // phases: xp[c][{G.SHN} * i + a][{G.SWN} * j + b] at [c][a * {G.SWN} + b][i][j]");
                W.Line("const int L = (HO - 1) * WPh + WO; // wide rows of the phase planes: output (oy, ox) at oy * WPh + ox");
            }
            if (G.Wide)
            {
                W.Line("const int L = (HO - 1) * WP + WO; // wide rows: output (oy, ox) at oy * WP + ox");
                if (backward)
                {
                    W.Line($"const int LV = (L + 15) / 16 * 16, QV = {G.QV}; // QV: a padded plane rounded up to whole blocks of vectors");
                    W.Line($"const int G = ({G.KH} - 1) * WP + ({G.KWN} - 1), DS = G + QV; // each filter's wide gradient: G zeros, the rows, zeros");
                }
            }
        }

        protected static IEnumerable<(int T, int Ky, int Kx)> Taps(int rows, int columns)
        {
            for (int ky = 0; ky < rows; ky++)
                for (int kx = 0; kx < columns; kx++)
                    yield return (ky * columns + kx, ky, kx);
        }

        /// <summary>Grouped: inside a loop over filters, the first input channel of filter <c>k</c>'s group.</summary>
        protected void GroupOfFilter()
        {
            if (G.Grouped) W.Line("int cb = k / KG * CG; // the first channel of filter k's group");
        }

        /// <summary>Whether the window's taps are written one by one (up to 7x7) rather than looped.</summary>
        protected bool Unrolled => G.FH * G.FW <= MaxUnrolled;

        /// <summary>Writes the window's taps with <c>{w}</c> and <c>{x}</c> replaced by the weight and input expressions.</summary>
        protected void DirectTaps(string pattern, string wRef, string xRef)
        {
            if (Unrolled)
            {
                foreach (var (t, ky, kx) in Taps(G.FH, G.FW))
                {
                    W.Line(pattern.Replace("{w}", $"{U}.Add(ref {wRef}, {I(t)})").Replace("{x}", $"{U}.Add(ref {xRef}, {I(ky * G.WP + kx)})"));
                }
            }
            else
            {
                W.Open($"for (int ky = 0; ky < {G.KH}; ky++)");
                W.Open($"for (int kx = 0; kx < {G.KWN}; kx++)");
                W.Line(pattern.Replace("{w}", $"{U}.Add(ref {wRef}, ky * {G.KWN} + kx)").Replace("{x}", $"{U}.Add(ref {xRef}, ky * WP + kx)"));
                W.Close().Close();
            }
        }

        /// <summary>
        /// The dispatch over the variants, widest first: Vector512 where the hardware has it, then Vector256, then the
        /// scalar method. A vector variant whose least size the layer does not reach is not written.
        /// </summary>
        protected void Dispatch(string pass, string arguments, string scalarArguments, bool vector512, bool vector256)
        {
            string simd = N.Simd;
            if (vector512 || vector256) W.Line("// Dispatch: the widest vector path the hardware has, else the scalar reference loops.");
            string keyword = "if";
            if (vector512)
            {
                W.Open($"if ({simd}.IsEnabled && {simd}.UseVector512)");
                W.Line($"{Name(pass)}Vector512({arguments});");
                W.Close();
                keyword = "else if";
            }
            if (vector256)
            {
                W.Open($"{keyword} ({simd}.IsEnabled)");
                W.Line($"{Name(pass)}Vector256({arguments});");
                W.Close();
                keyword = "else";
            }
            if (keyword == "if")
            {
                W.Line($"{Name(pass)}Scalar({scalarArguments});");
                return;
            }
            W.Open("else");
            W.Line($"{Name(pass)}Scalar({scalarArguments});");
            W.Close();
        }
    }
}
