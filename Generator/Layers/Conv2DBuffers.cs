using System.Numerics;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Layers;

/// <summary>
/// The scratch buffers of a convolution, in floats, as <c>Conv2DEmitter</c> allocates them and the SN2006
/// memory bound counts them: one arithmetic for both. The input is copied into a zero-bordered buffer of
/// <c>C</c> planes of <c>HP*WP</c>. For stride 1 the output is computed over wide rows of <c>L</c> positions
/// per filter (stride above 1: the forward only, where <see cref="StridedWide"/> allows), and their gradient holds per filter a guard of <c>G</c> zeros and a plane rounded up to whole
/// blocks of vectors (<c>QV</c>); with the filters across the vector lanes the output gradient is also
/// transposed. A strided backward on the vector paths runs directly where <see cref="StridedDirect"/> allows (dz
/// transposed, dz in phase rows, the input gradient in phase planes), else (<see cref="StridedBackwardWide"/>) it has
/// the same buffers for the stride-1 output, and dz dilated to it (<c>Dilated</c>). The input gradient is padded as the input is (rounded
/// up to <c>QV</c> where the backward runs over wide rows). Each buffer
/// has <see cref="LayerRule.Slack"/> spare floats that vector loops may read past its end; zero means not allocated.
/// Computed exactly, in <see cref="BigInteger"/>, so that no argument overflows here; the emitter sees only
/// networks within the limit, where every length fits an int.
/// </summary>
internal sealed partial record Conv2DBuffers(
    BigInteger PaddedInput, BigInteger Wide, BigInteger WideGrad, BigInteger GradT, BigInteger InputGrad, BigInteger Dilated = default,
    BigInteger Staging = default, BigInteger Phases = default)
{
    /// <summary>The Winograd forward's scratch (<see cref="WinogradScratch"/>), where <see cref="Winograd"/> applies; zero if not.</summary>
    public BigInteger WinogradScratch { get; init; }

    /// <summary>The filter-lane forward's scratch (<see cref="LaneLength"/>), where <see cref="StridedLanes"/> applies; zero if not.</summary>
    public BigInteger LaneScratch { get; init; }

    /// <summary>The pointwise backward's panels (<see cref="PanelLength"/>), where <see cref="PointwiseBackward"/> applies; zero if not.</summary>
    public BigInteger Panels { get; init; }

    /// <summary>Floats in a Vector256; the Vector512 path takes twice as many.</summary>
    public const int Lanes = 8;

    /// <summary>All of them together.</summary>
    public BigInteger Total => PaddedInput + Wide + WideGrad + GradT + InputGrad + Dilated + Staging + Phases + WinogradScratch + LaneScratch + Panels;

    public static Conv2DBuffers Of(LayerShape layer, bool needsInputGrad) =>
        Of(layer.In, layer.Out, GeometryOf(layer), needsInputGrad, layer.Groups);

    /// <summary>A square kernel with equal strides and the same padding on every side.</summary>
    public static Conv2DBuffers Of(Shape input, Shape output, int kernel, int stride, int padding, bool needsInputGrad) =>
        Of(input, output, WindowGeometry.Square(kernel, stride, padding), needsInputGrad);

    /// <summary>The layer's window as resolved.</summary>
    public static WindowGeometry GeometryOf(LayerShape l) =>
        new(l.KernelHeight, l.KernelWidth, l.StrideHeight, l.StrideWidth, l.PadTop, l.PadLeft, l.PadBottom, l.PadRight);

    public static Conv2DBuffers Of(Shape input, Shape output, WindowGeometry g, bool needsInputGrad, int groups = 1)
    {
        BigInteger hp = g.PaddedHeight(input.H), wp = g.PaddedWidth(input.W), plane = hp * wp;
        int filters = output.C;
        bool wide = WideRows(g);
        BigInteger rounded = RoundedPlane(input.C, plane);
        BigInteger positions = WidePositions(g, output, wp);
        bool wholeVectors = WholeVectors(g, input.C, filters, plane, 2 * Lanes, groups) || WholeVectors(g, input.C, filters, plane, Lanes, groups);
        bool winograd = Winograd(g, input.C, filters, groups, output);
        bool depthwise = DepthwiseLanes(g, input.C, filters, groups, output, Lanes);
        bool lanes = StridedLanes(g, input.C, filters, groups, output);
        bool forwardWide = ((wide && !winograd) || (StridedWide(g, filters, positions) && !Subsampled(g, input.C, output, groups) && !lanes)) && !Direct(g) && !depthwise;
        bool channelLanes = ChannelLanes(g, input.C, plane, 2 * Lanes, groups) || ChannelLanes(g, input.C, plane, Lanes, groups);
        // A strided backward on the vector paths runs directly (StridedDirect: dz transposed, its phase rows, the phase planes of
        // the input gradient), else the stride-1 backward over dz dilated to the stride-1 output.
        // A depthwise backward with the channels across the lanes reads the forward's staging instead (its input gradient: the padded plane).
        bool direct = StridedDirect(g, input.C, filters, groups, output, hp, wp);
        bool backwardWide = (wide || (!direct && StridedBackwardWide(g, output))) && !depthwise && !PointwiseBackward(g, groups);
        (BigInteger gradRows, BigInteger gradColumns) = wide ? (output.H, output.W) : StrideOneOutput(g, output);
        WindowGeometry gradWindow = g with { StrideHeight = 1, StrideWidth = 1 };
        BigInteger guard = (g.KernelHeight - 1) * wp + g.KernelWidth - 1;
        // A stride-1 input gradient with the channels across the lanes: bordered dz and arranged weights, dx channels-last.
        bool laneInput = wide && needsInputGrad && backwardWide && StrideOneLanes(g, input.C, filters, groups);
        BigInteger laneRows = (BigInteger)(input.H + g.KernelHeight - 1) * (input.W + g.KernelWidth - 1) * filters
            + (BigInteger)filters * input.C * g.KernelHeight * g.KernelWidth;
        return new Conv2DBuffers(
            PaddedInput: input.C * plane + LayerRule.Slack,
            Wide: forwardWide ? filters * positions + LayerRule.Slack : wholeVectors ? filters * ((plane + 15) / 16 * 16) + LayerRule.Slack : 0,
            WideGrad: laneInput ? laneRows + LayerRule.Slack
                : backwardWide ? filters * (guard + rounded) + LayerRule.Slack
                : direct && needsInputGrad ? filters * PhaseRowsLength(g, input.C, hp, wp) + LayerRule.Slack : 0,
            GradT: backwardWide && FilterLanes(gradWindow, filters, groups) ? gradRows * gradColumns * filters + LayerRule.Slack
                : direct ? (BigInteger)output.H * output.W * filters + LayerRule.Slack : 0,
            InputGrad: laneInput ? 2 * input.C * (BigInteger)input.H * input.W + LayerRule.Slack
                : needsInputGrad && !PointwiseBackward(g, groups)
                ? (depthwise && DepthwiseGather(g, input, output) ? DepthwiseGatherLength(g, input)
                    : input.C * (backwardWide ? rounded : direct ? PhaseGradLength(g, input.C, hp, wp) : plane)) + LayerRule.Slack : 0,
            Dilated: backwardWide && !wide ? filters * gradRows * gradColumns + LayerRule.Slack : 0,
            Staging: channelLanes ? input.C * plane + LayerRule.Slack
                : depthwise ? DepthwiseStaging(g, input.C, plane, output) + LayerRule.Slack : 0,
            Phases: forwardWide && !wide ? input.C * g.StrideHeight * g.StrideWidth * PhasePlane(g, hp, wp) + LayerRule.Slack : 0)
        {
            WinogradScratch = winograd ? WinogradLength(input.C, filters, output.H, output.W) : 0,
            LaneScratch = lanes ? LaneLength(input.C, filters, g.KernelHeight, g.KernelWidth, output.H, output.W) : 0,
            Panels = PointwiseBackward(g, groups) ? PanelLength(input.C, filters, plane) + LayerRule.Slack : 0,
        };
    }

    /// <summary>
    /// Whether the backward's vector paths are two matrix products over the planes (<c>StaticNets.__Internals.PointwiseBackward</c>),
    /// reading x and dz as they are and writing dx directly: <see cref="Direct"/> and ungrouped. No wide rows, no transposed dz,
    /// no padded input gradient; the products' panels instead (<see cref="PanelLength"/>).
    /// </summary>
    public static bool PointwiseBackward(WindowGeometry g, int groups) => Direct(g) && groups <= 1;

    /// <summary>
    /// The pointwise backward's panels, as <c>PointwiseBackward.PanelLength</c> computes them: the larger of
    /// <c>⌈max(C, K)/16⌉·16·P</c> and <c>⌈max(P, C)/16⌉·16·K</c>.
    /// </summary>
    public static BigInteger PanelLength(int channels, int filters, BigInteger positions)
    {
        BigInteger wide = (BigInteger.Max(channels, filters) + 15) / 16 * 16, deep = (BigInteger.Max(positions, channels) + 15) / 16 * 16;
        return BigInteger.Max(wide * positions, deep * filters);
    }

    /// <summary>The fewest input channels, and filters, for the Winograd forward.</summary>
    public const int WinogradLeast = 8;

    /// <summary>
    /// The fewest 2x2 output tiles for the Winograd forward: measured on ResNet-8, it beats the wide rows on 16x16 and
    /// 32x32 planes (64 and 256 tiles: 47.6 -> 35.7 and 46.1 -> 36.8 µs) but not on 8x8 (16 tiles, 64 channels:
    /// 62.9 -> 64.7 µs), where the filter transform and the tiles' rounding weigh as much as the products.
    /// </summary>
    public const int WinogradLeastTiles = 64;

    /// <summary>
    /// Whether the forward's vector paths use Winograd F(2x2, 3x3) (<c>StaticNets.__Internals.Winograd</c>) instead
    /// of the wide rows: a 3x3 window at stride 1, ungrouped, at least <see cref="WinogradLeast"/> channels and filters,
    /// the filters in fours (the kernel's block), and at least <see cref="WinogradLeastTiles"/> output tiles.
    /// </summary>
    public static bool Winograd(WindowGeometry g, int channels, int filters, int groups, Shape output) =>
        WideRows(g) && g.KernelHeight == 3 && g.KernelWidth == 3 && groups <= 1
        && channels >= WinogradLeast && filters >= WinogradLeast && filters % 4 == 0
        && (WinogradTiles(output) >= WinogradLeastTiles || (filters % WinogradLaneFilters == 0 && WinogradTiles(output) >= WinogradLeastLaneTiles));

    /// <summary>The 2x2 output tiles of a plane: <c>⌈HO/2⌉·⌈WO/2⌉</c>.</summary>
    private static long WinogradTiles(Shape output) => (long)((output.H + 1) / 2) * ((output.W + 1) / 2);

    /// <summary>The filters of the filter-lane Winograd forward come in multiples of this: two Vector512s.</summary>
    public const int WinogradLaneFilters = 32;

    /// <summary>
    /// The fewest 2x2 output tiles for the filter-lane Winograd forward (<see cref="WinogradLanes"/>): below that, the
    /// filter transform, done on every call, weighs more than the multiplies saved.
    /// </summary>
    public const int WinogradLeastLaneTiles = 16;

    /// <summary>
    /// Whether a <see cref="Winograd"/> forward runs with the filters across the lanes (<c>Winograd.ForwardLanes*</c>):
    /// wherever the filters come in multiples of <see cref="WinogradLaneFilters"/>. Measured (the kernels alone, thread
    /// CPU time, Vector512): 8x8 outputs of 64 channels and filters (16 tiles, ResNet-8's conv7), where vectors of tiles
    /// lose to the direct wide rows; 16x16 of 32 (conv5) 32.6 -> 27.2 µs; 32x32 of 32 112 -> 110 µs.
    /// </summary>
    public static bool WinogradLanes(WindowGeometry g, int channels, int filters, int groups, Shape output) =>
        Winograd(g, channels, filters, groups, output) && filters % WinogradLaneFilters == 0;

    /// <summary>
    /// The Winograd scratch, as <c>Winograd.Length</c> computes it: parity planes <c>[C][4][TH+1][S]</c>, U
    /// <c>[16][K][C]</c>, V <c>[16][C][TP]</c>, M <c>[16][K][TP]</c> (each position ξ an odd number of 64-byte lines
    /// apart), the weights U was computed from and a flag (<c>K*C*9 + 16</c>) and 16 spare floats, with <c>TH = ⌈HO/2⌉</c>,
    /// <c>S = ⌈WO/2⌉ + 1</c> and TP the <c>TH*S</c> tiles rounded up to 16.
    /// </summary>
    public static BigInteger WinogradLength(int channels, int filters, int outputHeight, int outputWidth)
    {
        BigInteger rows = (outputHeight + 1) / 2, stride = (outputWidth + 1) / 2 + 1;
        BigInteger padded = (rows * stride + 15) / 16 * 16;
        BigInteger kept = filters * (BigInteger)channels * 9 + 16;
        return channels * 4 * (rows + 1) * stride + 16 * (Spread(filters * (BigInteger)channels) + Spread(channels * padded) + Spread(filters * padded))
            + kept + 16;
    }

    /// <summary>A matrix's size rounded up to an odd number of 64-byte lines: the distance between its 16 positions ξ.</summary>
    private static BigInteger Spread(BigInteger floats) => ((floats + 15) / 16 | 1) * 16;

    /// <summary>
    /// The output of the stride-1 convolution whose every SH-th row's every SW-th column a strided one takes:
    /// <c>(HO-1)*SH + 1</c> by <c>(WO-1)*SW + 1</c>.
    /// </summary>
    public static (BigInteger Rows, BigInteger Columns) StrideOneOutput(WindowGeometry g, Shape output) =>
        ((BigInteger)(output.H - 1) * g.StrideHeight + 1, (BigInteger)(output.W - 1) * g.StrideWidth + 1);

    /// <summary>
    /// Whether a strided convolution's backward runs on the vector paths: dz dilated to the stride-1 output (zeros
    /// between), then the stride-1 backward, which spends about SH*SW times the multiply-adds at vector speed; so only
    /// where <c>SH*SW &lt;= </c><see cref="MaxStridedWork"/> and the dilated dz takes at most <see cref="MaxStridedWide"/> floats.
    /// </summary>
    public static bool StridedBackwardWide(WindowGeometry g, Shape output)
    {
        if (WideRows(g) || g.StrideHeight * g.StrideWidth > MaxStridedWork) return false;
        (BigInteger rows, BigInteger columns) = StrideOneOutput(g, output);
        return output.C * rows * columns <= MaxStridedWide;
    }

    /// <summary>
    /// Whether a strided convolution's backward runs on the vector paths directly, without dilating dz: ungrouped, the
    /// filters a whole number of Vector256s (the weight gradient takes them across the lanes, dz transposed to
    /// <c>[HO*WO][K]</c>, reading the padded input at the strided positions), a window of at most 7 columns and 49 taps
    /// (unrolled), <c>SH*SW &lt;= </c><see cref="MaxStridedWork"/>. The input gradient is computed per phase of the
    /// padded input (<see cref="PhasePlane"/>): phase (a, b) is the stride-1 correlation of dz, in rows of the phase
    /// width (<see cref="PhaseRowsLength"/>), with the taps <c>(a + SH*ty, b + SW*tx)</c>, into <c>[C][SH*SW][QS]</c>
    /// (<see cref="PhaseGradLength"/>), then interleaved into dx.
    /// </summary>
    public static bool StridedDirect(WindowGeometry g, int channels, int filters, int groups, Shape output, BigInteger paddedHeight, BigInteger paddedWidth) =>
        !WideRows(g) && groups <= 1 && filters % Lanes == 0 && g.KernelWidth <= 7 && g.KernelHeight * g.KernelWidth <= 49
        && g.StrideHeight * g.StrideWidth <= MaxStridedWork
        && filters * PhaseRowsLength(g, channels, paddedHeight, paddedWidth) <= MaxStridedWide
        && channels * PhaseGradLength(g, channels, paddedHeight, paddedWidth) <= MaxStridedWide
        && output.H * (BigInteger)output.W * filters <= MaxStridedWide;

    /// <summary>
    /// <c>GS</c>: the zeros before a filter's dz in phase rows, <c>(TH-1)*WPh + TW-1</c>, where <c>TH = ceil(FH/SH)</c> and
    /// <c>TW = ceil(FW/SW)</c> are the most taps of a phase down and across.
    /// </summary>
    public static BigInteger PhaseGuard(WindowGeometry g, BigInteger paddedWidth) =>
        (PhaseSide(g.KernelHeight, g.StrideHeight) - 1) * PhaseSide(paddedWidth, g.StrideWidth) + PhaseSide(g.KernelWidth, g.StrideWidth) - 1;

    /// <summary><c>QS</c>: a phase plane rounded up to whole input-gradient blocks of either width (<see cref="RoundedPlane"/>).</summary>
    public static BigInteger PhaseRounded(WindowGeometry g, int channels, BigInteger paddedHeight, BigInteger paddedWidth) =>
        RoundedPlane(channels, PhasePlane(g, paddedHeight, paddedWidth));

    /// <summary>A filter's dz in phase rows: <c>GS</c> zeros, then output (oy, ox) at <c>oy*WPh + ox</c> in <c>QS</c> floats.</summary>
    public static BigInteger PhaseRowsLength(WindowGeometry g, int channels, BigInteger paddedHeight, BigInteger paddedWidth) =>
        PhaseGuard(g, paddedWidth) + PhaseRounded(g, channels, paddedHeight, paddedWidth);

    /// <summary>A channel's input gradient in phase planes: <c>SH*SW*QS</c> floats (at least the <c>HP*WP</c> the scalar loops use).</summary>
    public static BigInteger PhaseGradLength(WindowGeometry g, int channels, BigInteger paddedHeight, BigInteger paddedWidth) =>
        g.StrideHeight * g.StrideWidth * PhaseRounded(g, channels, paddedHeight, paddedWidth);

    /// <summary>
    /// Whether the forward reads x and writes the output in place of the padded input and the wide rows: a 1x1 kernel,
    /// stride 1, no padding, where the wide rows are the output's layout (<c>WP == WO</c>). The backward then copies x
    /// into the padded input itself (the forward does not).
    /// </summary>
    public static bool Direct(WindowGeometry g) =>
        WideRows(g) && g.KernelHeight == 1 && g.KernelWidth == 1 && g.PadTop == 0 && g.PadLeft == 0 && g.PadBottom == 0 && g.PadRight == 0;

    /// <summary>The filters of the filter-lane strided forward come in multiples of this: two Vector512s.</summary>
    public const int LaneFilters = 32;

    /// <summary>
    /// Whether a strided convolution's forward runs on the vector paths with the filters across the lanes
    /// (<c>StaticNets.__Internals.ConvolutionLanes</c>), reading the padded input directly, instead of phases and wide
    /// rows: ungrouped, a window of at most 3x3, at least <see cref="WinogradLeast"/> channels, the filters in multiples of
    /// <see cref="LaneFilters"/>, and not <see cref="Subsampled"/>. Measured (the kernel alone, thread CPU time, Vector512)
    /// on ResNet-8's conv6 (3x3 stride 2, 32 to 64 filters, 16x16 to 8x8) 25.5 µs against 35.7 for its layer, and conv4
    /// (16 to 32, 32x32 to 16x16) 24.2 against 29.2.
    /// </summary>
    public static bool StridedLanes(WindowGeometry g, int channels, int filters, int groups, Shape output) =>
        !WideRows(g) && groups <= 1 && g.KernelHeight <= 3 && g.KernelWidth <= 3 && channels >= WinogradLeast
        && filters % LaneFilters == 0 && !Subsampled(g, channels, output, groups);

    /// <summary>
    /// The filter-lane forward's scratch, as <c>ConvolutionLanes.Length</c> computes it: the weights arranged
    /// <c>[C][FH][FW][K]</c>, the weights they were arranged from and a flag (16 floats), the output <c>[HO*WO][K]</c>, and 16
    /// spare floats.
    /// </summary>
    public static BigInteger LaneLength(int channels, int filters, int kernelHeight, int kernelWidth, int outputHeight, int outputWidth)
    {
        BigInteger weights = (BigInteger)filters * channels * kernelHeight * kernelWidth;
        return 2 * weights + 16 + (BigInteger)outputHeight * outputWidth * filters + 16;
    }

    /// <summary>
    /// Whether a 1x1 convolution of stride above 1 without padding (a residual block's projection) runs its forward's
    /// vector paths as a subsample and a pointwise product: x's strided positions copied into the padded input's buffer
    /// as <c>[C][HO][WO]</c>, then the forward of the 1x1 stride-1 convolution over that, which reads its input and
    /// writes the output directly (<see cref="Direct"/>, neither <see cref="ChannelLanes"/> nor
    /// <see cref="WholeVectors"/> at either width, and a vector of positions at least). No wide rows and no phases; the backward copies x into the padded
    /// input itself.
    /// </summary>
    public static bool Subsampled(WindowGeometry g, int channels, Shape output, int groups)
    {
        if (WideRows(g) || groups > 1 || g.KernelHeight != 1 || g.KernelWidth != 1) return false;
        if (g.PadTop != 0 || g.PadLeft != 0 || g.PadBottom != 0 || g.PadRight != 0) return false;
        var pointwise = new WindowGeometry(1, 1, 1, 1, 0, 0, 0, 0);
        BigInteger plane = (BigInteger)output.H * output.W;
        return plane >= 2 * Lanes
            && !ChannelLanes(pointwise, channels, plane, 2 * Lanes, groups) && !ChannelLanes(pointwise, channels, plane, Lanes, groups)
            && !WholeVectors(pointwise, channels, output.C, plane, 2 * Lanes, groups) && !WholeVectors(pointwise, channels, output.C, plane, Lanes, groups);
    }

    /// <summary>
    /// Whether a <see cref="Direct"/> convolution's forward at a width vectorises over the input channels instead of the
    /// positions: a plane of at most <see cref="ChannelLanePlane"/> vectors, too short for whole vectors of positions,
    /// and at least a vector of channels. x is transposed to <c>[HW][C]</c> in the staging buffer, then each output is
    /// a dot product over the channels of a weight row and a position's row.
    /// </summary>
    public static bool ChannelLanes(WindowGeometry g, int channels, BigInteger plane, int lanes, int groups) =>
        groups <= 1 && Direct(g) && channels >= lanes && plane <= ChannelLanePlane * lanes;

    /// <summary>The planes, in vectors of positions, below which <see cref="ChannelLanes"/> applies.</summary>
    public const int ChannelLanePlane = 2;

    /// <summary>
    /// Whether a <see cref="Direct"/> convolution's forward at a width (not grouped, not <see cref="ChannelLanes"/>)
    /// computes each filter's plane as one block of whole vectors, the last running past the plane (into the next
    /// channel and, for the last, the padded copy's slack), into rows rounded up to whole vectors that are then
    /// copied out: where that takes at most 12 accumulators and fewer vectors than the blocks of
    /// <see cref="ForwardVectors"/>, the last overlapping the one before (a 6x6 plane: 3 vectors of 16 against 4).
    /// </summary>
    public static bool WholeVectors(WindowGeometry g, int channels, int filters, BigInteger plane, int lanes, int groups)
    {
        if (groups > 1 || !Direct(g) || ChannelLanes(g, channels, plane, lanes, groups) || plane < lanes || plane % lanes == 0) return false;
        if (plane > 12 * lanes) return false;
        int positions = (int)plane, vectors = (positions + lanes - 1) / lanes, block = Block(filters);
        return vectors * block <= 12 && ForwardWork(ForwardVectors(block, positions, lanes), positions, lanes) > vectors;
    }

    /// <summary>
    /// Vectors of positions per forward block at a width, for <paramref name="block"/> filters at a time over
    /// <paramref name="positions"/>: from the usual count (about 8 accumulators) up to 12 accumulators, the count
    /// that computes the fewest vectors in all, since the last block of a filter's wide row overlaps the one before
    /// (LeNet-5's conv2: 3 vectors of 16 cover its 136 positions in 144, 2 vectors in 160).
    /// </summary>
    public static int ForwardVectors(int block, int positions, int lanes)
    {
        int best = System.Math.Max(1, System.Math.Min(Vectors(block), positions / lanes));
        int most = System.Math.Min(12 / block, positions / lanes);
        for (int v = best + 1; v <= most; v++)
        {
            if (ForwardWork(v, positions, lanes) < ForwardWork(best, positions, lanes)) best = v;
        }
        return best;
    }

    /// <summary>Vectors computed per filter over <paramref name="positions"/> in blocks of <paramref name="vectors"/>.</summary>
    public static int ForwardWork(int vectors, int positions, int lanes) => (positions + lanes * vectors - 1) / (lanes * vectors) * vectors;

    /// <summary>
    /// Positions of a filter's wide rows (<c>L</c>): output (oy, ox) at <c>oy*WPh + ox</c>, where <c>WPh</c> is the width
    /// of a phase plane (<see cref="PhasePlane"/>; the padded width for stride 1), so <c>(HO-1)*WPh + WO</c>.
    /// </summary>
    public static BigInteger WidePositions(WindowGeometry g, Shape output, BigInteger paddedWidth) =>
        (BigInteger)(output.H - 1) * PhaseSide(paddedWidth, g.StrideWidth) + output.W;

    /// <summary>
    /// Floats of a phase plane of a strided convolution's padded input: phase (a, b) of a channel holds
    /// <c>xp[SH*i + a][SW*j + b]</c> at <c>[i][j]</c>, <c>ceil(HP/SH)</c> by <c>ceil(WP/SW)</c>, so that every tap of the
    /// window reads a stride-1 run of one phase: tap (ky, kx) of output (oy, ox) is phase (ky % SH, kx % SW) at
    /// <c>(oy + ky / SH, ox + kx / SW)</c>.
    /// </summary>
    public static BigInteger PhasePlane(WindowGeometry g, BigInteger paddedHeight, BigInteger paddedWidth) =>
        PhaseSide(paddedHeight, g.StrideHeight) * PhaseSide(paddedWidth, g.StrideWidth);

    /// <summary>A side of a phase plane: <c>ceil(side / stride)</c>.</summary>
    public static BigInteger PhaseSide(BigInteger side, int stride) => (side + stride - 1) / stride;

    /// <summary>The most phases (<c>SH*SW</c>) of the strided forward's vector paths, and the most multiply-adds per output the strided backward's may spend.</summary>
    public const int MaxStridedWork = 9;

    /// <summary>Most floats of wide rows (all filters) the strided vector paths may allocate: 4 MB.</summary>
    public const int MaxStridedWide = 1 << 20;

    /// <summary>
    /// Whether a strided convolution's forward runs on the vector paths: the padded input is split into its SH*SW
    /// phases (<see cref="PhasePlane"/>), then the wide rows of the phase planes computed as for stride 1, each tap
    /// reading its phase, and gathered; where <c>SH*SW &lt;= </c><see cref="MaxStridedWork"/> and the rows take at most
    /// <see cref="MaxStridedWide"/> floats.
    /// </summary>
    public static bool StridedWide(WindowGeometry g, int filters, BigInteger positions) =>
        !WideRows(g) && g.StrideHeight * g.StrideWidth <= MaxStridedWork && filters * positions <= MaxStridedWide;

    /// <summary>Whether the convolution runs over wide rows: stride 1 on both axes.</summary>
    public static bool WideRows(WindowGeometry g) => g.StrideHeight == 1 && g.StrideWidth == 1;

    /// <summary>
    /// Whether the vector paths compute the weight gradient with the filters across the lanes (a whole number
    /// of Vector256s of filters, a window unrolled): the output gradient is transposed to <c>[position][filter]</c>.
    /// </summary>
    public static bool FilterLanes(WindowGeometry g, int filters, int groups = 1) => groups <= 1 && WideRows(g) && g.KernelWidth <= 7 && filters % Lanes == 0;

    /// <summary>
    /// Whether a stride-1 convolution's input gradient on the vector paths runs with the channels across the lanes (the
    /// filters across the lanes for its weight gradient, <see cref="FilterLanes"/>, and the channels a whole number of
    /// Vector256s): dz transposed to channels-last with a zero border of <c>FH-1-PT</c> rows above, <c>FW-1-PL</c> columns
    /// left (so every pad below the kernel's side), the weights arranged as <c>[FH*FW][K][C]</c> after it in the wide
    /// gradient's buffer, dx computed as <c>[H*W][C]</c> in the input gradient's, then transposed (through a second
    /// <c>C*H*W</c> where it is added). Up to 5x5 (its taps unrolled). No wide rows, no padded input gradient: the
    /// scalar reference loops use neither.
    /// </summary>
    public static bool StrideOneLanes(WindowGeometry g, int channels, int filters, int groups) =>
        FilterLanes(g, filters, groups) && channels % Lanes == 0 && g.KernelHeight <= 5 && g.KernelWidth <= 5
        && g.PadTop < g.KernelHeight && g.PadLeft < g.KernelWidth && g.PadBottom < g.KernelHeight && g.PadRight < g.KernelWidth;

    /// <summary>
    /// <c>QV</c>: a padded plane of <paramref name="plane"/> floats rounded up so that whole input-gradient blocks of
    /// either vector width fit (a multiple of both widths' block steps).
    /// </summary>
    public static BigInteger RoundedPlane(int channels, BigInteger plane)
    {
        BigInteger step = Lcm(Lanes * InputGradientVectors(channels, plane, Lanes), 2 * Lanes * InputGradientVectors(channels, plane, 2 * Lanes));
        return (plane + step - 1) / step * step;
    }

    /// <summary>Vectors of positions per input-gradient block at a width (<c>QB</c>).</summary>
    public static int InputGradientVectors(int channels, BigInteger plane, int lanes) =>
        (int)BigInteger.Max(1, BigInteger.Min(Vectors(Block(channels)), (plane + lanes - 1) / lanes));

    /// <summary>Filters (or channels) computed together: the largest of 4, 3, 2, 1 that divides the count.</summary>
    public static int Block(int n) => n % 4 == 0 ? 4 : n % 3 == 0 ? 3 : n % 2 == 0 ? 2 : 1;

    /// <summary>Vectors of positions per block, so that about 8 accumulators stay in registers.</summary>
    public static int Vectors(int block) => block == 4 ? 2 : block == 3 ? 3 : 4;

    private static int Lcm(int a, int b)
    {
        int x = a, y = b;
        while (y != 0) (x, y) = (y, x % y);
        return a / x * b;
    }
}
