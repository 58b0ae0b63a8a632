using System.Numerics.Tensors;

namespace StaticNets.__Internals;

/// <summary>The per-sample losses and the correctness test that <see cref="Trainer.Evaluate"/> reports, computed in double.</summary>
internal static class Metrics
{
    /// <summary>Probabilities are clamped to this before the logarithm, so a confident mistake costs about 27.6, not infinity.</summary>
    private const double MinProbability = 1e-12;

    /// <summary>The loss of <paramref name="output"/> for class <paramref name="label"/>.</summary>
    public static double Loss(LossKind kind, ReadOnlySpan<float> output, int label)
    {
        if (kind == LossKind.CrossEntropy)
        {
            return -Math.Log(Math.Max(output[label], MinProbability));
        }

        double sum = 0;
        for (int i = 0; i < output.Length; i++)
        {
            double difference = output[i] - (i == label ? 1.0 : 0.0);
            sum += difference * difference;
        }

        return sum / output.Length;
    }

    /// <summary>The loss of <paramref name="output"/> for the target vector <paramref name="target"/>.</summary>
    public static double Loss(LossKind kind, ReadOnlySpan<float> output, ReadOnlySpan<float> target)
    {
        double sum = 0;
        for (int i = 0; i < output.Length; i++)
        {
            if (kind == LossKind.CrossEntropy)
            {
                // 0 * log(anything) is 0: skipping it keeps a zero probability where the target is zero from giving NaN.
                if (target[i] != 0)
                {
                    sum -= target[i] * Math.Log(Math.Max(output[i], MinProbability));
                }
            }
            else
            {
                double difference = output[i] - (double)target[i];
                sum += difference * difference;
            }
        }

        return kind == LossKind.CrossEntropy ? sum : sum / output.Length;
    }

    /// <summary>Whether the largest output is at <paramref name="label"/>.</summary>
    public static bool IsCorrect(ReadOnlySpan<float> output, int label) => TensorPrimitives.IndexOfMax(output) == label;

    /// <summary>Whether the largest output is where <paramref name="target"/> is largest.</summary>
    public static bool IsCorrect(ReadOnlySpan<float> output, ReadOnlySpan<float> target) =>
        TensorPrimitives.IndexOfMax(output) == TensorPrimitives.IndexOfMax(target);
}
