using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;

namespace StaticNets.Benchmarks;

/// <summary>
/// Where the time goes, outside BenchmarkDotNet: each generated layer method of LeNet-5 timed alone in a
/// loop on one thread, with its FLOPs, GFLOP/s and share of the peak, beside the whole
/// <c>Forward</c>, <c>ComputeGradients</c>, <c>ZeroGradients</c> and Adam step; the forward layers of the four
/// MLPerf Tiny models (<c>LayerBreakdown.Mlperf.cs</c>); then the generator's runs of <see cref="GeneratorBenchmarks"/>
/// on the same clock. Coarser than the benchmarks (one process,
/// medians of a few rounds), but enough to say which layer to work on, and on Linux it counts only the
/// time the thread ran, so it stays readable on a machine shared with other work.
/// </summary>
/// <remarks>
/// The layer methods are private members of the generated code, named as STYLE.md names them
/// (<c>Conv1Forward</c>, <c>Conv1Backward</c>, ...). They are found by those names and called on the buffers
/// that <c>ForwardCore</c> and <c>BackwardCore</c> pass them (<c>_conv1Output</c>, <c>_conv1OutputGrad</c>, ...;
/// see <c>LayerBreakdown.Binding.cs</c>), after one <c>ComputeGradients</c> has filled every buffer. A layer whose method or buffer is not found is reported as such: the breakdown follows the
/// generated code, it does not constrain it.
/// </remarks>
internal static partial class LayerBreakdown
{
    private const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;

    public static void Run(bool quick, bool mlperfOnly = false)
    {
        var clock = new Clock(roundMilliseconds: quick ? 20 : 100, rounds: quick ? 5 : 11);
        double peak = PeakFmaBenchmarks.FlopsPerCall(8) / clock.Nanoseconds(() => PeakFmaBenchmarks.Fma256(1f));
        double peak512 = PeakFmaBenchmarks.FlopsPerCall(16) / clock.Nanoseconds(() => PeakFmaBenchmarks.Fma512(1f));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Per layer, one thread: medians of {clock.Rounds} rounds of about {clock.RoundMilliseconds} ms of {Clock.Kind}."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"FMA peak of this core: Vector256 {peak:F1} GFLOP/s (the % column of LeNet-5), Vector512 {peak512:F1} GFLOP/s{(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "" : " (not accelerated)")}."));
        if (!mlperfOnly)
        {
            LeNet5Layers(clock, peak);
        }

        foreach (string name in MlperfModel.Names)
        {
            MlperfLayers(MlperfModel.Create(name), clock, peak, peak512);
        }

        if (!mlperfOnly)
        {
            GeneratorRuns(clock);
        }
    }

    private static void LeNet5Layers(Clock clock, double peak)
    {
        NetworkInfo info = LeNet5.Info;
        Dataset data = Digits.Load(1);
        float[] input = data.Input(0).ToArray();
        int label = data.Label(0);
        var output = new float[LeNet5.OutputSize];
        var net = new LeNet5(Digits.Seed);
        var adam = new Adam(0.001f);
        net.ComputeGradients(input, label);
        adam.Step(net.Parameters, net.Gradients);
        var target = new Target(typeof(LeNet5), net, info, [.. info.Layers.Select(l => l.Name)]);

        Console.WriteLine();
        Console.WriteLine("LeNet-5");
        Console.WriteLine();
        Console.WriteLine("| part | µs | share | FLOP | GFLOP/s | % of peak |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");

        double forward = clock.Nanoseconds(() => net.Forward(input, output));
        Print("Forward", forward, forward, Flops.Forward(info), peak);
        double forwardParts = 0;
        for (int i = 0; i < info.Layers.Count; i++)
        {
            LayerInfo layer = info.Layers[i];
            MethodInfo[] methods = FindLayerMethods(target, Pascal(target.Defaults[i]) + "Forward");
            Action? call = methods.Length == 0 ? null : Bind(methods, target, target.Defaults[i], InputOf(target, i, input), dx: null);
            if (call is null)
            {
                PrintMissing($"  {layer.Name} forward", methods.Length == 0 ? "no method (no code of its own)" : "buffers not found");
                continue;
            }

            double ns = clock.Nanoseconds(call);
            forwardParts += ns;
            Print($"  {layer.Name} forward", ns, forward, Flops.LayerForward(layer), peak);
        }

        Print("  sum of the layers", forwardParts, forward, Flops.Forward(info), peak);

        double training = clock.Nanoseconds(() => net.ComputeGradients(input, label));
        long trainingFlops = Flops.Training(info);
        Print("ComputeGradients", training, training, trainingFlops, peak);
        double backwardParts = 0;
        for (int i = info.Layers.Count - 1; i >= 0; i--)
        {
            LayerInfo layer = info.Layers[i];
            MethodInfo[] methods = FindLayerMethods(target, Pascal(target.Defaults[i]) + "Backward");
            float[]? dx = i == 0 ? null : InputGradientOf(target, i);
            Action? run = methods.Length == 0 ? null : Bind(methods, target, target.Defaults[i], InputOf(target, i, input), dx);
            if (run is null)
            {
                PrintMissing($"  {layer.Name} backward", methods.Length == 0 ? "no method (no code of its own)" : "buffers not found");
                continue;
            }

            double ns = clock.Nanoseconds(run);
            backwardParts += ns;
            Print($"  {layer.Name} backward", ns, training, Flops.LayerBackward(layer, first: i == 0), peak);
        }

        Print("  sum of the backward layers", backwardParts, training, trainingFlops - Flops.Forward(info), peak);
        Print("  rest: training forward, loss", training - backwardParts, training, Flops.Forward(info), peak);

        double zero = clock.Nanoseconds(net.ZeroGradients);
        Print("ZeroGradients", zero, zero, 0, peak);
        // Gradients of every sign and size, not the zeros ZeroGradients left: with a zero gradient, thousands of
        // steps would decay the moments into subnormal floats, which are slow and which training never keeps.
        var gradients = net.Gradients;
        for (int i = 0; i < gradients.Length; i++) gradients[i] = 1e-3f * MathF.Sin(i * 0.7f);
        double step = clock.Nanoseconds(() => adam.Step(net.Parameters, net.Gradients));
        Print("Adam step", step, step, 0, peak);
        Console.WriteLine();
        Console.WriteLine("share: of the Forward row for forward layers, of the ComputeGradients row for backward layers. "
            + "Backward FLOPs: weight gradient plus input gradient (none for the first layer).");
    }

