using System.ComponentModel;
using System.Numerics.Tensors;

namespace StaticNets.__Internals;

/// <summary>
/// The losses a generated network trains with, each writing the gradient it starts the backward pass with.
/// Cross-entropy is fused with the final softmax: from the softmax output <c>y</c>, the gradient with
/// respect to the logits is <c>y - t</c>. Mean squared error is <c>(1/n) sum (y - t)^2</c>, gradient <c>2 (y - t) / n</c>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static class Losses
{
    /// <summary>Cross-entropy of softmax output <paramref name="y"/> against class <paramref name="label"/>; writes <c>y - onehot</c> into <paramref name="dz"/>.</summary>
    public static float CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> y, int label, Span<float> dz)
    {
        y.CopyTo(dz);
        dz[label] -= 1f;
        // log-sum-exp of the logits minus the label's logit: exact even where y[label] underflows.
        float max = TensorPrimitives.Max(logits);
        double sum = 0;
        for (int i = 0; i < logits.Length; i++) sum += Math.Exp(logits[i] - max);
        return (float)(Math.Log(sum) + max - logits[label]);
    }

    /// <summary>Cross-entropy <c>-sum t log y</c> of softmax output <paramref name="y"/> against a target distribution; writes <c>(sum t) y - t</c> into <paramref name="dz"/>.</summary>
    public static float CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> y, ReadOnlySpan<float> target, Span<float> dz)
    {
        float max = TensorPrimitives.Max(logits);
        double sum = 0;
        for (int i = 0; i < logits.Length; i++) sum += Math.Exp(logits[i] - max);
        double logSum = Math.Log(sum) + max;
        double loss = 0, mass = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            if (target[i] != 0f) loss -= target[i] * (logits[i] - logSum);
            mass += target[i];
        }
        for (int i = 0; i < y.Length; i++) dz[i] = (float)(mass * y[i]) - target[i];
        return (float)loss;
    }

    /// <summary>Mean squared error of <paramref name="y"/> against the one-hot vector of <paramref name="label"/>; writes its gradient into <paramref name="dy"/>.</summary>
    public static float MeanSquaredError(ReadOnlySpan<float> y, int label, Span<float> dy)
    {
        float scale = 2f / y.Length;
        double loss = 0;
        for (int i = 0; i < y.Length; i++)
        {
            float d = y[i] - (i == label ? 1f : 0f);
            loss += d * (double)d;
            dy[i] = scale * d;
        }
        return (float)(loss / y.Length);
    }

    /// <summary>Mean squared error of <paramref name="y"/> against <paramref name="target"/>; writes its gradient into <paramref name="dy"/>.</summary>
    public static float MeanSquaredError(ReadOnlySpan<float> y, ReadOnlySpan<float> target, Span<float> dy)
    {
        float scale = 2f / y.Length;
        double loss = 0;
        for (int i = 0; i < y.Length; i++)
        {
            float d = y[i] - target[i];
            loss += d * (double)d;
            dy[i] = scale * d;
        }
        return (float)(loss / y.Length);
    }
}
