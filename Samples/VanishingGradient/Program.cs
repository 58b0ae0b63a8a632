// The vanishing gradient, in numbers: the same nine-layer network with Sigmoid and with ReLU + He
// initialisation, trained the same way. It prints each layer's gradient norm on the first mini-batch
// (the Sigmoid network's first layers get a tiny fraction of what its last layer gets) and the loss
// after each epoch.
using System.Globalization;
using StaticNets;
using StaticNets.Samples.VanishingGradient;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string data = FindData();
var train = Mnist.Load(data, MnistSplit.Train).Take(4000);
var test = Mnist.Load(data, MnistSplit.Test);

Run(new DeepSigmoid(seed: 1), "Sigmoid, Xavier initialisation");
Run(new DeepReLU(seed: 1), "ReLU, He initialisation");
return 0;

void Run<TNet>(TNet net, string title) where TNet : class, INetwork<TNet>
{
    Console.WriteLine($"== {TNet.Info.Name}: 8 hidden layers of 32, {title}");

    // Gradient norms of each layer's weights, averaged over one mini-batch of 64 digits.
    net.ZeroGradients();
    for (int i = 0; i < 64; i++) net.ComputeGradients(train.Input(i), train.Label(i));
    var norms = net.LayerGradientNorms();
    var names = TNet.Info.Layers.Where(l => l.WeightCount > 0).Select(l => l.Name).ToArray();
    float last = norms[^1] / 64;
    Console.WriteLine("gradient norm per layer on the first batch (input side first), and as a fraction of the last layer's:");
    for (int i = 0; i < norms.Length; i++)
    {
        float norm = norms[i] / 64;
        Console.WriteLine($"  {names[i],-8} {norm,10:E2}   {norm / last * 100,9:F3}%  {new string('#', (int)Math.Clamp(40 * norm / last, 0, 40))}");
    }
    net.ZeroGradients();

    Console.Write("loss after each epoch (SGD 0.01, momentum 0.9, batch 32):");
    net.Train(train, new TrainingOptions
    {
        Epochs = 6,
        BatchSize = 32,
        Optimizer = new Sgd(0.01f, momentum: 0.9f),
        Seed = 1,
        OnEpoch = e => Console.Write($" {e.Loss:F3}"),
    });
    Console.WriteLine();
    Console.WriteLine($"test accuracy: {net.Evaluate(test).Accuracy * 100:F2}%");
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
    throw new DirectoryNotFoundException("Samples/data/mnist was not found above the current folder.");
}
