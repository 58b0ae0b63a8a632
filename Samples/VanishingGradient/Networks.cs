using StaticNets;

namespace StaticNets.Samples.VanishingGradient;

/// <summary>Eight hidden Sigmoid layers with Xavier initialisation: the analyzer warns (SN3002), and the gradient fades towards the input.</summary>
[Input(784)]
[Dense(32, Activation = Activation.Sigmoid)]
[Dense(32, Activation = Activation.Sigmoid)]
[Dense(32, Activation = Activation.Sigmoid)]
[Dense(32, Activation = Activation.Sigmoid)]
[Dense(32, Activation = Activation.Sigmoid)]
[Dense(32, Activation = Activation.Sigmoid)]
[Dense(32, Activation = Activation.Sigmoid)]
[Dense(32, Activation = Activation.Sigmoid)]
[Dense(10, Activation = Activation.Softmax)]
public partial class DeepSigmoid { }

/// <summary>The same depth with ReLU and He initialisation (Init.Auto picks He for ReLU).</summary>
[Input(784)]
[Dense(32, Activation = Activation.ReLU)]
[Dense(32, Activation = Activation.ReLU)]
[Dense(32, Activation = Activation.ReLU)]
[Dense(32, Activation = Activation.ReLU)]
[Dense(32, Activation = Activation.ReLU)]
[Dense(32, Activation = Activation.ReLU)]
[Dense(32, Activation = Activation.ReLU)]
[Dense(32, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class DeepReLU { }
