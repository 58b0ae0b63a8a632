namespace StaticNets;

/// <summary>Progress within an epoch, reported to <see cref="TrainingOptions.OnBatch"/> after each mini-batch.</summary>
/// <param name="Epoch">The epoch, counted from 1.</param>
/// <param name="Batch">The mini-batch just finished, counted from 1.</param>
/// <param name="Batches">Mini-batches in the epoch.</param>
/// <param name="Loss">Mean loss over the epoch's samples so far, regularisation included.</param>
/// <param name="Accuracy">Share of the epoch's samples so far that were classified correctly, 0 to 1 (see <see cref="EpochResult.Accuracy"/>).</param>
/// <param name="SamplesPerSecond">Training speed over the epoch so far.</param>
public readonly record struct BatchProgress(int Epoch, int Batch, int Batches, float Loss, float Accuracy, double SamplesPerSecond);
