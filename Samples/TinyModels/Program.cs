// The networks people embed: the four MLPerf Tiny reference architectures, each with its Summary (parameters,
// statistics, multiply-adds, bytes) and its measured Forward latency; then a residual, batch-normalised network
// trained on the shipped digits. The last line is "test accuracy: NN.NN%".
using System.Diagnostics;
using System.Globalization;
using StaticNets;
using StaticNets.Samples.TinyModels;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int epochs = 12, threads = Environment.ProcessorCount, seed = 1;
float learningRate = 0.003f, decay = 0.75f;
string? data = null;
for (int i = 0; i < args.Length; i++)
{
    string value = i + 1 < args.Length ? args[i + 1] : "";
    switch (args[i])
    {
        case "--epochs" when int.TryParse(value, out epochs) && epochs > 0: i++; break;
        case "--threads" when int.TryParse(value, out threads) && threads > 0: i++; break;
        case "--seed" when int.TryParse(value, out seed): i++; break;
        case "--learning-rate" when float.TryParse(value, out learningRate) && learningRate > 0: i++; break;
        case "--decay" when float.TryParse(value, out decay) && decay > 0 && decay <= 1: i++; break;
        case "--data" when value.Length > 0: data = value; i++; break;
        default:
            Console.Error.WriteLine($"unknown or invalid option '{args[i]}'. Options: --epochs N, --threads N, --seed N, --learning-rate X, --decay X, --data DIR");
            return 2;
    }
}

Console.WriteLine("MLPerf Tiny reference architectures (random weights; batch 1, one thread):");
Console.WriteLine();
Show<ResNet8>(ResNet8.Summary, "ResNet-8, image classification (CIFAR-10)");
Show<DsCnn>(DsCnn.Summary, "DS-CNN, keyword spotting (49x10 MFCC)");
Show<MobileNetV1>(MobileNetV1.Summary, "MobileNetV1 0.25, visual wake words (96x96)");
Show<AutoEncoder>(AutoEncoder.Summary, "dense autoencoder, anomaly detection");

string directory = data ?? FindData();
var train = Mnist.Load(directory, MnistSplit.Train);
var test = Mnist.Load(directory, MnistSplit.Test);
Console.WriteLine($"DigitsResNet on {train.Count:N0} training and {test.Count:N0} test digits:");
Console.WriteLine();
Console.WriteLine(DigitsResNet.Summary);
Console.WriteLine();
var net = new DigitsResNet(seed);
var adam = new Adam(learningRate);
var clock = Stopwatch.StartNew();
net.Train(train, new TrainingOptions
{
    Epochs = epochs,
    BatchSize = 32,
    Optimizer = adam,
    Seed = seed,
    Threads = threads,
    Validation = test,
    OnEpoch = e =>
    {
        Console.WriteLine($"epoch {e.Epoch}/{epochs}: loss {e.Loss:F4}, training accuracy {e.Accuracy * 100:F2}%, test accuracy {e.ValidationAccuracy * 100:F2}%, {e.Time.TotalSeconds:F1} s");
        adam.LearningRate *= decay; // smaller steps as the loss settles
    },
});
Console.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F1} s on {threads} thread{(threads == 1 ? "" : "s")}; the running statistics normalise at inference");
Console.WriteLine($"test accuracy: {net.Evaluate(test).Accuracy * 100:F2}%");
return 0;

// Prints a network's Summary and the median time of its Forward over repeated calls on one random input.
static void Show<TNet>(string summary, string title) where TNet : class, INetwork<TNet>
{
    var net = TNet.Create(seed: 1);
    var random = new Random(1);
    var input = new float[TNet.Info.InputSize];
    for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 2 - 1);
    var output = new float[TNet.Info.OutputSize];
    for (int i = 0; i < 50; i++) net.Forward(input, output); // compiled, caches warm
    var times = new double[101];
    for (int t = 0; t < times.Length; t++)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < 10; i++) net.Forward(input, output);
        times[t] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / 10;
    }

    Array.Sort(times);
    Console.WriteLine($"{title}: {TNet.Info.Name}");
    Console.WriteLine(summary);
    Console.WriteLine($"Forward: {times[times.Length / 2]:F1} µs (median of {times.Length} rounds of 10 calls)");
    Console.WriteLine();
}

static string FindData()
{
    foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "Samples", "data", "mnist");
            if (Directory.Exists(candidate)) return candidate;
        }
    }

    throw new DirectoryNotFoundException("Samples/data/mnist was not found above the current folder or the program's folder; pass --data DIR.");
}
