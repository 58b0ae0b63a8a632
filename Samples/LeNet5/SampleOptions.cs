using System.Globalization;

namespace StaticNets.Samples.LeNet5;

/// <summary>The sample's command line.</summary>
internal sealed class SampleOptions
{
    public const string Usage = """
        Trains LeNet-5 on the shipped MNIST digits and reports its test accuracy.

        usage: dotnet run -c Release --project Samples/LeNet5 -- [options]

          --epochs N          passes over the training digits (default 12)
          --batch-size N      samples per mini-batch (default 32)
          --learning-rate X   Adam's learning rate at the start (default 0.001)
          --decay X           factor applied to the learning rate after each epoch (default 0.8)
          --seed N            seed of the weights, shuffling and dropout (default 1)
          --threads N         threads for data-parallel training (default: all cores)
          --data DIR          folder with the four MNIST IDX files, gzip'd or raw (default: Samples/data/mnist)
          --output FILE       where the trained weights are saved (default: lenet5.snw)
          --help              this text
        """;

    public int Epochs { get; private set; } = 12;
    public int BatchSize { get; private set; } = 32;
    public float LearningRate { get; private set; } = 0.001f;
    public float Decay { get; private set; } = 0.8f;
    public int Seed { get; private set; } = 1;
    public int Threads { get; private set; } = Environment.ProcessorCount;
    public string? Data { get; private set; }
    public string Output { get; private set; } = "lenet5.snw";
    public bool Help { get; private set; }

    /// <summary>The options, or null after printing what is wrong.</summary>
    public static SampleOptions? Parse(string[] args)
    {
        var options = new SampleOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name is "--help" or "-h")
            {
                options.Help = true;
                continue;
            }
            if (i + 1 >= args.Length)
            {
                return Fail($"{name} needs a value, or is not an option.");
            }
            string value = args[++i];
            bool ok = name switch
            {
                "--epochs" => Positive(value, v => options.Epochs = v),
                "--batch-size" => Positive(value, v => options.BatchSize = v),
                "--threads" => Positive(value, v => options.Threads = v),
                "--seed" => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) && Set(() => options.Seed = seed),
                "--learning-rate" => float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float rate) && rate > 0 && float.IsFinite(rate) && Set(() => options.LearningRate = rate),
                "--decay" => float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float decay) && decay > 0 && decay <= 1 && Set(() => options.Decay = decay),
                "--data" => Set(() => options.Data = Path.GetFullPath(value)),
                "--output" => Set(() => options.Output = value),
                _ => false,
            };
            if (!ok) return Fail($"{name} {value}: not a known option, or not a valid value for it.");
        }
        return options;
    }

    /// <summary>Samples/data/mnist, looked for from the current folder and from the program's folder upwards.</summary>
    public static string FindData()
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

    private static bool Positive(string text, Action<int> set)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < 1) return false;
        set(value);
        return true;
    }

    private static bool Set(Action set)
    {
        set();
        return true;
    }

    private static SampleOptions? Fail(string message)
    {
        Console.Error.WriteLine(message);
        Console.Error.WriteLine(Usage);
        return null;
    }
}
