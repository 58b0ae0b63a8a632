using StaticNets;

namespace StaticNets.Tests.Networks;

// Residual connections: [Add(from)] with Projection.None and Projection.Conv, spatial and flat.

#pragma warning disable SN3004 // on purpose: PyTorch's stride 2 with padding 1 on an even size leaves the trailing padding unread
/// <summary>
/// A small ResNet block pair: an identity Add over two convolutions (the tensor a0 read by conv2 and by the Add), then
/// a stride-2 block whose Add maps a1 (8x8x4) to 4x4x8 through a learned 1x1 convolution with stride 2.
/// </summary>
[Input(8, 8, 3)]
[Conv2D(4, 3, Padding = 1, Activation = Activation.ReLU, Name = "a0")]
[Conv2D(4, 3, Padding = 1, Activation = Activation.ReLU)]
[Conv2D(4, 3, Padding = 1)]
[Add("a0")]
[ReLU(Name = "a1")]
[Conv2D(8, 3, Stride = 2, Padding = 1, Activation = Activation.ReLU)]
[Conv2D(8, 3, Padding = 1)]
[Add("a1", Projection = Projection.Conv)]
[ReLU]
[GlobalAvgPool]
[Dense(3, Activation = Activation.Softmax)]
public partial class ResidualNet { }
#pragma warning restore SN3004

/// <summary>
/// A stride-1 projection of the network input (the wide rows of a 1x1 convolution; the input has no gradient), then an
/// Add of a tensor to itself (from names the previous layer: its gradient is written, then added into), and a mean
/// squared error.
/// </summary>
[Input(6, 5, 2)]
[Conv2D(8, 3, Padding = 1, Activation = Activation.Tanh)]
[Add("input", Projection = Projection.Conv)]
[Tanh(Name = "t")]
[Add("t")]
[Flatten]
[Dense(2)]
public partial class ProjectedInputNet { }

/// <summary>
/// Dense residuals: h is read by dense2 and by the Add, so dense2's backward adds its input gradient into the one
/// the Add wrote (through its own buffer); a second Add reads the network input.
/// </summary>
[Input(10)]
[Dense(10, Activation = Activation.Tanh, Name = "h")]
[Dense(10, Activation = Activation.ReLU)]
[Dense(10)]
[Add("h")]
[Tanh]
[Add("input")]
[Dense(4, Activation = Activation.Softmax)]
public partial class DenseResidual { }

/// <summary><see cref="DenseResidual"/> without its two Adds: the same parameters, another computation.</summary>
[Input(10)]
[Dense(10, Activation = Activation.Tanh, Name = "h")]
[Dense(10, Activation = Activation.ReLU)]
[Dense(10)]
[Tanh]
[Dense(4, Activation = Activation.Softmax)]
public partial class DenseChain { }

/// <summary><see cref="DenseResidual"/> with its second Add reading h rather than the input: every shape and count the same.</summary>
[Input(10)]
[Dense(10, Activation = Activation.Tanh, Name = "h")]
[Dense(10, Activation = Activation.ReLU)]
[Dense(10)]
[Add("h")]
[Tanh]
[Add("h")]
[Dense(4, Activation = Activation.Softmax)]
public partial class DenseResidualFromH { }
