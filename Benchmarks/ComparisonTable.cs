using System.Globalization;
using System.Runtime.Intrinsics;
using System.Text;

namespace StaticNets.Benchmarks;

/// <summary>
/// The one table a run ends with: every result of the run beside ONNX Runtime's from the same run, as
/// GFLOP/s and as a fraction of the FMA peak measured in the same run. Markdown, so it can be pasted
/// into the README as it is.
/// </summary>
/// <remarks>
/// "vs ORT" is how many times faster StaticNets is (ORT's time over StaticNets' time). "% of peak" gives
/// two fractions: of the Vector256 FMA peak, the width the generated code uses, and of the Vector512
/// peak, the machine's own where AVX-512 runs at full width; one core's peak for one-thread rows, two
/// cores' for two-thread rows. A cell is "—" when its benchmark was filtered out or failed; a row with
/// no result at all is left out.
/// </remarks>
internal static partial class ComparisonTable
{
    private const string None = "—";

    public static string Build(BenchmarkResults results, string mode)
    {
        long forwardFlops = Flops.Forward(LeNet5.Info);
        long trainingFlops = Flops.Training(LeNet5.Info);
        var oneCore = new Peak(
            Gflops(results.MedianNanoseconds<PeakFmaBenchmarks>(nameof(PeakFmaBenchmarks.Vector256OneThread)), PeakFmaBenchmarks.FlopsPerCall(8)),
            Gflops(results.MedianNanoseconds<PeakFmaBenchmarks>(nameof(PeakFmaBenchmarks.Vector512OneThread)), PeakFmaBenchmarks.FlopsPerCall(16)));
        var twoCores = new Peak(
            Gflops(results.MedianNanoseconds<PeakFmaBenchmarks>(nameof(PeakFmaBenchmarks.Vector256TwoThreads)), 2 * PeakFmaBenchmarks.FlopsPerCall(8)),
            Gflops(results.MedianNanoseconds<PeakFmaBenchmarks>(nameof(PeakFmaBenchmarks.Vector512TwoThreads)), 2 * PeakFmaBenchmarks.FlopsPerCall(16)));

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"StaticNets benchmarks: LeNet-5, the FMA peak, then the MLPerf Tiny models ({mode} run; medians, all rows from this one run)");
        table.AppendLine(CultureInfo.InvariantCulture, $"LeNet-5 FLOPs per sample (a multiply-add is 2): forward {forwardFlops:N0} ({forwardFlops / 1e6:F2} MFLOP), training {trainingFlops:N0} ({trainingFlops / 1e6:F2} MFLOP)");
        table.AppendLine();
        table.AppendLine("| measurement | StaticNets | ONNX Runtime 1.31.1 | vs ORT | GFLOP/s | % of peak (V256 / V512) |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|");

        // Inference: latency (time per digit), then throughput (digits per second).
        double? ortBatch1 = results.MedianNanoseconds<OnnxRuntimeBenchmarks>(nameof(OnnxRuntimeBenchmarks.Batch1));
        LatencyRow(table, "inference batch 1 (1 thread), µs: Forward",
            results.MedianNanoseconds<InferenceBenchmarks>(nameof(InferenceBenchmarks.Forward)), ortBatch1, forwardFlops, oneCore);
        LatencyRow(table, "inference batch 1 (1 thread), µs: Predict",
            results.MedianNanoseconds<InferenceBenchmarks>(nameof(InferenceBenchmarks.Predict)), ortBatch1, forwardFlops, oneCore);
        double? ort64One = results.SamplesPerSecond<OnnxRuntimeBenchmarks>(nameof(OnnxRuntimeBenchmarks.Batch64OneThread));
        double? ort64Two = results.SamplesPerSecond<OnnxRuntimeBenchmarks>(nameof(OnnxRuntimeBenchmarks.Batch64TwoThreads));
        ThroughputRow(table, "inference throughput (1 thread), samples/s: PredictBatch of 256; ORT batch 64, 1 intra-op thread",
            results.SamplesPerSecond<InferenceBenchmarks>(nameof(InferenceBenchmarks.PredictBatchOneThread)), ort64One, forwardFlops, oneCore);
        ThroughputRow(table, "inference throughput (2 threads), samples/s: PredictBatch of 256; ORT batch 64, 2 intra-op threads",
            results.SamplesPerSecond<InferenceBenchmarks>(nameof(InferenceBenchmarks.PredictBatchTwoThreads)), ort64Two, forwardFlops, twoCores);
        ThroughputRow(table, "inference throughput (1 thread), samples/s: Predict digit by digit; ORT batch 64, 1 intra-op thread",
            results.SamplesPerSecond<InferenceBenchmarks>(nameof(InferenceBenchmarks.PredictBlockOneThread)), ort64One, forwardFlops, oneCore);
        ThroughputRow(table, "inference throughput (2 threads), samples/s: Predict digit by digit; ORT batch 64, 2 intra-op threads",
            results.SamplesPerSecond<InferenceBenchmarks>(nameof(InferenceBenchmarks.PredictBlockTwoThreads)), ort64Two, forwardFlops, twoCores);

