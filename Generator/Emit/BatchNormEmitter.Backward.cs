using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>BatchNorm's backward: the batch's sums of dy and dy·x̂, γ's and β's gradients once, then each sample's dx.</summary>
internal sealed partial class BatchNormEmitter
{
    public override void Backward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        const string kernels = "BatchNormTraining";
        var activated = Activated(c);
        if (activated is { } a)
        {
            w.Line($"/// <summary>");
            w.Line($"/// {l.Name} backward, in the replica's segment: its sample's Σdy (sample[2C + c]) and Σdy·x̂ (sample[3C + c]), dy the gradient of");
            w.Line($"/// {a.Name}'s output taken back through it (its mask recomputed from x̂).");
            w.Line($"/// </summary>");
            OpenMethod(w, l.Member + "GradientSums", "ReadOnlySpan<float> dy", "ReadOnlySpan<float> xhat", "float[] parameters", "double[] sample");
            Constants(w, l, parameters: true, statistics: false);
            w.Line("ReadOnlySpan<float> gamma = new ReadOnlySpan<float>(parameters, GammaOffset, C);");
            w.Line("ReadOnlySpan<float> beta = new ReadOnlySpan<float>(parameters, BetaOffset, C);");
            w.Line($"{kernels}.GradientSumsReLU(dy, xhat, gamma, beta, P, six: {a.Six}, new Span<double>(sample, 2 * C, 2 * C));");
        }
        else
        {
            w.Line($"/// <summary>{l.Name} backward, in the replica's segment: its sample's Σdy (sample[2C + c]) and Σdy·x̂ (sample[3C + c]).</summary>");
            OpenMethod(w, l.Member + "GradientSums", "ReadOnlySpan<float> dy", "ReadOnlySpan<float> xhat", "double[] sample");
            Constants(w, l, parameters: false, statistics: false);
            w.Line($"{kernels}.GradientSums(dy, xhat, C, P, new Span<double>(sample, 2 * C, 2 * C));");
        }
        w.Close();
        w.Line();
        w.Line($"/// <summary>{l.Name} backward: adds one sample's Σdy and Σdy·x̂ per channel into the batch's (batch[2C + c], batch[3C + c]).</summary>");
        OpenMethod(w, l.Member + "AddGradientSums", "double[] sample", "double[] batch");
        Constants(w, l, parameters: false, statistics: false);
        w.Open("for (int i = 2 * C; i < 4 * C; i++)");
        w.Line("batch[i] += sample[i];");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// {l.Name} backward, once per batch: adds dγ = Σdy·x̂ and dβ = Σdy into the gradients, and writes the factors of");
        w.Line("/// dx = γ invstd dy - γ invstd Σdy / n - x̂ γ invstd Σ(dy x̂) / n (coefficients[2C..5C)).");
        w.Line("/// </summary>");
        OpenMethod(w, l.Member + "GradientCoefficients", "float[] parameters", "float[] gradients", "double[] batch", "float[] coefficients", "int count");
        Constants(w, l, parameters: true, statistics: false);
        w.Line("double n = (double)count * P;");
        w.Open("for (int c = 0; c < C; c++)");
        w.Line("double sumDy = batch[2 * C + c];");
        w.Line("double sumDyXhat = batch[3 * C + c];");
        w.Line("gradients[GammaOffset + c] += (float)sumDyXhat;");
        w.Line("gradients[BetaOffset + c] += (float)sumDy;");
        w.Line("double k = (double)parameters[GammaOffset + c] * coefficients[C + c];");
        w.Line("coefficients[2 * C + c] = (float)k;");
        w.Line("coefficients[3 * C + c] = (float)(k * sumDy / n);");
        w.Line("coefficients[4 * C + c] = (float)(k * sumDyXhat / n);");
        w.Close();
        w.Close();
        if (!c.NeedsInputGrad) return;
        w.Line();
        string add = c.AddsInputGrad ? "true" : "false";
        w.Line($"/// <summary>{l.Name} backward of one sample, from the batch's factors{InputGradNote(c)}.</summary>");
        w.Line(activated is { } f
            ? $"/// <param name=\"dy\">The gradient of {f.Name}'s output {Dims(l.Out)}, taken back through it here.</param>"
            : $"/// <param name=\"dy\">The gradient of the output {Dims(l.Out)}.</param>");
        w.Line($"/// <param name=\"xhat\">The forward's normalised values {Dims(l.Out)}.</param>");
        if (activated is not null) w.Line("/// <param name=\"parameters\">All parameters: γ and β give the activation's mask.</param>");
        w.Line("/// <param name=\"coefficients\">The batch's factors (GradientCoefficients).</param>");
        w.Line($"/// <param name=\"dx\">The gradient of the input {Dims(l.In)}.</param>");
        if (activated is { } b)
        {
            OpenMethod(w, l.Member + "Backward", "ReadOnlySpan<float> dy", "ReadOnlySpan<float> xhat", "float[] parameters", "float[] coefficients", "Span<float> dx");
            Constants(w, l, parameters: true, statistics: false);
            w.Line("ReadOnlySpan<float> gamma = new ReadOnlySpan<float>(parameters, GammaOffset, C);");
            w.Line("ReadOnlySpan<float> beta = new ReadOnlySpan<float>(parameters, BetaOffset, C);");
            w.Line("ReadOnlySpan<float> factors = new ReadOnlySpan<float>(coefficients, 2 * C, 3 * C);");
            w.Line($"{kernels}.BackwardReLU(dy, xhat, gamma, beta, factors, P, six: {b.Six}, dx, {add});");
        }
        else
        {
            OpenMethod(w, l.Member + "Backward", "ReadOnlySpan<float> dy", "ReadOnlySpan<float> xhat", "float[] coefficients", "Span<float> dx");
            Constants(w, l, parameters: false, statistics: false);
            w.Line($"{kernels}.Backward(dy, xhat, new ReadOnlySpan<float>(coefficients, 2 * C, 3 * C), C, P, dx, {add});");
        }
        w.Close();
    }
}
