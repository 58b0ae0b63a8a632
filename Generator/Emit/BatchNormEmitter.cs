using System.Collections.Generic;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// BatchNorm, per channel (per feature when flat): inference scales and shifts with the running statistics folded in,
/// <c>y = x * γ/sqrt(var_r + ε) + (β - mean_r * γ/sqrt(var_r + ε))</c>. Training is a batch computation that the
/// network drives between per-sample segments (<see cref="BatchTrainingEmitter"/>): each replica computes its sample's
/// moments in its segment (<c>Moments</c>: sum and squared deviations from its own mean), the network combines them in
/// sample order (<c>AddSums</c>, <c>Mean</c>, <c>AddSquares</c>, <c>Update</c>), then each sample is normalised with them
/// (<c>Normalize</c>); backward, each replica sums its sample's <c>Σdy</c> and <c>Σdy·x̂</c> (<c>GradientSums</c>), the
/// network adds them in sample order (<c>AddGradientSums</c>, <c>GradientCoefficients</c>, which adds γ's and β's
/// gradients once), then each sample's <c>dx = γ invstd / n (n dy - Σdy - x̂ Σ(dy x̂))</c> (<c>Backward</c>).
/// </summary>
internal sealed partial class BatchNormEmitter : LayerEmitter
{
    /// <inheritdoc/>
    public override bool NormalizesOverBatch(LayerShape layer) => true;

    /// <inheritdoc/>
    public override FusionRole Fusion(LayerShape layer) => FusionRole.Scale;

    /// <summary>The normalised values of the last training pass [C][H][W].</summary>
    public static string Xhat(LayerShape l) => "_" + l.Name + "Xhat";

    /// <summary>The batch's mean, biased variance, and two sums per channel, in double [4][C].</summary>
    public static string Batch(LayerShape l) => "_" + l.Name + "Batch";

    /// <summary>This replica's sample's sum, squared deviations, Σdy and Σdy·x̂ per channel, in double [4][C].</summary>
    public static string Sample(LayerShape l) => "_" + l.Name + "Sample";

    /// <summary>The batch's mean and inverse deviation, and the three coefficients of the backward, per channel [5][C].</summary>
    public static string Coefficients(LayerShape l) => "_" + l.Name + "Coefficients";

    public override IEnumerable<(string Name, string Length, string Type)> Buffers(LayerContext c)
    {
        int channels = c.Layer.Out.C;
        yield return (Xhat(c.Layer), I(c.Layer.Out.Size), "float");
        yield return (Batch(c.Layer), I(4 * channels), "double");
        yield return (Sample(c.Layer), I(4 * channels), "double");
        yield return (Coefficients(c.Layer), I(5 * channels), "float");
    }

    public override string BufferComment(LayerContext c, string name, int length)
    {
        var l = c.Layer;
        if (name == Xhat(l)) return $"{l.Name} normalised values of the last training pass {Dims(l.Out)}";
        if (name == Sample(l)) return $"{l.Name} this replica's sample's sum, squared deviations, sum of dy, sum of dy*xhat [4][{I(l.Out.C)}]";
        if (name == Batch(l)) return $"{l.Name} batch mean, variance, sum of dy or x, sum of dy*xhat or squares [4][{I(l.Out.C)}]";
        return $"{l.Name} batch mean, 1/sqrt(var+eps), backward's dy, constant and xhat factors [5][{I(l.Out.C)}]";
    }

    /// <summary>Inference: the running statistics.</summary>
    public override string ForwardCall(LayerContext c) => Call(c, "Forward", "_parameters", "_statistics", c.Input, c.Output);

    /// <summary>The input gradient of one sample, from the batch's coefficients (in a segment method, whose owner ran the batch).</summary>
    public override string? BackwardCall(LayerContext c)
    {
        if (!c.NeedsInputGrad) return null;
        return c.BatchActivation is { } a
            ? Call(c, "Backward", a.OutputGrad, Xhat(c.Layer), "_parameters", "owner." + Coefficients(c.Layer), c.InputGrad)
            : Call(c, "Backward", c.OutputGrad, Xhat(c.Layer), "owner." + Coefficients(c.Layer), c.InputGrad);
    }

    /// <summary>Training, at the end of the segment that produces the input: the replica's sample's moments.</summary>
    public static string MomentsCall(LayerContext c) => Call(c, "Moments", c.Input, Sample(c.Layer));

