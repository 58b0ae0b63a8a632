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
/// SN2007: where the message says a 1x1 convolution with stride maps the added tensor to the Add's shape, sets
/// <c>Projection = Projection.Conv</c> on the <c>[Add]</c> (replacing a written <c>Projection</c>), or
/// <c>global::StaticNets.Projection.Conv</c> where the file does not see the enum by its simple name. Offered when the
/// network then has no SN2007 and nothing new. No fix-all: a projection adds parameters, a choice per connection.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ProjectionCodeFixProvider)), Shared]
public sealed class ProjectionCodeFixProvider : CodeFixProvider
{
    private const string Title = "Set Projection = Projection.Conv (a learned 1x1 convolution)";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.AddShapes.Id);

    /// <summary>None: see the class remarks.</summary>
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var document = context.Document;
        var cancellationToken = context.CancellationToken;
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null) return;

        foreach (var diagnostic in context.Diagnostics)
        {
            if (!NetworkAnalyzer.ReadRepairs(diagnostic).Any(r => r.Argument == "Projection")) continue;
            var attribute = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeSyntax>();
            var declaration = attribute?.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            if (attribute?.ArgumentList is null || declaration is null) continue;
            var before = await FixCheck.CountsAsync(document, declaration, cancellationToken).ConfigureAwait(false);
            if (before is null) continue;

            foreach (string value in new[] { "Projection.Conv", "global::StaticNets.Projection.Conv" })
            {
                var annotation = FixCheck.NewAnnotation();
                var changed = declaration.ReplaceNode(attribute, WithProjection(attribute, value)).WithAdditionalAnnotations(annotation);
                var result = document.WithSyntaxRoot(root.ReplaceNode(declaration, changed));
                if (!await FixCheck.ImprovesAsync(before, result.Project.Solution, document.Id, annotation, diagnostic.Id, cancellationToken).ConfigureAwait(false)) continue;
                context.RegisterCodeFix(CodeAction.Create(Title, _ => Task.FromResult(result), nameof(ProjectionCodeFixProvider)), diagnostic);
                break;
            }
        }
    }

    /// <summary>The attribute with <c>Projection = {value}</c>: the written argument's value replaced, else the argument added last.</summary>
    private static AttributeSyntax WithProjection(AttributeSyntax attribute, string value) =>
        AttributeArguments.WithNamed(attribute, "Projection", SyntaxFactory.ParseExpression(value));
}
