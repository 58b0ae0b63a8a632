using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace StaticNets.Generator.CodeFixes;

/// <summary>Edits of an attribute's named arguments that the code fixes share.</summary>
internal static class AttributeArguments
{
    /// <summary>
    /// The attribute with <c>{name} = {value}</c>: the written argument's value replaced (keeping its trivia), or the
    /// argument added last. Tokens carry explicit trivia, not elastic trivia, which the code action's formatter would act on.
    /// </summary>
    public static AttributeSyntax WithNamed(AttributeSyntax attribute, string name, ExpressionSyntax value)
    {
        var list = attribute.ArgumentList ?? SyntaxFactory.AttributeArgumentList();
        var written = list.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
        if (written is not null)
        {
            return attribute.ReplaceNode(written, written.WithExpression(value.WithTriviaFrom(written.Expression)));
        }

        var added = SyntaxFactory.AttributeArgument(
            SyntaxFactory.NameEquals(
                SyntaxFactory.IdentifierName(SyntaxFactory.Identifier(SyntaxFactory.TriviaList(), name, SyntaxFactory.TriviaList(SyntaxFactory.Space))),
                SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.EqualsToken, SyntaxFactory.TriviaList(SyntaxFactory.Space))),
            null, value);
        var separators = list.Arguments.GetSeparators().ToList();
        var nodes = list.Arguments.ToList();
        if (nodes.Count > 0) separators.Add(SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.CommaToken, SyntaxFactory.TriviaList(SyntaxFactory.Space)));
        nodes.Add(added);
        return attribute.WithArgumentList(list.WithArguments(SyntaxFactory.SeparatedList(nodes, separators)));
    }
}
