// MLPerf Tiny's ResNet-8, declared as PyTorch writes it; its shortcuts are 1x1 convolutions with BatchNorm.
using StaticNets;

namespace StaticNets.Samples.TinyModels;

/// <summary>Image classification, CIFAR-10 (32x32x3): ResNet-8 with 16, 32 and 64 filters and 1x1 projection shortcuts.</summary>
[Input(32, 32, 3)]
[Conv2D(16, 3, Padding = 1, Bias = false)] [BatchNorm] [ReLU(Name = "a0")]
[Conv2D(16, 3, Padding = 1, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(16, 3, Padding = 1, Bias = false)] [BatchNorm]
[Add("a0")] [ReLU(Name = "a1")]
[Conv2D(32, 3, Stride = 2, Pads = new[] { 1, 1, 0, 0 }, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(32, 3, Padding = 1, Bias = false)] [BatchNorm]
[Add("a1", Projection = Projection.ConvBatchNorm)] [ReLU(Name = "a2")]
[Conv2D(64, 3, Stride = 2, Pads = new[] { 1, 1, 0, 0 }, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(64, 3, Padding = 1, Bias = false)] [BatchNorm]
[Add("a2", Projection = Projection.ConvBatchNorm)] [ReLU]
[GlobalAvgPool]
[Dense(10, Activation = Activation.Softmax)]
public partial class ResNet8 { }
