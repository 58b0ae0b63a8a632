using System.Globalization;

namespace StaticNets;

/// <summary>How <c>Train</c> runs: epochs, batch size, optimizer, regularisation, threads and callbacks.</summary>
public sealed class TrainingOptions
{
    /// <summary>Passes over the training data; at least 1. Default 10.</summary>
    public int Epochs { get; set; } = 10;

    /// <summary>Samples per mini-batch (the last batch of an epoch may be smaller); at least 1. Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// The optimizer; null (the default) means a new <c>Adam(0.001f)</c> for each call to <c>Train</c>.
    /// A given optimizer keeps its state between calls, so training can be continued.
    /// </summary>
    public Optimizer? Optimizer { get; set; }

    /// <summary>
    /// L2 penalty on the weights of every layer (not on biases, nor on BatchNorm's γ and β), on top of each layer's own
    /// <c>L1</c> and <c>L2</c>; 0 or more. Default 0.
    /// </summary>
    /// <remarks>
    /// Weight decay is part of the loss that training minimises and reports, with the same
    /// convention as a layer's <c>L2</c>: it adds <c>0.5 * WeightDecay * sum(w^2)</c> to the loss
    /// and <c>WeightDecay * w</c> to each weight's gradient before the optimizer's step. With
    /// <see cref="Sgd"/> this is the classic decay <c>w -= lr * WeightDecay * w</c>; with
    /// <see cref="Adam"/> it is L2 regularisation (as PyTorch's <c>weight_decay</c>), not AdamW.
    /// </remarks>
    public float WeightDecay { get; set; }

    /// <summary>Seed of the sample order of each epoch and of the dropout masks. Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>
    /// Threads that compute a mini-batch's gradients in parallel; at least 1. Default
    /// <see cref="Environment.ProcessorCount"/>. The result does not depend on it: a seed gives the
    /// same weights, bit for bit, whatever the thread count.
    /// </summary>
    public int Threads { get; set; } = Environment.ProcessorCount;

    /// <summary>Data evaluated after each epoch (inference mode) to fill <see cref="EpochResult.ValidationLoss"/> and <see cref="EpochResult.ValidationAccuracy"/>; null for none.</summary>
    public Dataset? Validation { get; set; }

    /// <summary>Called on the training thread after each epoch (and its validation).</summary>
    public Action<EpochResult>? OnEpoch { get; set; }

    /// <summary>Called on the training thread after each mini-batch's update, for a live progress line.</summary>
    public Action<BatchProgress>? OnBatch { get; set; }

    /// <summary>Whether each epoch visits the samples in a fresh order drawn from <see cref="Seed"/> and the epoch number. Default true.</summary>
    public bool Shuffle { get; set; } = true;

    /// <summary>Throws when an option is out of range; called when training starts.</summary>
    internal void Validate()
    {
        CheckAtLeastOne(Epochs, nameof(Epochs));
        CheckAtLeastOne(BatchSize, nameof(BatchSize));
        CheckAtLeastOne(Threads, nameof(Threads));
        if (!(WeightDecay >= 0) || !float.IsFinite(WeightDecay))
        {
            throw new ArgumentOutOfRangeException($"{nameof(TrainingOptions)}.{nameof(WeightDecay)}", WeightDecay,
                $"{nameof(TrainingOptions)}.{nameof(WeightDecay)} must be 0 or more and finite, but it is {WeightDecay.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    private static void CheckAtLeastOne(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException($"{nameof(TrainingOptions)}.{name}", value,
                $"{nameof(TrainingOptions)}.{name} must be at least 1, but it is {value}.");
        }
    }
}
