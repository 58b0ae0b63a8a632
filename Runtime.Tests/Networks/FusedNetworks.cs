using StaticNets;

namespace StaticNets.Tests.Networks;

// Inference fuses producer -> BatchNorm -> [Add] -> activation chains into one call (FusedInferenceTests).

#pragma warning disable SN3005 // on purpose: a producer's bias before its BatchNorm, so that the fused call adds it too

/// <summary>A convolution, its BatchNorm and a ReLU: one fused call (conv1, bn1, relu1), a plane of 7x6 per channel.</summary>
[Input(7, 6, 3)]
[Conv2D(8, 3, Padding = 1)]
[BatchNorm]
[ReLU]
[Flatten]
[Dense(4)]
public partial class FusedConvNet { }

/// <summary>A depthwise convolution, its BatchNorm and a LeakyReLU, then a strided convolution with its BatchNorm and ReLU6.</summary>
[Input(9, 9, 4)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[LeakyReLU(0.1)]
[Conv2D(6, 3, Stride = 2, PaddingMode = PaddingMode.Same)]
[BatchNorm]
[ReLU6]
[GlobalAvgPool]
[Dense(3)]
public partial class FusedDepthwiseNet { }

/// <summary>Dense layers with their BatchNorms and ReLUs (flat: one value per feature), the second without an activation.</summary>
[Input(20)]
[Dense(19, Bias = false)]
[BatchNorm]
[ReLU]
[Dense(12)]
[BatchNorm]
[Dense(5)]
public partial class FusedDenseNet { }

/// <summary>
/// Residual blocks: conv -> BN -> Add(a) -> ReLU fused with the identity's residual, and conv -> BN -> Add(b, Projection.Conv)
/// -> ReLU with the projection's; a 1x1 plane at the end (one value per channel).
/// </summary>
[Input(8, 8, 4)]
[Conv2D(4, 3, Padding = 1)]
[BatchNorm]
[ReLU(Name = "a")]
[Conv2D(4, 3, Padding = 1, Bias = false)]
[BatchNorm]
[Add("a")]
[ReLU(Name = "b")]
[Conv2D(8, 3, Stride = 2, PaddingMode = PaddingMode.Same)]
[BatchNorm]
[Add("b", Projection = Projection.Conv)]
[ReLU]
[Conv2D(6, 4)]
[BatchNorm]
[ReLU]
[Flatten]
[Dense(3)]
public partial class FusedResidualNet { }

/// <summary>
/// Chains that must not fuse where an [Add] reads the intermediate output: c is read by its BatchNorm and by the first
/// Add (no chain at c), n by its ReLU and by the second Add (c's chain stops at the BatchNorm); the second Add and its
/// ReLU fuse as a sum.
/// </summary>
[Input(6, 6, 3)]
[Conv2D(3, 3, Padding = 1, Name = "c")]
[BatchNorm]
[ReLU]
[Add("c")]
[Conv2D(3, 3, Padding = 1)]
[BatchNorm(Name = "n")]
[ReLU]
[Add("n")]
[ReLU]
[Flatten]
[Dense(2)]
public partial class UnfusedReadersNet { }
#pragma warning restore SN3005

#pragma warning disable SN3005 // on purpose: dwconv2's bias before its BatchNorm, so that the per-lane epilogue follows a bias too

/// <summary>
/// Depthwise chains whose epilogue runs per lane: 12 channels (a tail) "same" with BatchNorm and ReLU6, stride 2 with
/// biases, BatchNorm and LeakyReLU, then BatchNorm alone; a 1x1 to 16 channels, then 16 across a Vector512 with ReLU.
/// </summary>
[Input(9, 8, 12)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[ReLU6]
[DepthwiseConv2D(3, Stride = 2, PaddingMode = PaddingMode.Same)]
[BatchNorm]
[LeakyReLU(0.1)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[Conv2D(16, 1, Bias = false)]
[BatchNorm]
[ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[ReLU]
[GlobalAvgPool]
[Dense(3)]
public partial class FusedDepthwiseLanesNet { }
#pragma warning restore SN3005

#pragma warning disable SN3005 // on purpose: conv2's bias before its BatchNorm, so that the epilogue at the stores follows a bias too

/// <summary>
/// Chains whose vector variants apply the epilogue at their stores: a 1x1 on a 13x10 plane (the output's layout, read
/// and written directly) with ReLU6, a strided 3x3 (phases and wide rows) with biases and BatchNorm alone, and a 1x1
/// on its 7x5 plane (whole vectors) with LeakyReLU; then 1x1s across the channels on a 4x3 plane (blocks of positions)
/// and on a 2x2 plane (all of it at once, with biases).
/// </summary>
[Input(13, 10, 8)]
[Conv2D(16, 1, Bias = false)]
[BatchNorm]
[ReLU6]
[Conv2D(12, 3, Stride = 2, PaddingMode = PaddingMode.Same)]
[BatchNorm]
[Conv2D(16, 1, Bias = false)]
[BatchNorm]
[LeakyReLU(0.1)]
[Conv2D(16, 3, Stride = 2, PaddingMode = PaddingMode.Same)]
[BatchNorm]
[Conv2D(16, 1, Bias = false)]
[BatchNorm]
[ReLU]
[Conv2D(16, 3, Stride = 2, PaddingMode = PaddingMode.Same)]
[BatchNorm]
[Conv2D(20, 1)]
[BatchNorm]
[ReLU6]
[GlobalAvgPool]
[Dense(3)]
public partial class FusedStoresNet { }
#pragma warning restore SN3005

#pragma warning disable SN3005 // on purpose: conv3's and dwconv5's biases before their BatchNorms

/// <summary>
/// 1x1 chains handing their output to the depthwise chain after them in its channels-last staging: conv1 (a 13x10 plane,
/// the output's layout) and conv3 (a 4x3 plane, across the channels, with biases); conv2's 7x5 plane takes whole vectors
/// that run past it, so it keeps its own output.
/// </summary>
[Input(13, 10, 16)]
[Conv2D(16, 1, Bias = false)]
[BatchNorm]
[ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[ReLU]
[DepthwiseConv2D(3, Stride = 2, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[Conv2D(16, 1, Bias = false)]
[BatchNorm]
[ReLU6]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[ReLU]
[DepthwiseConv2D(3, Stride = 2, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[Conv2D(16, 1)]
[BatchNorm]
[LeakyReLU(0.1)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)]
[BatchNorm]
[ReLU]
[GlobalAvgPool]
[Dense(3)]
public partial class HandoffNet { }
#pragma warning restore SN3005

/// <summary>
/// Convolutions handing their output to a depthwise chain: a 3x3 stride 1 on a 9x7 plane of 16 filters (few enough for
/// the filters across the lanes), and a 4x4 stride 2 of 24 filters (the phases' wide rows, whose columns past the
/// output go elsewhere) with ReLU6, each followed by a depthwise chain across the lanes.
/// </summary>
[Input(9, 7, 3)]
[Conv2D(16, 3, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[ReLU]
[Conv2D(24, 4, Stride = 2, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[ReLU6]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[GlobalAvgPool]
[Dense(3)]
public partial class WideHandoffNet { }

/// <summary>A 1x1 handing its output to a depthwise chain of 8 channels, which runs across a Vector256 on every vector path.</summary>
[Input(12, 8, 8)]
[Conv2D(8, 1, Bias = false)]
[BatchNorm]
[ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[ReLU]
[GlobalAvgPool]
[Dense(2)]
public partial class HandoffNet8 { }

#pragma warning disable SN3005 // on purpose: conv2's biases before its BatchNorm

/// <summary>
/// 1x1 chains across the channels over whole planes of 9 and 8 positions, whose first sixteen sums of each pair of
/// filters are reduced together and stored as one vector: conv1 into its own output (3x3), conv2 with biases handing
/// its output to the depthwise after it (stored from the vector one value at a time), conv3 with LeakyReLU. Flattened
/// before the dense layer, not pooled: every output's place shows in the network's output.
/// </summary>
[Input(3, 3, 16)]
[Conv2D(32, 1, Bias = false)]
[BatchNorm]
[ReLU]
[Conv2D(16, 1)]
[BatchNorm]
[ReLU6]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[ReLU]
[Conv2D(18, 1, Bias = false)]
[BatchNorm]
[LeakyReLU(0.1)]
[Flatten]
[Dense(3)]
public partial class WholePlaneNet { }
#pragma warning restore SN3005

/// <summary>A 1x1 chain across the channels over a whole 4x2 plane: exactly sixteen sums per pair of filters, one vector.</summary>
[Input(4, 2, 32)]
[Conv2D(16, 1, Bias = false)]
[BatchNorm]
[ReLU]
[Flatten]
[Dense(3)]
public partial class WholePlaneNet8 { }
