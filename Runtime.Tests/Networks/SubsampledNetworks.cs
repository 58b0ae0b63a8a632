using StaticNets;

namespace StaticNets.Tests.Networks;

// 1x1 convolutions of stride above 1 without padding (a residual block's projection): on the vector paths x's strided
// positions are subsampled into [C][HO][WO], then the stride-1 pointwise product runs over them (Conv2DBuffers.Subsampled).

/// <summary>15x31 planes of 8 channels to 8x16 of 16, stride 2, ReLU; pooled into a softmax.</summary>
[Input(15, 31, 8)]
[Conv2D(16, 1, Stride = 2, Activation = Activation.ReLU)]
[GlobalAvgPool]
[Dense(3, Activation = Activation.Softmax)]
public partial class SubsampledEven { }

/// <summary>Odd input sizes (5x31, 12 channels) to 3x16 of 8, stride 2, no bias, Tanh.</summary>
[Input(5, 31, 12)]
[Conv2D(8, 1, Stride = 2, Bias = false, Activation = Activation.Tanh)]
[GlobalAvgPool]
[Dense(3, Activation = Activation.Softmax)]
public partial class SubsampledOdd { }

/// <summary>Strides 3 and 2 (13x33, 6 channels, to 5x17 of 12, a plane of no whole vectors), GELU (the linear part kept).</summary>
[Input(13, 33, 6)]
[Conv2D(12, 1, StrideHeight = 3, StrideWidth = 2, Activation = Activation.GELU)]
[GlobalAvgPool]
[Dense(3, Activation = Activation.Softmax)]
public partial class SubsampledRectangular { }

#pragma warning disable SN3005 // on purpose: a producer's bias before its BatchNorm, so that the fused call adds it too

/// <summary>The subsampled convolution (13x13 to 7x7) heading a fused chain: its BatchNorm and ReLU applied by the chain's epilogue.</summary>
[Input(13, 13, 8)]
[Conv2D(16, 1, Stride = 2)]
[BatchNorm]
[ReLU]
[Flatten]
[Dense(3)]
public partial class SubsampledFused { }
