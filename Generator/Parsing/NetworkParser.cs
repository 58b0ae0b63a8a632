using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNets.Generator.Layers;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Parsing;

/// <summary>
/// Reads a network class's layer attributes into a <see cref="NetworkSpec"/>. The only code that
/// touches symbols and syntax; the generator and the analyzer both call it.
/// </summary>
internal static class NetworkParser
{
    /// <summary>The attribute that marks a network class, by which the generator finds them: <c>StaticNets.InputAttribute</c>.</summary>
    public static readonly string InputAttributeName = LayerRegistry.Input.MetadataName;

    /// <summary>The layer type of a StaticNets attribute class (a class of that name in the registry), or null for any other attribute.</summary>
    public static LayerType? TypeOf(INamedTypeSymbol? attributeClass)
    {
        if (attributeClass is null || attributeClass.ContainingNamespace is not { Name: "StaticNets" } ns
            || !ns.ContainingNamespace.IsGlobalNamespace)
        {
            return null;
        }
        return LayerRegistry.ForAttribute(attributeClass.Name)?.Type;
    }

    /// <summary>True when the class carries at least one StaticNets layer attribute.</summary>
    public static bool HasLayerAttributes(INamedTypeSymbol type) =>
        type.GetAttributes().Any(a => TypeOf(a.AttributeClass) is not null);

    public static NetworkSpec Parse(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var declarations = type.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax(cancellationToken))
            .OfType<TypeDeclarationSyntax>()
            .ToList();

        var layers = new List<LayerSpec>();
        BudgetSpec? budget = null;
        foreach (var attribute in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (IsBudget(attribute.AttributeClass))
            {
                budget ??= ParseBudget(attribute, attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax);
                continue;
            }
            if (TypeOf(attribute.AttributeClass) is not { } layerType) continue;
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            int declaration = syntax is null ? 0 : declarations.FindIndex(d => d.Span.Contains(syntax.Span));
            layers.Add(ParseLayer(layerType, attribute, syntax, declaration));
        }

