using System.Linq;
using StaticNets.Generator.Model;
using static StaticNets.Generator.Emit.Text;

namespace StaticNets.Generator.Emit;

/// <summary>
/// The members of a valid network's partial class: the constants, <c>Summary</c> and <c>Info</c>, the buffer fields
/// (each with its shape), the constructors, and the public members of <c>INetwork</c>, which check their arguments,
/// take the instance and call <c>ForwardCore</c> and <c>BackwardCore</c>.
/// </summary>
internal static class MemberEmitter
{
    private const string Rs = "global::System.ReadOnlySpan<float>";
    private const string Sp = "global::System.Span<float>";
    private const string GeneratedCode = PublicMembers.GeneratedCode;
    private const string Release = "finally { global::System.Threading.Volatile.Write(ref _busy, 0); }";
    private static readonly string Guard = RuntimeNames.Kernel("Guard");

    public static void Emit(SourceWriter w, NetworkSpec spec, NetworkShape shape, NetworkPlan plan, string table)
    {
        string n = spec.ClassName;
        string D(PublicMember member) => PublicMembers.Declaration(n, member);
        string inputShape = InputShape(shape);

        w.Line("// ---- Sizes and description ----");
        w.Line();
        w.Line("/// <summary>Number of input values" + (shape.Input.Flat ? "." : $", laid out [channels][height][width] = {inputShape}.") + "</summary>");
        w.Line($"public const int InputSize = {shape.InputSize};");
        w.Line("/// <summary>Number of output values.</summary>");
        w.Line($"public const int OutputSize = {shape.OutputSize};");
        w.Line("/// <summary>Number of weights and biases.</summary>");
        w.Line($"public const int ParameterCount = {shape.ParameterCount};");
        w.Line("/// <summary>Number of BatchNorm running statistics (means then variances, layer by layer).</summary>");
        w.Line($"public const int StatisticsCount = {shape.StatisticsCount};");
        w.Line("/// <summary>Multiply-adds of one sample's forward pass (Summary gives them per layer).</summary>");
        w.Line($"public const long MultiplyAdds = {shape.MultiplyAdds};");
        w.Line();
        w.Line("/// <summary>A table of the layers, their output shapes, parameter counts and multiply-adds, the loss and the memory an instance holds.</summary>");
        MultilineLiteral(w, "public static string Summary => ", table, ";");
        w.Line();
        NetworkSummary.EmitInfo(w, spec, shape);

        w.Line("// ---- State: the parameters, their gradients, and every buffer a pass uses, allocated once ----");
        w.Line();
        w.Line("private readonly float[] _parameters; // shared with the replicas of CreateReplica");
        w.Line($"private readonly float[] _gradients = new float[ParameterCount]; // the gradient of each parameter [{shape.ParameterCount}]");
        w.Line("private ulong _randomState; // the generator dropout masks are drawn from");
        w.Line("private int _busy; // 1 while a pass runs: an instance has one set of buffers, so one thread at a time");
        w.Line($"private const string NetworkName = \"{n}\"; // in the messages of spans, labels and targets that do not fit");
        if (plan.BatchTraining) BatchTrainingEmitter.EmitFields(w, n);
        if (plan.TailStart >= 0) w.Line($"private const int BatchTile = {NetworkPlan.BatchTile}; // samples per tile of ForwardBatch and PredictBatch");
        foreach (var b in plan.Buffers)
        {
            string field = $"private readonly {b.Type}[] {b.Name} = new {b.Type}[{b.Length}];";
            if (w.Column + field.Length + b.Comment.Length + 4 <= SourceWriter.Width) w.Line($"{field} // {b.Comment}");
            else w.Line($"// {b.Comment}").Line(field);
        }
        w.Line();

        w.Line("// ---- Construction ----");
        w.Line();
        w.Line($"/// <summary>A {n} with weights initialised from seed 0; biases start at zero.</summary>");
        w.Line(GeneratedCode);
        w.Line($"{D(PublicMember.DefaultConstructor)} : this(0)");
        w.Line("{");
        w.Line("}");
        w.Line();
        w.Line($"/// <summary>A {n} with weights initialised deterministically from <paramref name=\"seed\"/>; biases start at zero.</summary>");
        w.Line(GeneratedCode);
        w.Open($"{D(PublicMember.SeedConstructor)} : this(new float[ParameterCount]{(plan.BatchTraining ? ", new float[StatisticsCount]" : "")})");
        w.Line($"_randomState = {RuntimeNames.Kernel("Rng")}.Seed(seed, -1);");
        foreach (var c in plan.Contexts.Where(c => c.Layer.WeightCount > 0 && Initialised(Layers.LayerRegistry.For(c.Layer.Type))))
        {
            var l = c.Layer;
            w.Line($"// {l.Name}: {l.WeightCount} weights, fan-in {l.FanIn}, fan-out {l.FanOut}");
            w.Line($"{RuntimeNames.Kernel("Initializers")}.Fill(");
            w.Line($"    new {Sp}(_parameters, {l.ParameterOffset}, {l.WeightCount}),");
            w.Line($"    global::StaticNets.Init.{l.Init},");
            w.Line($"    fanIn: {l.FanIn},");
            w.Line($"    fanOut: {l.FanOut},");
            w.Line("    seed,");
            w.Line($"    layer: {c.Index});");
        }
        foreach (var c in plan.Contexts.Where(c => c.Layer.StatisticsCount > 0))
        {
            var l = c.Layer;
            // γ and β are the layer's last parameters (an Add's ConvBatchNorm projection has its weights before them).
            int channels = l.StatisticsCount / 2;
            w.Line($"// {l.Name}: γ = 1 (β = 0), running variances 1 (means 0)");
            w.Line($"new {Sp}(_parameters, {l.ParameterOffset + l.WeightCount + l.BiasCount - 2 * channels}, {channels}).Fill(1f);");
            w.Line($"new {Sp}(_statistics, {l.StatisticsOffset + l.StatisticsCount / 2}, {l.StatisticsCount / 2}).Fill(1f);");
        }
        w.Close();
        w.Line();
        w.Line($"/// <summary>The same as <c>new {n}(seed)</c>.</summary>");
        w.Line(GeneratedCode);
        w.Member(D(PublicMember.Create), $"new {n}(seed)");
        w.Line();
        if (plan.BatchTraining)
        {
            w.Line("/// <summary>An instance over the given parameter and statistics arrays, with its own gradients and buffers.</summary>");
            w.Open($"private {n}(float[] parameters, float[] statistics)");
            w.Line("_parameters = parameters;");
            w.Line("_statistics = statistics;");
            w.Close();
        }
        else
        {
            w.Line("/// <summary>An instance over the given parameter array, with its own gradients and buffers.</summary>");
            w.Line($"private {n}(float[] parameters) => _parameters = parameters;");
        }
        w.Line();
        w.Line("/// <summary>");
        if (plan.BatchTraining)
        {
            w.Line("/// A new instance that shares this one's <see cref=\"Parameters\"/> and <see cref=\"Statistics\"/> (the same arrays, not");
            w.Line("/// copies), with gradients and buffers of its own: data-parallel training's workers.");
        }
        else
        {
            w.Line("/// A new instance that shares this one's <see cref=\"Parameters\"/> (the same array, not a copy), with gradients and");
            w.Line("/// buffers of its own: data-parallel training's workers.");
        }
        w.Line("/// </summary>");
        w.Line(GeneratedCode);
        w.Member(D(PublicMember.CreateReplica), $"new {n}(_parameters{(plan.BatchTraining ? ", _statistics" : "")})");
        w.Line();

        w.Line("// ---- Inference ----");
        w.Line();
        w.Line("/// <summary>All weights and biases, flat, layer by layer, each layer's weights then its bias.</summary>");
        w.Member(D(PublicMember.Parameters), $"_parameters");
        w.Line();
        w.Line("/// <summary>The gradient of the loss with respect to <see cref=\"Parameters\"/>, in the same layout.</summary>");
        w.Member(D(PublicMember.Gradients), $"_gradients");
        w.Line();
        w.Line(plan.BatchTraining
            ? "/// <summary>The BatchNorm running means then variances, layer by layer: what inference normalises with.</summary>"
            : "/// <summary>The BatchNorm running statistics: none (the network has no BatchNorm).</summary>");
        w.Line(GeneratedCode);
        w.Member(D(PublicMember.Statistics), $"{(plan.BatchTraining ? "_statistics" : "global::System.Span<float>.Empty")}");
        w.Line();
        string last = $"(({Rs}){plan.Output}).Slice(0, OutputSize)";
        w.Line("/// <summary>Inference: writes the output for <paramref name=\"input\"/> (dropout off). Allocates nothing.</summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span does not have the network's size.</exception>");
        w.Line(GeneratedCode);
        w.Open(D(PublicMember.Forward));
        w.Line($"{Guard}.Length(input.Length, InputSize, NetworkName, \"{inputShape}\", nameof(input));");
        w.Line($"{Guard}.Length(output.Length, OutputSize, NetworkName, \"{Num(shape.OutputSize)}\", nameof(output));");
        w.Line("Enter();");
        w.Open("try");
        w.Line("ForwardCore(input, training: false);");
        w.Line($"{last}.CopyTo(output);");
        w.Close();
        w.Line(Release);
        w.Close();
        w.Line();
        w.Line("/// <summary>The index of the largest output for <paramref name=\"input\"/>. Allocates nothing.</summary>");
        w.Line(GeneratedCode);
        w.Open(D(PublicMember.Predict));
        w.Line($"{Guard}.Length(input.Length, InputSize, NetworkName, \"{inputShape}\", nameof(input));");
        w.Line("Enter();");
        w.Open("try");
        w.Line("ForwardCore(input, training: false);");
        string predict = $"return global::System.Numerics.Tensors.TensorPrimitives.IndexOfMax({last});";
        if (w.Column + predict.Length <= SourceWriter.Width) w.Line(predict);
        else w.Line($"global::System.ReadOnlySpan<float> output = {last};").Line("return global::System.Numerics.Tensors.TensorPrimitives.IndexOfMax(output);");
        w.Close();
        w.Line(Release);
        w.Close();
        w.Line();
        BatchEmitter.EmitBatchMembers(w, spec, plan, inputShape);
        w.Line("/// <summary>The output of the most recent pass (training mode after <c>ComputeGradients</c>); valid until the next one.</summary>");
        w.Member(D(PublicMember.Output), $"{last}");
        w.Line();

        w.Line("// ---- Training ----");
        w.Line();
        w.Line("/// <summary>Sets every gradient to zero.</summary>");
        w.Line(GeneratedCode);
        w.Member(D(PublicMember.ZeroGradients), $"global::System.Array.Clear(_gradients)");
        w.Line();
        foreach (bool label in new[] { true, false })
        {
            if (plan.BatchTraining) BatchTrainingEmitter.EmitComputeGradients(w, n, shape, inputShape, label);
            else ComputeGradients(w, n, shape, plan, inputShape, label);
        }
        BatchTrainingEmitter.EmitComputeBatchGradients(w, n, shape, plan, inputShape);
        w.Line("/// <summary>Sets the state of the generator that dropout masks are drawn from.</summary>");
        w.Line(GeneratedCode);
        w.Member(D(PublicMember.SetRandomState), $"_randomState = state");
        w.Line();
        w.Line("/// <summary>Mini-batch training; see <see cref=\"global::StaticNets.TrainingOptions\"/>.</summary>");
        w.Line(GeneratedCode);
        w.Line($"{D(PublicMember.Train)} =>");
        w.Line($"    {RuntimeNames.Trainer}.Train(this, data, options);");
        w.Line();
        w.Line("/// <summary>Mean loss and accuracy on <paramref name=\"data\"/>, in inference mode.</summary>");
        w.Line(GeneratedCode);
        w.Member(D(PublicMember.Evaluate), $"{RuntimeNames.Trainer}.Evaluate(this, data)");
        w.Line();

        w.Line("// ---- Files ----");
        w.Line();
        w.Line("/// <summary>Writes the weights to a file (through a temporary file and a rename).</summary>");
        w.Line(GeneratedCode);
        w.Member(D(PublicMember.SaveToFile), $"{RuntimeNames.WeightFile}.Save(this, path)");
        w.Line();
        w.Line("/// <summary>Writes the weights to a stream.</summary>");
        w.Line(GeneratedCode);
        w.Member(D(PublicMember.SaveToStream), $"{RuntimeNames.WeightFile}.Save(this, stream)");
        w.Line();
        w.Line($"/// <summary>Reads a weight file written by <see cref=\"Save(string)\"/> of a {n}.</summary>");
        w.Line("/// <exception cref=\"global::System.IO.InvalidDataException\">The file is of another network, truncated or corrupted.</exception>");
        w.Line(GeneratedCode);
        w.Member(D(PublicMember.LoadFromFile), $"{RuntimeNames.WeightFile}.Load<{n}>(path)");
        w.Line();
        w.Line($"/// <summary>Reads weights written by <see cref=\"Save(global::System.IO.Stream)\"/> of a {n}.</summary>");
        w.Line(GeneratedCode);
        w.Member(D(PublicMember.LoadFromStream), $"{RuntimeNames.WeightFile}.Load<{n}>(stream)");
        w.Line();
        w.Line("/// <summary>Writes the network and its weights as an ONNX model whose output is <see cref=\"Forward\"/>'s.</summary>");
        w.Line(GeneratedCode);
        w.Member(D(PublicMember.ExportOnnxToFile), $"{RuntimeNames.OnnxExporter}.Export(this, path)");
        w.Line();
        w.Line("/// <summary>Writes the network and its weights as an ONNX model to a stream.</summary>");
        w.Line(GeneratedCode);
        w.Member(D(PublicMember.ExportOnnxToStream), $"{RuntimeNames.OnnxExporter}.Export(this, stream)");
        w.Line();
    }

