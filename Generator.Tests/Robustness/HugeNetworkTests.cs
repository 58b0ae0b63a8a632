using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Xunit;

namespace StaticNets.Generator.Tests.Robustness;

/// <summary>
/// Sizes that overflow an int, and buffers beyond the stated limit (<c>ShapeInference.MaxFloats</c>, 1 GiB per
/// instance), are SN2006: never an overflow, an exception, or generated code that does not compile. Arguments
/// such as int.MaxValue for a stride are reported at once, with their own id, without a search over every int.
/// </summary>
public class HugeNetworkTests
{
    /// <summary>What <c>Summary</c> says an instance holds: parameters, gradients and activation buffers, in bytes.</summary>
    internal static long InstanceBytes(string generated)
    {
        var match = Regex.Match(generated, @"memory: parameters [\d,]+ B, gradients [\d,]+ B(?:, statistics [\d,]+ B)?, activations [\d,]+ B; ([\d,]+) B in all");
        Assert.True(match.Success, "no memory line in the generated summary");
        return long.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }

    private const long Limit = 1L << 30;

    private static CaseOutcome Run(int seed, string layers) => FuzzRunner.RunSource(seed, $$"""
        using StaticNets;
        namespace Case{{seed}};
        {{layers}}
        public partial class Net { }
        static class Use
        {
            static int Run(Net net) => net.Predict(new float[Net.InputSize]) + Net.OutputSize + Net.ParameterCount + Net.Summary.Length;
        }
        """);

    [Theory]
    [InlineData(9101, "[Input(100000, 100000, 3)] [Flatten] [Dense(10)]")]
    [InlineData(9102, "[Input(int.MaxValue)] [Dense(int.MaxValue)]")]
    [InlineData(9103, "[Input(1000)] [Dense(1000000)]")]
    [InlineData(9104, "[Input(8, 8, 1)] [Conv2D(int.MaxValue, 3)]")]
    [InlineData(9105, "[Input(8, 8, 1)] [Conv2D(1, int.MaxValue, Padding = int.MaxValue)]")]
    [InlineData(9106, "[Input(1, 1, 1)] [Conv2D(1, 1, Padding = int.MaxValue, Stride = int.MaxValue)]")]
    [InlineData(9107, "[Input(8, 8, 1)] [Conv2D(1, 3, Padding = 100000, Stride = 100000)]")]
    [InlineData(9108, "[Input(46341, 46341, 1)] [ReLU]")]
    [InlineData(9109, "[Input(30000, 30000, 1)] [ReLU]")]
    [InlineData(9110, "[Input(int.MaxValue)] [ReLU]")]
    [InlineData(9111, "[Input(2, 2, int.MaxValue)] [Flatten]")]
    [InlineData(9115, "[Input(46341, int.MaxValue, 100000)] [Flatten]")]
    [InlineData(9116, "[Input(int.MaxValue, int.MaxValue, int.MaxValue)] [AvgPool(1, Stride = 3)]")]
    [InlineData(9112, "[Input(1000)] [Dense(100000)] [Dense(1000)]")]
    [InlineData(9113, "[Input(64, 64, 1)] [Conv2D(60000, 33)]")]
    [InlineData(9114, "[Input(128, 128, 3)] [Conv2D(4000, 3, Padding = 1, Activation = Activation.ReLU)] [MaxPool(2)]")]
    public void Sizes_beyond_an_int_or_the_limit_are_SN2006(int seed, string layers)
    {
        var outcome = Run(seed, layers);
        GeneratorCrashTests.AssertNoProblem(outcome);
        if (!outcome.Diagnostics.Any(d => d.Id == "SN2006"))
        {
            string generated = outcome.Generated.Single().ToString();
            Assert.Fail($"SN2006 was not reported; the instance would hold {InstanceBytes(generated):N0} B.\n{FuzzRunner.Report(outcome)}");
        }
        Assert.Contains("has build errors", outcome.Generated.Single().ToString());
    }

    [Theory]
    [InlineData(9121, "[Input(1000)] [Dense(100000)]")]
    [InlineData(9122, "[Input(64, 64, 1)] [Conv2D(10000, 33)]")]
    [InlineData(9123, "[Input(46340, 46340, 1)]")]
    [InlineData(9124, "[Input(128, 128, 3)] [Conv2D(32, 3, Padding = 1, Activation = Activation.ReLU)] [MaxPool(2)] [Flatten] [Dense(100)]")]
    public void Large_networks_within_the_limit_compile_and_stay_within_it(int seed, string layers)
    {
        var outcome = Run(seed, layers);
        GeneratorCrashTests.AssertNoProblem(outcome);
        Assert.DoesNotContain(outcome.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        string generated = outcome.Generated.Single().ToString();
        if (!generated.Contains("declares no layers", StringComparison.Ordinal)) Assert.InRange(InstanceBytes(generated), 1, Limit);
    }

    [Theory]
    [InlineData(9131, "[Input(8, 8, 1)] [Conv2D(1, 3, Stride = int.MaxValue)]", "SN2001")]
    [InlineData(9132, "[Input(8, 8, 1)] [Conv2D(1, 3, Stride = 2147483646)]", "SN2001")]
    [InlineData(9133, "[Input(4, 4, 1)] [MaxPool(2, Stride = int.MaxValue)]", "SN2002")]
    [InlineData(9134, "[Input(9, 9, 1)] [AvgPool(2, Stride = 2000000000)]", "SN2002")]
    [InlineData(9135, "[Input(8, 8, 1)] [Conv2D(1, int.MaxValue)]", "SN2003")]
    [InlineData(9136, "[Input(8, 8, 1)] [MaxPool(int.MaxValue)]", "SN2003")]
    [InlineData(9137, "[Input(8, 8, 1)] [Conv2D(1, 3, Stride = int.MinValue, Padding = int.MinValue)]", "SN1003")]
    [InlineData(9138, "[Input(int.MinValue, int.MinValue, int.MinValue)] [Flatten]", "SN1003")]
    public async Task Extreme_windows_and_strides_get_their_own_error_at_once(int seed, string layers, string id)
    {
        // The repair suggestions in SN2001/SN2002 used to try every stride below the given one: with
        // Stride = int.MaxValue that is two billion candidates, seconds of work in the IDE on every keystroke.
        var compilation = Support.GeneratorHarness.Compile($"using StaticNets;\nnamespace Case{seed};\n{layers}\npublic partial class Net {{ }}");
        var spec = global::StaticNets.Generator.Parsing.NetworkParser.Parse(compilation.GetTypeByMetadataName($"Case{seed}.Net")!, default);
        var clock = Stopwatch.StartNew();
        var task = Task.Run(() => global::StaticNets.Generator.Shapes.ShapeInference.Infer(spec));
        // Inference takes well under a millisecond; the old search took many seconds. (A task that overruns keeps a core busy until it ends.)
        bool finished = await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(2))) == task;
        Assert.True(finished, $"shape inference has not finished after {clock.Elapsed.TotalSeconds:0.0} s on {layers}");
        Assert.Contains((await task).Diagnostics, d => d.Id == id);

        var outcome = Run(seed, layers);
        GeneratorCrashTests.AssertNoProblem(outcome);
        Assert.Contains(outcome.Diagnostics, d => d.Id == id);
    }
}
