using System.Collections.Generic;
using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using StaticNets.Generator.Model;
using StaticNets.Generator.Parsing;
using StaticNets.Generator.Shapes;

namespace StaticNets.Generator.Diagnostics;

/// <summary>
/// Reports every StaticNets diagnostic. It parses each class with layer attributes exactly as the generator
/// does and reports what <see cref="ShapeInference"/> found, at the attribute argument at fault. The repairs a
/// message names travel in the diagnostic's <see cref="RepairsProperty"/>, for the code fix.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkAnalyzer : DiagnosticAnalyzer
{
    /// <summary>
    /// The property holding the repairs of SN2001 and SN2002, as <c>Padding=1;Stride=1</c>:
    /// attribute property names and values, in the order the message gives them.
    /// </summary>
    public const string RepairsProperty = "Repairs";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.All);

    /// <inheritdoc/>
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
            var properties = info.Repairs.Count == 0
                ? ImmutableDictionary<string, string?>.Empty
                : ImmutableDictionary<string, string?>.Empty.Add(RepairsProperty, string.Join(";", info.Repairs.Select(Encode)));
            context.ReportDiagnostic(Diagnostic.Create(descriptor, ToSourceLocation(info.Location, type, context.Compilation), properties, info.Message));
        }
    }

    /// <summary>
    /// The location in the syntax tree it was read from: a source location, so that <c>#pragma</c>,
    /// per-file <c>.editorconfig</c> severities and the IDE's code fixes apply. <see cref="LocationInfo"/>
    /// keeps only the path, so the tree is found among the type's declarations first.
    /// </summary>
    private static Location ToSourceLocation(LocationInfo? info, INamedTypeSymbol type, Compilation compilation)
    {
        if (info is null) return type.Locations.FirstOrDefault() ?? Location.None;
        var tree = type.DeclaringSyntaxReferences.Select(r => r.SyntaxTree).FirstOrDefault(t => t.FilePath == info.FilePath)
            ?? compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == info.FilePath);
        if (tree is null || info.Start + info.Length > tree.Length) return info.ToLocation();
        return Location.Create(tree, new TextSpan(info.Start, info.Length));
    }

    /// <summary><c>Padding=1</c>, or <c>Pads=1,1,0,0</c> for an array.</summary>
    private static string Encode(Repair r) => r.Values.Count == 0
        ? $"{r.Argument}={r.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
        : $"{r.Argument}={string.Join(",", r.Values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)))}";

    /// <summary>Reads <see cref="RepairsProperty"/> back: (property name, value) pairs.</summary>
    internal static ImmutableArray<Repair> ReadRepairs(Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(RepairsProperty, out var text) || string.IsNullOrEmpty(text)) return ImmutableArray<Repair>.Empty;
        var builder = ImmutableArray.CreateBuilder<Repair>();
        foreach (var part in text!.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) continue;
            var values = new List<int>();
            foreach (var item in part.Substring(eq + 1).Split(','))
            {
                if (!int.TryParse(item, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int value)) break;
                values.Add(value);
            }
            if (values.Count == 0 || values.Count != part.Substring(eq + 1).Split(',').Length) continue;
            bool array = part.IndexOf(',') >= 0;
            builder.Add(array ? Repair.Array(part.Substring(0, eq), values.ToArray()) : new Repair(part.Substring(0, eq), values[0]));
        }
        return builder.ToImmutable();
    }
}
