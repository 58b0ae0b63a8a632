// The four MLPerf Tiny reference architectures, declared as PyTorch writes them (the layer order, defaults and
// parameter order that Runtime.Tests/Oracle/make_oracle.py checks against PyTorch), and a residual,
// batch-normalised network for the shipped digits. Where PyTorch pads a stride-2 convolution by 1 on every side,
// the declaration states the pads it reads (top and left): the same windows, and no SN3004 warning.
using StaticNets;

namespace StaticNets.Samples.TinyModels;

/// <summary>Keyword spotting (49x10 MFCC, 12 classes): a 10x4 stride-2 convolution, four depthwise-separable blocks, a 25x5 average pool.</summary>
/// <remarks>The first convolution keeps its bias, as the reference model has it, so SN3005 is silenced here.</remarks>
#pragma warning disable SN3005
[Input(49, 10, 1)]
[Conv2D(64, 10, 4, Stride = 2, Pads = new[] { 5, 1, 4, 1 })] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Padding = 1, Bias = false)] [BatchNorm] [ReLU] [Conv2D(64, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Padding = 1, Bias = false)] [BatchNorm] [ReLU] [Conv2D(64, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Padding = 1, Bias = false)] [BatchNorm] [ReLU] [Conv2D(64, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Padding = 1, Bias = false)] [BatchNorm] [ReLU] [Conv2D(64, 1, Bias = false)] [BatchNorm] [ReLU]
[AvgPool(25, 5)] [Flatten]
[Dense(12, Activation = Activation.Softmax)]
public partial class DsCnn { }
#pragma warning restore SN3005

/// <summary>Visual wake words (96x96x3, 2 classes): MobileNetV1 with width multiplier 0.25.</summary>
[Input(96, 96, 3)]
[Conv2D(8, 3, Stride = 2, Pads = new[] { 1, 1, 0, 0 }, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Padding = 1, Bias = false)] [BatchNorm] [ReLU] [Conv2D(16, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Stride = 2, Pads = new[] { 1, 1, 0, 0 }, Bias = false)] [BatchNorm] [ReLU] [Conv2D(32, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Padding = 1, Bias = false)] [BatchNorm] [ReLU] [Conv2D(32, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Stride = 2, Pads = new[] { 1, 1, 0, 0 }, Bias = false)] [BatchNorm] [ReLU] [Conv2D(64, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Padding = 1, Bias = false)] [BatchNorm] [ReLU] [Conv2D(64, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Stride = 2, Pads = new[] { 1, 1, 0, 0 }, Bias = false)] [BatchNorm] [ReLU] [Conv2D(128, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Padding = 1, Bias = false)] [BatchNorm] [ReLU] [Conv2D(128, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Padding = 1, Bias = false)] [BatchNorm] [ReLU] [Conv2D(128, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Padding = 1, Bias = false)] [BatchNorm] [ReLU] [Conv2D(128, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Padding = 1, Bias = false)] [BatchNorm] [ReLU] [Conv2D(128, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Padding = 1, Bias = false)] [BatchNorm] [ReLU] [Conv2D(128, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Stride = 2, Pads = new[] { 1, 1, 0, 0 }, Bias = false)] [BatchNorm] [ReLU] [Conv2D(256, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Padding = 1, Bias = false)] [BatchNorm] [ReLU] [Conv2D(256, 1, Bias = false)] [BatchNorm] [ReLU]
[GlobalAvgPool]
[Dense(2, Activation = Activation.Softmax)]
public partial class MobileNetV1 { }

/// <summary>Anomaly detection (640 spectrogram values): a dense autoencoder 640-128x4-8-128x4-640 with BatchNorm.</summary>
/// <remarks>Its dense layers keep their biases, as the reference model has them (PyTorch's Linear), so SN3005 is silenced here.</remarks>
#pragma warning disable SN3005
[Input(640)]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(8)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(640)]
public partial class AutoEncoder { }
#pragma warning restore SN3005

/// <summary>
/// A residual, batch-normalised network for the 28x28 digits: a stem, two residual stages (the second widened by a
/// learned 1x1 projection) and global average pooling into the classifier.
/// </summary>
[Input(28, 28, 1)]
[Conv2D(16, 3, Padding = 1, Bias = false)] [BatchNorm] [ReLU]
[MaxPool(2, Name = "s1")]                                                // 14x14x16
[Conv2D(16, 3, Padding = 1, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(16, 3, Padding = 1, Bias = false)] [BatchNorm]
[Add("s1")] [ReLU]
[MaxPool(2, Name = "s2")]                                                // 7x7x16
[Conv2D(32, 3, Padding = 1, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(32, 3, Padding = 1, Bias = false)] [BatchNorm]
[Add("s2", Projection = Projection.Conv)] [ReLU]                         // 16 -> 32 channels through a 1x1 convolution
[GlobalAvgPool]
[Dense(10, Activation = Activation.Softmax)]
public partial class DigitsResNet { }