        // Training: samples per second.
        ThroughputRow(table, "training batch 1 (1 thread), samples/s: ZeroGradients + ComputeGradients + Adam step",
            results.SamplesPerSecond<TrainingBenchmarks>(nameof(TrainingBenchmarks.TrainStep)), null, trainingFlops, oneCore);
        ThroughputRow(table, "training batch 1 (1 thread), samples/s: ComputeGradients alone",
            results.SamplesPerSecond<TrainingBenchmarks>(nameof(TrainingBenchmarks.ComputeGradients)), null, trainingFlops, oneCore);
        ThroughputRow(table, "training batch 32 (1 thread), samples/s: Train, 2,048 digits, 1 epoch",
            results.SamplesPerSecond<TrainingBenchmarks>(nameof(TrainingBenchmarks.TrainBatch32OneThread)), null, trainingFlops, oneCore);
        ThroughputRow(table, "training batch 32 (2 threads), samples/s: Train, 2,048 digits, 1 epoch",
            results.SamplesPerSecond<TrainingBenchmarks>(nameof(TrainingBenchmarks.TrainBatch32TwoThreads)), null, trainingFlops, twoCores);
        Row(table, "Adam step over 61,706 parameters, µs",
            Micro(results.MedianNanoseconds<TrainingBenchmarks>(nameof(TrainingBenchmarks.AdamStep))), None, None, None, None);

        // Allocation: the design promises none in Forward, Predict and ComputeGradients.
        Row(table, "bytes allocated per Forward (ORT: per batch-1 run)",
            Bytes(results.BytesPerOperation<InferenceBenchmarks>(nameof(InferenceBenchmarks.Forward))),
            Bytes(results.BytesPerOperation<OnnxRuntimeBenchmarks>(nameof(OnnxRuntimeBenchmarks.Batch1))), None, None, None);
        Row(table, "bytes allocated per Predict",
            Bytes(results.BytesPerOperation<InferenceBenchmarks>(nameof(InferenceBenchmarks.Predict))), None, None, None, None);
        Row(table, "bytes allocated per PredictBatch of 256",
            Bytes(results.BytesPerOperation<InferenceBenchmarks>(nameof(InferenceBenchmarks.PredictBatchOneThread)) is { } b ? b * InferenceBenchmarks.Block : null), None, None, None, None);
        Row(table, "bytes allocated per ComputeGradients",
            Bytes(results.BytesPerOperation<TrainingBenchmarks>(nameof(TrainingBenchmarks.ComputeGradients))), None, None, None, None);
        Row(table, "bytes allocated per Adam step",
            Bytes(results.BytesPerOperation<TrainingBenchmarks>(nameof(TrainingBenchmarks.AdamStep))), None, None, None, None);
        Row(table, "bytes allocated per sample of Train (batch 32, 2 threads)",
            Bytes(results.BytesPerOperation<TrainingBenchmarks>(nameof(TrainingBenchmarks.TrainBatch32TwoThreads))), None, None, None, None);

        // The peaks every percentage refers to.
        string accelerated = Vector512.IsHardwareAccelerated ? "" : " (not accelerated here)";
        PeakRow(table, "peak FMA, Vector256, 12 accumulators, 1 thread", oneCore.Vector256, oneCore);
        PeakRow(table, "peak FMA, Vector256, 12 accumulators, 2 threads", twoCores.Vector256, twoCores);
        PeakRow(table, "peak FMA, Vector512, 12 accumulators, 1 thread" + accelerated, oneCore.Vector512, oneCore);
        PeakRow(table, "peak FMA, Vector512, 12 accumulators, 2 threads" + accelerated, twoCores.Vector512, twoCores);

