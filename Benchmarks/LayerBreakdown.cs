using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;

namespace StaticNets.Benchmarks;

/// <summary>
/// Where the time goes, outside BenchmarkDotNet: each generated layer method of LeNet-5 timed alone in a
/// loop on one thread, with its FLOPs, GFLOP/s and share of the peak, beside the whole
/// <c>Forward</c>, <c>ComputeGradients</c>, <c>ZeroGradients</c> and Adam step; then the generator's runs
/// of <see cref="GeneratorBenchmarks"/> on the same clock. Coarser than the benchmarks (one process,
/// medians of a few rounds), but enough to say which layer to work on, and on Linux it counts only the
/// time the thread ran, so it stays readable on a machine shared with other work.
/// </summary>
/// <remarks>
/// The layer methods are static members of the generated file's layers class (<c>LeNet5Layers</c>, file-local,
/// under <c>StaticNets.Generated</c>), named as STYLE.md names them (<c>Conv1Forward</c>, <c>Conv1Backward</c>, ...).
/// They are found by those names and called on the buffers that <c>ForwardCore</c> and <c>BackwardCore</c> pass
/// them, matched by parameter name (<c>x</c>, <c>y</c>, <c>dy</c>, <c>dx</c>, <c>parameters</c>, the layer's scratch
/// buffers...), after one <c>ComputeGradients</c> has filled every buffer. A layer whose method or buffer is not
/// found is reported as such: the breakdown follows the generated code, it does not constrain it.
/// </remarks>
internal static partial class LayerBreakdown
{
    private const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;

    /// <summary>The file-local class of LeNet-5's layer bodies.</summary>
    private static readonly Type? Layers = typeof(LeNet5).Assembly.GetTypes()
        .FirstOrDefault(t => t.Namespace == "StaticNets.Generated" && t.Name.EndsWith("LeNet5Layers", StringComparison.Ordinal));

