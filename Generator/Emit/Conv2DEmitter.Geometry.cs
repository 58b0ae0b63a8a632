using StaticNets.Generator.Layers;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

internal sealed partial class Conv2DEmitter
{
    /// <summary>
    /// The sizes and block shapes of one convolution: its dimensions (named as in the generated constants), the
    /// wide-row lengths, and how many filters, channels and vectors each vector loop takes at once.
    /// </summary>
    private sealed class Geometry
    {
        public Geometry(LayerShape l)
        {
            C = l.In.C; H = l.In.H; W = l.In.W; K = l.Units;
            FH = l.KernelHeight; FW = l.KernelWidth; SH = l.StrideHeight; SW = l.StrideWidth;
            PadT = l.PadTop; PadL = l.PadLeft; PadB = l.PadBottom; PadR = l.PadRight;
            Bias = l.HasBias;
            Groups = System.Math.Max(l.Groups, 1);
            HP = H + PadT + PadB; WP = W + PadL + PadR; HO = l.Out.H; WO = l.Out.W;
            WPh = (WP + SW - 1) / SW;
            HPh = (HP + SH - 1) / SH;
            L = (HO - 1) * WPh + WO;
            LV = (L + 15) / 16 * 16;
            KB = Block(K / Groups);
            CB = Block(C / Groups);
            QV = (int)Conv2DBuffers.RoundedPlane(C, HP * WP);
            G = (FH - 1) * WP + (FW - 1);
            DS = G + QV;
            KW = FW <= 5 && FH <= 5 && K / Groups % 2 == 0 ? 2 : 1;
        }

        /// <summary>Grouped: each filter reads the <c>CG = C / Groups</c> channels of its group (<c>KG = K / Groups</c> filters a group).</summary>
        public int Groups;

        public bool Grouped => Groups > 1;

        /// <summary>The channels a filter reads, as generated code names them: <c>C</c>, or <c>CG</c> when grouped.</summary>
        public string CGN => Grouped ? "CG" : "C";

        /// <summary>The input channel of a filter's channel <paramref name="c"/>: <c>c</c>, or <c>(cb + c)</c> offset by its group's first channel.</summary>
        public string InputChannel(string c) => Grouped ? $"(cb + {c})" : c;

        /// <summary>The kernel is square: the generated code names its side <c>F</c>, else its rows <c>FH</c> and columns <c>FW</c>.</summary>
        public bool SquareKernel => FH == FW;

        /// <summary>All four pads equal: the generated code names them <c>P</c>, else <c>PT</c>, <c>PL</c>, <c>PB</c>, <c>PR</c>.</summary>
        public bool UniformPads => PadT == PadL && PadT == PadB && PadT == PadR;

        /// <summary>The strides equal: the generated code names them <c>S</c>, else <c>SH</c> and <c>SW</c>.</summary>
        public bool EqualStrides => SH == SW;

        /// <summary>The names of the kernel rows and columns, the kernel's size, the strides and the leading pads in generated code.</summary>
        public string KH => SquareKernel ? "F" : "FH";
        public string KWN => SquareKernel ? "F" : "FW";
        public string FF => SquareKernel ? "F * F" : "FH * FW";
        public string SHN => EqualStrides ? "S" : "SH";
        public string SWN => EqualStrides ? "S" : "SW";
        public string PTN => UniformPads ? "P" : "PT";
        public string PLN => UniformPads ? "P" : "PL";

        /// <summary>The geometry constants as the generated code declares them: <c>F = 5, P = 2, S = 1</c> for the lecture's layers.</summary>
        public string GeometryConstants
        {
            get
            {
                string kernel = SquareKernel ? $"F = {FH}" : $"FH = {FH}, FW = {FW}";
                string pads = UniformPads ? $"P = {PadT}" : $"PT = {PadT}, PL = {PadL}, PB = {PadB}, PR = {PadR}";
                string strides = EqualStrides ? $"S = {SH}" : $"SH = {SH}, SW = {SW}";
                return $"{kernel}, {pads}, {strides}";
            }
        }

