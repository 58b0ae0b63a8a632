using StaticNets;

namespace StaticNets.Tests.Networks;

// Depthwise convolutions with the channels across the vector lanes (x transposed to [HP][WP][C]): one Vector256 of
// channels, a tail after whole vectors, the keyword spotter's 64 channels on its 25x5 plane, odd planes, a rectangular
// window, strides of 2 with the asymmetric "same" padding and explicit asymmetric pads, inline activations.
#pragma warning disable SN3004 // on purpose: stride 2 with explicit pads that leave the last padding row or column unread

/// <summary>8 channels, one Vector256 (the Vector512 path takes it too): "same" of stride 1 with ReLU, then "same" of stride 2 on an even plane (no pad before, one after).</summary>
[Input(8, 10, 8)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Activation = Activation.ReLU)]
[DepthwiseConv2D(3, Stride = 2, PaddingMode = PaddingMode.Same)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class DepthwiseLanes8 { }

/// <summary>
/// 12 channels (a tail: the last vector overlaps the one before) on an odd 7x9 plane: a 3x5 window "same" with Tanh,
/// then stride 2 with pads 1, 0, 1, 1 and no biases, then strides 2 by 1 "same".
/// </summary>
[Input(7, 9, 12)]
[DepthwiseConv2D(3, 5, PaddingMode = PaddingMode.Same, Activation = Activation.Tanh)]
[DepthwiseConv2D(3, Stride = 2, Pads = new[] { 1, 0, 1, 1 }, Bias = false)]
[DepthwiseConv2D(3, StrideHeight = 2, StrideWidth = 1, PaddingMode = PaddingMode.Same, Activation = Activation.ReLU)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class DepthwiseLanes12 { }

/// <summary>The keyword spotter's plane, 64 channels: "same" of stride 1 with ReLU, then "same" of stride 2 (25x5 to 13x3), then a 1x1 to 16 and "same" again.</summary>
[Input(25, 5, 64)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Activation = Activation.ReLU)]
[DepthwiseConv2D(3, Stride = 2, PaddingMode = PaddingMode.Same)]
[Conv2D(16, 1, Activation = Activation.ReLU)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class DepthwiseLanes64 { }