    /// <summary>The input's shape as messages write it: <c>[1][28][28]</c>, or <c>784</c> when flat.</summary>
    /// <summary>Whether the constructor draws a layer's weights: a layer with weights, or an [Add]'s projection.</summary>
    private static bool Initialised(Layers.LayerRule rule) => rule.HasWeights || rule.InitialisedAsWeighted;

    private static string InputShape(NetworkShape shape) =>
        shape.Input.Flat ? Num(shape.InputSize) : $"[{shape.Input.C}][{shape.Input.H}][{shape.Input.W}]";

    private static void ComputeGradients(SourceWriter w, string n, NetworkShape shape, NetworkPlan plan, string inputShape, bool label)
    {
        string last = $"(({Rs}){plan.Output}).Slice(0, OutputSize)";
        w.Line("/// <summary>");
        w.Line($"/// Training-mode forward and backward pass of one sample with {(label ? "a class label" : "a target vector")}: adds its gradient into");
        w.Line("/// <see cref=\"Gradients\"/> and returns its loss. Allocates nothing.");
        w.Line("/// </summary>");
        w.Line(GeneratedCode);
        w.Open(PublicMembers.Declaration(n, label ? PublicMember.ComputeGradientsWithLabel : PublicMember.ComputeGradientsWithTarget));
        w.Line($"{Guard}.Length(input.Length, InputSize, NetworkName, \"{inputShape}\", nameof(input));");
        w.Line(label
            ? $"{Guard}.Label(label, OutputSize, NetworkName);"
            : $"{Guard}.Length(target.Length, OutputSize, NetworkName, \"{Num(shape.OutputSize)}\", nameof(target));");
        w.Line("Enter();");
        w.Open("try");
        w.Line("ForwardCore(input, training: true);");
        string t = label ? "label" : "target";
        string losses = RuntimeNames.Kernel("Losses");
        w.Line($"{Rs} output = {last};");
        if (shape.Loss == LossKind.CrossEntropy)
        {
            w.Line($"{Rs} logits = (({Rs}){plan.Logits}).Slice(0, OutputSize);");
            w.Line($"float loss = {losses}.CrossEntropy(logits, output, {t}, {plan.LossGrad});");
        }
        else
        {
            w.Line($"float loss = {losses}.MeanSquaredError(output, {t}, {plan.LossGrad});");
        }
        w.Line("BackwardCore(input);");
        w.Line("return loss;");
        w.Close();
        w.Line(Release);
        w.Close();
        w.Line();
    }
}
