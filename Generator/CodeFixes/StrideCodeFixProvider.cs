using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNets.Generator.Diagnostics;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.CodeFixes;

/// <summary>
/// SN2001, SN2002 and SN3004: offers each repair the message names (<c>Padding = 1</c>, <c>Stride = 1</c>,
/// <c>Kernel = 4</c>, <c>Size = 2</c>, <c>Pads = new[] { 1, 1, 0, 0 }</c>, which replaces <c>Padding</c> or
/// <c>PaddingMode</c>) that, applied to the attribute, leaves a network without that diagnostic and
/// without any new one. No fix-all: a padding or stride changes the shape every later
/// layer sees, so repairs computed one by one for a single network do not compose.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(StrideCodeFixProvider)), Shared]
public sealed class StrideCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ConvStride.Id, DiagnosticDescriptors.PoolTiling.Id, DiagnosticDescriptors.TrailingPaddingUnread.Id);

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
            var attribute = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeSyntax>();
            var declaration = attribute?.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            if (attribute is null || declaration is null) continue;
            var before = await FixCheck.CountsAsync(document, declaration, cancellationToken).ConfigureAwait(false);
            if (before is null) continue;

            foreach (var repair in NetworkAnalyzer.ReadRepairs(diagnostic))
            {
                var changed = WithArgument(attribute, repair, model, cancellationToken);
                if (changed is null) continue;
                var annotation = FixCheck.NewAnnotation();
                var newRoot = root.ReplaceNode(declaration, declaration.ReplaceNode(attribute, changed).WithAdditionalAnnotations(annotation));
                var result = document.WithSyntaxRoot(newRoot);
                if (!await FixCheck.ImprovesAsync(before, result.Project.Solution, document.Id, annotation, diagnostic.Id, cancellationToken).ConfigureAwait(false)) continue;
                context.RegisterCodeFix(
                    CodeAction.Create($"Set {repair}", _ => Task.FromResult(result), $"{diagnostic.Id}:{repair.Argument}={repair.ValueText}"),
                    diagnostic);
            }
        }
    }

    /// <summary>
    /// The attribute with <paramref name="repair"/> applied: the argument replaced where it is written
    /// (by name, or by position for a constructor parameter), else added as a named argument.
    /// </summary>
    private static AttributeSyntax? WithArgument(AttributeSyntax attribute, Repair repair, SemanticModel model, CancellationToken cancellationToken)
    {
        // Tokens with explicit trivia (no elastic trivia, which the code action's formatter would act on).
        ExpressionSyntax value = repair.Values.Count > 0
            ? SyntaxFactory.ParseExpression(repair.ValueText)
            : SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression,
                SyntaxFactory.Literal(SyntaxFactory.TriviaList(), repair.Value.ToString(CultureInfo.InvariantCulture), repair.Value, SyntaxFactory.TriviaList()));

        // Kernel and Size are constructor parameters (kernel, size); Padding and Stride are properties.
        bool positional = repair.Argument is "Kernel" or "Size";
        string name = positional ? repair.Argument.ToLowerInvariant() : repair.Argument;
        var parameters = (model.GetSymbolInfo(attribute, cancellationToken).Symbol as IMethodSymbol)?.Parameters ?? ImmutableArray<IParameterSymbol>.Empty;
        if (repair.Argument == "Pads")
        {
            // Pads replaces the other ways of giving the padding (named arguments, after the positional ones).
            var others = attribute.ArgumentList?.Arguments.Where(a => a.NameEquals?.Name.Identifier.ValueText is "Padding" or "PaddingMode").ToList();
            if (others is { Count: > 0 }) attribute = attribute.RemoveNodes(others, SyntaxRemoveOptions.KeepNoTrivia)!;
        }

        var arguments = attribute.ArgumentList?.Arguments ?? default;
        int position = 0;
        foreach (var argument in arguments)
        {
            string? argumentName = argument.NameEquals?.Name.Identifier.ValueText
                ?? argument.NameColon?.Name.Identifier.ValueText
                ?? (position < parameters.Length ? parameters[position].Name : null);
            if (argument.NameEquals is null) position++;
            if (argumentName == name)
            {
                return attribute.ReplaceNode(argument, argument.WithExpression(value.WithTriviaFrom(argument.Expression)));
            }
        }
        if (positional || attribute.ArgumentList is null) return null;
        return AttributeArguments.WithNamed(attribute, name, value);
    }
}