        // The generator's cost to a build.
        double? leNet5 = results.MedianNanoseconds<GeneratorBenchmarks>(nameof(GeneratorBenchmarks.FirstRunLeNet5));
        string target = leNet5 is { } ns ? (ns <= 20e6 ? "met" : "missed") : None;
        Row(table, $"generator, first run: LeNet-5, ms (target ≤ 20 ms: {target})", Milli(leNet5), None, None, None, None);
        Row(table, "generator, first run: 20-layer network, ms",
            Milli(results.MedianNanoseconds<GeneratorBenchmarks>(nameof(GeneratorBenchmarks.FirstRunTwentyLayers))), None, None, None, None);
        Row(table, "generator floor: a generator that only finds [Input], first run, ms",
            Milli(results.MedianNanoseconds<GeneratorBenchmarks>(nameof(GeneratorBenchmarks.FirstRunAttributeOnly))), None, None, None, None);
        Row(table, "generator, rerun after an unrelated edit (cached), ms",
            Milli(results.MedianNanoseconds<GeneratorBenchmarks>(nameof(GeneratorBenchmarks.RerunAfterUnrelatedEdit))), None, None, None, None);

        table.AppendLine();
        table.AppendLine("vs ORT: times faster than ONNX Runtime (its time over ours). % of peak: of the Vector256 and of the Vector512 FMA peak above,");
        table.AppendLine("one core's for 1-thread rows, two cores' for 2-thread rows. GFLOP/s counts multiply-adds only (Flops.cs).");
        table.AppendLine(CultureInfo.InvariantCulture, $"Medians of {results.IterationRange} iterations per benchmark ({mode} job); BenchmarkDotNet's tables above have the spread.");
        AppendMlperf(table, results, oneCore, twoCores);
        return table.ToString();
    }

    private static void LatencyRow(StringBuilder table, string name, double? ns, double? ortNs, long flops, Peak peak)
    {
        double? gflops = Gflops(ns, flops);
        Row(table, name, Micro(ns), Micro(ortNs), Ratio(ortNs, ns), Number(gflops, "F1"), peak.Fractions(gflops));
    }

    private static void ThroughputRow(StringBuilder table, string name, double? perSecond, double? ortPerSecond, long flops, Peak peak)
    {
        double? gflops = perSecond * flops / 1e9;
        Row(table, name, Number(perSecond, "N0"), Number(ortPerSecond, "N0"), Ratio(perSecond, ortPerSecond), Number(gflops, "F1"), peak.Fractions(gflops));
    }

    private static void PeakRow(StringBuilder table, string name, double? gflops, Peak peak) =>
        Row(table, name, None, None, None, Number(gflops, "F1"), peak.Fractions(gflops));

    /// <summary>One row, left out when none of its benchmarks ran (filtered out, or failed: BenchmarkDotNet's log says which).</summary>
    private static void Row(StringBuilder table, string name, string ours, string ort, string ratio, string gflops, string percent)
    {
        if (ours == None && ort == None && gflops == None)
        {
            return;
        }

        table.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {ours} | {ort} | {ratio} | {gflops} | {percent} |");
    }

    private static double? Gflops(double? ns, long flops) => ns is { } t && t > 0 ? flops / t : null;

    private static string Micro(double? ns) => Number(ns / 1e3, "F2");

    private static string Milli(double? ns) => Number(ns / 1e6, "F2");

    private static string Ratio(double? numerator, double? denominator) =>
        numerator is { } n && denominator is { } d && d > 0 ? (n / d).ToString("F2", CultureInfo.InvariantCulture) + "×" : None;

    private static string Bytes(long? bytes) => bytes is { } b ? b.ToString("N0", CultureInfo.InvariantCulture) + " B" : None;

    private static string Number(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : None;

    /// <summary>The measured FMA peaks of one or two cores, in GFLOP/s.</summary>
    private readonly record struct Peak(double? Vector256, double? Vector512)
    {
        /// <summary>"43% / 20%": <paramref name="gflops"/> as a fraction of each peak.</summary>
        public string Fractions(double? gflops) =>
            gflops is null || (Vector256 is null && Vector512 is null) ? None : $"{Percent(gflops, Vector256)} / {Percent(gflops, Vector512)}";

        private static string Percent(double? gflops, double? peak) =>
            gflops is { } g && peak is { } p && p > 0 ? (100 * g / p).ToString("F0", CultureInfo.InvariantCulture) + "%" : None;
    }
}
