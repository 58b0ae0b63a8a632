using System.Diagnostics;
using System.Globalization;
using StaticNets.Samples.AotPredict;

// AotPredict [mnist-folder] [index]
// Reads one digit of the shipped MNIST test set, shows it, and prints what LeNet-5 predicts for it.
// Published with NativeAOT (docs/packaging.md) this is one native executable: no JIT, no runtime to install.
string folder = args.Length > 0 ? args[0] : MnistFiles.FindShippedFolder();
int index = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;

var (image, label) = MnistFiles.ReadTestDigit(folder, index);
Console.Write(MnistFiles.Render(image));

// Weights drawn from seed 1, not trained: the same seed gives the same weights, and so the same
// prediction, whether this runs under the JIT or as a native executable.
var net = new LeNet5(seed: 1);
int prediction = net.Predict(image);
Console.WriteLine($"test digit {index}: label {label}, LeNet-5 (untrained, seed 1) predicts {prediction}");

const int Repeats = 10_000;
var stopwatch = Stopwatch.StartNew();
for (int i = 0; i < Repeats; i++) net.Predict(image);
stopwatch.Stop();
Console.WriteLine($"Predict: {stopwatch.Elapsed.TotalMicroseconds / Repeats:F1} us per digit over {Repeats:N0} calls ({LeNet5.ParameterCount:N0} parameters)");