        /// <summary>The padded sizes as the generated code declares them.</summary>
        public string PaddedConstants => UniformPads ? "HP = H + 2 * P, WP = W + 2 * P" : "HP = H + PT + PB, WP = W + PL + PR";

        /// <summary>Floats in a Vector256; the Vector512 path takes twice as many.</summary>
        public const int Lanes = Conv2DBuffers.Lanes;

        /// <summary>Vectors of positions per forward block at a width (<see cref="Conv2DBuffers.ForwardVectors"/>).</summary>
        public int PB(int lanes) => Conv2DBuffers.ForwardVectors(KB, L, lanes);

        /// <summary>Vectors of positions per input-gradient block at a width.</summary>
        public int QB(int lanes) => Conv2DBuffers.InputGradientVectors(C, HP * WP, lanes);

        private static int Block(int n) => Conv2DBuffers.Block(n);

        private static int Vectors(int block) => Conv2DBuffers.Vectors(block);

        public int C, H, W, K, FH, FW, SH, SW, PadT, PadL, PadB, PadR, HP, WP, HO, WO, L, LV, QV, G, DS;

        /// <summary>A phase plane's rows and columns (<see cref="Conv2DBuffers.PhasePlane"/>): the padded ones for stride 1.</summary>
        public int HPh, WPh;

        /// <summary>Phases a strided forward splits the padded input into: <c>SH*SW</c>.</summary>
        public int Phases => SH * SW;

        /// <summary>Whether the layer adds a bias per filter.</summary>
        public bool Bias;

        /// <summary>Forward: KB filters by PB vectors of positions. Input gradient: CB channels by QB vectors. Weight gradient: KW filters.</summary>
        public int KB, CB, KW;

        public bool Wide => SH == 1 && SW == 1;

        /// <summary>Stride above 1 whose forward vector paths split the padded input into phases, then run wide rows over them (<see cref="Conv2DBuffers.StridedWide"/>).</summary>
        public bool StridedWide => !Wide && Conv2DBuffers.StridedWide(Window, K, L) && !Subsampled && !StridedLanes && !Depthwise(Lanes);

        /// <summary>Strided, on the vector paths with the filters across the lanes (<see cref="Conv2DBuffers.StridedLanes"/>).</summary>
        public bool StridedLanes => Conv2DBuffers.StridedLanes(Window, C, K, Groups, new Shape(K, HO, WO, Flat: false));

        /// <summary>1x1, stride above 1, no padding: the forward's vector paths subsample x, then run the pointwise product (<see cref="Conv2DBuffers.Subsampled"/>).</summary>
        public bool Subsampled => Conv2DBuffers.Subsampled(Window, C, new Shape(K, HO, WO, Flat: false), Groups);

        /// <summary>The forward leaves no copy of x in the padded input: the backward makes it (<see cref="ReadsX"/> or <see cref="Subsampled"/>).</summary>
        public bool BackwardCopiesX => ReadsX || Subsampled;

        /// <summary>
        /// Stride above 1 whose backward vector paths run the stride-1 backward of <see cref="StrideOne"/> over dz dilated
        /// to its output (<see cref="Conv2DBuffers.StridedBackwardWide"/>).
        /// </summary>
        public bool StridedBackwardWide => !Wide && !StridedDirect && Conv2DBuffers.StridedBackwardWide(Window, new Shape(K, HO, WO, false));

        /// <summary>Stride above 1 whose backward vector paths run without dilating dz (<see cref="Conv2DBuffers.StridedDirect"/>).</summary>
        public bool StridedDirect => Conv2DBuffers.StridedDirect(Window, C, K, Groups, new Shape(K, HO, WO, false), HP, WP);

        /// <summary>The most taps of a phase down and across: <c>ceil(FH/SH)</c>, <c>ceil(FW/SW)</c>.</summary>
        public int TH => (FH + SH - 1) / SH;
        public int TW => (FW + SW - 1) / SW;

        /// <summary>The strided direct backward's phase rows: the guard <c>GS</c> and the rounded phase plane <c>QS</c> (<see cref="Conv2DBuffers.PhaseRowsLength"/>).</summary>
        public int GS => (int)Conv2DBuffers.PhaseGuard(Window, WP);
        public int QS => (int)Conv2DBuffers.PhaseRounded(Window, C, HP, WP);

