using System.Diagnostics;
using System.Globalization;

namespace StaticNets.Benchmarks;

/// <summary>
/// <c>--rounds</c>: no BenchmarkDotNet, plain Stopwatch loops over real, changing digits, repeated for many rounds
/// and reported as medians and best rounds. On a shared machine whose speed drifts from minute to minute, many
/// short rounds interleaved give a steadier comparison of two ways of doing the same thing than three long
/// iterations each: <c>Predict</c> digit by digit against <c>PredictBatch</c>, on one thread and two, and
/// <c>ComputeGradients</c> and <c>Train</c> as in <see cref="TrainingBenchmarks"/>.
/// </summary>
internal static class RoundBenchmarks
{
    private const int Block = InferenceBenchmarks.Block;

    public static void Run(bool quick)
    {
        int rounds = quick ? 10 : 30;
        float[] digits = Digits.LoadInputs(2 * Block);
        Dataset labelled = Digits.Load(2 * Block);
        Dataset train = Digits.Load(2048);
        LeNet5[] nets = [new LeNet5(Digits.Seed), new LeNet5(Digits.Seed)];
        int[][] predictions = [new int[Block], new int[Block]];

        int Loop(int k)
        {
            int sum = 0;
            for (int i = 0; i < Block; i++) sum += nets[k].Predict(digits.AsSpan((k * Block + i) * LeNet5.InputSize, LeNet5.InputSize));
            return sum;
        }

        int Batch(int k)
        {
            nets[k].PredictBatch(digits.AsSpan(k * Block * LeNet5.InputSize, Block * LeNet5.InputSize), predictions[k]);
            return predictions[k][0];
        }

        int Gradients(int k)
        {
            float loss = 0;
            for (int i = 0; i < Block; i++) loss += nets[k].ComputeGradients(labelled.Input(k * Block + i), labelled.Label(k * Block + i));
            return (int)loss;
        }

        double MicrosecondsPerDigit(Func<int, int> work, bool twoThreads, int repeats)
        {
            var clock = Stopwatch.StartNew();
            for (int r = 0; r < repeats; r++)
            {
                if (twoThreads) Parallel.Invoke(() => work(0), () => work(1));
                else work(0);
            }

            return clock.Elapsed.TotalMicroseconds / (repeats * Block * (twoThreads ? 2 : 1));
        }

        double TrainSamplesPerSecond(int threads)
        {
            var net = new LeNet5(Digits.Seed);
            var clock = Stopwatch.StartNew();
            net.Train(train, new TrainingOptions { Epochs = 1, BatchSize = 32, Optimizer = new Adam(0.001f), Threads = threads });
            return train.Count / clock.Elapsed.TotalSeconds;
        }

        (string Name, bool Rate, Func<double> Measure)[] rows =
        [
            ("Predict digit by digit, 1 thread, µs per digit", false, () => MicrosecondsPerDigit(Loop, false, 20)),
            ("PredictBatch of 256, 1 thread, µs per digit", false, () => MicrosecondsPerDigit(Batch, false, 20)),
            ("Predict digit by digit, 2 threads, µs per digit", false, () => MicrosecondsPerDigit(Loop, true, 20)),
            ("PredictBatch of 256, 2 threads, µs per digit", false, () => MicrosecondsPerDigit(Batch, true, 20)),
            ("ComputeGradients, 1 thread, µs per digit", false, () => MicrosecondsPerDigit(Gradients, false, 4)),
            ("ComputeGradients, 2 threads, µs per digit", false, () => MicrosecondsPerDigit(Gradients, true, 4)),
            ("Train batch 32, 1 thread, samples/s", true, () => TrainSamplesPerSecond(1)),
            ("Train batch 32, 2 threads, samples/s", true, () => TrainSamplesPerSecond(2)),
        ];

        foreach (var row in rows) row.Measure(); // warm-up: every method compiled fully optimised
        var values = rows.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            for (int r = 0; r < rows.Length; r++) values[r].Add(rows[r].Measure());
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LeNet-5, {rounds} rounds, each row once per round (Stopwatch, real digits that change every call)."));
        Console.WriteLine();
        Console.WriteLine("| measurement | median | best round |");
        Console.WriteLine("|---|---:|---:|");
        for (int r = 0; r < rows.Length; r++)
        {
            var sorted = values[r].Order().ToArray();
            double median = sorted[sorted.Length / 2];
            double best = rows[r].Rate ? sorted[^1] : sorted[0];
            string format = rows[r].Rate ? "N0" : "F2";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {rows[r].Name} | {median.ToString(format, CultureInfo.InvariantCulture)} | {best.ToString(format, CultureInfo.InvariantCulture)} |"));
        }
    }
}