    /// <summary>
    /// Training, at the end of the backward segment that produces dy: the replica's sample's Σdy and Σdy·x̂ (with a fused
    /// activation, of its output's gradient taken back through it).
    /// </summary>
    public static string GradientSumsCall(LayerContext c) => c.BatchActivation is { } a
        ? Call(c, "GradientSums", a.OutputGrad, Xhat(c.Layer), "_parameters", Sample(c.Layer))
        : Call(c, "GradientSums", c.OutputGrad, Xhat(c.Layer), Sample(c.Layer));

    /// <summary>Training: normalises one sample with the batch's mean and deviation, which its owner computed (and activates it).</summary>
    public static string NormalizeCall(LayerContext c) =>
        Call(c, "Normalize", "_parameters", c.Input, c.BatchActivation?.Output ?? c.Output, Xhat(c.Layer), "owner." + Coefficients(c.Layer));

    /// <summary>The fused activation's name and the kernels' <c>six</c> argument, or null.</summary>
    private static (string Name, string Six)? Activated(LayerContext c) => c.BatchActivation is { } a
        ? (a.Layer.Name, a.Layer.Type == LayerType.ReLU6 ? "true" : "false")
        : null;

    /// <summary>The sizes and where the layer's γ, β and running statistics sit.</summary>
    private static void Constants(SourceWriter w, LayerShape l, bool parameters, bool statistics)
    {
        w.Line($"const int C = {I(l.Out.C)}; // {(l.Out.Flat ? "features" : "channels")}");
        w.Line($"const int P = {I(l.Out.H * l.Out.W)}; // values per {(l.Out.Flat ? "feature" : "channel")} and sample");
        if (parameters)
        {
            w.Line($"const int GammaOffset = {I(l.ParameterOffset)}; // γ [C]");
            w.Line($"const int BetaOffset = {I(l.ParameterOffset + l.WeightCount)}; // β [C]");
        }
        if (statistics)
        {
            w.Line($"const int MeanOffset = {I(l.StatisticsOffset)}; // running means [C]");
            w.Line($"const int VarianceOffset = {I(l.StatisticsOffset + l.Out.C)}; // running variances [C]");
        }
    }

    /// <summary>A double constant as C# writes it.</summary>
    private static string D(double value)
    {
        string s = value.ToString("R", Inv);
        return s.IndexOf('.') < 0 && s.IndexOf('E') < 0 ? s + ".0" : s;
    }

