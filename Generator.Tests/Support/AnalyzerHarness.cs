using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using StaticNets.Generator;
using StaticNets.Generator.Diagnostics;
using StaticNets.Generator.Model;
using StaticNets.Generator.Parsing;
using StaticNets.Generator.Shapes;
using Xunit;

namespace StaticNets.Generator.Tests.Support;

/// <summary>
/// Runs the StaticNets analyzer, generator and code fixes offline on plain <see cref="CSharpCompilation"/>s:
/// the .NET 10 reference assemblies (Basic.Reference.Assemblies) plus the StaticNets runtime. Sources get
/// paths <c>/src/Test0.cs</c>, <c>/src/Test1.cs</c>..., so an <c>.editorconfig</c> at <c>/src</c> applies to them.
/// </summary>
internal static class AnalyzerHarness
{
    public const string Directory = "/src";

    /// <summary>C# as .NET 10 has it; doc comments parsed (not diagnosed), so that a type's documentation, what a hover shows, can be read.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Parse);

    public static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);

    /// <summary>.NET 10, the StaticNets runtime, and System.Numerics.Tensors (a package the generated code calls).</summary>
    public static readonly ImmutableArray<MetadataReference> References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(InputAttribute).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(System.Numerics.Tensors.TensorPrimitives).Assembly.Location),
    ];

    public static string PathOf(int index) => $"{Directory}/Test{index}.cs";

    /// <summary>A compilation of <paramref name="sources"/>; <paramref name="editorConfig"/>, when given, is the text of <c>/src/.editorconfig</c>.</summary>
    public static CSharpCompilation Compile(string[] sources, string? editorConfig = null)
    {
        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, PathOf(i))).ToArray();
        var options = CompilationOptions;
        if (editorConfig is not null) options = options.WithSyntaxTreeOptionsProvider(new EditorConfigOptions(editorConfig));
        return CSharpCompilation.Create("Test", trees, References, options);
    }

    public static CSharpCompilation Compile(string source, string? editorConfig = null) => Compile([source], editorConfig);

    /// <summary>The analyzer's diagnostics, sorted by position. Fails the test if the analyzer threw (AD0001).</summary>
    public static ImmutableArray<Diagnostic> Analyze(Compilation compilation)
    {
        var withAnalyzers = compilation.WithAnalyzers([new NetworkAnalyzer()],
            new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false,
                logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false));
        var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        var crashes = diagnostics.Where(d => d.Id == "AD0001").ToList();
        Assert.True(crashes.Count == 0, "the analyzer threw: " + string.Join("\n", crashes.Select(d => d.GetMessage())));
        return [.. diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id)];
    }

    public static ImmutableArray<Diagnostic> Analyze(string source, string? editorConfig = null) => Analyze(Compile(source, editorConfig));

    /// <summary>The source text under the diagnostic's span: <c>Stride = 2</c>.</summary>
    public static string SpanText(Diagnostic diagnostic)
    {
        Assert.True(diagnostic.Location.IsInSource, $"{diagnostic.Id} has no source location: {diagnostic.Location}");
        return diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan);
    }

    /// <summary>The single diagnostic of <paramref name="id"/>; fails when there is none or more than one.</summary>
    public static Diagnostic Single(ImmutableArray<Diagnostic> diagnostics, string id)
    {
        var matching = diagnostics.Where(d => d.Id == id).ToList();
        Assert.True(matching.Count == 1, $"expected one {id}, got: {Describe(diagnostics)}");
        return matching[0];
    }

    public static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("\n", diagnostics.Select(d => $"{d.Id} {d.Severity} '{(d.Location.IsInSource ? SpanText(d) : "")}': {d.GetMessage()}")) is { Length: > 0 } s ? "\n" + s : "(none)";

    /// <summary>Runs <see cref="NetworkGenerator"/>; fails if it threw. Returns the compilation with the generated sources and the run.</summary>
    public static (Compilation Output, GeneratorDriverRunResult Run) Generate(Compilation compilation)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new NetworkGenerator().AsSourceGenerator()], parseOptions: ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var run = driver.GetRunResult();
        foreach (var result in run.Results) Assert.True(result.Exception is null, "the generator threw: " + result.Exception);
        Assert.Empty(generatorDiagnostics);
        return (output, run);
    }

    /// <summary>The spec and inferred shape of the class named <paramref name="className"/>, as the analyzer and generator see it.</summary>
    public static (NetworkSpec Spec, NetworkShape Shape) Infer(string source, string className = "N")
    {
        var compilation = Compile(source);
        var type = compilation.GetSymbolsWithName(className, SymbolFilter.Type).OfType<INamedTypeSymbol>().Single();
        var spec = NetworkParser.Parse(type, CancellationToken.None);
        return (spec, ShapeInference.Infer(spec));
    }

    // ---------------------------------------------------------------- code fixes

    /// <summary>A workspace holding <paramref name="sources"/> as one project, with the same references and paths.</summary>
    public static (AdhocWorkspace Workspace, Project Project) Workspace(params string[] sources)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(projectId, VersionStamp.Create(), "Test", "Test",
            LanguageNames.CSharp, compilationOptions: CompilationOptions, parseOptions: ParseOptions, metadataReferences: References));
        for (int i = 0; i < sources.Length; i++)
        {
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), $"Test{i}.cs", SourceText.From(sources[i]), filePath: PathOf(i));
        }
        Assert.True(workspace.TryApplyChanges(solution));
        return (workspace, workspace.CurrentSolution.GetProject(projectId)!);
    }

    /// <summary>The code actions <paramref name="provider"/> registers for the diagnostics of <paramref name="id"/> in <paramref name="source"/>.</summary>
    public static async Task<(Document Document, List<(CodeAction Action, Diagnostic Diagnostic)> Actions)> FixesAsync(
        CodeFixProvider provider, string source, string id)
    {
        var (_, project) = Workspace(source);
        var document = project.Documents.Single();
        var compilation = (await project.GetCompilationAsync())!;
        var diagnostics = Analyze(compilation).Where(d => d.Id == id).ToList();
        Assert.True(diagnostics.Count > 0, $"no {id} in: {Describe(Analyze(compilation))}");
        var actions = new List<(CodeAction, Diagnostic)>();
        foreach (var diagnostic in diagnostics)
        {
            var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add((action, diagnostic)), CancellationToken.None);
            await provider.RegisterCodeFixesAsync(context);
        }
        return (document, actions);
    }

    /// <summary>The text of the first document after <paramref name="action"/>.</summary>
    public static async Task<string> ApplyAsync(CodeAction action, Document document)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        return (await changed.GetDocument(document.Id)!.GetTextAsync()).ToString();
    }

    /// <summary>The texts of all documents after the fix-all of <paramref name="provider"/> over the whole document for <paramref name="id"/>.</summary>
    public static async Task<string> FixAllAsync(CodeFixProvider provider, string source, string id, string equivalenceKey)
    {
        var (_, project) = Workspace(source);
        var document = project.Documents.Single();
        var compilation = (await project.GetCompilationAsync())!;
        var diagnostics = Analyze(compilation).Where(d => d.Id == id).ToImmutableArray();
        var fixAll = provider.GetFixAllProvider();
        Assert.NotNull(fixAll);
        var context = new FixAllContext(document, provider, FixAllScope.Document, equivalenceKey, [id],
            new FixedDiagnostics(diagnostics), CancellationToken.None);
        var action = await fixAll!.GetFixAsync(context);
        Assert.NotNull(action);
        return await ApplyAsync(action!, document);
    }

    private sealed class FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics.Where(d => d.Location.SourceTree?.FilePath == document.FilePath));

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>([]);
    }

    /// <summary>
    /// Severities from an <c>.editorconfig</c> at <see cref="Directory"/>, read with Roslyn's own parser, as the
    /// compiler applies them to a build (its provider is internal; this is the same lookup).
    /// </summary>
    private sealed class EditorConfigOptions(string text) : SyntaxTreeOptionsProvider
    {
        private readonly AnalyzerConfigSet _set = AnalyzerConfigSet.Create(ImmutableArray.Create(AnalyzerConfig.Parse(text, Directory + "/.editorconfig")));

        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            _set.GetOptionsForSourcePath(tree.FilePath).TreeOptions.TryGetValue(diagnosticId, out severity);

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            _set.GlobalConfigOptions.TreeOptions.TryGetValue(diagnosticId, out severity);
    }
}
