using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNets.Generator.Diagnostics;

namespace StaticNets.Generator.CodeFixes;

/// <summary>
/// SN1001: adds <c>partial</c> to every declaration of the network class, and of the types containing it,
/// that lacks it, in whichever documents they are. Offered when the network then has no SN1001 and
/// nothing new (not for a generic or static class, which <c>partial</c> does not repair).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PartialCodeFixProvider)), Shared]
public sealed class PartialCodeFixProvider : CodeFixProvider
{
    private const string Title = "Make the network class partial";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.NotPartial.Id);

    /// <summary>Each fix only adds a modifier, so the fixes of a batch never conflict.</summary>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

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
            var declaration = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<TypeDeclarationSyntax>();
            if (declaration is null || model.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type) continue;
            var before = await FixCheck.CountsAsync(document, declaration, cancellationToken).ConfigureAwait(false);
            if (before is null) continue;

            var annotation = FixCheck.NewAnnotation();
            var solution = await AddPartialAsync(document.Project.Solution, type, declaration, annotation, cancellationToken).ConfigureAwait(false);
            if (!await FixCheck.ImprovesAsync(before, solution, document.Id, annotation, diagnostic.Id, cancellationToken).ConfigureAwait(false)) continue;
            context.RegisterCodeFix(CodeAction.Create(Title, _ => Task.FromResult(solution), nameof(PartialCodeFixProvider)), diagnostic);
        }
    }

    private static async Task<Solution> AddPartialAsync(Solution solution, INamedTypeSymbol type, TypeDeclarationSyntax marked,
        SyntaxAnnotation annotation, CancellationToken cancellationToken)
    {
        var declarations = new List<TypeDeclarationSyntax>();
        for (var t = type; t is not null; t = t.ContainingType)
        {
            foreach (var reference in t.DeclaringSyntaxReferences)
            {
                if (await reference.GetSyntaxAsync(cancellationToken).ConfigureAwait(false) is TypeDeclarationSyntax d) declarations.Add(d);
            }
        }

        foreach (var group in declarations.GroupBy(d => d.SyntaxTree))
        {
            var document = solution.GetDocument(group.Key);
            if (document is null) continue;
            var root = await group.Key.GetRootAsync(cancellationToken).ConfigureAwait(false);
            var nodes = group.Where(d => !d.Modifiers.Any(SyntaxKind.PartialKeyword) || d == marked).ToList();
            var newRoot = root.ReplaceNodes(nodes, (original, rewritten) =>
            {
                var result = WithPartial(rewritten);
                return original == marked ? result.WithAdditionalAnnotations(annotation) : result;
            });
            solution = solution.WithDocumentSyntaxRoot(document.Id, newRoot);
        }
        return solution;
    }

    /// <summary><c>public sealed class N</c> -> <c>public sealed partial class N</c>: <c>partial</c> goes right before the keyword.</summary>
    private static TypeDeclarationSyntax WithPartial(TypeDeclarationSyntax declaration)
    {
        if (declaration.Modifiers.Any(SyntaxKind.PartialKeyword)) return declaration;
        if (declaration.Modifiers.Count > 0)
        {
            return declaration.WithModifiers(declaration.Modifiers.Add(
                SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space))));
        }
        // No modifiers: partial takes the keyword's leading trivia (indentation, or the comments before it).
        var keyword = declaration.Keyword;
        var partial = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
        return declaration
            .WithKeyword(keyword.WithLeadingTrivia(SyntaxFactory.TriviaList()))
            .WithModifiers(SyntaxFactory.TokenList(partial));
    }
}
