using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticNets.Generator;

namespace StaticNets.Benchmarks;

/// <summary>
/// What the generator costs a build: a first run over a project holding LeNet-5 (target: at most 20 ms),
/// the same over a 20-layer network, and the run after an edit that touches no network, which the
/// incremental pipeline should answer from its cache; beside them, Roslyn's own floor, a generator that
/// finds the same attribute and does nothing else.
/// </summary>
/// <remarks>
/// A first run is a new driver over a new compilation: the project's one unrelated file plus the
/// network's, added to a compilation whose references (the .NET 10 reference assemblies and the
/// StaticNets runtime) are already loaded, as the compiler has them before generators run. A compilation
/// made from scratch would add some 1-2 ms of reference binding that is not the generator's.
/// </remarks>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    /// <summary>LeNet-5, as DESIGN.md declares it.</summary>
    public const string LeNet5Source = """
        using StaticNets;

        namespace Bench;

        [Input(28, 28, 1)]
        [Conv2D(6, 5, Padding = 2, Activation = Activation.ReLU)]
        [MaxPool(2)]
        [Conv2D(16, 5, Activation = Activation.ReLU)]
        [MaxPool(2)]
        [Flatten]
        [Dense(120, Activation = Activation.ReLU)]
        [Dense(84, Activation = Activation.ReLU)]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class LeNet5 { }
        """;

    /// <summary>Twenty layers of every kind: a VGG-like stack of convolutions, both poolings, dropout, standalone activations, a dense head.</summary>
    public const string TwentyLayerSource = """
        using StaticNets;

        namespace Bench;

        [Input(32, 32, 3)]
        [Conv2D(16, 3, Padding = 1, Activation = Activation.ReLU)]
        [Conv2D(16, 3, Padding = 1, Activation = Activation.ReLU)]
        [MaxPool(2)]
        [Conv2D(32, 3, Padding = 1, Activation = Activation.ReLU)]
        [Conv2D(32, 3, Padding = 1)]
        [LeakyReLU]
        [AvgPool(2)]
        [Conv2D(64, 3, Padding = 1, Activation = Activation.GELU)]
        [Dropout(0.25)]
        [Conv2D(64, 3, Padding = 1, Activation = Activation.ReLU)]
        [MaxPool(2)]
        [Flatten]
        [Dense(256, Activation = Activation.ReLU)]
        [Dropout(0.5)]
        [Dense(128)]
        [ReLU]
        [Dense(64, Activation = Activation.LeakyReLU)]
        [Dense(32, Activation = Activation.ReLU)]
        [Dense(10)]
        [Softmax]
        public partial class Deep20 { }
        """;

    /// <summary>A file with no network, the one the cached benchmark edits.</summary>
    public const string UnrelatedSource = "namespace Bench; public class Unrelated { public int X => 1; }";

    private const string UnrelatedEdited = "namespace Bench; public class Unrelated { public int X => 2; public int Y => 3; }";

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);
    private static readonly CSharpCompilationOptions CompilationOptions =
        new(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);

    private SyntaxTree leNet5 = null!;
    private SyntaxTree twentyLayers = null!;
    private SyntaxTree unrelated = null!;
    private SyntaxTree unrelatedEdited = null!;
    private CSharpCompilation unrelatedOnly = null!;
    private CSharpCompilation leNet5Project = null!;
    private GeneratorDriver afterFirstRun = null!;

    [GlobalSetup]
    public void Setup()
    {
        ImmutableArray<MetadataReference> references =
        [
            .. Basic.Reference.Assemblies.Net100.References.All,
            MetadataReference.CreateFromFile(typeof(InputAttribute).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(System.Numerics.Tensors.TensorPrimitives).Assembly.Location),
        ];
        leNet5 = Parse(LeNet5Source, "LeNet5.cs");
        twentyLayers = Parse(TwentyLayerSource, "Deep20.cs");
        unrelated = Parse(UnrelatedSource, "Unrelated.cs");
        unrelatedEdited = Parse(UnrelatedEdited, "Unrelated.cs");

        // Load the references once: compilations derived from this one share them.
        unrelatedOnly = CSharpCompilation.Create("Bench", [unrelated], references, CompilationOptions);
        _ = unrelatedOnly.GetDiagnostics();

        Check(leNet5);
        Check(twentyLayers);
        leNet5Project = unrelatedOnly.AddSyntaxTrees(leNet5);
        afterFirstRun = NewDriver(new NetworkGenerator()).RunGenerators(leNet5Project);
        CheckRerunIsCached();
    }

    /// <summary>A first run over a project with LeNet-5 and one unrelated file.</summary>
    [Benchmark]
    public GeneratorDriver FirstRunLeNet5() => NewDriver(new NetworkGenerator()).RunGenerators(unrelatedOnly.AddSyntaxTrees(leNet5));

    /// <summary>A first run over a project with the 20-layer network and one unrelated file.</summary>
    [Benchmark]
    public GeneratorDriver FirstRunTwentyLayers() => NewDriver(new NetworkGenerator()).RunGenerators(unrelatedOnly.AddSyntaxTrees(twentyLayers));

    /// <summary>Roslyn's floor: <see cref="FirstRunLeNet5"/> with a generator that finds the network class and emits one line.</summary>
    [Benchmark]
    public GeneratorDriver FirstRunAttributeOnly() => NewDriver(new AttributeOnlyGenerator()).RunGenerators(unrelatedOnly.AddSyntaxTrees(leNet5));

    /// <summary>The LeNet-5 project again after an edit of the unrelated file: the network's steps should come from the cache.</summary>
    [Benchmark]
    public GeneratorDriver RerunAfterUnrelatedEdit() => afterFirstRun.RunGenerators(leNet5Project.ReplaceSyntaxTree(unrelated, unrelatedEdited));

    private static SyntaxTree Parse(string source, string path) => CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    private static GeneratorDriver NewDriver(IIncrementalGenerator generator, bool trackSteps = false) => CSharpGeneratorDriver.Create(
        [generator.AsSourceGenerator()],
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Throws unless the network generates one file and the project then compiles without errors: a benchmark of a failing run would mean nothing.</summary>
    private void Check(SyntaxTree network)
    {
        Compilation project = unrelatedOnly.AddSyntaxTrees(network);
        NewDriver(new NetworkGenerator()).RunGeneratorsAndUpdateCompilation(project, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        Diagnostic[] errors = [.. generatorDiagnostics.Concat(output.GetDiagnostics()).Where(d => d.Severity == DiagnosticSeverity.Error)];
        int generated = output.SyntaxTrees.Count() - project.SyntaxTrees.Count();
        if (errors.Length > 0 || generated != 1)
        {
            throw new InvalidOperationException(
                $"{network.FilePath}: {generated} generated files, errors: {string.Join("; ", errors.Select(e => e.ToString()))}");
        }
    }

    /// <summary>Throws unless the rerun after the unrelated edit takes the network's shape and source from the cache, as <see cref="RerunAfterUnrelatedEdit"/> claims to measure.</summary>
    private void CheckRerunIsCached()
    {
        GeneratorDriver driver = NewDriver(new NetworkGenerator(), trackSteps: true).RunGenerators(leNet5Project)
            .RunGenerators(leNet5Project.ReplaceSyntaxTree(unrelated, unrelatedEdited));
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        IncrementalStepRunReason[] reasons =
        [
            .. result.TrackedSteps[TrackingNames.Shape].SelectMany(step => step.Outputs).Select(output => output.Reason),
            .. result.TrackedOutputSteps.SelectMany(steps => steps.Value).SelectMany(step => step.Outputs).Select(output => output.Reason),
        ];
        if (reasons.Length == 0 || reasons.Any(reason => reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged)))
        {
            throw new InvalidOperationException($"After an unrelated edit the generator's steps ran again: {string.Join(", ", reasons)}.");
        }
    }

    /// <summary>The least a generator keyed on <c>[Input]</c> costs: the same attribute lookup, the class name as its only model, one comment emitted.</summary>
    private sealed class AttributeOnlyGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<string> names = context.SyntaxProvider.ForAttributeWithMetadataName(
                "StaticNets.InputAttribute",
                predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                transform: static (ctx, _) => ctx.TargetSymbol.Name);
            context.RegisterSourceOutput(names, static (spc, name) => spc.AddSource(name + ".g.cs", "// " + name));
        }
    }
}