        /// <summary>Vectors of positions per phase input-gradient block at a width.</summary>
        public int QBS(int lanes) => Conv2DBuffers.InputGradientVectors(C, HPh * WPh, lanes);

        /// <summary>
        /// The stride-1 convolution over the same padded input whose every SH-th row's every SW-th column this one takes:
        /// <c>(HO-1)*SH + 1</c> by <c>(WO-1)*SW + 1</c> outputs, the same padded planes, blocks and guard.
        /// </summary>
        public Geometry StrideOne()
        {
            var g = (Geometry)MemberwiseClone();
            g.SH = 1;
            g.SW = 1;
            g.HO = (HO - 1) * SH + 1;
            g.WO = (WO - 1) * SW + 1;
            g.HPh = HP;
            g.WPh = WP;
            g.L = (g.HO - 1) * WP + g.WO;
            g.LV = (g.L + 15) / 16 * 16;
            return g;
        }

        /// <summary>Whether the forward has vector paths over wide rows.</summary>
        public bool ForwardWide => ((Wide && !Winograd) || StridedWide) && !Depthwise(Lanes);

        /// <summary>Whether the forward's vector paths are Winograd F(2x2, 3x3) (<see cref="Conv2DBuffers.Winograd"/>), not wide rows.</summary>
        public bool Winograd => Conv2DBuffers.Winograd(Window, C, K, Groups, new Shape(K, HO, WO, Flat: false));

        /// <summary>Whether the Winograd forward runs with the filters across the lanes (<see cref="Conv2DBuffers.WinogradLanes"/>).</summary>
        public bool WinogradLanes => Conv2DBuffers.WinogradLanes(Window, C, K, Groups, new Shape(K, HO, WO, Flat: false));

        /// <summary>1x1, stride 1, no padding: the forward reads x and writes the output directly (<see cref="Conv2DBuffers.Direct"/>).</summary>
        public bool Direct => Conv2DBuffers.Direct(Window);

        /// <summary>Whether the forward has the wide buffer: vector paths over wide rows that are not the output's layout.</summary>
        public bool WideBuffer => ForwardWide && !Direct || WholeVectors(2 * Lanes) || WholeVectors(Lanes);

        /// <summary>Whether the forward at a width computes each filter's plane in one block of whole vectors (<see cref="Conv2DBuffers.WholeVectors"/>).</summary>
        public bool WholeVectors(int lanes) => Conv2DBuffers.WholeVectors(Window, C, K, HP * WP, lanes, Groups);

        /// <summary>Direct, and no variant reads the padded copy: the forward reads x itself, and the backward copies it.</summary>
        public bool ReadsX => Direct && !WholeVectors(2 * Lanes) && !WholeVectors(Lanes);

        /// <summary>Whether the forward at a width vectorises over the input channels (<see cref="Conv2DBuffers.ChannelLanes"/>).</summary>
        public bool ChannelLanes(int lanes) => Conv2DBuffers.ChannelLanes(Window, C, HP * WP, lanes, Groups);

        /// <summary>Whether the forward has the staging buffer: x transposed to <c>[HW][C]</c> at either width.</summary>
        public bool Staging => ChannelLanes(2 * Lanes) || ChannelLanes(Lanes) || Depthwise(Lanes);

        /// <summary>Whether the depthwise forward at a width runs with the channels across the lanes (<see cref="Conv2DBuffers.DepthwiseLanes"/>).</summary>
        public bool Depthwise(int lanes) => Conv2DBuffers.DepthwiseLanes(Window, C, K, Groups, new Shape(K, HO, WO, Flat: false), lanes);

        private Model.WindowGeometry Window => new(FH, FW, SH, SW, PadT, PadL, PadB, PadR);

        /// <summary>
        /// Whether the vector paths compute the weight gradient with the filters across the lanes (a whole number
        /// of Vector256s of filters, a window unrolled): the output gradient is transposed to <c>[position][filter]</c>
        /// first, and no horizontal sum is needed.
        /// </summary>
        public bool FilterLanes => Wide && Conv2DBuffers.FilterLanes(Window, K, Groups);
    }
}
