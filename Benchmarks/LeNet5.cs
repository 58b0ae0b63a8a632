namespace StaticNets.Benchmarks;

/// <summary>The design's LeNet-5 (DESIGN.md), compiled by the generator into this project: the network every benchmark measures.</summary>
[Input(28, 28, 1)]                                        // height, width, channels
[Conv2D(6, 5, Padding = 2, Activation = Activation.ReLU)] // filters, kernel size
[MaxPool(2)]                                              // size; Stride defaults to size
[Conv2D(16, 5, Activation = Activation.ReLU)]
[MaxPool(2)]
[Flatten]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class LeNet5 { }
