using StaticNets;

namespace StaticNets.Tests.Networks;

// The convolution geometry: rectangular kernels, per-side pads, "same" padding, per-axis strides, no bias.

/// <summary>
/// Wide rows with a 3x2 kernel and uneven pads (8 filters across the vector lanes for the weight gradient), then a 2x3
/// kernel without bias, and an 8x7 kernel (not unrolled) with per-side pads.
/// </summary>
[Input(12, 11, 3)]
[Conv2D(8, 3, 2, Pads = new[] { 1, 0, 2, 1 }, Activation = Activation.ReLU)]
[Conv2D(3, 2, 3, Bias = false, Activation = Activation.Tanh)]
[Conv2D(2, 8, 7, Pads = new[] { 0, 1, 1, 0 }, Activation = Activation.GELU)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class RectangularNet { }

#pragma warning disable SN3004 // on purpose: the trailing padding column is unread, as in PyTorch
/// <summary>
/// "Same" padding with strides 2 down and 1 across (the direct loops), a 5x1 kernel without bias, then PyTorch's
/// stride 2 with padding 1 on an even width (only the trailing padding column unread).
/// </summary>
[Input(10, 8, 2)]
[Conv2D(4, 3, 5, StrideHeight = 2, StrideWidth = 1, PaddingMode = PaddingMode.Same, Activation = Activation.LeakyReLU)]
[Conv2D(6, 5, 1, Bias = false, PaddingMode = PaddingMode.Same)]
[Conv2D(5, 3, Stride = 2, Padding = 1, Activation = Activation.Tanh)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class SameNet { }
#pragma warning restore SN3004

#pragma warning disable SN2001 // on purpose: PyTorch's floor drops the last input row and column
/// <summary>A stride that drops the last input row and column, lowered: the code follows PyTorch's floor.</summary>
[Input(9, 10, 2)]
[Conv2D(4, 2, 3, Stride = 2, Activation = Activation.Sigmoid)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class FlooredConv { }
#pragma warning restore SN2001

/// <summary>Pads at the top and left: the same shapes and counts as <see cref="PadsBottomRight"/>, another layer.</summary>
[Input(6, 6, 1)]
[Conv2D(2, 3, Pads = new[] { 1, 1, 0, 0 })]
public partial class PadsTopLeft { }

/// <summary>Pads at the bottom and right: the same shapes and counts as <see cref="PadsTopLeft"/>, another layer.</summary>
[Input(6, 6, 1)]
[Conv2D(2, 3, Pads = new[] { 0, 0, 1, 1 })]
public partial class PadsBottomRight { }

/// <summary>
/// Grouped convolutions: two groups on the wide rows (8 filters, but not across the lanes), four groups of one
/// channel each (depthwise, a multiplier of 2) with stride 2, and a grouped 1x1 convolution without bias.
/// </summary>
[Input(10, 9, 4)]
[Conv2D(8, 3, 2, Padding = 1, Groups = 2, Activation = Activation.ReLU)]
[Conv2D(16, 3, Stride = 2, Pads = new[] { 1, 1, 0, 0 }, Groups = 8, Activation = Activation.Tanh)]
[Conv2D(4, 1, Groups = 4, Bias = false, Activation = Activation.GELU)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class GroupedNet { }

/// <summary>
/// The keyword spotter's shape: a rectangular "same" stride-2 convolution without bias, depthwise "same" with a
/// multiplier of 2 (wide rows), a pointwise 1x1 convolution, then a strided rectangular depthwise with per-side pads.
/// </summary>
[Input(13, 10, 2)]
[Conv2D(4, 5, 4, Stride = 2, PaddingMode = PaddingMode.Same, Bias = false, Activation = Activation.ReLU)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Multiplier = 2, Activation = Activation.ReLU)]
[Conv2D(8, 1, Activation = Activation.ReLU)]
[DepthwiseConv2D(3, 2, Stride = 2, Pads = new[] { 1, 0, 1, 1 }, Activation = Activation.Tanh)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class DepthwiseNet { }

/// <summary>
/// Strided convolutions on the vector paths (the padded input split into its phases, wide rows over them): a 3x5
/// kernel with strides 3 down and 2 across and uneven pads, a 2x3 kernel without bias with strides 1 down and 3 across,
/// then a 3x2 depthwise with strides 2 down and 1 across, each long enough for both vector widths.
/// </summary>
[Input(16, 47, 3)]
[Conv2D(8, 3, 5, StrideHeight = 3, StrideWidth = 2, Pads = new[] { 2, 1, 0, 3 }, Activation = Activation.ReLU)]
[Conv2D(6, 2, 3, StrideHeight = 1, StrideWidth = 3, Pads = new[] { 0, 1, 1, 2 }, Bias = false, Activation = Activation.Tanh)]
[DepthwiseConv2D(3, 2, StrideHeight = 2, StrideWidth = 1, Pads = new[] { 1, 0, 0, 1 }, Activation = Activation.GELU)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class StridedVectorNet { }

/// <summary>
/// A strided convolution whose 8x9 window is over 7x7, so that its vector forward loops over the taps (each tap's
/// phase and offset computed) instead of unrolling them, with an odd padded width (23: phases of 12 and 11 columns).
/// </summary>
[Input(20, 21, 2)]
[Conv2D(4, 8, 9, Stride = 2, Padding = 1, Activation = Activation.ReLU)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class LargeStridedNet { }

#pragma warning disable SN3004 // on purpose: PyTorch's MaxPool2d(3, 2, 1) on an even width leaves the trailing padding column unread
/// <summary>
/// Pooling geometry after a Tanh (negative inputs, so -infinity padding differs from zeros): a padded 3x3 max pool of
/// stride 2, a 2x3 average pool of stride 1 with uneven pads (padding not counted), a max pool with strides 1 down
/// and 2 across padded at the top, and a 3x2 average pool with "same" padding and its default strides 3x2.
/// </summary>
[Input(9, 8, 3)]
[Conv2D(4, 3, Padding = 1, Activation = Activation.Tanh)]
[MaxPool(3, Stride = 2, Padding = 1)]
[AvgPool(2, 3, Stride = 1, Pads = new[] { 1, 0, 0, 2 })]
[MaxPool(2, 2, StrideHeight = 1, StrideWidth = 2, Pads = new[] { 1, 0, 0, 0 })]
[AvgPool(3, 2, PaddingMode = PaddingMode.Same)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class PaddedPoolNet { }
#pragma warning restore SN3004

/// <summary>Global pooling: a global max pool into a dense layer (no [Flatten]), beside a global average pool in <see cref="GlobalAvgNet"/>.</summary>
[Input(5, 7, 3)]
[Conv2D(6, 3, Padding = 1, Activation = Activation.Tanh)]
[GlobalMaxPool]
[Dense(3, Activation = Activation.Softmax)]
public partial class GlobalMaxNet { }

/// <summary>A global average pool over a rectangular image into a dense layer, as MobileNet and ResNet end.</summary>
[Input(6, 4, 2)]
[Conv2D(8, 3, 2, PaddingMode = PaddingMode.Same, Activation = Activation.ReLU6)]
[GlobalAvgPool(Name = "gap")]
[Dense(3, Activation = Activation.Softmax)]
public partial class GlobalAvgNet { }

/// <summary>Dense layers without bias: one wide (four rows at a time and a remainder), one into the softmax.</summary>
[Input(11)]
[Dense(7, Bias = false, Activation = Activation.Tanh)]
[Dense(3, Bias = false, Activation = Activation.Softmax)]
public partial class DenseNoBias { }

/// <summary><see cref="DenseNoBias"/> with biases: its export must not import into the layers without bias.</summary>
[Input(11)]
[Dense(7, Activation = Activation.Tanh)]
[Dense(3, Activation = Activation.Softmax)]
public partial class DenseWithBias { }