        bool isPartial = declarations.Count > 0 && declarations.All(d => d.Modifiers.Any(SyntaxKind.PartialKeyword));
        var containing = new List<string>();
        bool containingNotPartial = false;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            var outerSyntax = outer.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().ToList();
            if (outerSyntax.Count == 0 || !outerSyntax.All(d => d.Modifiers.Any(SyntaxKind.PartialKeyword)))
            {
                containingNotPartial = true;
            }
            containingNotPartial |= outer.IsGenericType;
            containing.Insert(0, $"{Keyword(outer)} {Identifier(outer.Name)}");
        }

        // Names as they are written in code: a keyword used as a name keeps its '@' (namespace @fixed, class @event).
        string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString(QualifiedName) : null;
        string fullName = type.ToDisplayString(QualifiedName);
        // '@' is not allowed in a hint name.
        string hint = fullName.Replace("@", "").Replace('<', '_').Replace('>', '_').Replace(',', '_').Replace(' ', '_') + ".g.cs";
        var first = declarations.FirstOrDefault();
        string file = first?.SyntaxTree.FilePath is { Length: > 0 } path ? System.IO.Path.GetFileName(path) : type.Name + ".cs";

        return new NetworkSpec(
            ns,
            Identifier(type.Name),
            fullName,
            hint,
            AccessibilityKeyword(type.DeclaredAccessibility),
            containing.ToEquatableArray(),
            isPartial,
            type.IsGenericType,
            containingNotPartial,
            type.IsStatic,
            first is null ? null : LocationInfo.From(first.Identifier.GetLocation()),
            file,
            layers.ToEquatableArray())
        {
            IsAbstract = type.IsAbstract && !type.IsStatic,
            Budget = budget,
        };
    }

    /// <summary>Whether the attribute class is <c>StaticNets.BudgetAttribute</c>.</summary>
    private static bool IsBudget(INamedTypeSymbol? attributeClass) =>
        attributeClass is { Name: "BudgetAttribute", ContainingNamespace: { Name: "StaticNets" } ns } && ns.ContainingNamespace.IsGlobalNamespace;

    /// <summary>[Budget(MaxMultiplyAdds = ..., MaxBytes = ...)]: the limits (0 where not given) and where each was written.</summary>
    private static BudgetSpec ParseBudget(AttributeData attribute, AttributeSyntax? syntax)
    {
        long Value(string name) => attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value switch
        {
            long l => l,
            int i => i,
            _ => 0,
        };
        LocationInfo? At(string name) =>
            syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name) is { } argument
                ? LocationInfo.From(argument)
                : LocationInfo.From(syntax);
        return new BudgetSpec(Value("MaxMultiplyAdds"), Value("MaxBytes"), At("MaxMultiplyAdds"), At("MaxBytes"));
    }

    private static LayerSpec ParseLayer(LayerType type, AttributeData attribute, AttributeSyntax? syntax, int declaration)
    {
        // Positional arguments by constructor parameter name; named arguments by property name.
        var values = new Dictionary<string, TypedConstant>();
        var parameters = attribute.AttributeConstructor?.Parameters ?? ImmutableArrayOfNone;
        for (int i = 0; i < attribute.ConstructorArguments.Length && i < parameters.Length; i++)
        {
            values[parameters[i].Name] = attribute.ConstructorArguments[i];
        }
        foreach (var named in attribute.NamedArguments) values[named.Key] = named.Value;

        bool hasErrors = attribute.AttributeConstructor is null
            || attribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error)
            || attribute.NamedArguments.Any(a => a.Value.Kind == TypedConstantKind.Error);

        var arguments = new List<ArgumentLocation>();
        if (syntax?.ArgumentList is { } list)
        {
            int position = 0;
            foreach (var argument in list.Arguments)
            {
                string? name = argument.NameEquals?.Name.Identifier.ValueText
                    ?? argument.NameColon?.Name.Identifier.ValueText
                    ?? (position < parameters.Length ? parameters[position].Name : null);
                if (argument.NameEquals is null) position++;
                if (name is not null && LocationInfo.From(argument) is { } location)
                {
                    arguments.Add(new ArgumentLocation(name, location));
                }
            }
        }

        // The rule reads the arguments as plain values: an enum as its underlying int.
        // An array of ints (Pads) as an int[]; any other array, or a null one, as null.
        var plain = values.ToDictionary(v => v.Key, v => v.Value.Kind == TypedConstantKind.Array ? IntArray(v.Value) : v.Value.Value);
        var spec = new LayerSpec(type, declaration, LocationInfo.From(syntax), arguments.ToEquatableArray()) { HasErrors = hasErrors };
        spec = LayerRegistry.For(type).Read(spec, new LayerArguments(plain));
        // Every layer attribute takes a Name (LayerNames).
        return plain.TryGetValue("Name", out var written) && written is string given ? spec with { Name = given } : spec;
    }

    private static object? IntArray(TypedConstant array)
    {
        if (array.IsNull) return null;
        var items = array.Values;
        var result = new int[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i].Value is not int value) return null;
            result[i] = value;
        }
        return result;
    }

    private static readonly SymbolDisplayFormat QualifiedName = SymbolDisplayFormat.FullyQualifiedFormat
        .WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted);

    /// <summary>A name as C# code can use it: <c>@event</c> for a keyword.</summary>
    private static string Identifier(string name) => SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None ? name : "@" + name;

    private static readonly System.Collections.Immutable.ImmutableArray<IParameterSymbol> ImmutableArrayOfNone =
        System.Collections.Immutable.ImmutableArray<IParameterSymbol>.Empty;

    private static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "partial record struct",
        { IsRecord: true } => "partial record",
        { TypeKind: TypeKind.Struct } => "partial struct",
        { TypeKind: TypeKind.Interface } => "partial interface",
        _ => "partial class",
    };

    private static string AccessibilityKeyword(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Public => "public",
        Accessibility.Internal => "internal",
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "internal",
    };
}
