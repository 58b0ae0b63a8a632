using StaticNets;

namespace StaticNets.Samples.AotPredict;

/// <summary>The design's LeNet-5: every shape a constant, so the native executable carries no shape logic at all.</summary>
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
