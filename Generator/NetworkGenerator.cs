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
        // 1. Find and 2. parse: a value-equatable spec per network class.
        IncrementalValuesProvider<NetworkSpec> specs = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkParser.InputAttributeName,
                predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                transform: static (ctx, ct) => NetworkParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ct))
            .WithTrackingName(TrackingNames.Spec);

        // 3. Infer: shapes, parameter counts and diagnostics, Roslyn-free.
        IncrementalValuesProvider<(NetworkSpec Spec, NetworkShape Shape)> networks = specs
            .Select(static (spec, _) => (spec, ShapeInference.Infer(spec)))
            .WithTrackingName(TrackingNames.Shape);

        // 4. Emit: one file per network.
        context.RegisterSourceOutput(networks, static (spc, network) =>
        {
            if (!NetworkEmitter.CanAddMembers(network.Spec)) return;
            spc.AddSource(network.Spec.HintName, NetworkEmitter.Emit(network.Spec, network.Shape));
        });
    }
}

/// <summary>Names of the pipeline steps, for the tests that check they stay cached.</summary>
public static class TrackingNames
{
    public const string Spec = "NetworkSpec";
    public const string Shape = "NetworkShape";
}
