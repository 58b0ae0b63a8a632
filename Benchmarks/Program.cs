using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using StaticNets.Benchmarks;

// dotnet run -c Release --project Benchmarks -- [--quick] [--layers] [BenchmarkDotNet options, e.g. --filter *Inference*]
//   (default)  every benchmark, BenchmarkDotNet's default job, then the summary table
//   --quick    the same with ShortRun (3 warm-ups, 3 iterations, one launch): minutes instead of tens of minutes
//   --layers   no BenchmarkDotNet: each generated layer's forward and backward, and the generator, timed in
//              thread CPU time (LayerBreakdown); readable on a busy machine
//   --rounds   no BenchmarkDotNet: Predict against PredictBatch, ComputeGradients and Train over changing digits,
//              many short rounds, medians (RoundBenchmarks)
//   --mlperf   only the MLPerf Tiny models against ONNX Runtime, and the FMA peak their shares refer to
//              (MlperfTinyBenchmarks, PeakFmaBenchmarks); with --layers, the per-layer breakdown of those models only;
//              with --rounds, the models against ONNX Runtime in many short rounds taken in turn (MlperfRounds)
bool quick = args.Contains("--quick");
bool layers = args.Contains("--layers");
bool rounds = args.Contains("--rounds");
bool mlperf = args.Contains("--mlperf");
string[] passThrough = [.. args.Where(a => a is not ("--quick" or "--layers" or "--rounds" or "--mlperf"))];

if (layers)
{
    LayerBreakdown.Run(quick, mlperfOnly: mlperf);
    return 0;
}

if (rounds)
{
    if (mlperf) MlperfRounds.Run(quick);
    else RoundBenchmarks.Run(quick);
    return 0;
}

if (mlperf)
{
    passThrough = [.. passThrough, "--filter", "*" + nameof(MlperfTinyBenchmarks) + "*", "*" + nameof(PeakFmaBenchmarks) + "*"];
}

// Without a filter BenchmarkDotNet would ask on the console which benchmarks to run: run them all.
if (!passThrough.Any(a => a is "--filter" or "-f" || a.StartsWith("--filter=", StringComparison.Ordinal)))
{
    passThrough = [.. passThrough, "--filter", "*"];
}

Type[] benchmarks =
[
    typeof(PeakFmaBenchmarks),
    typeof(InferenceBenchmarks),
    typeof(OnnxRuntimeBenchmarks),
    typeof(MlperfTinyBenchmarks),
    typeof(TrainingBenchmarks),
    typeof(GeneratorBenchmarks),
];

IConfig config = DefaultConfig.Instance
    .AddJob(quick ? Job.ShortRun.WithId("Quick") : Job.Default.WithId("Full"))
    .AddColumn(StatisticColumn.Median);
Summary[] summaries = [.. BenchmarkSwitcher.FromTypes(benchmarks).Run(passThrough, config)];

var results = new BenchmarkResults(summaries);
if (results.IsEmpty)
{
    Console.Error.WriteLine("No benchmark ran (check --filter): no summary table.");
    return 1;
}

string table = ComparisonTable.Build(results, quick ? "quick" : "full");
Console.WriteLine();
Console.WriteLine(table);

string artifacts = summaries.Select(s => s.ResultsDirectoryPath).FirstOrDefault(Directory.Exists) ?? Directory.GetCurrentDirectory();
string tablePath = Path.Combine(artifacts, "StaticNets-summary.md");
File.WriteAllText(tablePath, table);
Console.WriteLine($"Summary table written to {tablePath}");
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
