using StaticNets;

namespace StaticNets.Tests.Networks;

// [Add(from, Projection = Projection.ConvBatchNorm)]: a 1x1 convolution without bias, then BatchNorm, on the shortcut.
// Not in NetworkCases (its double reference has no running statistics); weight files, ONNX and gradients are checked on
// each of them in BatchNorm/ProjectionBatchNormTests.cs.

#pragma warning disable SN3004 // on purpose: PyTorch's stride 2 with padding 1 on an even size leaves the trailing padding unread
/// <summary>
/// torchvision's downsampling block: conv-BatchNorm-ReLU, then a stride-2 conv-BatchNorm-ReLU and conv-BatchNorm, plus
/// a0 (8x8x4) mapped to 4x4x8 by a 1x1 stride-2 convolution without bias and a BatchNorm; cross-entropy.
/// </summary>
[Input(8, 8, 3)]
[Conv2D(4, 3, Padding = 1, Bias = false)]
[BatchNorm]
[ReLU(Name = "a0")]
[Conv2D(8, 3, Stride = 2, Padding = 1, Bias = false)]
[BatchNorm]
[ReLU]
[Conv2D(8, 3, Padding = 1, Bias = false)]
[BatchNorm]
[Add("a0", Projection = Projection.ConvBatchNorm)]
[ReLU]
[GlobalAvgPool]
[Dense(3, Activation = Activation.Softmax)]
public partial class ProjectionBatchNormNet { }
#pragma warning restore SN3004

/// <summary>
/// The projection's BatchNorm the only one: a stride-1 ConvBatchNorm projection of the network input (no input
/// gradient) added to a Tanh convolution, then a dense layer and a mean squared error.
/// </summary>
[Input(5, 4, 2)]
[Conv2D(3, 3, Padding = 1, Activation = Activation.Tanh)]
[Add("input", Projection = Projection.ConvBatchNorm)]
[Tanh]
[Flatten]
[Dense(2)]
public partial class ProjectedInputBatchNorm { }

/// <summary>
/// An Add first, of the input and its own projection (segment 0 holds only the projection's convolution), then a
/// convolution whose output a second ConvBatchNorm projection reads (its gradient flows into the first Add's output
/// through both branches); cross-entropy.
/// </summary>
[Input(4, 4, 2)]
[Add("input", Projection = Projection.ConvBatchNorm, Name = "s")]
[Conv2D(3, 3, Padding = 1, Activation = Activation.ReLU)]
[Add("s", Projection = Projection.ConvBatchNorm)]
[Flatten]
[Dense(4, Activation = Activation.Softmax)]
public partial class TwoProjectionBatchNorms { }

/// <summary>
/// <see cref="ProjectedInputBatchNorm"/> with a <c>Projection.Conv</c> shortcut: with the projection's BatchNorm folded
/// into its weights and bias, the same inference.
/// </summary>
[Input(5, 4, 2)]
[Conv2D(3, 3, Padding = 1, Activation = Activation.Tanh)]
[Add("input", Projection = Projection.Conv)]
[Tanh]
[Flatten]
[Dense(2)]
public partial class ProjectedInputConv { }
