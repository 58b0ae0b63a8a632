namespace StaticNets.Benchmarks;

/// <summary>Real MNIST digits from the repository's <c>Samples/data/mnist</c>, the inputs every benchmark feeds the networks.</summary>
internal static class Digits
{
    /// <summary>Seed of every network, optimizer and training run here, so that runs compare like with like.</summary>
    public const int Seed = 1;

    /// <summary>
    /// Distinct digits a one-digit (latency) benchmark steps through, one per call, so that the pooling
    /// layers' branches see real data rather than one image the branch predictor has learnt.
    /// </summary>
    public const int LatencyDigits = 64;

    /// <summary>The first <paramref name="count"/> training digits, pixels scaled to [0, 1].</summary>
    public static Dataset Load(int count) => Mnist.Load(FindDataDirectory(), MnistSplit.Train, count);

    /// <summary>Inputs of the first <paramref name="count"/> training digits, one after the other in a flat array.</summary>
    public static float[] LoadInputs(int count)
    {
        Dataset data = Load(count);
        var inputs = new float[count * LeNet5.InputSize];
        for (int i = 0; i < count; i++)
        {
            data.Input(i).CopyTo(inputs.AsSpan(i * LeNet5.InputSize));
        }

        return inputs;
    }

    /// <summary>
    /// <c>Samples/data/mnist</c> in the nearest folder above this assembly, or above the current directory,
    /// that has one. BenchmarkDotNet runs each benchmark from a build folder of its own under
    /// <c>Benchmarks/bin</c>, so the search starts there.
    /// </summary>
    private static string FindDataDirectory()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                string candidate = Path.Combine(folder.FullName, "Samples", "data", "mnist");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException(
            $"No Samples/data/mnist folder above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}; run the benchmarks from a clone of the repository.");
    }
}
