using StaticNets;

namespace StaticNets.Tests.Robustness;

// Small networks of the robustness tests, declared here so that the shared TestNetworks stay as they are.

/// <summary>An image input that is not square (6 rows, 5 columns, 2 channels: 60 values), cross-entropy with an inline Softmax.</summary>
[Input(6, 5, 2)]
[Conv2D(3, 3, Padding = 1, Activation = Activation.ReLU)]
[MaxPool(2, Stride = 1)]
[Flatten]
[Dense(4, Activation = Activation.Softmax)]
public partial class ImageNet { }

/// <summary>A flat input of 7 values, dropout between two dense layers, mean squared error over 3 outputs.</summary>
[Input(7)]
[Dense(5, Activation = Activation.Tanh)]
[Dropout(0.25)]
[Dense(3)]
public partial class FlatNet { }
