using System;
using System.Linq;
using StaticNets.Generator.Model;
using static StaticNets.Generator.Emit.Text;

namespace StaticNets.Generator.Emit;

/// <summary>The public members of a generated network beyond its constants and <c>Summary</c>: one entry each.</summary>
internal enum PublicMember
{
    Info,
    DefaultConstructor,
    SeedConstructor,
    Create,
    CreateReplica,
    Parameters,
    Gradients,
    Statistics,
    Forward,
    Predict,
    ForwardBatch,
    PredictBatch,
    Output,
    ZeroGradients,
    ComputeGradientsWithLabel,
    ComputeGradientsWithTarget,
    ComputeBatchGradientsWithLabels,
    ComputeBatchGradientsWithTargets,
    ComputeBatchGradientsWithLabelsAndOutputs,
    ComputeBatchGradientsWithTargetsAndOutputs,
    SetRandomState,
    Train,
    Evaluate,
    SaveToFile,
    SaveToStream,
    LoadFromFile,
    LoadFromStream,
    ExportOnnxToFile,
    ExportOnnxToStream,
}

/// <summary>
/// The declaration of each <see cref="PublicMember"/>, written once: a valid network gives each a body, a network with
/// build errors gives each one that throws, so that both implement the same members.
/// </summary>
internal static class PublicMembers
{
    private const string Rs = "global::System.ReadOnlySpan<float>";
    private const string Sp = "global::System.Span<float>";
    private const string Ns = "global::StaticNets.";

    /// <summary>The attribute on the members a reader calls.</summary>
    public const string GeneratedCode = "[global::System.CodeDom.Compiler.GeneratedCode(\"StaticNets.Generator\", \"1.0.0\")]";

    /// <summary>The declaration of <paramref name="member"/> in class <paramref name="n"/>, up to its body.</summary>
    public static string Declaration(string n, PublicMember member) => member switch
    {
        PublicMember.Info => $"public static {Ns}NetworkInfo Info",
        PublicMember.DefaultConstructor => $"public {n}()",
        PublicMember.SeedConstructor => $"public {n}(int seed)",
        PublicMember.Create => $"public static {n} Create(int seed)",
        PublicMember.CreateReplica => $"public {n} CreateReplica()",
        PublicMember.Parameters => $"public {Sp} Parameters",
        PublicMember.Gradients => $"public {Sp} Gradients",
        PublicMember.Statistics => $"public {Sp} Statistics",
        PublicMember.Forward => $"public void Forward({Rs} input, {Sp} output)",
        PublicMember.Predict => $"public int Predict({Rs} input)",
        PublicMember.ForwardBatch => $"public void ForwardBatch({Rs} inputs, {Sp} outputs)",
        PublicMember.PredictBatch => $"public void PredictBatch({Rs} inputs, global::System.Span<int> predictions)",
        PublicMember.Output => $"public {Rs} Output",
        PublicMember.ZeroGradients => "public void ZeroGradients()",
        PublicMember.ComputeGradientsWithLabel => $"public float ComputeGradients({Rs} input, int label)",
        PublicMember.ComputeGradientsWithTarget => $"public float ComputeGradients({Rs} input, {Rs} target)",
        PublicMember.ComputeBatchGradientsWithLabels => $"public float ComputeBatchGradients({Rs} inputs, global::System.ReadOnlySpan<int> labels)",
        PublicMember.ComputeBatchGradientsWithTargets => $"public float ComputeBatchGradients({Rs} inputs, {Rs} targets)",
        PublicMember.ComputeBatchGradientsWithLabelsAndOutputs =>
            $"public float ComputeBatchGradients({Rs} inputs, global::System.ReadOnlySpan<int> labels,\n    {Sp} outputs)",
        PublicMember.ComputeBatchGradientsWithTargetsAndOutputs => $"public float ComputeBatchGradients({Rs} inputs, {Rs} targets,\n    {Sp} outputs)",
        PublicMember.SetRandomState => "public void SetRandomState(ulong state)",
        PublicMember.Train => $"public {Ns}TrainingReport Train({Ns}Dataset data, {Ns}TrainingOptions options)",
        PublicMember.Evaluate => $"public {Ns}Evaluation Evaluate({Ns}Dataset data)",
        PublicMember.SaveToFile => "public void Save(string path)",
        PublicMember.SaveToStream => "public void Save(global::System.IO.Stream stream)",
        PublicMember.LoadFromFile => $"public static {n} Load(string path)",
        PublicMember.LoadFromStream => $"public static {n} Load(global::System.IO.Stream stream)",
        PublicMember.ExportOnnxToFile => "public void ExportOnnx(string path)",
        PublicMember.ExportOnnxToStream => "public void ExportOnnx(global::System.IO.Stream stream)",
        _ => throw new ArgumentOutOfRangeException(nameof(member), member, "A public member without a declaration."),
    };

    /// <summary>Every public member, in the order the class declares them.</summary>
    public static PublicMember[] All { get; } = (PublicMember[])Enum.GetValues(typeof(PublicMember));

    /// <summary>
    /// The members of a network with errors: the constants it can know, <c>Summary</c> listing the errors, and every
    /// <see cref="PublicMember"/> throwing an exception that names the first error.
    /// </summary>
    public static void EmitThrowing(SourceWriter w, NetworkSpec spec, NetworkShape shape, string table)
    {
        string n = spec.ClassName;
        var first = shape.Diagnostics.FirstOrDefault(d => d.Id[2] != '3');
        string reason = first is null ? $"{n} declares no layers." : $"{n} has build errors ({first.Id}: {first.Message})";
        var input = shape.Input;
        bool inputKnown = input.C > 0 && input.H > 0 && input.W > 0 && (long)input.C * input.H * input.W <= int.MaxValue;

        w.Line("/// <summary>Number of input values (the network has build errors).</summary>");
        w.Line($"public const int InputSize = {(inputKnown ? shape.InputSize : 0)};");
        w.Line("/// <summary>Number of output values (unknown: the network has build errors).</summary>");
        w.Line("public const int OutputSize = 0;");
        w.Line("/// <summary>Number of weights and biases (unknown: the network has build errors).</summary>");
        w.Line("public const int ParameterCount = 0;");
        w.Line("/// <summary>Number of BatchNorm running statistics (unknown: the network has build errors).</summary>");
        w.Line("public const int StatisticsCount = 0;");
        w.Line("/// <summary>Multiply-adds of one sample's forward pass (unknown: the network has build errors).</summary>");
        w.Line("public const long MultiplyAdds = 0;");
        w.Line("/// <summary>The build errors of this network.</summary>");
        MultilineLiteral(w, "public static string Summary => ", table, ";");
        string throws = $"throw new global::System.InvalidOperationException({Literal(reason + " Fix them to use the network.")})";
        foreach (var member in All)
        {
            w.Line("/// <summary>Not available: the network has build errors.</summary>");
            w.Line($"{Declaration(n, member)} => {throws};");
        }
    }
}
