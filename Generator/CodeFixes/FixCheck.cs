using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNets.Generator.Parsing;
using StaticNets.Generator.Shapes;

namespace StaticNets.Generator.CodeFixes;

/// <summary>
/// Decides whether a candidate fix is offered: it parses the network again from the changed solution and
/// runs <see cref="ShapeInference"/> on it, exactly as the analyzer would. A fix is offered when the
/// diagnostic it fixes is gone and nothing new appears: for every id, the network has no more diagnostics
/// than before, and fewer of the one being fixed. (Requiring no error at all would hide every fix of a
/// network with two independent mistakes, each fix waiting for the other.)
/// </summary>
internal static class FixCheck
{
    /// <summary>Marks the network's class declaration in a changed tree, so that it can be found again.</summary>
    public static SyntaxAnnotation NewAnnotation() => new("StaticNets.Network");

    /// <summary>How many diagnostics of each id shape inference gives the class declared by <paramref name="declaration"/>.</summary>
    public static async Task<Dictionary<string, int>?> CountsAsync(Document document, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model?.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type) return null;
        var shape = ShapeInference.Infer(NetworkParser.Parse(type, cancellationToken));
        return shape.Diagnostics.GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>
    /// True when, in <paramref name="changed"/>, the class annotated with <paramref name="annotation"/> in
    /// document <paramref name="documentId"/> has fewer <paramref name="id"/> diagnostics than
    /// <paramref name="before"/> and no more of any other id.
    /// </summary>
    public static async Task<bool> ImprovesAsync(Dictionary<string, int> before, Solution changed, DocumentId documentId,
        SyntaxAnnotation annotation, string id, CancellationToken cancellationToken)
    {
        var document = changed.GetDocument(documentId);
        if (document is null) return false;
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var declaration = root?.GetAnnotatedNodes(annotation).OfType<TypeDeclarationSyntax>().FirstOrDefault();
        if (declaration is null) return false;
        var after = await CountsAsync(document, declaration, cancellationToken).ConfigureAwait(false);
        if (after is null) return false;
        int Count(Dictionary<string, int> counts, string key) => counts.TryGetValue(key, out int n) ? n : 0;
        return Count(after, id) < Count(before, id) && after.All(pair => pair.Value <= Count(before, pair.Key));
    }
}
