using Microsoft.CodeAnalysis;
using StaticNets.Generator.Emit;
using StaticNets.Generator.Model;
using StaticNets.Generator.Parsing;
using StaticNets.Generator.Shapes;

namespace StaticNets.Generator;

/// <summary>
/// The StaticNets source generator: each class carrying <c>[Input]</c> becomes one generated file with its
/// network's code. Find, parse, infer, emit, in one direction; diagnostics come from <c>NetworkAnalyzer</c>,
/// which calls the same parser and shape inference.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // 1. Find and 2. parse: a value-equatable spec per network class. A class with [Input] on two of its
        // partial declarations (SN1002, SN1004) is found twice: only the declaration holding its first [Input]
        // parses it, so that it gets one file.
        IncrementalValuesProvider<NetworkSpec?> specs = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkParser.InputAttributeName,
                predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                transform: static (ctx, ct) => HoldsFirstInput(ctx) ? NetworkParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ct) : null)
            .WithTrackingName(TrackingNames.Spec);

        // 3. Infer: shapes, parameter counts and diagnostics, Roslyn-free.
        IncrementalValuesProvider<(NetworkSpec Spec, NetworkShape Shape)> networks = specs
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => (spec!, ShapeInference.Infer(spec!)))
            .WithTrackingName(TrackingNames.Shape);

        // 4. Emit: one file per network, from a model without locations, so that an edit which only moves the
        // class in its file (a line added above it) compares equal here and emits nothing again.
        IncrementalValuesProvider<EmitModel> models = networks
            .Select(static (network, _) => EmitModel.From(network.Spec, network.Shape))
            .WithTrackingName(TrackingNames.Emit);
        context.RegisterSourceOutput(models, static (spc, model) =>
        {
            if (!NetworkEmitter.CanAddMembers(model.Spec)) return;
            spc.AddSource(model.Spec.HintName, NetworkEmitter.Emit(model.Spec, model.Shape));
        });
    }

    /// <summary>True when the declaration found holds the class's first <c>[Input]</c> (in the order the compiler lists attributes).</summary>
    private static bool HoldsFirstInput(GeneratorAttributeSyntaxContext context)
    {
        foreach (var attribute in context.TargetSymbol.GetAttributes())
        {
            if (NetworkParser.TypeOf(attribute.AttributeClass) != LayerType.Input) continue;
            var syntax = attribute.ApplicationSyntaxReference;
            return syntax is null || (syntax.SyntaxTree == context.TargetNode.SyntaxTree && context.TargetNode.Span.Contains(syntax.Span));
        }
        return true;
    }
}

/// <summary>Names of the pipeline steps, for the tests that check they stay cached.</summary>
public static class TrackingNames
{
    public const string Spec = "NetworkSpec";
    public const string Shape = "NetworkShape";

    /// <summary>The location-free model source output receives (<c>EmitModel</c>).</summary>
    public const string Emit = "EmitModel";
}
