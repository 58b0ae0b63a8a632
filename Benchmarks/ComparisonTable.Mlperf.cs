using System.Globalization;
using System.Text;

namespace StaticNets.Benchmarks;

/// <summary>
/// The MLPerf Tiny part of the summary: for each model, StaticNets' <c>Forward</c> against ONNX Runtime on the same
/// weights, as a ratio of times (StaticNets over ORT: below 1 is faster) beside the ratio the issue says must hold, and
/// each one's share of the FMA peak measured in the same run (multiply-adds from the generated <c>MultiplyAdds</c>).
/// </summary>
internal static partial class ComparisonTable
{
    private static void AppendMlperf(StringBuilder table, BenchmarkResults results, Peak oneCore, Peak twoCores)
    {
        string[] ran = [.. MlperfModel.Names.Where(name =>
            results.MedianNanoseconds<MlperfTinyBenchmarks>(nameof(MlperfTinyBenchmarks.StaticNetsForward), Case(name)) is not null
            || results.MedianNanoseconds<MlperfTinyBenchmarks>(nameof(MlperfTinyBenchmarks.OrtForward), Case(name)) is not null
            || results.MedianNanoseconds<MlperfTinyBenchmarks>(nameof(MlperfTinyBenchmarks.StaticNetsTwoThreads), Case(name)) is not null
            || results.MedianNanoseconds<MlperfTinyBenchmarks>(nameof(MlperfTinyBenchmarks.OrtTwoThreads), Case(name)) is not null)];
        if (ran.Length == 0)
        {
            return;
        }

        table.AppendLine();
        table.AppendLine("MLPerf Tiny models, batch 1, one thread: StaticNets Forward against ONNX Runtime 1.31.1 on the same weights (ExportOnnx, all optimisations)");
        table.AppendLine();
        table.AppendLine("| model | multiply-adds | StaticNets µs | ORT µs | StaticNets / ORT | must hold | StaticNets % of peak (V256 / V512) | ORT % of peak (V256 / V512) | bytes per Forward | instance memory |");
        table.AppendLine("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|");
        foreach (string name in ran)
        {
            MlperfModel model = MlperfModel.Create(name);
            long flops = 2 * model.MultiplyAdds;
            double? ours = results.MedianNanoseconds<MlperfTinyBenchmarks>(nameof(MlperfTinyBenchmarks.StaticNetsForward), Case(name));
            double? ort = results.MedianNanoseconds<MlperfTinyBenchmarks>(nameof(MlperfTinyBenchmarks.OrtForward), Case(name));
            double limit = name == "ResNet8" ? 1.0 : 0.6;
            string verdict = ours is { } o && ort is { } r && r > 0 ? (o / r <= limit ? "met" : "missed") : None;
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {model.MultiplyAdds:N0} | {Micro(ours)} | {Micro(ort)} | {Ratio(ours, ort)} | ≤ {limit:F1}×: {verdict} | {oneCore.Fractions(Gflops(ours, flops))} | {oneCore.Fractions(Gflops(ort, flops))} | {Bytes(results.BytesPerOperation<MlperfTinyBenchmarks>(nameof(MlperfTinyBenchmarks.StaticNetsForward), Case(name)))} | {Bytes(model.InstanceBytes)} |");
        }

        table.AppendLine();
        table.AppendLine("MLPerf Tiny models, throughput on two threads: StaticNets two instances sharing the weights (CreateReplica), ORT two sessions of one intra-op thread; batch 1, one per thread");
        table.AppendLine();
        table.AppendLine("| model | StaticNets samples/s | ORT samples/s | StaticNets / ORT (time) | StaticNets % of 2-core peak (V256 / V512) | ORT % of 2-core peak (V256 / V512) | bytes per sample |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (string name in ran)
        {
            MlperfModel model = MlperfModel.Create(name);
            long flops = 2 * model.MultiplyAdds;
            double? ours = results.MedianNanoseconds<MlperfTinyBenchmarks>(nameof(MlperfTinyBenchmarks.StaticNetsTwoThreads), Case(name));
            double? ort = results.MedianNanoseconds<MlperfTinyBenchmarks>(nameof(MlperfTinyBenchmarks.OrtTwoThreads), Case(name));
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {Number(1e9 / ours, "N0")} | {Number(1e9 / ort, "N0")} | {Ratio(ours, ort)} | {twoCores.Fractions(Gflops(ours, flops))} | {twoCores.Fractions(Gflops(ort, flops))} | {Bytes(results.BytesPerOperation<MlperfTinyBenchmarks>(nameof(MlperfTinyBenchmarks.StaticNetsTwoThreads), Case(name)))} |");
        }

        table.AppendLine();
        table.AppendLine("StaticNets / ORT: StaticNets' time over ONNX Runtime's (below 1 is faster; the issue's limits: 1.0x on ResNet-8, 0.6x on the others).");
        table.AppendLine("% of peak: 2 x MultiplyAdds (the generated constant, BatchNorm's included) over the time, against the FMA peaks above of one core");
        table.AppendLine("(two for the two-thread table). Instance memory: the last figure of the generated Summary's \"memory:\" line.");
    }

    /// <summary>The parameter string of a model's case in <see cref="BenchmarkResults"/>.</summary>
    private static string Case(string model) => $"{nameof(MlperfTinyBenchmarks.Model)}={model}";
}
