using System.Globalization;

namespace StaticNets;

/// <summary>
/// Training stopped because a mini-batch's loss, or its gradient, was NaN or infinite. The network
/// keeps the weights it had before that batch.
/// </summary>
public sealed class TrainingDivergedException : ArithmeticException
{
    /// <summary>Reports that the loss of <paramref name="batch"/> in <paramref name="epoch"/> was <paramref name="loss"/> (when that is finite, the gradient was not).</summary>
    /// <param name="epoch">The epoch, counted from 1.</param>
    /// <param name="batch">The mini-batch within the epoch, counted from 1.</param>
    /// <param name="loss">The batch's loss.</param>
    /// <param name="learningRate">The learning rate in use.</param>
    public TrainingDivergedException(int epoch, int batch, float loss, float learningRate)
        : base(Describe(epoch, batch, loss, learningRate))
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
    }

    /// <summary>The epoch in which training diverged, counted from 1.</summary>
    public int Epoch { get; }

    /// <summary>The mini-batch whose loss or gradient stopped being finite, counted from 1 within its epoch.</summary>
    public int Batch { get; }

    /// <summary>The batch's loss: NaN or infinite, or finite when only the gradient was not.</summary>
    public float Loss { get; }

    private static string Describe(int epoch, int batch, float loss, float learningRate)
    {
        string value = loss.ToString(CultureInfo.InvariantCulture);
        string what = float.IsFinite(loss) ? $"the loss is {value} but its gradient is not finite" : $"the loss is {value}";
        return string.Create(CultureInfo.InvariantCulture,
            $"Training diverged in epoch {epoch}, batch {batch}: {what}. Try a lower learning rate (it is {learningRate}), and check the data for NaN or infinite values.");
    }
}
