using System.Linq;
using StaticNets.Generator.Model;
using static StaticNets.Generator.Shapes.Messages;

namespace StaticNets.Generator.Shapes;

/// <summary>What is checked before any layer: the class itself (SN1001), where its attributes are (SN1004), and its [Input] (SN1002).</summary>
internal static class Placement
{
    /// <summary>
    /// Reports SN1001, SN1004 and SN1002. True when the order of the layers, and so the tensor each one reads, is
    /// known: the attributes are on one declaration and the first is an [Input]. A class the generator cannot add
    /// members to (SN1001) does not change the shapes, and a repeated [Input] after the first is read as the
    /// message's repair has it, removed; an [Input] missing or not first, or layers on two declarations, leave the
    /// order unknown, and no shape is inferred.
    /// </summary>
    public static bool Check(NetworkSpec spec, string[] names, DiagnosticSink diagnostics)
    {
        bool orderKnown = true;
        ClassChecks(spec, diagnostics);
        var specs = spec.Layers;

        // SN1004: layer attributes on more than one declaration.
        var declarationsUsed = specs.Select(l => l.Declaration).Distinct().ToList();
        if (declarationsUsed.Count > 1)
        {
            var second = specs.First(l => l.Declaration != specs[0].Declaration);
            diagnostics.Report(DiagnosticIds.SN1004, $"{spec.ClassName} declares layer attributes on {declarationsUsed.Count} partial declarations, so the layer order would depend on the order of the files. Move every layer attribute to one declaration.", second.Location);
            orderKnown = false;
        }

        // SN1002: [Input] missing, repeated or not first.
        var inputIndices = Enumerable.Range(0, specs.Count).Where(i => specs[i].Type == LayerType.Input).ToList();
        if (inputIndices.Count == 0)
        {
            diagnostics.Report(DiagnosticIds.SN1002, $"{spec.ClassName} has layer attributes but no [Input]: declare the input shape first, e.g. [Input(28, 28, 1)] for 28x28 images with 1 channel, or [Input(784)] for 784 features.",
                specs.Count > 0 ? specs[0].Location : spec.ClassLocation);
            return false;
        }
        for (int k = 1; k < inputIndices.Count; k++)
        {
            diagnostics.Report(DiagnosticIds.SN1002, $"input ({Ordinal(k + 1)} of {inputIndices.Count} [Input] attributes on {spec.ClassName}): a network has exactly one input, declared first. Remove this one.",
                specs[inputIndices[k]].Location);
        }
        int first = inputIndices[0];
        if (first > 0)
        {
            var before = Enumerable.Range(0, first).Select(i => names[i]).ToList();
            diagnostics.Report(DiagnosticIds.SN1002, $"input (attribute {first + 1} of {spec.ClassName}): [Input] must come first, but {Join(before, "and")} {(before.Count == 1 ? "comes" : "come")} before it. Move [Input] before {names[0]}.",
                specs[first].Location);
            orderKnown = false;
        }
        return orderKnown;
    }

    /// <summary>SN1001: a class the generator cannot add the network's members to, or that cannot have instances.</summary>
    private static void ClassChecks(NetworkSpec spec, DiagnosticSink diagnostics)
    {
        string n = spec.ClassName;
        string? message = null;
        if (!spec.IsPartial)
        {
            message = $"{n} is not partial, so the generator cannot add the network's members to it. Add 'partial' to its declaration.";
        }
        else if (spec.IsGeneric)
        {
            message = $"{n} is generic, but a network's shapes and buffers are fixed at build time. Remove its type parameters.";
        }
        else if (spec.ContainingTypeNotPartial)
        {
            var outer = spec.ContainingTypes.Select(t => t.Substring(t.LastIndexOf(' ') + 1)).Reverse().ToList();
            message = $"{n} is nested in {string.Join(" in ", outer)}, and the generator can add its members only if every containing type is partial and not generic. Add 'partial' to {(outer.Count == 1 ? outer[0] : "each of them")}.";
        }
        else if (spec.IsStatic)
        {
            message = $"{n} is static, but a network has instances that hold its weights. Remove 'static'.";
        }
        else if (spec.IsAbstract)
        {
            message = $"{n} is abstract, but a network has instances that hold its weights, made by Create and Load. Remove 'abstract'.";
        }
        if (message is not null) diagnostics.Report(DiagnosticIds.SN1001, message, spec.ClassLocation);
    }
}
