using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNets.Generator.Diagnostics;
using StaticNets.Generator.Layers;
using StaticNets.Generator.Model;
using StaticNets.Generator.Parsing;
using StaticNets.Generator.Shapes;

namespace StaticNets.Generator.CodeFixes;

/// <summary>
/// SN1005. At an <c>[Add]</c>'s <c>from</c> that names no earlier layer: <c>Set from = "h"</c> for the earlier names
/// (and <c>input</c>), closest to what is written first, at most <see cref="MostChoices"/>. At a rejected <c>Name</c>: the
/// name made valid and unique (<c>Set Name = "a_2"</c>), and <c>Remove Name</c> (the layer keeps its default). Each is
/// offered only where the changed network has no more diagnostics of any id and fewer SN1005 (<see cref="FixCheck"/>),
/// so a from whose shape does not match, or a removed name an Add reads, is not offered. No fix-all: names interact.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NameCodeFixProvider)), Shared]
public sealed class NameCodeFixProvider : CodeFixProvider
{
    /// <summary>The most <c>from</c> choices offered for one diagnostic.</summary>
    public const int MostChoices = 5;

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.BadName.Id);

    /// <summary>None: see the class remarks.</summary>
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var document = context.Document;
        var cancellationToken = context.CancellationToken;
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;

        foreach (var diagnostic in context.Diagnostics)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var argument = node.FirstAncestorOrSelf<AttributeArgumentSyntax>();
            var attribute = node.FirstAncestorOrSelf<AttributeSyntax>();
            var declaration = attribute?.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            if (argument is null || attribute is null || declaration is null) continue;
            if (model.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type) continue;
            var spec = NetworkParser.Parse(type, cancellationToken);
            var specs = spec.Layers;
            int index = -1;
            string? kind = null;
            for (int i = 0; i < specs.Count && index < 0; i++)
            {
                foreach (var a in specs[i].Arguments)
                {
                    if (a.Location.Start != argument.SpanStart || a.Location.Length != argument.Span.Length || a.Name is not ("from" or "Name")) continue;
                    index = i;
                    kind = a.Name;
                }
            }
            if (kind is null) continue;
            var rules = specs.Select(l => LayerRegistry.For(l.Type)).ToArray();
            var defaults = LayerNames.Defaults(specs, rules);
            var labels = LayerNames.Labels(specs, rules, defaults, out _);
            var before = await FixCheck.CountsAsync(document, declaration, cancellationToken).ConfigureAwait(false);
            if (before is null) continue;

            var candidates = kind == "from" ? FromChoices(specs[index].From ?? "", index, labels) : NameChoices(specs[index].Name ?? "", index, labels, defaults);
            int offered = 0;
            foreach (var (title, changed) in candidates)
            {
                if (offered == MostChoices) break;
                var annotation = FixCheck.NewAnnotation();
                var replaced = changed is null ? WithoutArgument(attribute, argument) : attribute.ReplaceNode(argument, argument.WithExpression(Literal(changed, argument.Expression)));
                var newRoot = root.ReplaceNode(declaration, declaration.ReplaceNode(attribute, replaced).WithAdditionalAnnotations(annotation));
                var result = document.WithSyntaxRoot(newRoot);
                if (!await FixCheck.ImprovesAsync(before, result.Project.Solution, document.Id, annotation, diagnostic.Id, cancellationToken).ConfigureAwait(false)) continue;
                context.RegisterCodeFix(CodeAction.Create(title, _ => Task.FromResult(result), $"{diagnostic.Id}:{title}"), diagnostic);
                offered++;
            }
        }
    }

    /// <summary>The names an Add at <paramref name="index"/> may read, closest to <paramref name="written"/> first (then the nearest layer).</summary>
    private static IEnumerable<(string Title, string? Value)> FromChoices(string written, int index, string[] labels)
    {
        var earlier = new List<(string Name, int At)> { ("input", 0) };
        for (int i = 1; i < index; i++) earlier.Add((labels[i], i));
        return earlier.OrderBy(e => Distance(written, e.Name)).ThenByDescending(e => e.At).Select(e => ($"Set from = {Quoted(e.Name)}", (string?)e.Name));
    }

    /// <summary>The rejected name made valid and unique, then leaving the name out.</summary>
    private static IEnumerable<(string Title, string? Value)> NameChoices(string written, int index, string[] labels, string[] defaults)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal) { "input", "output" };
        for (int i = 0; i < labels.Length; i++)
        {
            if (i == index) continue;
            taken.Add(labels[i]);
            taken.Add(defaults[i]);
        }
        var valid = new StringBuilder();
        foreach (char c in written) valid.Append(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' ? c : '_');
        if (valid.Length > 0 && char.IsDigit(valid[0])) valid.Insert(0, '_');
        string stem = valid.Length == 0 ? defaults[index] : valid.ToString(0, Math.Min(valid.Length, LayerNames.MaxLength - 4));
        string name = stem;
        for (int n = 2; taken.Contains(name); n++) name = $"{stem}_{n}";
        yield return ($"Set Name = {Quoted(name)}", name);
        yield return ($"Remove Name (the layer is called {defaults[index]})", null);
    }

    /// <summary>The attribute without <paramref name="argument"/> (and without its parentheses when it was the only one).</summary>
    private static AttributeSyntax WithoutArgument(AttributeSyntax attribute, AttributeArgumentSyntax argument)
    {
        var list = attribute.ArgumentList!;
        var remaining = list.Arguments.Remove(argument);
        return remaining.Count == 0 ? attribute.WithArgumentList(null) : attribute.WithArgumentList(list.WithArguments(remaining));
    }

    /// <summary>A string literal with the trivia of the expression it replaces.</summary>
    private static ExpressionSyntax Literal(string value, ExpressionSyntax replaced) =>
        SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(value)).WithTriviaFrom(replaced);

    private static string Quoted(string name) => "\"" + name + "\"";

    /// <summary>The edit distance between two names, ignoring case.</summary>
    private static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
