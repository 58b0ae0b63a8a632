namespace StaticNets;

/// <summary>The outcome of <c>Train</c>: one <see cref="EpochResult"/> per epoch.</summary>
public sealed class TrainingReport
{
    /// <summary>A report of the given epochs.</summary>
    /// <param name="epochs">The epochs in order; at least one.</param>
    /// <param name="time">Wall-clock time of the whole training.</param>
    /// <exception cref="ArgumentException"><paramref name="epochs"/> is empty.</exception>
    public TrainingReport(IReadOnlyList<EpochResult> epochs, TimeSpan time)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        if (epochs.Count == 0)
        {
            throw new ArgumentException("A training report needs at least one epoch.", nameof(epochs));
        }

        Epochs = epochs;
        Time = time;
    }

    /// <summary>Every epoch's result, in order.</summary>
    public IReadOnlyList<EpochResult> Epochs { get; }

    /// <summary>The last epoch's training loss (see <see cref="EpochResult.Loss"/>).</summary>
    public float FinalLoss => Epochs[^1].Loss;

    /// <summary>Wall-clock time of the whole training.</summary>
    public TimeSpan Time { get; }

    /// <summary>A one-line summary: epochs, final loss and accuracy, time.</summary>
    public override string ToString() =>
        $"{Epochs.Count} epochs in {EpochResult.FormatTime(Time)}; last: {Epochs[^1]}";
}
