using BenchmarkDotNet.Reports;

namespace StaticNets.Benchmarks;

/// <summary>The reports of one run, looked up by benchmark class and method: medians per operation and bytes allocated.</summary>
internal sealed class BenchmarkResults
{
    private readonly Dictionary<(string Type, string Method, string Parameters), BenchmarkReport> reports = [];

    public BenchmarkResults(IEnumerable<Summary> summaries)
    {
        foreach (BenchmarkReport report in summaries.SelectMany(s => s.Reports))
        {
            var descriptor = report.BenchmarkCase.Descriptor;
            string parameters = string.Join(",", report.BenchmarkCase.Parameters.Items.Select(p => $"{p.Name}={p.Value}"));
            reports[(descriptor.Type.Name, descriptor.WorkloadMethod.Name, parameters)] = report;
        }
    }

    /// <summary>Whether no benchmark ran (all filtered out).</summary>
    public bool IsEmpty => reports.Count == 0;

    /// <summary>
    /// Median time of one operation in nanoseconds (per <c>OperationsPerInvoke</c>), or null when the benchmark did not run
    /// or failed. <paramref name="parameters"/> selects a case of a benchmark with <c>[Params]</c>: "Model=ResNet8".
    /// </summary>
    public double? MedianNanoseconds<T>(string method, string parameters = "") =>
        reports.TryGetValue((typeof(T).Name, method, parameters), out var report) ? report.ResultStatistics?.Median : null;

    /// <summary>Bytes allocated per operation, or null when the benchmark did not run or no memory diagnoser was attached.</summary>
    public long? BytesPerOperation<T>(string method, string parameters = "") =>
        reports.TryGetValue((typeof(T).Name, method, parameters), out var report) && report.ResultStatistics is not null
            ? report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase)
            : null;

    /// <summary>Samples per second of a benchmark whose operation is one sample.</summary>
    public double? SamplesPerSecond<T>(string method, string parameters = "") => MedianNanoseconds<T>(method, parameters) is { } ns ? 1e9 / ns : null;

    /// <summary>The fewest and most iterations behind a median in this run, as text: "3", or "13-100" when BenchmarkDotNet chose per benchmark.</summary>
    public string IterationRange
    {
        get
        {
            int[] counts = [.. reports.Values.Select(r => r.ResultStatistics?.N ?? 0).Where(n => n > 0)];
            return counts.Length == 0 ? "no" : counts.Min() == counts.Max() ? $"{counts.Min()}" : $"{counts.Min()}-{counts.Max()}";
        }
    }
}
