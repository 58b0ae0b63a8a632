using System.Diagnostics;
using System.Globalization;
using System.Text;
using StaticNets;
using StaticNets.Samples.AotPredict;

// AotPredict [digit] [epochs] [mnist-folder]
//   digit         which digit of the shipped MNIST test set to classify (default 0)
//   epochs        train this many epochs on the shipped training digits first (default 0: weights from seed 1 only)
//   mnist-folder  where the IDX files are (default: Samples/data/mnist, looked for above the current folder and the executable)
// Published with NativeAOT (docs/packaging.md) this is one native executable: no JIT, no .NET runtime to install.
int index = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 0;
int epochs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
string folder = args.Length > 2 ? args[2] : FindShippedMnist();

Dataset test = Mnist.Load(folder, MnistSplit.Test);
if ((uint)index >= (uint)test.Count)
{
    Console.Error.WriteLine($"digit {index} does not exist: the test set in {folder} holds digits 0 to {test.Count - 1}");
    return 1;
}

// The same seed gives the same weights, and so the same results, under the JIT and as a native executable.
var net = new LeNet5(seed: 1);
if (epochs > 0)
{
    Dataset train = Mnist.Load(folder, MnistSplit.Train);
    net.Train(train, new TrainingOptions
    {
        Epochs = epochs, BatchSize = 32, Optimizer = new Adam(learningRate: 0.001f), Seed = 1,
        OnEpoch = e => Console.WriteLine(e),
    });
    Console.WriteLine($"test set: {net.Evaluate(test)}");
}

ReadOnlySpan<float> image = test.Input(index);
Console.Write(Render(image));
string weights = epochs > 0 ? $"trained {epochs} epoch{(epochs == 1 ? "" : "s")}" : "untrained, seed 1";
Console.WriteLine($"test digit {index}: label {test.Label(index)}, LeNet-5 ({weights}) predicts {net.Predict(image)}");

// The best of ten rounds: under the JIT the first rounds still run code that tiered compilation has not optimised yet.
const int Rounds = 10, Calls = 1_000;
double best = double.MaxValue;
for (int round = 0; round < Rounds; round++)
{
    long start = Stopwatch.GetTimestamp();
    for (int i = 0; i < Calls; i++) net.Predict(image);
    best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds / Calls);
}
Console.WriteLine($"Predict: {best:F1} us per digit, best of {Rounds} rounds of {Calls:N0} calls ({LeNet5.ParameterCount:N0} parameters)");
return 0;

static string FindShippedMnist()
{
    foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "Samples", "data", "mnist");
            if (Directory.Exists(candidate)) return candidate;
        }
    }
    throw new DirectoryNotFoundException(
        "Samples/data/mnist was not found above the current folder or the executable: give the MNIST folder as the third argument.");
}

// The 28x28 digit in characters, brighter pixels denser, one line per pixel row.
static string Render(ReadOnlySpan<float> image)
{
    const string Shades = " .:-=+*#%@";
    const int Side = 28;
    var text = new StringBuilder((Side + 1) * Side);
    for (int y = 0; y < Side; y++)
    {
        for (int x = 0; x < Side; x++) text.Append(Shades[(int)(image[y * Side + x] * (Shades.Length - 1) + 0.5f)]);
        text.Append('\n');
    }
    return text.ToString();
}
