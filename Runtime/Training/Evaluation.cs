using System.Globalization;

namespace StaticNets;

/// <summary>Loss and accuracy of a network on a dataset, in inference mode (dropout off).</summary>
/// <param name="Loss">
/// Mean loss per sample, by the network's <see cref="LossKind"/>: cross-entropy
/// <c>-log(max(y[label], 1e-12))</c> (with target vectors <c>-sum t*log(max(y, 1e-12))</c>) or
/// mean squared error over the outputs (a label stands for its one-hot vector). The data loss
/// only: regularisation is part of the training loss, not of an evaluation.
/// </param>
/// <param name="Accuracy">Share of samples classified correctly, 0 to 1: the largest output is at the label (with target vectors, where the target is largest).</param>
/// <param name="Count">Number of samples evaluated.</param>
public sealed record Evaluation(float Loss, float Accuracy, int Count)
{
    /// <summary>A one-line summary, such as <c>loss 0.0801, accuracy 97.60% on 2000 samples</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"loss {Loss:0.0000}, accuracy {Accuracy:0.00%} on {Count} samples");
}
