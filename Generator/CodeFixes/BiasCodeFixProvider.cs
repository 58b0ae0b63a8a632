using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNets.Generator.Diagnostics;

namespace StaticNets.Generator.CodeFixes;

/// <summary>
/// SN3005: writes <c>Bias = false</c> on the layer before a <c>[BatchNorm]</c> (replacing <c>Bias = true</c> where it is
/// written). Offered when the changed network has no SN3005 there and no new diagnostic (<see cref="FixCheck"/>). Removing
/// a bias changes only that layer's parameter count, so the fixes of several layers compose: fix-all in the document.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BiasCodeFixProvider)), Shared]
public sealed class BiasCodeFixProvider : CodeFixProvider
{
    private const string Title = "Set Bias = false";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.BiasBeforeBatchNorm.Id);

    /// <inheritdoc/>
    public override FixAllProvider? GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var document = context.Document;
        var cancellationToken = context.CancellationToken;
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null) return;

        foreach (var diagnostic in context.Diagnostics)
        {
            var attribute = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeSyntax>();
            var declaration = attribute?.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            if (attribute is null || declaration is null) continue;
            var before = await FixCheck.CountsAsync(document, declaration, cancellationToken).ConfigureAwait(false);
            if (before is null) continue;

            var annotation = FixCheck.NewAnnotation();
            var newRoot = root.ReplaceNode(declaration, declaration.ReplaceNode(attribute, WithoutBias(attribute)).WithAdditionalAnnotations(annotation));
            var result = document.WithSyntaxRoot(newRoot);
            if (!await FixCheck.ImprovesAsync(before, result.Project.Solution, document.Id, annotation, diagnostic.Id, cancellationToken).ConfigureAwait(false)) continue;
            context.RegisterCodeFix(CodeAction.Create(Title, _ => Task.FromResult(result), diagnostic.Id), diagnostic);
        }
    }

    /// <summary>The attribute with <c>Bias = false</c>: the written <c>Bias</c> argument's value replaced, or the argument added last.</summary>
    private static AttributeSyntax WithoutBias(AttributeSyntax attribute) =>
        AttributeArguments.WithNamed(attribute, "Bias", SyntaxFactory.LiteralExpression(SyntaxKind.FalseLiteralExpression,
            SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.FalseKeyword, SyntaxFactory.TriviaList())));
}
