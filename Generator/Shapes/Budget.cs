using System.Collections.Generic;
using System.Linq;
using StaticNets.Generator.Emit;
using StaticNets.Generator.Model;
using static StaticNets.Generator.Shapes.Messages;

namespace StaticNets.Generator.Shapes;

/// <summary>
/// <c>[Budget(MaxMultiplyAdds = ..., MaxBytes = ...)]</c>: SN1003 for a negative limit, SN2008 when the network needs more.
/// Multiply-adds are <see cref="NetworkShape.MultiplyAdds"/> (one sample's forward). Bytes are what an instance holds,
/// the figure <c>Summary</c>'s memory line prints: parameters and gradients (4 bytes each) and the activation buffers
/// of the emitter's plan, counted by <see cref="Memory"/>, which <c>Summary</c> calls too.
/// </summary>
internal static class Budget
{
    /// <summary>How many layers or buffers a message names as the largest contributors.</summary>
    private const int Contributors = 3;

    /// <summary>What an instance holds, in bytes: parameters, gradients (as many), BatchNorm statistics, activation buffers.</summary>
    public readonly record struct InstanceBytes(long Parameters, long Activations, long Statistics = 0)
    {
        public long Total => 2 * Parameters + Statistics + Activations;
    }

    /// <summary>
    /// The bytes of an instance of the network <paramref name="plan"/> was built for (not counting the per-sample
    /// replicas a batch training pass of a BatchNorm network creates: each holds the activation buffers again).
    /// </summary>
    public static InstanceBytes Memory(NetworkShape shape, NetworkPlan plan) =>
        new(4L * shape.ParameterCount, plan.Buffers.Sum(b => (b.Type == "double" ? 8L : 4L) * b.Length), 4L * shape.StatisticsCount);

    /// <summary>SN1003 for a negative limit (0 is no limit).</summary>
    public static void CheckArguments(BudgetSpec? budget, DiagnosticSink diagnostics)
    {
        if (budget is null) return;
        if (budget.MaxMultiplyAdds < 0)
        {
            diagnostics.Report(DiagnosticIds.SN1003, $"[Budget]: MaxMultiplyAdds = {budget.MaxMultiplyAdds.ToString(Inv)} must be at least 0 (0: no limit).", budget.MultiplyAddsLocation, isFatal: false);
        }
        if (budget.MaxBytes < 0)
        {
            diagnostics.Report(DiagnosticIds.SN1003, $"[Budget]: MaxBytes = {budget.MaxBytes.ToString(Inv)} must be at least 0 (0: no limit).", budget.BytesLocation, isFatal: false);
        }
    }

    /// <summary>SN2008 for each limit the network exceeds. True when one was reported.</summary>
    public static bool Check(NetworkSpec spec, NetworkShape shape, BudgetSpec budget, DiagnosticSink diagnostics)
    {
        bool reported = false;
        long multiplyAdds = shape.MultiplyAdds;
        if (budget.MaxMultiplyAdds > 0 && multiplyAdds > budget.MaxMultiplyAdds)
        {
            var largest = shape.Layers.Where(l => l.MultiplyAdds > 0).OrderByDescending(l => l.MultiplyAdds).Take(Contributors)
                .Select(l => $"{l.Label} {Num(l.MultiplyAdds)}").ToList();
            diagnostics.Report(DiagnosticIds.SN2008, $"{spec.ClassName} needs {Num(multiplyAdds)} multiply-adds per sample, more than MaxMultiplyAdds = {Num(budget.MaxMultiplyAdds)}. The largest: {Join(largest, "and")}. Use fewer filters or units, or downsample earlier.", budget.MultiplyAddsLocation, isFatal: false);
            reported = true;
        }
        if (budget.MaxBytes > 0)
        {
            var plan = NetworkPlan.Build(spec, shape);
            var bytes = Memory(shape, plan);
            if (bytes.Total > budget.MaxBytes)
            {
                var parts = new List<(string Text, long Bytes)> { ("parameters and gradients", 2 * bytes.Parameters) };
                // A buffer as its field comment names it, without the dimensions, and the layer by its label: "conv1 output".
                var labels = shape.Layers.ToDictionary(l => l.Name, l => l.Label);
                parts.AddRange(plan.Buffers.Select(b => (Relabel(b.Comment.Split('[')[0].TrimEnd(' ', ','), labels), 4L * b.Length)));
                var largest = parts.OrderByDescending(p => p.Bytes).Take(Contributors).Select(p => $"{p.Text} {Num(p.Bytes)} B").ToList();
                diagnostics.Report(DiagnosticIds.SN2008, $"{spec.ClassName} needs {Num(bytes.Total)} bytes per instance (parameters {Num(bytes.Parameters)}, gradients {Num(bytes.Parameters)}, activations {Num(bytes.Activations)}), more than MaxBytes = {Num(budget.MaxBytes)}. The largest: {Join(largest, "and")}. Use fewer parameters, or smaller layers early on.", budget.BytesLocation, isFatal: false);
                reported = true;
            }
        }
        return reported;
    }

    private static string Relabel(string text, Dictionary<string, string> labels)
    {
        int space = text.IndexOf(' ');
        string first = space < 0 ? text : text.Substring(0, space);
        return labels.TryGetValue(first, out var label) ? label + text.Substring(first.Length) : text;
    }
}
