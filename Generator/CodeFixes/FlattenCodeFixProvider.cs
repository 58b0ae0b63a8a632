using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNets.Generator.Diagnostics;

namespace StaticNets.Generator.CodeFixes;

/// <summary>
/// SN2005: inserts <c>[Flatten]</c> before the <c>[Dense]</c> at fault: as a new attribute list on its own
/// line when the <c>[Dense]</c> has its own list, else into the same list. The name is written the way the
/// <c>Dense</c> attribute's is (<c>Flatten</c>, <c>StaticNets.Flatten</c>, <c>FlattenAttribute</c>...).
/// Offered when the network then has no SN2005 and nothing new.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(FlattenCodeFixProvider)), Shared]
public sealed class FlattenCodeFixProvider : CodeFixProvider
{
    private const string Title = "Insert [Flatten] before [Dense]";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.DenseWithoutFlatten.Id);

    /// <summary>A network has at most one SN2005 (inference stops there), so the fixes of a batch are independent.</summary>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var document = context.Document;
        var cancellationToken = context.CancellationToken;
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null) return;

        foreach (var diagnostic in context.Diagnostics)
        {
            var dense = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeSyntax>();
            if (dense?.Parent is not AttributeListSyntax list || list.Parent is not TypeDeclarationSyntax declaration) continue;
            var before = await FixCheck.CountsAsync(document, declaration, cancellationToken).ConfigureAwait(false);
            if (before is null) continue;

            var annotation = FixCheck.NewAnnotation();
            var newRoot = root.ReplaceNode(declaration, InsertFlatten(declaration, list, dense).WithAdditionalAnnotations(annotation));
            var result = document.WithSyntaxRoot(newRoot);
            if (!await FixCheck.ImprovesAsync(before, result.Project.Solution, document.Id, annotation, diagnostic.Id, cancellationToken).ConfigureAwait(false)) continue;
            context.RegisterCodeFix(CodeAction.Create(Title, _ => Task.FromResult(result), nameof(FlattenCodeFixProvider)), diagnostic);
        }
    }

    private static TypeDeclarationSyntax InsertFlatten(TypeDeclarationSyntax declaration, AttributeListSyntax list, AttributeSyntax dense)
    {
        var flatten = SyntaxFactory.Attribute(FlattenName(dense.Name));
        if (list.Attributes.Count > 1)
        {
            // [Conv2D(6, 5), Dense(10)] -> [Conv2D(6, 5), Flatten, Dense(10)]; the new comma copies a written one.
            int index = list.Attributes.IndexOf(dense);
            var nodes = list.Attributes.ToList();
            var separators = list.Attributes.GetSeparators().ToList();
            nodes.Insert(index, flatten);
            separators.Insert(index, separators[System.Math.Max(0, index - 1)]);
            return declaration.ReplaceNode(list, list.WithAttributes(SyntaxFactory.SeparatedList(nodes, separators)));
        }

        // Its own list: a new [Flatten] list before it, on its own line when [Dense] is on its own line.
        var previous = list.GetFirstToken().GetPreviousToken();
        bool ownLine = list.GetLeadingTrivia().Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia))
            || previous.TrailingTrivia.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        var indentation = list.GetLeadingTrivia().Reverse().TakeWhile(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse();
        // Tokens without elastic trivia: elastic trivia would let the code action's formatter move the lists.
        var newList = SyntaxFactory.AttributeList(
                SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.OpenBracketToken, SyntaxFactory.TriviaList()),
                null,
                SyntaxFactory.SingletonSeparatedList(flatten),
                SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.CloseBracketToken, SyntaxFactory.TriviaList()))
            .WithLeadingTrivia(list.GetLeadingTrivia());
        newList = ownLine
            ? newList.WithTrailingTrivia(EndOfLine(previous, declaration))
            : newList.WithTrailingTrivia(previous.TrailingTrivia.Concat(list.GetLeadingTrivia()).Any(t => t.IsKind(SyntaxKind.WhitespaceTrivia))
                ? SyntaxFactory.TriviaList(SyntaxFactory.Space)
                : SyntaxFactory.TriviaList());
        var denseList = ownLine ? list.WithLeadingTrivia(indentation) : list;
        var lists = declaration.AttributeLists.Replace(list, denseList).Insert(declaration.AttributeLists.IndexOf(list), newList);
        return declaration.WithAttributeLists(lists);
    }

    /// <summary>The end of line the source already uses: after the token before [Dense], else anywhere in the declaration.</summary>
    private static SyntaxTrivia EndOfLine(SyntaxToken previous, SyntaxNode declaration)
    {
        var eol = previous.TrailingTrivia.Concat(declaration.DescendantTrivia()).FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        return eol.IsKind(SyntaxKind.EndOfLineTrivia) ? eol : SyntaxFactory.LineFeed;
    }

    /// <summary><c>Dense</c> -> <c>Flatten</c>, <c>StaticNets.DenseAttribute</c> -> <c>StaticNets.FlattenAttribute</c>; an alias -> <c>global::StaticNets.Flatten</c>.</summary>
    private static NameSyntax FlattenName(NameSyntax dense)
    {
        var simple = dense switch
        {
            QualifiedNameSyntax q => q.Right,
            AliasQualifiedNameSyntax a => a.Name,
            SimpleNameSyntax s => s,
            _ => null,
        };
        string? replacement = simple?.Identifier.ValueText switch
        {
            "Dense" => "Flatten",
            "DenseAttribute" => "FlattenAttribute",
            _ => null,
        };
        if (simple is null || replacement is null) return SyntaxFactory.ParseName("global::StaticNets.Flatten");
        return dense.ReplaceNode(simple, SyntaxFactory.IdentifierName(
            SyntaxFactory.Identifier(simple.Identifier.LeadingTrivia, replacement, simple.Identifier.TrailingTrivia)));
    }
}
