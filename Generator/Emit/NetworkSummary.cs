using System.Linq;
using System.Text;
using StaticNets.Generator.Model;
using static StaticNets.Generator.Emit.Text;

namespace StaticNets.Generator.Emit;

/// <summary>
/// What the generated class says about itself: the table of layers (in its doc comment, a comment and
/// <c>Summary</c>) and <c>Info</c>, the layers, shapes and parameter layout as data.
/// </summary>
internal static class NetworkSummary
{
    /// <summary>The table of layers, output shapes, parameter counts and multiply-adds, the loss and the memory; or the build errors.</summary>
    public static string Table(NetworkSpec spec, NetworkShape shape, NetworkPlan? plan)
    {
        var sb = new StringBuilder();
        if (plan is null)
        {
            sb.Append(spec.ClassName).Append(" has build errors:");
            foreach (var d in shape.Diagnostics.Where(d => d.Id[2] != '3')) sb.Append('\n').Append(d.Id).Append(": ").Append(d.Message);
            return sb.ToString();
        }
        sb.Append(Row("layer", "kind", "output", "params", "mult-adds"));
        sb.Append('\n').Append(Row("input", "Input", shape.Input.ToString(), "0", "0"));
        foreach (var l in shape.Layers) sb.Append('\n').Append(Row(l.Label, l.TableText, l.Out.ToString(), Num(l.ParameterCount), Num(l.MultiplyAdds)));
        sb.Append('\n').Append(Row("total", "", "", Num(shape.ParameterCount), Num(shape.MultiplyAdds)));
        sb.Append('\n').Append("loss: ").Append(shape.Loss == LossKind.CrossEntropy ? "cross-entropy (fused with the final softmax)" : "mean squared error");
        // The same count as [Budget]'s MaxBytes (SN2008).
        var bytes = Shapes.Budget.Memory(shape, plan);
        string statistics = bytes.Statistics > 0 ? $", statistics {Num(bytes.Statistics)} B" : "";
        sb.Append('\n').Append($"memory: parameters {Num(bytes.Parameters)} B, gradients {Num(bytes.Parameters)} B{statistics}, activations {Num(bytes.Activations)} B; {Num(bytes.Total)} B in all");
        if (shape.StatisticsCount > 0)
        {
            sb.Append('\n').Append($"statistics: {Num(shape.StatisticsCount)} BatchNorm running means and variances");
        }
        if (plan.BatchTraining)
        {
            // A replica shares the parameters and statistics; it has its own gradients and buffers.
            long replica = bytes.Parameters + bytes.Activations;
            sb.Append('\n').Append($"batch training: one replica per sample after a batch's first, {Num(replica)} B each (gradients, activations), kept once made");
        }
        return sb.ToString();
    }

    /// <summary>One line of the table; a name or kind longer than its column keeps a space before the next.</summary>
    private static string Row(string a, string b, string c, string d, string e) =>
        (a.PadRight(9) + " " + b.PadRight(27) + " " + c.PadRight(10) + d.PadLeft(10) + e.PadLeft(12)).TrimEnd();

    /// <summary><c>Info</c>: one <c>LayerInfo</c> per layer, a few properties per line.</summary>
    public static void EmitInfo(SourceWriter w, NetworkSpec spec, NetworkShape shape)
    {
        const string N = "global::StaticNets.";
        w.Line("/// <summary>The layers, shapes and parameter layout, as the generator laid them out.</summary>");
        w.Line($"{PublicMembers.Declaration(spec.ClassName, PublicMember.Info)} {{ get; }} = new {N}NetworkInfo");
        w.Line("{");
        w.Indent();
        w.Line($"Name = \"{spec.FullName}\",");
        w.Line($"InputShape = {TensorShape(shape.Input)},");
        w.Line($"Loss = {N}LossKind.{(shape.Loss == LossKind.CrossEntropy ? "CrossEntropy" : "MeanSquaredError")},");
        w.Line($"Layers = new {N}LayerInfo[]");
        w.Line("{");
        w.Indent();
        foreach (var l in shape.Layers)
        {
            string kind = Layers.LayerRegistry.For(l.Type).InfoKind;
            w.Line($"new {N}LayerInfo");
            w.Line("{");
            w.Indent();
            w.Line($"Name = \"{l.Label}\",");
            w.Line($"Kind = {N}LayerKind.{kind},");
            w.Line($"InputShape = {TensorShape(l.In)},");
            w.Line($"OutputShape = {TensorShape(l.Out)},");
            w.Line($"Activation = {N}Activation.{l.Activation},");
            w.Line($"Alpha = {Float(l.Alpha)},");
            w.Line($"Units = {l.Units}, Kernel = {l.Kernel}, Stride = {l.Stride}, Padding = {l.Padding},");
            if (l.KernelHeight > 0)
            {
                w.Line($"KernelHeight = {l.KernelHeight}, KernelWidth = {l.KernelWidth}, StrideHeight = {l.StrideHeight}, StrideWidth = {l.StrideWidth},");
                w.Line($"PadTop = {l.PadTop}, PadLeft = {l.PadLeft}, PadBottom = {l.PadBottom}, PadRight = {l.PadRight},");
            }
            if (l.Groups > 1) w.Line($"Groups = {l.Groups},");
            if (l.From is not null) w.Line($"From = \"{l.From}\", Projection = {N}Projection.{l.Projection},");
            w.Line($"Rate = {Float(l.Rate)}, L1 = {Float(l.L1)}, L2 = {Float(l.L2)},");
            w.Line($"Init = {N}Init.{l.Init},");
            w.Line($"ParameterOffset = {l.ParameterOffset}, WeightCount = {l.WeightCount}, BiasCount = {l.BiasCount},");
            w.Line($"FanIn = {l.FanIn}, FanOut = {l.FanOut},");
            if (l.StatisticsCount > 0)
            {
                w.Line($"StatisticsOffset = {l.StatisticsOffset}, StatisticsCount = {l.StatisticsCount}, Momentum = {Float(l.Momentum)}, Epsilon = {Float(l.Epsilon)},");
            }
            w.Unindent();
            w.Line("},");
        }
        w.Unindent();
        w.Line("},");
        w.Unindent();
        w.Line("};");
        w.Line();
    }

    private static string TensorShape(Shape s) => $"new global::StaticNets.TensorShape({s.C}, {s.H}, {s.W})";
}
