using System.Diagnostics;
using System.Globalization;

namespace StaticNets.Benchmarks;

/// <summary>
/// <c>--rounds --mlperf</c>: no BenchmarkDotNet. For each MLPerf Tiny model, the calls of
/// <see cref="MlperfTinyBenchmarks"/> (its setup, which checks ONNX Runtime's outputs against <c>Forward</c>'s) timed
/// with a Stopwatch in many short rounds, StaticNets and ONNX Runtime in turn within each round (the one that goes
/// first alternating), so that both sides of a ratio are measured in the same few milliseconds. On a shared machine
/// whose speed drifts from minute to minute, the median of the rounds' own ratios is steadier than the ratio of two
/// three-iteration medians taken a minute apart.
/// </summary>
internal static class MlperfRounds
{
    /// <summary>Milliseconds each side runs per round.</summary>
    private const double RoundMilliseconds = 20;

    /// <summary>Milliseconds each side runs before the rounds.</summary>
    private const double WarmUpMilliseconds = 1000;

    public static void Run(bool quick)
    {
        int rounds = quick ? 11 : 31;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"MLPerf Tiny models against ONNX Runtime, {rounds} rounds of about {RoundMilliseconds} ms a side, in turn (Stopwatch)."));
        Console.WriteLine();
        Console.WriteLine("| model | measurement | StaticNets median | ORT median | StaticNets best | ORT best | StaticNets / ORT, median of the rounds | fewest, most |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (string name in MlperfModel.Names)
        {
            var bench = new MlperfTinyBenchmarks { Model = name };
            bench.Setup();
            try
            {
                Row(name, "batch 1, one thread, µs", rounds, 1, () => bench.StaticNetsForward(), () => bench.OrtForward());
                Row(name, "two threads, µs per sample", rounds, MlperfModel.Samples, () => bench.StaticNetsTwoThreads(), () => bench.OrtTwoThreads());
            }
            finally
            {
                bench.Cleanup();
            }
        }

        Console.WriteLine();
        Console.WriteLine("StaticNets / ORT: StaticNets' time over ONNX Runtime's in the same round (below 1 is faster); the median of the rounds'");
        Console.WriteLine("ratios, then the fewest and the most. Medians and bests are of µs per sample over the rounds.");
    }

    private static void Row(string model, string what, int rounds, int perCall, Func<float> ours, Func<float> theirs)
    {
        int calls = CallsPerRound(ours, theirs);
        var oursTimes = new double[rounds];
        var theirTimes = new double[rounds];
        var ratios = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            if (r % 2 == 0)
            {
                oursTimes[r] = Time(ours, calls, perCall);
                theirTimes[r] = Time(theirs, calls, perCall);
            }
            else
            {
                theirTimes[r] = Time(theirs, calls, perCall);
                oursTimes[r] = Time(ours, calls, perCall);
            }
            ratios[r] = oursTimes[r] / theirTimes[r];
        }

        Array.Sort(ratios);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {model} | {what} | {Median(oursTimes):F2} | {Median(theirTimes):F2} | {oursTimes.Min():F2} | {theirTimes.Min():F2} | "
            + $"{Median(ratios):F2}× | {ratios[0]:F2}×, {ratios[^1]:F2}× |"));
    }

    /// <summary>
    /// Calls a side makes per round: about <see cref="RoundMilliseconds"/> of the slower side, after a warm-up of both
    /// (<see cref="WarmUpMilliseconds"/> each, so that the JIT has compiled every method it will, fully optimised).
    /// </summary>
    private static int CallsPerRound(Func<float> ours, Func<float> theirs)
    {
        foreach (var side in new[] { ours, theirs })
        {
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed.TotalMilliseconds < WarmUpMilliseconds) side();
        }

        int calls = 1;
        while (true)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < calls; i++) ours();
            for (int i = 0; i < calls; i++) theirs();
            if (clock.Elapsed.TotalMilliseconds >= RoundMilliseconds) return Math.Max(1, calls / 2);
            calls *= 2;
        }
    }

    private static double Time(Func<float> work, int calls, int perCall)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < calls; i++) work();
        return clock.Elapsed.TotalMicroseconds / ((double)calls * perCall);
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
