using StaticNets;

namespace StaticNets.Tests.Networks;

// BatchNorm networks: not in NetworkCases, whose double reference (ForwardReferenceTests) has no BatchNorm; weight files
// and ONNX are checked on each of them in Serialization/BatchNormFileTests.cs (BatchNormNetworksFileTests).
// Some keep a bias right before a BatchNorm on purpose (its gradient must come out zero), which SN3005 warns about.
#pragma warning disable SN3005

/// <summary>Convolution without bias, BatchNorm per channel, ReLU, then a dense layer: cross-entropy.</summary>
[Input(6, 6, 2)]
[Conv2D(3, 3, Padding = 1, Bias = false)]
[BatchNorm]
[ReLU]
[Flatten]
[Dense(4, Activation = Activation.Softmax)]
public partial class ConvBatchNorm { }

/// <summary>BatchNorm per feature after a dense layer, with a non-default momentum and epsilon, then Tanh and another dense layer: mean squared error.</summary>
[Input(5)]
[Dense(6)]
[BatchNorm(Momentum = 0.3, Epsilon = 1e-3)]
[Tanh]
[Dense(3)]
public partial class DenseBatchNorm { }

/// <summary>The reference network: conv -> BatchNorm -> ReLU -> global average pool -> dense, cross-entropy.</summary>
[Input(5, 5, 2)]
[Conv2D(3, 3, Padding = 1)]
[BatchNorm]
[ReLU]
[GlobalAvgPool]
[Dense(3, Activation = Activation.Softmax)]
public partial class BatchNormReference { }

/// <summary>BatchNorm first (on the input, no input gradient), two BatchNorms, dropout between them: the segments' edge cases.</summary>
[Input(4, 4, 2)]
[BatchNorm]
[Conv2D(3, 3, Bias = false)]
[BatchNorm(Momentum = 0.2)]
[ReLU]
[Flatten]
[Dropout(0.25)]
[Dense(5)]
[BatchNorm]
[Dense(2, Activation = Activation.Softmax)]
public partial class TwoBatchNorms { }

/// <summary>The PyTorch oracle's network: Conv2d(2, 3, 3, bias=False) -> BatchNorm2d -> ReLU -> flatten -> Linear(3*4*4, 3).</summary>
[Input(6, 6, 2)]
[Conv2D(3, 3, Bias = false)]
[BatchNorm]
[ReLU]
[Flatten]
[Dense(3)]
public partial class OracleBatchNorm { }
#pragma warning restore SN3005