    /// <summary>The generator on the same clock, so that a busy machine's figures can be read beside BenchmarkDotNet's.</summary>
    private static void GeneratorRuns(Clock clock)
    {
        var generator = new GeneratorBenchmarks();
        generator.Setup();
        Console.WriteLine();
        Console.WriteLine("| generator (GeneratorBenchmarks, same clock) | ms |");
        Console.WriteLine("|---|---:|");
        PrintMilliseconds("first run: LeNet-5 (target ≤ 20 ms)", clock.Nanoseconds(() => generator.FirstRunLeNet5()));
        PrintMilliseconds("first run: 20-layer network", clock.Nanoseconds(() => generator.FirstRunTwentyLayers()));
        PrintMilliseconds("floor: a generator that only finds [Input]", clock.Nanoseconds(() => generator.FirstRunAttributeOnly()));
        PrintMilliseconds("rerun after an unrelated edit", clock.Nanoseconds(() => generator.RerunAfterUnrelatedEdit()));
    }

    private static void PrintMilliseconds(string part, double ns) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {part} | {ns / 1e6:F2} |"));

    private static void Print(string part, double ns, double whole, long flops, double peak)
    {
        double gflops = flops / ns;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {part} | {ns / 1e3:F2} | {100 * ns / whole:F0}% | {flops:N0} | {(flops == 0 ? "—" : gflops.ToString("F1", CultureInfo.InvariantCulture))} | {(flops == 0 ? "—" : (100 * gflops / peak).ToString("F0", CultureInfo.InvariantCulture) + "%")} |"));
    }

    private static void PrintMissing(string part, string why) => Console.WriteLine($"| {part} | {why} | | | | |");

    /// <summary>
    /// Median time of one call over a number of rounds. On Linux the time is the calling thread's CPU time
    /// (<c>CLOCK_THREAD_CPUTIME_ID</c>), so the time the thread spends descheduled on a busy machine is not
    /// counted; elsewhere it is the Stopwatch's wall time.
    /// </summary>
    private sealed partial class Clock(int roundMilliseconds, int rounds)
    {
        private const int WarmUpMilliseconds = 300;
        private const int ThreadCpuTimeClock = 3; // CLOCK_THREAD_CPUTIME_ID

        public int RoundMilliseconds => roundMilliseconds;

        public int Rounds => rounds;

        public static string Kind => OperatingSystem.IsLinux() ? "thread CPU time" : "Stopwatch wall time";

        public double Nanoseconds(Action action)
        {
            // Warm up long enough for tiered compilation to install the optimised code (it waits for 100 ms
            // without new methods before compiling in the background), counting the calls to calibrate a round.
            long calls = 0;
            long warmUpStart = Now();
            while (Now() - warmUpStart < WarmUpMilliseconds * 1_000_000L)
            {
                action();
                calls++;
            }

            long perRound = Math.Max(1, calls * roundMilliseconds / WarmUpMilliseconds);
            var times = new double[rounds];
            for (int r = 0; r < rounds; r++)
            {
                long start = Now();
                for (long i = 0; i < perRound; i++)
                {
                    action();
                }

                times[r] = (double)(Now() - start) / perRound;
            }

            Array.Sort(times);
            return times[rounds / 2];
        }

        /// <summary>Nanoseconds on this clock.</summary>
        private static long Now()
        {
            if (OperatingSystem.IsLinux() && ClockGetTime(ThreadCpuTimeClock, out TimeSpec now) == 0)
            {
                return now.Seconds * 1_000_000_000L + now.Nanoseconds;
            }

            return (long)Stopwatch.GetElapsedTime(0).TotalNanoseconds;
        }

        [LibraryImport("libc", EntryPoint = "clock_gettime")]
        private static partial int ClockGetTime(int clock, out TimeSpec time);

        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }
    }
}
