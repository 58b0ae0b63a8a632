using System.Globalization;

namespace StaticNets;

/// <summary>
/// Training stopped because a mini-batch's loss was NaN or infinite. The network keeps the
/// weights it had before that batch.
/// </summary>
public sealed class TrainingDivergedException : ArithmeticException
{
    /// <summary>Reports that the loss of <paramref name="batch"/> in <paramref name="epoch"/> was <paramref name="loss"/>.</summary>
    /// <param name="epoch">The epoch, counted from 1.</param>
    /// <param name="batch">The mini-batch within the epoch, counted from 1.</param>
    /// <param name="loss">The loss that is not finite.</param>
    /// <param name="learningRate">The learning rate in use.</param>
    public TrainingDivergedException(int epoch, int batch, float loss, float learningRate)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"Training diverged in epoch {epoch}, batch {batch}: the loss is {loss}. Try a lower learning rate (it is {learningRate}), and check the data for NaN or infinite values."))
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
    }

    /// <summary>The epoch in which the loss stopped being finite, counted from 1.</summary>
    public int Epoch { get; }

    /// <summary>The mini-batch whose loss stopped being finite, counted from 1 within its epoch.</summary>
    public int Batch { get; }

    /// <summary>The batch's loss: NaN or infinite.</summary>
    public float Loss { get; }
}
