using System.Globalization;
using StaticNets.Benchmarks;
using static TorchSharp.torch;

// dotnet run -c Release --project Benchmarks/TorchSharp -- [--quick] [--rounds N] [--check] [--model NAME ...]
//   (default)  for each model: check that both sides are the same network, one warm-up round of each configuration,
//              then 7 rounds, each StaticNets Train, its core (BatchNorm networks: ComputeBatchGradients + Adam)
//              and TorchSharp on two threads, then the same on one thread
//   --quick    3 rounds
//   --rounds N N rounds
//   --check    only the same-network checks
//   --model M  only these models (LeNet5, ResNet8, DsCnn, MobileNetV1, AutoEncoder; repeatable)
// Training throughput, batch 32, Adam(0.001), seeded random inputs and labels (the autoencoder's targets are its
// inputs): samples per second, medians and best rounds. Benchmarks/README.md, "TorchSharp".
int rounds = args.Contains("--quick") ? 3 : 7;
bool checkOnly = args.Contains("--check");
var models = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--rounds" && i + 1 < args.Length) rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else if (args[i] == "--model" && i + 1 < args.Length) models.Add(args[++i]);
    else if (args[i] is not ("--quick" or "--check")) throw new ArgumentException($"Unknown argument '{args[i]}'.");
}

if (models.Count == 0) models.AddRange(ModelPair.Names);

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {LoadAverage()}; TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, {rounds} rounds"));
var table = new List<string>();
foreach (string name in models)
{
    using ModelPair pair = ModelPair.Create(name);
    Console.WriteLine(pair.CheckSameNetwork());
    if (checkOnly) continue;

    int[] threadCounts = [2, 1];
    var staticNets = threadCounts.ToDictionary(t => t, _ => new List<double>());
    var core = threadCounts.ToDictionary(t => t, _ => new List<double>());
    var torch = threadCounts.ToDictionary(t => t, _ => new List<double>());
    for (int round = -1; round < rounds; round++) // round -1: warm-up (JIT tiers, Adam's moments, libtorch's allocator)
    {
        foreach (int threads in threadCounts)
        {
            double a = pair.StaticNetsRound(threads);
            double? c = pair.StaticNetsCoreRound(threads);
            double b = pair.TorchRound(threads);
            if (round < 0) continue;
            staticNets[threads].Add(a);
            if (c is { } value) core[threads].Add(value);
            torch[threads].Add(b);
        }
    }

    foreach (int threads in threadCounts)
    {
        double ours = Median(staticNets[threads]);
        double theirs = Median(torch[threads]);
        string coreCells = core[threads].Count == 0
            ? "— | —"
            : string.Create(CultureInfo.InvariantCulture, $"{Median(core[threads]):N0} | {Median(core[threads]) / theirs:F2}×");
        table.Add(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {threads} | {ours:N0} | {staticNets[threads].Max():N0} | {theirs:N0} | {torch[threads].Max():N0} | {ours / theirs:F2}× | {coreCells} |"));
        Console.WriteLine(table[^1]);
    }
}

if (checkOnly) return 0;

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Training, batch {ModelPair.BatchSize}, Adam(0.001), samples/s: medians of {rounds} interleaved rounds and the best round; load average at the end {LoadAverage()}."));
Console.WriteLine();
Console.WriteLine("| model | threads | StaticNets Train | best | TorchSharp | best | Train / TorchSharp | ComputeBatchGradients + Adam | its ratio |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (string row in table) Console.WriteLine(row);
return 0;

static double Median(List<double> values)
{
    double[] sorted = [.. values.Order()];
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