    public override void Forward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        w.Line($"/// <summary>{Title(l)} Inference, with the running statistics.</summary>");
        w.Line($"/// <param name=\"parameters\">All parameters; this layer's γ then β from {I(l.ParameterOffset)}.</param>");
        w.Line($"/// <param name=\"statistics\">All running statistics; this layer's means then variances from {I(l.StatisticsOffset)}.</param>");
        w.Line($"/// <param name=\"x\">The input {Dims(l.In)}.</param>");
        w.Line($"/// <param name=\"y\">The output {Dims(l.Out)}.</param>");
        OpenMethod(w, l.Member + "Forward", "float[] parameters", "float[] statistics", "ReadOnlySpan<float> x", "Span<float> y");
        Constants(w, l, parameters: true, statistics: true);
        w.Line($"const float Epsilon = {F(l.Epsilon)};");
        w.Line("// y = x * scale + shift per channel, scale = γ / sqrt(var + ε), shift = β - mean * scale: the fused chains' epilogue, without activation.");
        w.Line("ReadOnlySpan<float> gamma = new ReadOnlySpan<float>(parameters, GammaOffset, C);");
        w.Line("ReadOnlySpan<float> beta = new ReadOnlySpan<float>(parameters, BetaOffset, C);");
        w.Line("ReadOnlySpan<float> mean = new ReadOnlySpan<float>(statistics, MeanOffset, C);");
        w.Line("ReadOnlySpan<float> variance = new ReadOnlySpan<float>(statistics, VarianceOffset, C);");
        w.Line(l.Out.H * l.Out.W == 1
            ? "Epilogue.Features(x.Slice(0, C), gamma, beta, mean, variance, Epsilon, default, y, EpilogueActivation.None, 0f);"
            : "Epilogue.Planes(x, P, gamma, beta, mean, variance, Epsilon, default, y, EpilogueActivation.None, 0f);");
        w.Close();
        w.Line();
        TrainingForward(w, c);
    }

    /// <summary>The training forward's parts: the batch's moments, combined sample by sample, and one sample's normalisation.</summary>
    private static void TrainingForward(SourceWriter w, LayerContext context)
    {
        var l = context.Layer;
        const string kernels = "BatchNormTraining";
        w.Line($"/// <summary>{l.Name} training, in the replica's segment: its sample's sum and squared deviations from its own mean per channel.</summary>");
        OpenMethod(w, l.Member + "Moments", "ReadOnlySpan<float> x", "double[] sample");
        Constants(w, l, parameters: false, statistics: false);
        w.Line($"{kernels}.Moments(x, C, P, new Span<double>(sample, 0, 2 * C));");
        w.Close();
        w.Line();
        w.Line($"/// <summary>{l.Name} training: adds one sample's sum per channel (sample[c]) into the batch's sums (batch[2C + c]).</summary>");
        OpenMethod(w, l.Member + "AddSums", "double[] sample", "double[] batch");
        Constants(w, l, parameters: false, statistics: false);
        w.Open("for (int c = 0; c < C; c++)");
        w.Line("batch[2 * C + c] += sample[c];");
        w.Close();
        w.Close();
        w.Line();
        w.Line($"/// <summary>{l.Name} training: the batch's mean per channel (batch[c]) from its sums over count samples.</summary>");
        OpenMethod(w, l.Member + "Mean", "double[] batch", "int count");
        Constants(w, l, parameters: false, statistics: false);
        w.Line("double n = (double)count * P;");
        w.Open("for (int c = 0; c < C; c++)");
        w.Line("batch[c] = batch[2 * C + c] / n;");
        w.Line("batch[3 * C + c] = 0;");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// {l.Name} training: adds one sample's squared deviations from the batch's mean into batch[3C + c], from its own moments");
        w.Line("/// (Chan et al.): its squared deviations from its own mean, plus P times the square of its mean's distance from the batch's.");
        w.Line("/// </summary>");
        OpenMethod(w, l.Member + "AddSquares", "double[] sample", "double[] batch");
        Constants(w, l, parameters: false, statistics: false);
        w.Open("for (int c = 0; c < C; c++)");
        w.Line("double d = sample[c] / P - batch[c];");
        w.Line("batch[3 * C + c] += sample[C + c] + P * d * d;");
        w.Close();
        w.Close();
        w.Line();
        w.Line($"/// <summary>");
        w.Line($"/// {l.Name} training: the batch's biased variance, the mean and 1/sqrt(var + eps) the samples are normalised with, and");
        w.Line("/// the running statistics, once per batch: r = (1 - momentum) r + momentum b, the variance unbiased (n / (n - 1)).");
        w.Line("/// </summary>");
        OpenMethod(w, l.Member + "Update", "double[] batch", "float[] coefficients", "float[] statistics", "int count");
        Constants(w, l, parameters: false, statistics: true);
        w.Line($"const float Epsilon = {F(l.Epsilon)};");
        w.Line($"const double Momentum = {D(l.Momentum)};");
        w.Line("double n = (double)count * P;");
        w.Open("for (int c = 0; c < C; c++)");
        w.Line("double variance = batch[3 * C + c] / n;");
        w.Line("batch[C + c] = variance;");
        w.Line("coefficients[c] = (float)batch[c];");
        w.Line("coefficients[C + c] = (float)(1.0 / Math.Sqrt(variance + Epsilon));");
        w.Line("statistics[MeanOffset + c] = (float)((1 - Momentum) * statistics[MeanOffset + c] + Momentum * batch[c]);");
        w.Line("double unbiased = variance * n / (n - 1);");
        w.Line("statistics[VarianceOffset + c] = (float)((1 - Momentum) * statistics[VarianceOffset + c] + Momentum * unbiased);");
        w.Close();
        w.Close();
        w.Line();
        var activated = Activated(context);
        w.Line(activated is { } a
            ? $"/// <summary>{l.Name} training: one sample normalised with the batch's mean and deviation, x̂ kept for the backward, then {a.Name}.</summary>"
            : $"/// <summary>{l.Name} training: one sample normalised with the batch's mean and deviation, x̂ kept for the backward.</summary>");
        OpenMethod(w, l.Member + "Normalize", "float[] parameters", "ReadOnlySpan<float> x", "Span<float> y", "Span<float> xhat", "float[] coefficients");
        Constants(w, l, parameters: true, statistics: false);
        w.Line("ReadOnlySpan<float> gamma = new ReadOnlySpan<float>(parameters, GammaOffset, C);");
        w.Line("ReadOnlySpan<float> beta = new ReadOnlySpan<float>(parameters, BetaOffset, C);");
        w.Line("ReadOnlySpan<float> statistics = new ReadOnlySpan<float>(coefficients, 0, 2 * C);");
        w.Line(activated is { } b
            ? $"{kernels}.NormalizeReLU(x, gamma, beta, statistics, P, six: {b.Six}, y, xhat); // y = {b.Name}(γ x̂ + β)"
            : $"{kernels}.Normalize(x, gamma, beta, statistics, P, y, xhat);");
        w.Close();
    }
}
