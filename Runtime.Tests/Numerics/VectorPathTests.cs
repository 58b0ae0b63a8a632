using System.Text.RegularExpressions;
using StaticNets.__Internals;
using StaticNets.Tests.Packaging;
using Xunit;
using Xunit.Abstractions;

namespace StaticNets.Tests.Numerics;

/// <summary>
/// Marked with the trait, so it runs in every process that runs the path tests: the process takes the path it was
/// asked for (the widest where nothing was asked), and a child tells its parent which one it took.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class VectorPathReport
{
    [Fact]
    public void The_process_takes_the_requested_path()
    {
        int expected = VectorPath.Requested ?? VectorPath.Widest;
        string taken = VectorPath.Describe(Simd.IsEnabled, Simd.UseVector512);
        if (Environment.GetEnvironmentVariable(VectorPath.ReportVariable) is { Length: > 0 } report)
        {
            File.WriteAllText(report, taken);
        }
        Assert.True(expected == VectorPath.Current, $"asked for the {expected} path, the process runs with {taken}");
    }
}

/// <summary>
/// Runs the path tests (<see cref="VectorPath.Trait"/>) again on every other path the hardware has, each in a child
/// <c>dotnet test</c> of this assembly, at the same time: the child must pass exactly the marked test cases and
/// report the <see cref="Simd"/> values of its path. A plain run of the suite so checks every network on Vector512,
/// Vector256 and the scalar fallbacks.
/// </summary>
public class VectorPathTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task The_path_tests_pass_on_every_other_vector_path()
    {
        if (VectorPath.Requested is { } requested)
        {
            throw new InvalidOperationException($"This test launches the path tests; it must not run inside one of them ({VectorPath.Variable}={requested}).");
        }

        int[] others = [.. VectorPath.Widths.Where(w => w != VectorPath.Current && w <= VectorPath.Widest)];
        output.WriteLine($"in process: {VectorPath.Describe(Simd.IsEnabled, Simd.UseVector512)}; children: {string.Join(", ", others)}");
        int cases = VectorPath.CountCases();
        output.WriteLine($"{cases} test cases carry the path trait");
        Assert.True(cases > 20, $"only {cases} test cases carry the path trait");

        var results = await Task.WhenAll(others.Select(width => Task.Run(() => RunChild(width))));
        foreach (var (width, result, report) in results)
        {
            output.WriteLine($"path {width}: {result.CommandLine}, {result.Elapsed.TotalSeconds:F1} s, reported {report}");
            Assert.True(result.ExitCode == 0, $"The path tests failed on the {width} path. {result.Describe()}");
            Assert.True(report == VectorPath.Describe(width), $"The child asked for the {width} path reported '{report}'. {result.Describe()}");
            var summary = Regex.Match(result.Output, @"Failed:\s+(\d+), Passed:\s+(\d+), Skipped:\s+(\d+), Total:\s+(\d+)");
            Assert.True(summary.Success, $"No test summary in the child's output. {result.Describe()}");
            Assert.True(summary.Groups[2].Value == cases.ToString() && summary.Groups[4].Value == cases.ToString(),
                $"The child on the {width} path passed {summary.Groups[2].Value} of {summary.Groups[4].Value} test cases; {cases} carry the trait. {result.Describe()}");
        }
    }

    private static (int Width, CliResult Result, string Report) RunChild(int width)
    {
        string assembly = typeof(VectorPathTests).Assembly.Location;
        string report = Path.Combine(Path.GetTempPath(), $"staticnets-vector-path-{Environment.ProcessId}-{width}.txt");
        File.Delete(report);
        try
        {
            var environment = new Dictionary<string, string>
            {
                [VectorPath.Variable] = width.ToString(),
                [VectorPath.ReportVariable] = report,
            };
            CliResult result = DotNetCli.Run(Path.GetDirectoryName(assembly)!, Limit, environment,
                "test", assembly, "--filter", $"{VectorPath.Trait}={VectorPath.Value}");
            return (width, result, File.Exists(report) ? File.ReadAllText(report) : "nothing");
        }
        finally
        {
            File.Delete(report);
        }
    }
}
