using StaticNets.Generator.Emit;
using StaticNets.Generator.Model;
using StaticNets.Generator.Shapes;
using StaticNets.Generator.Tests.Support;
using Xunit;

namespace StaticNets.Generator.Tests.Diagnostics;

/// <summary>
/// Neither the analyzer nor the generator may throw, whatever the user has typed: attributes with compile
/// errors, enum values out of range, negative sizes, int.MaxValue, odd declarations. The harness fails a test
/// on an analyzer exception (AD0001) or a generator exception or warning (CS8784/CS8785).
/// </summary>
public class RobustnessTests
{
    public static TheoryData<string> Sources => new()
    {
        "using StaticNets;\n[Input(28, 28, 1)][Conv2D(6, 5, Stride = )]\npublic partial class N { }",
        "using StaticNets;\n[Input(x, 28, 1)][Flatten]\npublic partial class N { }",
        "using StaticNets;\n[Input(\"a\")][Dense(2)]\npublic partial class N { }",
        "using StaticNets;\n[Input][Dense]\npublic partial class N { }",
        "using StaticNets;\n[Input(4)][Dense(2, Activation = (Activation)99, Init = (Init)(-7))]\npublic partial class N { }",
        "using StaticNets;\n[Input(-1, int.MinValue, 0)][Conv2D(int.MinValue, int.MinValue)]\npublic partial class N { }",
        "using StaticNets;\n[Input(28, 28, 1)][Conv2D(6, 5, Stride = int.MinValue, Padding = int.MinValue)]\npublic partial class N { }",
        "using StaticNets;\n[Input(28, 28, 1)][Conv2D(6, 5, Stride = int.MaxValue, Padding = int.MaxValue)]\npublic partial class N { }",
        "using StaticNets;\n[Input(28, 28, 1)][Conv2D(int.MaxValue, int.MaxValue, Stride = 7, Padding = int.MaxValue)]\npublic partial class N { }",
        "using StaticNets;\n[Input(28, 28, 1)][MaxPool(int.MaxValue, Stride = int.MaxValue)][AvgPool(1, Stride = int.MaxValue)]\npublic partial class N { }",
        "using StaticNets;\n[Input(46340, 46340, 1)][Conv2D(1, 46340, Padding = 46339, Stride = 3)]\npublic partial class N { }",
        "using StaticNets;\n[Input(28, 28, 1)][Conv2D(6, 5, Stride = 2, Stride = 3)]\npublic partial class N { }",
        "using StaticNets;\n[Input(4)][Dropout(double.NaN)][LeakyReLU(double.NegativeInfinity)][Dense(2, L1 = double.NaN, L2 = -0.0)]\npublic partial class N { }",
        "using StaticNets;\n[Input(int.MaxValue)][Dense(int.MaxValue)][Dense(int.MaxValue)]\npublic partial class N { }",
        "using StaticNets;\n[Input(4, 4, 1)]\npublic partial class N { }",
        "using StaticNets;\n[Input(4, 4, 1)][Input(4)][Input(0)]\npublic partial class N { }",
        "using StaticNets;\n[Input(28, 28, 1)]\npublic partial struct N { }",
        "using StaticNets;\n[Input(4)][Dense(2)]\npublic partial record N { }",
        "using StaticNets;\n[Input(4)][Dense(2)]\npublic partial interface N { }",
        "using StaticNets;\n[Input(4)][Dense(2)]\npublic enum N { A }",
        "using StaticNets;\npublic partial class O<T> { [Input(4)][Dense(2)] public partial class N { } }",
        "using StaticNets;\nnamespace A.B;\n[StaticNets.Input(4), StaticNets.Dense(2)]\ninternal partial class N { }",
        "using In = StaticNets.InputAttribute;\n[In(4)][StaticNets.Dense(2)]\npublic partial class N { }",
        "using StaticNets;\npublic class C { [Input(4)] public void M() { } }",
        "using StaticNets;\n[Input(4)][Dense(2)]\npublic partial class",
        "using StaticNets;\n[Input(4)][Dense(2)]\npublic partial class N : N { }",
        "using StaticNets;\n[Input(4)][Dense(2)]\npublic partial class N { public int Predict; public const int InputSize = 3; }",
        "using StaticNets;\n[Input(4)][Dense(2)]\npublic partial class N { }\n[Input(4)][Dense(3)]\npublic partial class N { }",
        "namespace StaticNets { public class InputAttribute : System.Attribute { public InputAttribute(string s) { } } }\n[StaticNets.Input(\"x\")]\npublic partial class N { }",
        "using StaticNets;\n[Input(4)][Dense(2)]\npublic partial class N { }\nnamespace Other { [Input(4)][Dense(2)] public partial class N { } }",
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void The_analyzer_and_the_generator_never_throw(string source)
    {
        var compilation = AnalyzerHarness.Compile(source);
        AnalyzerHarness.Analyze(compilation);
        var (output, _) = AnalyzerHarness.Generate(compilation);
        AnalyzerHarness.Analyze(output);
    }

    /// <summary>Shape inference on random specs, with values the parser can hand it (anything an int or double holds).</summary>
    [Fact]
    public void Shape_inference_never_throws_and_stays_fast_on_wild_values()
    {
        int[] ints = [int.MinValue, -7, -1, 0, 1, 2, 3, 5, 7, 28, 1000, 46340, 46341, int.MaxValue - 1, int.MaxValue];
        double[] doubles = [double.NaN, double.NegativeInfinity, -1, 0, 0.5, 0.999, 1, double.PositiveInfinity];
        var random = new Random(7);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int n = 0; n < 3000; n++)
        {
            var spec = RandomSpec(random, ints, doubles, maxLayers: 8);
            var shape = ShapeInference.Infer(spec);
            Assert.All(shape.Diagnostics, d => Assert.False(string.IsNullOrWhiteSpace(d.Message)));
            if (shape.CanEmit) Assert.DoesNotContain(shape.Diagnostics, d => d.Id[2] == '1' || d.Id is "SN2003" or "SN2004" or "SN2005" or "SN2006");
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"3000 wild networks took {watch.Elapsed}");
    }

