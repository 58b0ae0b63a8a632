using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using StaticNets.Generator.Diagnostics;
using StaticNets.Generator.Tests.Support;

namespace StaticNets.Generator.Tests.Robustness;

/// <summary>What one case came to: its diagnostics (compiler, generator and analyzer) and its generated files.</summary>
internal sealed record CaseOutcome(FuzzCase Case, IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<SyntaxTree> Generated, IReadOnlyList<string> Problems)
{
    public bool HasSnError => Diagnostics.Any(IsSnError);

    public static bool IsSnError(Diagnostic d) => d.Severity == DiagnosticSeverity.Error && (d.Id.StartsWith("SN1", StringComparison.Ordinal) || d.Id.StartsWith("SN2", StringComparison.Ordinal));
}

/// <summary>
/// Compiles fuzz cases, several to a compilation, runs the generator and then <see cref="NetworkAnalyzer"/> over the
/// user code plus the generated code, as a build does, and checks each case against the robustness rules:
/// <list type="bullet">
/// <item>no exception escapes the generator (its run result has none, and no CS8785) or the analyzer (no AD0001);</item>
/// <item>no diagnostic of warning or error severity in a generated file, and never CS8795 (a partial member with no implementation);</item>
/// <item>every error is an SN error or one the case causes on purpose: so without an SN error, only the intended errors.</item>
/// </list>
/// A problem that cannot be pinned on one case (an exception, a diagnostic without a location) is checked again
/// case by case, so that the report names the case that causes it.
/// </summary>
internal static class FuzzRunner
{
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);

    private static readonly Regex TagPattern = new(@"Case(\d+)", RegexOptions.CultureInvariant);

    /// <summary>
    /// A hand-written case, checked by the same rules. Its networks live in namespace <c>Case{seed}</c> (or carry
    /// <c>Case{seed}</c> in their name), so that generated files are told apart.
    /// </summary>
    public static CaseOutcome RunSource(int seed, string source, params string[] intendedErrors) =>
        Run(new[] { new FuzzCase(seed, new[] { new FuzzFile(FuzzCase.TagOf(seed) + ".cs", source) }, intendedErrors.ToHashSet(), "hand-written") })[0];

    public static IReadOnlyList<CaseOutcome> Run(IReadOnlyList<FuzzCase> cases)
    {
        var outcomes = RunTogether(cases, out var unattributed);
        if (unattributed.Count == 0) return outcomes;
        if (cases.Count == 1)
        {
            var only = outcomes[0];
            return new[] { only with { Problems = unattributed.Concat(only.Problems).ToList() } };
        }
        // Something went wrong that names no case: find the case(s) that cause it on their own.
        var alone = cases.Select(c => Run(new[] { c })[0]).ToList();
        if (alone.All(o => o.Problems.Count == 0))
        {
            var first = outcomes[0];
            alone[0] = first with { Problems = unattributed.Select(p => "(only when compiled with the rest of its batch) " + p).Concat(first.Problems).ToList() };
        }
        return alone;
    }

    private static IReadOnlyList<CaseOutcome> RunTogether(IReadOnlyList<FuzzCase> cases, out List<string> unattributed)
    {
        unattributed = new List<string>();
        var trees = cases.SelectMany(c => c.Files).Select(f => CSharpSyntaxTree.ParseText(f.Text, Parse, path: f.Path)).ToList();
        var compilation = CSharpCompilation.Create("Fuzz", trees, GeneratorHarness.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new NetworkGenerator().AsSourceGenerator()], parseOptions: Parse,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var run = driver.GetRunResult();
        foreach (var result in run.Results)
        {
            if (result.Exception is { } e) unattributed.Add($"the generator threw: {e}");
        }

        var analyzerExceptions = new List<string>();
        var withAnalyzers = output.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer()),
            new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (e, _, d) => { lock (analyzerExceptions) analyzerExceptions.Add($"the analyzer threw: {e} ({d.GetMessage()})"); },
                concurrentAnalysis: false, logAnalyzerExecutionTime: false));
        var all = generatorDiagnostics.AddRange(withAnalyzers.GetAllDiagnosticsAsync().GetAwaiter().GetResult());
        unattributed.AddRange(analyzerExceptions);

        var generatedPaths = run.GeneratedTrees.Select(t => t.FilePath).ToHashSet();
        var bySeed = cases.ToDictionary(c => c.Seed);
        var diagnostics = cases.ToDictionary(c => c.Seed, _ => new List<Diagnostic>());
        var problems = cases.ToDictionary(c => c.Seed, _ => new List<string>());
        var generated = cases.ToDictionary(c => c.Seed, _ => new List<SyntaxTree>());
        foreach (var tree in run.GeneratedTrees)
        {
            if (SeedOf(tree.FilePath) is { } seed && generated.ContainsKey(seed)) generated[seed].Add(tree);
            else unattributed.Add($"a generated file belongs to no case: {tree.FilePath}");
        }

        foreach (var d in all)
        {
            string path = d.Location.GetLineSpan().Path ?? "";
            bool inGenerated = generatedPaths.Contains(path);
            int? owner = SeedOf(path);
            if (owner is null || !bySeed.ContainsKey(owner.Value))
            {
                if (d.Severity >= DiagnosticSeverity.Warning) unattributed.Add($"{Describe(d)} (no case's file)");
                continue;
            }
            var c = bySeed[owner.Value];
            diagnostics[c.Seed].Add(d);
            if (d.Id is "AD0001" or "CS8785")
            {
                problems[c.Seed].Add($"{d.Id}, an exception escaped: {Describe(d)}");
            }
            else if (inGenerated && d.Severity >= DiagnosticSeverity.Warning)
            {
                problems[c.Seed].Add($"{d.Severity} in generated code: {Describe(d)}\n    at: {Line(d)}");
            }
            else if (d.Id == "CS8795")
            {
                problems[c.Seed].Add($"CS8795, a promised member has no implementation: {Describe(d)}");
            }
            else if (d.Severity == DiagnosticSeverity.Error && !CaseOutcome.IsSnError(d) && !c.IntendedErrors.Contains(d.Id))
            {
                problems[c.Seed].Add($"an error that is neither an SN error nor one the case causes on purpose: {Describe(d)}");
            }
        }

        return cases.Select(c => new CaseOutcome(c, diagnostics[c.Seed], generated[c.Seed], problems[c.Seed])).ToList();
    }

    private static int? SeedOf(string path)
    {
        var match = TagPattern.Match(path);
        return match.Success && int.TryParse(match.Groups[1].Value, out int seed) ? seed : null;
    }

    private static string Describe(Diagnostic d) => $"{d.Id} {d.Severity} at {d.Location.GetLineSpan()}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";

    private static string Line(Diagnostic d)
    {
        if (d.Location.SourceTree is not { } tree) return "";
        return tree.GetText().Lines.GetLineFromPosition(d.Location.SourceSpan.Start).ToString().Trim();
    }

    /// <summary>A failing case as a report: the seed to reproduce it, what was chosen, the problems, its source and its diagnostics.</summary>
    public static string Report(CaseOutcome outcome)
    {
        var sb = new StringBuilder();
        var c = outcome.Case;
        sb.AppendLine($"== seed {c.Seed} ({c.Description}); reproduce with NetworkFuzzer.Generate({c.Seed}) or STATICNETS_FUZZ_SEED={c.Seed} STATICNETS_FUZZ_CASES=1");
        foreach (var p in outcome.Problems) sb.AppendLine("  problem: " + p);
        sb.AppendLine("  intended errors: " + (c.IntendedErrors.Count == 0 ? "none" : string.Join(", ", c.IntendedErrors)));
        sb.AppendLine(c.Source);
        sb.AppendLine("  diagnostics:");
        foreach (var d in outcome.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning)) sb.AppendLine("    " + Describe(d));
        return sb.ToString();
    }
}
