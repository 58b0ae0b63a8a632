using StaticNets;

namespace StaticNets.Tests.Networks;

// Convolutions on small planes: 1x1 of stride 1 without padding, read from x and written directly (across the
// channels where the plane is shorter than two vectors, in whole vectors past the plane where that computes fewer),
// with channel counts that are not whole vectors.

/// <summary>
/// A 3x3 plane: 21 and 19 channels across the lanes of either width (a tail of 5 and 3 after whole Vector512s), then 18
/// channels to 5 and 5 to 7, fewer than a vector of channels, over the positions.
/// </summary>
[Input(3, 3, 21)]
[Conv2D(19, 1, Activation = Activation.ReLU)]
[Conv2D(18, 1, Bias = false, Activation = Activation.GELU)]
[Conv2D(5, 1, Activation = Activation.Tanh)]
[Conv2D(7, 1)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class PointwisePlane3 { }

/// <summary>
/// Whole planes of 9 and 8 positions, the channels in whole vectors: each pair of filters' first sixteen sums reduced
/// together and stored as one vector (with biases, then without; 32 filters, then 18).
/// </summary>
[Input(3, 3, 16)]
[Conv2D(32, 1, Activation = Activation.ReLU)]
[Conv2D(18, 1, Bias = false)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class PointwisePlane9 { }

/// <summary>A 4x2 plane: exactly sixteen sums per pair of filters.</summary>
[Input(4, 2, 32)]
[Conv2D(16, 1, Activation = Activation.LeakyReLU)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class PointwisePlane8 { }

/// <summary>A 6x6 plane (37 and 35 channels): each filter's plane in whole vectors past it, 3 of 16 or 5 of 8, over x copied in one piece.</summary>
[Input(6, 6, 37)]
[Conv2D(35, 1, Activation = Activation.Tanh)]
[Conv2D(9, 1, Bias = false)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class PointwisePlane6 { }

/// <summary>A 1x1 plane: one position, 45 and 20 channels across the lanes.</summary>
[Input(1, 1, 45)]
[Conv2D(20, 1, Activation = Activation.ReLU)]
[Conv2D(6, 1)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class PointwisePlane1 { }

/// <summary>The keyword spotter's 25x5 plane: over the positions, read and written directly (13 and 11 channels).</summary>
[Input(25, 5, 13)]
[Conv2D(11, 1, Activation = Activation.ReLU)]
[Conv2D(7, 1, Bias = false, Activation = Activation.GELU)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class PointwisePlane25x5 { }

// Depthwise 3x3 of stride 1 and 2, pads "same" and 1, on the planes of the keyword spotter and MobileNet: the wide
// rows, whose padded copy and gather go by two Vector128s a row on rows of 4 to 7.
#pragma warning disable SN3004 // on purpose: PyTorch's stride 2 with padding 1 on an even size leaves the last padding row and column unread

/// <summary>A 3x3 plane, 16 channels: padding 1 with ReLU, then "same" of stride 2 (2x2 out).</summary>
[Input(3, 3, 16)]
[DepthwiseConv2D(3, Padding = 1, Activation = Activation.ReLU)]
[DepthwiseConv2D(3, Stride = 2, PaddingMode = PaddingMode.Same)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class DepthwisePlane3 { }

/// <summary>A 6x6 plane, 32 channels: "same" with Tanh, then stride 2 with padding 1 and no bias (3x3 out).</summary>
[Input(6, 6, 32)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Activation = Activation.Tanh)]
[DepthwiseConv2D(3, Stride = 2, Padding = 1, Bias = false)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class DepthwisePlane6 { }

/// <summary>MobileNet's 12x12 to 6x6: "same" of stride 2, then padding 1 over 6x6.</summary>
[Input(12, 12, 16)]
[DepthwiseConv2D(3, Stride = 2, PaddingMode = PaddingMode.Same, Activation = Activation.ReLU)]
[DepthwiseConv2D(3, Padding = 1)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class DepthwisePlane12 { }

/// <summary>The keyword spotter's 25x5 plane: "same", then stride 2 with padding 1.</summary>
[Input(25, 5, 16)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Activation = Activation.ReLU)]
[DepthwiseConv2D(3, Stride = 2, Padding = 1)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class DepthwisePlane25x5 { }

/// <summary>MobileNet's first depthwise plane, 48x48: "same", then stride 2 with padding 1.</summary>
[Input(48, 48, 4)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Activation = Activation.ReLU)]
[DepthwiseConv2D(3, Stride = 2, Padding = 1)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class DepthwisePlane48 { }
#pragma warning restore SN3004

// The 1x1 backward as two matrix products: channel counts that are not whole vectors, an input gradient written and
// one added (a stride-1 projection of a tensor the next convolution also reads).

/// <summary>
/// A 3x3 plane (9 positions, under a vector): 24 to 40 to 40, then a's 24 channels projected to 40 by a 1x1 convolution
/// whose input gradient is added into a's, then 40 to 24.
/// </summary>
[Input(3, 3, 5)]
[Conv2D(24, 3, Padding = 1, Activation = Activation.ReLU, Name = "a")]
[Conv2D(40, 1, Activation = Activation.ReLU)]
[Conv2D(40, 1, Bias = false)]
[Add("a", Projection = Projection.Conv)]
[ReLU]
[Conv2D(24, 1)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class PointwiseBackward3 { }

/// <summary>
/// The keyword spotter's 25x5 plane (125 positions, not whole vectors) with the layers of <see cref="PointwiseBackward3"/>, Tanh
/// where it has ReLU after the 3x3 (so many positions put too many kinks within the finite differences' step).
/// </summary>
[Input(25, 5, 3)]
[Conv2D(24, 3, Padding = 1, Activation = Activation.ReLU, Name = "a")]
[Conv2D(40, 1, Activation = Activation.Tanh)]
[Conv2D(40, 1, Bias = false)]
[Add("a", Projection = Projection.Conv)]
[Tanh]
[Conv2D(24, 1)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class PointwiseBackward25x5 { }