    /// <summary>Small random networks: whatever inference makes of them, the emitter writes a file without throwing.</summary>
    [Fact]
    public void The_emitter_never_throws_on_what_inference_accepts_or_rejects()
    {
        int[] ints = [-1, 0, 1, 2, 3, 4, 5, 6];
        double[] doubles = [0, 0.25, 0.5, 1.5];
        var random = new Random(11);
        int emitted = 0;
        for (int n = 0; n < 400; n++)
        {
            var spec = RandomSpec(random, ints, doubles, maxLayers: 6);
            var shape = ShapeInference.Infer(spec);
            if (!NetworkEmitter.CanAddMembers(spec)) continue;
            string source = NetworkEmitter.Emit(spec, shape);
            Assert.Contains("partial class N", source);
            if (shape.CanEmit) emitted++;
        }
        Assert.True(emitted > 20, $"only {emitted} random networks were valid: the test no longer exercises the emitter");
    }

    private static NetworkSpec RandomSpec(Random random, int[] ints, double[] doubles, int maxLayers)
    {
        var types = Enum.GetValues<LayerType>();
        int Int() => random.Next(4) == 0 ? ints[random.Next(ints.Length)] : random.Next(1, 6);
        double Double() => doubles[random.Next(doubles.Length)];
        var layers = new List<LayerSpec>();
        // Mostly [Input] first, image or flat, so that shape checks are reached.
        if (random.Next(5) > 0)
        {
            bool flat = random.Next(3) == 0;
            var arguments = flat ? [new ArgumentLocation("features", Location())] : new[] { new ArgumentLocation("height", Location()) };
            int side = flat ? 1 : Int() * 4;
            layers.Add(new LayerSpec(LayerType.Input, 0, Location(), arguments.ToEquatableArray())
            {
                Height = side,
                Width = flat ? 1 : Int() * 4,
                Channels = Int(),
                Flat = flat,
            });
        }
        int count = random.Next(maxLayers + 1);
        // The default names so far, for an [Add]'s from: "input", an earlier layer, or now and then a name no layer has.
        var names = new List<string> { "input" };
        var stems = new Dictionary<string, int>();
        for (int i = 0; i < count; i++)
        {
            var type = types[random.Next(types.Length)];
            string stem = Layers.LayerRegistry.For(type).Stem;
            stems[stem] = stems.GetValueOrDefault(stem) + 1;
            bool strideGiven = random.Next(2) == 0;
            // Every field drawn, whatever the kind: a rule must ignore the fields its kind does not take.
            int first = Int(), second = Int(), third = Int();
            double value = Double();
            int stride = strideGiven ? Int() : (type is LayerType.MaxPool or LayerType.AvgPool ? first : 1);
            layers.Add(new LayerSpec(type, random.Next(8) == 0 ? 1 : 0, random.Next(10) == 0 ? null : Location(), EquatableArray<ArgumentLocation>.Empty)
            {
                Height = first,
                Width = second,
                Channels = third,
                Filters = first,
                Units = first,
                Size = first,
                Kernel = second,
                KernelHeight = random.Next(4) == 0 ? Int() : null,
                KernelWidth = random.Next(4) == 0 ? Int() : null,
                Stride = stride,
                StrideHeight = random.Next(5) == 0 ? Int() : null,
                StrideWidth = random.Next(5) == 0 ? Int() : null,
                StrideGiven = strideGiven,
                Padding = random.Next(3) == 0 ? Int() : 0,
                Pads = random.Next(6) == 0 ? new EquatableArray<int>(Enumerable.Range(0, random.Next(6)).Select(_ => Int()).ToArray()) : EquatableArray<int>.Empty,
                PaddingMode = (PaddingModeKind)random.Next(-1, 3),
                Bias = random.Next(2) == 0,
                Activation = (ActivationKind)random.Next(-1, 8),
                Init = (InitKind)random.Next(-1, 6),
                Rate = value,
                Alpha = value,
                L1 = Double(),
                L2 = Double(),
                HasErrors = random.Next(20) == 0,
                From = random.Next(10) == 0 ? "nowhere" : names[random.Next(names.Count)],
                Projection = (ProjectionKind)random.Next(-1, 4),
            });
            if (type != LayerType.Input) names.Add(stem + stems[stem]);
        }
        return new NetworkSpec(null, "N", "N", "N.g.cs", "public", EquatableArray<string>.Empty,
            random.Next(10) > 0, random.Next(20) == 0, random.Next(20) == 0, random.Next(20) == 0,
            Location(), "N.cs", layers.ToEquatableArray());
    }

    private static LocationInfo Location() => new("/src/Test0.cs", 0, 1, 0, 0, 0, 1);
}
