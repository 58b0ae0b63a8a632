namespace StaticNets.Benchmarks;

// The four MLPerf Tiny reference models (github.com/mlcommons/tiny, benchmark/training), declared as the Keras
// references build them, compiled by the generator into this project. Differences from the Keras code, none of which
// changes what inference computes once BatchNorm is folded: a convolution or dense layer right before a BatchNorm has
// no bias (Bias = false: BatchNorm's beta absorbs it; Keras keeps one, PyTorch's folded export merges both), the
// Dropout layers of the DS-CNN (the identity in inference) are left out, and ResNet-8's final AveragePooling2D(8) over
// an 8x8 map is GlobalAvgPool. Keras "same" padding is PaddingMode.Same (stride 2 on an even size pads one row and
// column at the bottom and right).

/// <summary>
/// MLPerf Tiny image classification: ResNet-8 on CIFAR-10 (32x32x3), three stacks of 16, 32 and 64 filters, each a
/// residual block of two 3x3 convolutions with BatchNorm; the second and third start with a stride-2 convolution and
/// add their input through a 1x1 stride-2 convolution with bias and no BatchNorm (Projection.Conv), as the reference.
/// About 12.5 M multiply-adds.
/// </summary>
[Input(32, 32, 3)]
[Conv2D(16, 3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU(Name = "s0")]
[Conv2D(16, 3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(16, 3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm]
[Add("s0")] [ReLU(Name = "s1")]
[Conv2D(32, 3, Stride = 2, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(32, 3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm]
[Add("s1", Projection = Projection.Conv)] [ReLU(Name = "s2")]
[Conv2D(64, 3, Stride = 2, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(64, 3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm]
[Add("s2", Projection = Projection.Conv)] [ReLU]
[GlobalAvgPool]
[Dense(10, Activation = Activation.Softmax)]
public partial class ResNet8 { }

/// <summary>
/// MLPerf Tiny keyword spotting: the DS-CNN on 49x10 MFCC features. A 10x4 stride-2 convolution of 64 filters with
/// "same" padding (to 25x5x64), four depthwise-separable blocks (3x3 depthwise, 1x1 pointwise, each with BatchNorm and
/// ReLU), a 25x5 average pool and 12 classes. About 2.7 M multiply-adds.
/// </summary>
[Input(49, 10, 1)]
[Conv2D(64, 10, 4, Stride = 2, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(64, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(64, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(64, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(64, 1, Bias = false)] [BatchNorm] [ReLU]
[AvgPool(25, 5)]
[Flatten]
[Dense(12, Activation = Activation.Softmax)]
public partial class DsCnn { }

/// <summary>
/// MLPerf Tiny visual wake words: MobileNetV1 with width 0.25 on 96x96x3, two classes. A 3x3 stride-2 convolution of
/// 8 filters, then thirteen depthwise-separable blocks (3x3 depthwise, stride 2 where the map halves; 1x1 pointwise),
/// each convolution with BatchNorm and ReLU, global average pooling. About 7.5 M multiply-adds.
/// </summary>
[Input(96, 96, 3)]
[Conv2D(8, 3, Stride = 2, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]                // 48x48x8
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(16, 1, Bias = false)] [BatchNorm] [ReLU]                                                             // 48x48x16
[DepthwiseConv2D(3, Stride = 2, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(32, 1, Bias = false)] [BatchNorm] [ReLU]                                                             // 24x24x32
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(32, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Stride = 2, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(64, 1, Bias = false)] [BatchNorm] [ReLU]                                                             // 12x12x64
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(64, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Stride = 2, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(128, 1, Bias = false)] [BatchNorm] [ReLU]                                                            // 6x6x128
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(128, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(128, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(128, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(128, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(128, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Stride = 2, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(256, 1, Bias = false)] [BatchNorm] [ReLU]                                                            // 3x3x256
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(256, 1, Bias = false)] [BatchNorm] [ReLU]
[GlobalAvgPool]
[Dense(2, Activation = Activation.Softmax)]
public partial class MobileNetV1 { }

/// <summary>
/// MLPerf Tiny anomaly detection: the dense autoencoder on 640 log-mel features (5 frames of 128 bands). Four dense
/// layers of 128 units, a bottleneck of 8, four of 128, each with BatchNorm and ReLU, and a linear output of 640.
/// About 0.27 M multiply-adds.
/// </summary>
[Input(640)]
[Dense(128, Bias = false)] [BatchNorm] [ReLU]
[Dense(128, Bias = false)] [BatchNorm] [ReLU]
[Dense(128, Bias = false)] [BatchNorm] [ReLU]
[Dense(128, Bias = false)] [BatchNorm] [ReLU]
[Dense(8, Bias = false)] [BatchNorm] [ReLU]
[Dense(128, Bias = false)] [BatchNorm] [ReLU]
[Dense(128, Bias = false)] [BatchNorm] [ReLU]
[Dense(128, Bias = false)] [BatchNorm] [ReLU]
[Dense(128, Bias = false)] [BatchNorm] [ReLU]
[Dense(640)]
public partial class AutoEncoder { }
