using StaticNets;

namespace StaticNets.Tests.Networks;

// Small networks that together use every layer kind and option; the numeric tests run them all.

/// <summary>The design's LeNet-5.</summary>
[Input(28, 28, 1)]
[Conv2D(6, 5, Padding = 2, Activation = Activation.ReLU)]
[MaxPool(2)]
[Conv2D(16, 5, Activation = Activation.ReLU)]
[MaxPool(2)]
[Flatten]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class LeNet5 { }

/// <summary>Two input channels, padding, overlapping max pooling (size 3, stride 1), inline Tanh, ReLU and Sigmoid; cross-entropy fused with an inline Softmax.</summary>
[Input(8, 8, 2)]
[Conv2D(3, 3, Padding = 1, Activation = Activation.Tanh)]
[MaxPool(3, Stride = 1)]
[Conv2D(4, 3, Activation = Activation.ReLU)]
[MaxPool(2)]
[Flatten]
[Dense(5, Activation = Activation.Sigmoid)]
[Dense(3, Activation = Activation.Softmax)]
public partial class ConvNetA { }

/// <summary>Stride 2 with padding, average pooling with stride below size, inline LeakyReLU and GELU, dropout, standalone LeakyReLU(0.2), Tanh and a standalone final Softmax.</summary>
[Input(9, 9, 2)]
[Conv2D(4, 3, Stride = 2, Padding = 1, Activation = Activation.LeakyReLU)]
[AvgPool(3, Stride = 2)]
[Flatten]
[Dense(6, Activation = Activation.GELU)]
[Dropout(0.3)]
[Dense(5)]
[LeakyReLU(0.2)]
[Tanh]
[Dense(3)]
[Softmax]
public partial class ConvNetB { }

/// <summary>Five filters (no blocking by 2, 3 or 4), a standalone Sigmoid on an image, an 8x8 kernel (not unrolled), average pooling, mean squared error.</summary>
[Input(12, 12, 3)]
[Conv2D(5, 3, Padding = 1)]
[Sigmoid]
[Conv2D(2, 8, Activation = Activation.GELU)]
[AvgPool(5)]
[Flatten]
[Dense(2)]
public partial class ConvMse { }

/// <summary>A flat input, standalone GELU, Sigmoid and ReLU, inline Tanh, mean squared error.</summary>
[Input(5)]
[Dense(7)]
[GELU]
[Sigmoid]
[Dense(4, Activation = Activation.Tanh)]
[ReLU]
[Dense(3)]
public partial class MlpMse { }

/// <summary>Stride 3 with a 2x2 kernel, a first layer that is not a parameter layer (dropout), max pooling with stride 1.</summary>
[Input(8, 8, 1)]
[Dropout(0.2)]
[Conv2D(3, 2, Stride = 3, Activation = Activation.Sigmoid)]
[MaxPool(2, Stride = 1)]
[Flatten]
[Dense(4, Activation = Activation.Softmax)]
public partial class StridedNet { }

/// <summary>The lecture's pooling example: a 6x6 input through 2x2 max pooling.</summary>
[Input(6, 6, 1)]
[MaxPool(2)]
[Flatten]
public partial class PoolOnly { }

#pragma warning disable SN2002 // on purpose: the floor, as when a project lowers SN2002
/// <summary>Max pooling 2x2 over a 7x7 image: the floor leaves the last row and column out (they get no gradient); a stride-2 max pool whose windows tile all but them.</summary>
[Input(7, 7, 2)]
[Conv2D(3, 3, Padding = 1, Activation = Activation.ReLU)]
[MaxPool(2)]
[Flatten]
[Dense(4, Activation = Activation.Softmax)]
public partial class FlooredPool { }
#pragma warning restore SN2002

/// <summary>Filter counts that fill vectors (8, then 16), rows of 14 positions (a block of 12 and an overlapping one) and of 12: the convolutions with filters across the lanes, on either width. Smooth throughout (no ReLU, no max), so that finite differences can check many of its weights.</summary>
[Input(10, 14, 3)]
[Conv2D(8, 3, Padding = 1, Activation = Activation.Tanh)]
[Conv2D(16, 3, Activation = Activation.GELU)]
[AvgPool(2)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class FilterLanes { }

#pragma warning disable SN2002 // on purpose: the floor leaves the last column out
/// <summary>2x2 max pooling over 16x19: rows of nine windows (vectors of eight, the last overlapping) and a last column the floor leaves out.</summary>
[Input(16, 19, 2)]
[Conv2D(4, 3, Padding = 1, Activation = Activation.Tanh)]
[MaxPool(2)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class WidePool { }

/// <summary>2x2 max pooling over 8x11: rows of five windows, four at a time in a Vector128 (the last block overlapping), and a last column the floor leaves out.</summary>
[Input(8, 11, 2)]
[Conv2D(4, 3, Padding = 1, Activation = Activation.Tanh)]
[MaxPool(2)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class NarrowPool { }
#pragma warning restore SN2002

/// <summary>ReLU6 inline on a convolution and a dense layer, and standalone (MobileNet's clipped activation); two layers named.</summary>
[Input(6, 6, 2)]
[Conv2D(4, 3, Padding = 1, Activation = Activation.ReLU6)]
[MaxPool(2)]
[Flatten]
[Dense(10, Activation = Activation.ReLU6, Name = "hidden")]
[Dense(6)]
[ReLU6(Name = "clipped")]
[Dense(3, Activation = Activation.Softmax)]
public partial class ClipNet { }
