using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>BatchNorm's backward: the batch's sums of dy and dy·x̂, γ's and β's gradients once, then each sample's dx.</summary>
internal sealed partial class BatchNormEmitter
{
    public override void Backward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        w.Line($"/// <summary>{l.Name} backward: adds one sample's Σdy (batch[2C + c]) and Σdy·x̂ (batch[3C + c]) per channel.</summary>");
        OpenMethod(w, l.Member + "AddGradientSums", "ReadOnlySpan<float> dy", "ReadOnlySpan<float> xhat", "double[] batch");
        Constants(w, l, parameters: false, statistics: false);
        w.Open("for (int c = 0; c < C; c++)");
        w.Line("double sumDy = 0;");
        w.Line("double sumDyXhat = 0;");
        w.Open("for (int i = c * P; i < c * P + P; i++)");
        w.Line("sumDy += dy[i];");
        w.Line("sumDyXhat += (double)dy[i] * xhat[i];");
        w.Close();
        w.Line("batch[2 * C + c] += sumDy;");
        w.Line("batch[3 * C + c] += sumDyXhat;");
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
        w.Line($"/// <summary>{l.Name} backward of one sample, from the batch's factors{InputGradNote(c)}.</summary>");
        w.Line($"/// <param name=\"dy\">The gradient of the output {Dims(l.Out)}.</param>");
        w.Line($"/// <param name=\"xhat\">The forward's normalised values {Dims(l.Out)}.</param>");
        w.Line("/// <param name=\"coefficients\">The batch's factors (GradientCoefficients).</param>");
        w.Line($"/// <param name=\"dx\">The gradient of the input {Dims(l.In)}.</param>");
        OpenMethod(w, l.Member + "Backward", "ReadOnlySpan<float> dy", "ReadOnlySpan<float> xhat", "float[] coefficients", "Span<float> dx");
        Constants(w, l, parameters: false, statistics: false);
        w.Open("for (int c = 0; c < C; c++)");
        w.Line("float k = coefficients[2 * C + c];");
        w.Line("float shift = coefficients[3 * C + c];");
        w.Line("float slope = coefficients[4 * C + c];");
        w.Open("for (int i = c * P; i < c * P + P; i++)");
        w.Line(c.AddsInputGrad ? "dx[i] += k * dy[i] - shift - slope * xhat[i];" : "dx[i] = k * dy[i] - shift - slope * xhat[i];");
        w.Close();
        w.Close();
        w.Close();
    }
}
