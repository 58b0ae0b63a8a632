using System.Numerics;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Layers;

/// <summary>The depthwise convolution's buffers: the forward across the lanes and its staging, the gathered backward.</summary>
internal sealed partial record Conv2DBuffers
{
    /// <summary>
    /// Whether a depthwise convolution's forward at a width runs with the channels across the vector lanes: one filter
    /// per channel (groups = channels = filters), at least a vector of channels, a window of at most 7x7 (unrolled,
    /// its taps' weights held in registers). The padded input is transposed to <c>[HP][WP][C]</c>, the weights to
    /// <c>[FH*FW][C]</c>, the output computed as <c>[HO][WO][C]</c> and transposed back (<see cref="DepthwiseStaging"/>).
    /// Measured on the keyword spotter and MobileNet (thread CPU time, against the wide rows per plane): faster on every
    /// layer of 16 channels or more (64 on 25x5: 7.1 -> 3.6-4.2 µs; 16 to 256 channels on 48x48 to 3x3, stride 1 and 2:
    /// 1.2 to 4.4 times); slower then with 8 channels on 48x48 (9.2 -> 11.6 µs), where the wide rows are long and waste
    /// little and 8 channels fill only a Vector256. Since inference's depthwise chains store their output transposed in
    /// registers and take their input from the convolution before them already channels-last, those 8 channels are
    /// faster across the lanes too (MobileNet's dwconv1 in its chain 8.0 -> 6.9 µs): so from a Vector256 of channels
    /// (<see cref="DepthwiseLanesChannels"/>) on any plane, and with fewer only on output planes of at most
    /// <see cref="DepthwiseLanesPlane"/> positions.
    /// </summary>
    public static bool DepthwiseLanes(WindowGeometry g, int channels, int filters, int groups, Shape output, int lanes) =>
        groups > 1 && groups == channels && filters == channels && channels >= lanes && g.KernelHeight * g.KernelWidth <= 49
        && (channels >= DepthwiseLanesChannels || (long)output.H * output.W <= DepthwiseLanesPlane);

    /// <summary>
    /// Whether a depthwise backward across the lanes gathers its input gradient (stride 1, no pad past the window's
    /// reach, an output plane as large as the input's): dz transposed into the interior of a zero-bordered
    /// <c>[H+FH-1][W+FW-1][C]</c> (<see cref="DepthwiseGatherLength"/>), each input's gradient its window's sum, written to
    /// <c>[H][W][C]</c> where the staging held the forward's output. Nothing cleared, nothing scattered.
    /// </summary>
    public static bool DepthwiseGather(WindowGeometry g, Shape input, Shape output) => WideRows(g)
        && g.PadTop < g.KernelHeight && g.PadBottom < g.KernelHeight && g.PadLeft < g.KernelWidth && g.PadRight < g.KernelWidth
        && (long)input.H * input.W <= (long)output.H * output.W;

    /// <summary>The gathered input gradient's buffer: dz zero-bordered, <c>[H+FH-1][W+FW-1][C]</c>.</summary>
    public static BigInteger DepthwiseGatherLength(WindowGeometry g, Shape input) =>
        (BigInteger)input.C * (input.H + g.KernelHeight - 1) * (input.W + g.KernelWidth - 1);

    /// <summary>The channels from which the depthwise forward runs across the lanes on any plane: a Vector256 of them.</summary>
    public const int DepthwiseLanesChannels = Lanes;

    /// <summary>The largest output plane on which fewer channels run across the lanes.</summary>
    public const int DepthwiseLanesPlane = 256;

    /// <summary>
    /// The depthwise forward's staging: the input <c>[HP*WP][C]</c>, the weights <c>[FH*FW][C]</c>, the output
    /// <c>[HO*WO][C]</c>, and a fused epilogue's scales and shifts <c>[2][C]</c>.
    /// </summary>
    public static BigInteger DepthwiseStaging(WindowGeometry g, int channels, BigInteger plane, Shape output) =>
        channels * (plane + g.KernelHeight * g.KernelWidth + (BigInteger)output.H * output.W + 2);
}
