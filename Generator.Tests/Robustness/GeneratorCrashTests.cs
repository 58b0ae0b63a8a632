using Microsoft.CodeAnalysis;
using Xunit;

namespace StaticNets.Generator.Tests.Robustness;

/// <summary>
/// The declarations that the fuzzer (<see cref="GeneratorFuzzTests"/>) found to crash the generator or to get
/// code that does not compile, each kept as a plain test. The rules checked are <see cref="FuzzRunner"/>'s.
/// </summary>
public class GeneratorCrashTests
{
    internal static void AssertNoProblem(CaseOutcome outcome)
    {
        if (outcome.Problems.Count > 0) Assert.Fail(FuzzRunner.Report(outcome));
    }

    private static void AssertReported(CaseOutcome outcome, string id)
    {
        if (!outcome.Diagnostics.Any(d => d.Id == id)) Assert.Fail($"{id} was not reported.\n{FuzzRunner.Report(outcome)}");
    }

    private static void AssertNoError(CaseOutcome outcome)
    {
        if (outcome.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)) Assert.Fail($"The case should compile.\n{FuzzRunner.Report(outcome)}");
    }

    [Fact]
    public void Input_on_two_partial_declarations_is_SN1002_not_a_generator_crash()
    {
        // The generator found the class once per declaration carrying [Input] and added its file twice: an
        // ArgumentException (CS8785) that took every network of the project down with it.
        var outcome = FuzzRunner.RunSource(9001, """
            using StaticNets;
            namespace Case9001;
            [Input(4)] [Dense(2)] public partial class Net { }
            [Input(4)] public partial class Net { }
            [Input(4)] [Dense(3)] public partial class Other { }
            static class Use
            {
                static int Sizes() => Other.OutputSize + Net.InputSize + new Other(1).Predict(new float[4]);
            }
            """);
        AssertNoProblem(outcome);
        AssertReported(outcome, "SN1002");
        AssertReported(outcome, "SN1004");
        Assert.Equal(2, outcome.Generated.Count);
    }

    [Fact]
    public void Networks_named_with_keywords_compile()
    {
        // '@' made the hint name invalid (an ArgumentException from AddSource), and the declarations were written
        // without it (`partial class class`).
        var outcome = FuzzRunner.RunSource(9002, """
            using StaticNets;
            namespace Case9002.@fixed;
            [Input(4)] [Dense(2)] public partial class @class { }
            public partial class @event
            {
                [Input(3)] [Dense(1)] public partial class @int { }
            }
            static class Use
            {
                static int Run() => new @class(1).Predict(new float[4]) + @event.@int.OutputSize + @class.Info.Layers.Count;
            }
            """);
        AssertNoProblem(outcome);
        AssertNoError(outcome);
        Assert.Equal(2, outcome.Generated.Count);
    }

    [Theory]
    [InlineData("[Input(4)] [Dense(2, L2 = 1e308)]")]
    [InlineData("[Input(4)] [Dense(2, L1 = 1e39)]")]
    [InlineData("[Input(2, 2, 1)] [Conv2D(2, 1, L2 = 3.5e38)]")]
    [InlineData("[Input(4)] [LeakyReLU(1e300)]")]
    public void Values_beyond_float_range_are_SN1003_not_infinity_in_generated_code(string layers)
    {
        // The network computes in float: 1e308 became "Infinity.0f" in the generated code, which does not compile.
        var outcome = FuzzRunner.RunSource(9003, $$"""
            using StaticNets;
            namespace Case9003;
            {{layers}}
            public partial class Net { }
            static class Use { static int Run() => new Net(1).Predict(new float[Net.InputSize]); }
            """);
        AssertNoProblem(outcome);
        AssertReported(outcome, "SN1003");
    }

    [Theory]
    [InlineData("[Input(4)] [Dense(2, L2 = 3e38)]")]
    [InlineData("[Input(4)] [Dense(2, L1 = 1e-300)]")]
    [InlineData("[Input(2, 2, 1)] [Conv2D(2, 1, L1 = 3.4e38)]")]
    [InlineData("[Input(4)] [LeakyReLU(3.4e38)]")]
    public void Values_within_float_range_compile(string layers)
    {
        var outcome = FuzzRunner.RunSource(9004, $$"""
            using StaticNets;
            namespace Case9004;
            {{layers}}
            public partial class Net { }
            static class Use { static int Run() => new Net(1).Predict(new float[Net.InputSize]); }
            """);
        AssertNoProblem(outcome);
        AssertNoError(outcome);
    }

    [Theory]
    [InlineData("[Input(4, 4, 1)] [MaxPool(1)] [Flatten] [Dense(2)]")]
    [InlineData("[Input(5, 5, 2)] [MaxPool(1, Stride = 2)] [Flatten]")]
    public void One_by_one_max_pooling_compiles_without_warnings(string layers)
    {
        // A 1x1 window has no tap to compare: the generated `float m = xc, v;` left v unused (CS0168), an error
        // in every project that treats warnings as errors.
        var outcome = FuzzRunner.RunSource(9006, $$"""
            using StaticNets;
            namespace Case9006;
            {{layers}}
            public partial class Net { }
            static class Use { static int Run() => new Net(1).Predict(new float[Net.InputSize]); }
            """);
        AssertNoProblem(outcome);
        AssertNoError(outcome);
    }

    [Fact]
    public void Abstract_network_class_is_SN1001_not_an_error_in_generated_code()
    {
        // Create(seed) and Load could not instantiate the class: CS0144 inside the generated file.
        var outcome = FuzzRunner.RunSource(9005, """
            using StaticNets;
            namespace Case9005;
            [Input(4)] [Dense(2)] public abstract partial class Net { }
            static class Use { static string Run(Net net) => Net.Summary + net.Predict(new float[Net.InputSize]); }
            """);
        AssertNoProblem(outcome);
        AssertReported(outcome, "SN1001");
    }
}
