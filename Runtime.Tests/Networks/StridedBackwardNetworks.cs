using StaticNets;

namespace StaticNets.Tests.Networks;

// Strided convolutions whose backward's vector paths run without dilating dz (Conv2DBuffers.StridedDirect), each after
// a layer with parameters so that its input gradient is computed and checked through that layer's weight gradients.

/// <summary>ResNet-8's conv4 in small: 3x3 stride 2, pads (0, 0, 1, 1), 16 channels to 32 filters (whole Vector512s of them).</summary>
[Input(8, 8, 4)]
[Conv2D(16, 3, Padding = 1, Activation = Activation.Tanh)]
[Conv2D(32, 3, Stride = 2, Pads = new[] { 0, 0, 1, 1 }, Activation = Activation.Tanh)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class StridedBackwardPads { }

/// <summary>The same window from 6x10 planes of 8 channels to 3x5 of 24 filters: Vector256s of filters, not Vector512s.</summary>
[Input(6, 10, 3)]
[Conv2D(8, 3, Padding = 1, Activation = Activation.Tanh)]
[Conv2D(24, 3, Stride = 2, Pads = new[] { 0, 0, 1, 1 }, Activation = Activation.Tanh)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class StridedBackwardOdd { }

/// <summary>The keyword spotter's first window in small: 10x4, stride 2, pads (4, 1, 5, 1), 4 channels to 16 filters; no bias.</summary>
[Input(15, 8, 2)]
[Conv2D(4, 3, Padding = 1, Activation = Activation.Tanh)]
[Conv2D(16, 10, 4, Stride = 2, Pads = new[] { 4, 1, 5, 1 }, Bias = false, Activation = Activation.Tanh)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class StridedBackwardTall { }

/// <summary>MobileNet's first window in small: 3 channels to 8 filters, 3x3 stride 2, padding 1; then from 8 channels, pads (1, 1, 0, 0).</summary>
[Input(11, 11, 2)]
[Conv2D(3, 3, Padding = 1, Activation = Activation.Tanh)]
[Conv2D(8, 3, Stride = 2, Padding = 1, Activation = Activation.Tanh)]
[Conv2D(8, 3, Stride = 2, Pads = new[] { 1, 1, 0, 0 }, Activation = Activation.Tanh)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class StridedBackwardFew { }

/// <summary>A projection's shape: 1x1 stride 2 (13x13 of 8 channels to 7x7 of 16), then strides 3 and 2 to 3x4 of 8 filters.</summary>
[Input(13, 13, 3)]
[Conv2D(8, 3, Padding = 1, Activation = Activation.Tanh)]
[Conv2D(16, 1, Stride = 2, Activation = Activation.Tanh)]
[Conv2D(8, 1, StrideHeight = 3, StrideWidth = 2, Activation = Activation.Tanh)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class StridedBackwardPointwise { }
