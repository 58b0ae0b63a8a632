using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using StaticNets.Generator.Parsing;
using StaticNets.Generator.Shapes;

namespace StaticNets.Generator.Diagnostics;

/// <summary>
/// Reports every StaticNets diagnostic. It parses each class with layer attributes exactly as the generator
/// does and reports what <see cref="ShapeInference"/> found, at the attribute argument at fault.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.All);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
    }

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!NetworkParser.HasLayerAttributes(type)) return;
        var spec = NetworkParser.Parse(type, context.CancellationToken);
        var shape = ShapeInference.Infer(spec);
        foreach (var info in shape.Diagnostics)
        {
            var descriptor = DiagnosticDescriptors.ById(info.Id);
            if (descriptor is null) continue;
            var location = info.Location?.ToLocation() ?? type.Locations[0];
            context.ReportDiagnostic(Diagnostic.Create(descriptor, location, info.Message));
        }
    }
}