    public static void Run(bool quick)
    {
        var clock = new Clock(roundMilliseconds: quick ? 20 : 100, rounds: quick ? 5 : 11);
        NetworkInfo info = LeNet5.Info;
        Dataset data = Digits.Load(1);
        float[] input = data.Input(0).ToArray();
        int label = data.Label(0);
        var output = new float[LeNet5.OutputSize];
        var net = new LeNet5(Digits.Seed);
        var adam = new Adam(0.001f);
        net.ComputeGradients(input, label);
        adam.Step(net.Parameters, net.Gradients);

        double peak = PeakFmaBenchmarks.FlopsPerCall(8) / clock.Nanoseconds(() => PeakFmaBenchmarks.Fma256(1f));
        double peak512 = PeakFmaBenchmarks.FlopsPerCall(16) / clock.Nanoseconds(() => PeakFmaBenchmarks.Fma512(1f));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"LeNet-5 per layer, one thread: medians of {clock.Rounds} rounds of about {clock.RoundMilliseconds} ms of {Clock.Kind}."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"FMA peak of this core: Vector256 {peak:F1} GFLOP/s (the % column), Vector512 {peak512:F1} GFLOP/s{(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "" : " (not accelerated)")}."));
        Console.WriteLine();
        Console.WriteLine("| part | µs | share | FLOP | GFLOP/s | % of peak |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");

        double forward = clock.Nanoseconds(() => net.Forward(input, output));
        Print("Forward", forward, forward, Flops.Forward(info), peak);
        double forwardParts = 0;
        for (int i = 0; i < info.Layers.Count; i++)
        {
            LayerInfo layer = info.Layers[i];
            MethodInfo? method = Layers?.GetMethod(Stem(layer) + "Forward", BindingFlags.Static | BindingFlags.NonPublic);
            Action? call = method is null ? null : Bind(method, p => Argument(net, info, i, input, p));
            if (call is null)
            {
                PrintMissing($"  {layer.Name} forward", method is null ? "no method (no code of its own)" : "buffers not found");
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
            MethodInfo? method = Layers?.GetMethod(Stem(layer) + "Backward", BindingFlags.Static | BindingFlags.NonPublic);
            Action? run = method is null ? null : Bind(method, p => Argument(net, info, i, input, p));
            if (run is null)
            {
                PrintMissing($"  {layer.Name} backward", method is null ? "no method (no code of its own)" : "buffers not found");
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

        // The generator on the same clock, so that a busy machine's figures can be read beside BenchmarkDotNet's.
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

    /// <summary>The arrays a bound layer call passes, in its parameters' order; the unused ones are null.</summary>
    private delegate void Arrays(Delegate target, float[]? a0, float[]? a1, float[]? a2, float[]? a3, float[]? a4, float[]? a5, float[]? a6, float[]? a7, float[]? a8, float[]? a9, float[]? a10, float[]? a11);

    private const int MostParameters = 12;

    /// <summary>
    /// A call of a static layer method on buffers: each parameter (a float array, or a span over one) gets the buffer
    /// <paramref name="buffer"/> names for it; null when a buffer is missing or a parameter is of another type.
    /// Spans cannot pass through reflection's Invoke: a small IL method turns the arrays into spans and calls the layer
    /// through a delegate (an <c>Action</c> over the span types), so the layer runs as compiled, not inlined into the IL.
    /// </summary>
    private static Action? Bind(MethodInfo method, Func<string, float[]?> buffer)
    {
        var parameters = method.GetParameters();
        if (parameters.Length is 0 or > MostParameters) return null;
        var types = parameters.Select(p => p.ParameterType).ToArray();
        var arguments = new float[]?[MostParameters];
        for (int k = 0; k < parameters.Length; k++)
        {
            if (types[k] != typeof(float[]) && types[k] != typeof(Span<float>) && types[k] != typeof(ReadOnlySpan<float>)) return null;
            if (buffer(parameters[k].Name!) is not { } array) return null;
            arguments[k] = array;
        }

        Type actionType = System.Linq.Expressions.Expression.GetActionType(types);
        Delegate target = method.CreateDelegate(actionType);
        var il = new System.Reflection.Emit.DynamicMethod(
            method.Name, typeof(void), [typeof(Delegate), .. Enumerable.Repeat(typeof(float[]), MostParameters)], typeof(LayerBreakdown).Module, skipVisibility: true);
        var gen = il.GetILGenerator();
        gen.Emit(System.Reflection.Emit.OpCodes.Ldarg_0);
        gen.Emit(System.Reflection.Emit.OpCodes.Castclass, actionType);
        for (int k = 0; k < parameters.Length; k++)
        {
            gen.Emit(System.Reflection.Emit.OpCodes.Ldarg_S, (byte)(k + 1));
            if (types[k] != typeof(float[])) gen.Emit(System.Reflection.Emit.OpCodes.Call, types[k].GetMethod("op_Implicit", [typeof(float[])])!);
        }

        gen.Emit(System.Reflection.Emit.OpCodes.Callvirt, actionType.GetMethod("Invoke")!);
        gen.Emit(System.Reflection.Emit.OpCodes.Ret);
        var call = il.CreateDelegate<Arrays>();
        var a = arguments;
        return () => call(target, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
    }

    /// <summary>The buffer <c>ForwardCore</c> or <c>BackwardCore</c> passes as parameter <paramref name="parameter"/> of layer <paramref name="index"/>.</summary>
    private static float[]? Argument(LeNet5 net, NetworkInfo info, int index, float[] input, string parameter)
    {
        string name = info.Layers[index].Name;
        return parameter switch
        {
            "parameters" => Buffer(net, "parameters"),
            "gradients" => Buffer(net, "gradients"),
            "x" => InputOf(net, info, index, input),
            "y" or "output" => Buffer(net, name + "Output"),
            "dy" => Buffer(net, name + "OutputGrad"),
            "dx" => InputGradientOf(net, info, index),
            "linear" => Buffer(net, name + "Linear"),
            "padded" => Buffer(net, name + "Input"),
            "wide" => Buffer(net, name + "Wide"),
            "wideGrad" => Buffer(net, name + "WideGrad"),
            "gradT" => Buffer(net, name + "GradT"),
            "paddedGrad" => Buffer(net, name + "InputGrad"),
            _ => null,
        };
    }

    /// <summary><c>conv1</c> to <c>Conv1</c>, the stem of the layer's generated methods.</summary>
    private static string Stem(LayerInfo layer) => char.ToUpperInvariant(layer.Name[0]) + layer.Name[1..];

    /// <summary>The buffer layer <paramref name="index"/> reads: the output of the nearest earlier layer that has one (flatten has none), or the network input.</summary>
    private static float[]? InputOf(LeNet5 net, NetworkInfo info, int index, float[] input)
    {
        for (int i = index - 1; i >= 0; i--)
        {
            if (Buffer(net, info.Layers[i].Name + "Output") is { } output)
            {
                return output;
            }
        }

        return input;
    }

    /// <summary>The buffer layer <paramref name="index"/>'s backward writes: the output gradient of the nearest earlier layer that has one.</summary>
    private static float[]? InputGradientOf(LeNet5 net, NetworkInfo info, int index)
    {
        for (int i = index - 1; i >= 0; i--)
        {
            if (Buffer(net, info.Layers[i].Name + "OutputGrad") is { } gradient)
            {
                return gradient;
            }
        }

        return null;
    }

    private static float[]? Buffer(LeNet5 net, string name) =>
        typeof(LeNet5).GetField("_" + name, Private)?.GetValue(net) as float[];

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
