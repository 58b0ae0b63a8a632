using System.Globalization;
using System.Text;

namespace StaticNets;

/// <summary>What one epoch of training achieved, reported to <see cref="TrainingOptions.OnEpoch"/> and kept in <see cref="TrainingReport.Epochs"/>.</summary>
/// <param name="Epoch">The epoch, counted from 1.</param>
/// <param name="Loss">Mean training loss over the epoch's samples, each taken at the weights of its batch, plus the regularisation terms (see <see cref="TrainingOptions.WeightDecay"/>).</param>
/// <param name="Accuracy">
/// Share of the training samples, 0 to 1, that the network classified correctly when it met them
/// during the epoch (with the weights of their batch, before its update, in inference mode).
/// With labels, the largest output must be the label; with target vectors, the largest output
/// must be where the target is largest.
/// </param>
/// <param name="ValidationLoss">Mean loss on <see cref="TrainingOptions.Validation"/> after the epoch (data loss only, as <see cref="Evaluation.Loss"/>); null without validation data.</param>
/// <param name="ValidationAccuracy">Accuracy on <see cref="TrainingOptions.Validation"/> after the epoch, 0 to 1; null without validation data.</param>
/// <param name="Time">Wall-clock time of the epoch, validation included.</param>
/// <param name="SamplesPerSecond">Training samples per second during the epoch (validation not counted).</param>
public sealed record EpochResult(
    int Epoch,
    float Loss,
    float Accuracy,
    float? ValidationLoss,
    float? ValidationAccuracy,
    TimeSpan Time,
    double SamplesPerSecond)
{
    /// <summary>A one-line summary, such as <c>epoch 3: loss 0.0712, accuracy 97.81%, validation loss 0.0801, validation accuracy 97.60%, 12.3k samples/s, 1.2 s</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        CultureInfo c = CultureInfo.InvariantCulture;
        text.Append(c, $"epoch {Epoch}: loss {Loss:0.0000}, accuracy {Accuracy:0.00%}");
        if (ValidationLoss is float validationLoss)
        {
            text.Append(c, $", validation loss {validationLoss:0.0000}");
        }

        if (ValidationAccuracy is float validationAccuracy)
        {
            text.Append(c, $", validation accuracy {validationAccuracy:0.00%}");
        }

        text.Append(c, $", {FormatRate(SamplesPerSecond)} samples/s, {FormatTime(Time)}");
        return text.ToString();
    }

    internal static string FormatRate(double perSecond) => perSecond switch
    {
        >= 1e6 => (perSecond / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + "M",
        >= 1e3 => (perSecond / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + "k",
        _ => perSecond.ToString("0", CultureInfo.InvariantCulture),
    };

    internal static string FormatTime(TimeSpan time) => time.TotalSeconds >= 1
        ? time.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : time.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
}
