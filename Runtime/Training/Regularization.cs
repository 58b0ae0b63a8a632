using System.Numerics.Tensors;

namespace StaticNets.__Internals;

/// <summary>
/// The regularisation terms of the training loss, weights only (never biases): per layer,
/// <c>L1 * sum|w| + 0.5 * (L2 + weightDecay) * sum w^2</c>, whose gradient is
/// <c>L1 * sign(w) + (L2 + weightDecay) * w</c> (sign(0) = 0). A BatchNorm's γ (its
/// <see cref="LayerInfo.WeightCount"/>) is a scale, not a weight: it is never regularised.
/// </summary>
internal sealed class Regularization
{
    private readonly Term[] terms;

    private Regularization(Term[] terms) => this.terms = terms;

    /// <summary>The terms of <paramref name="info"/>'s layers plus <paramref name="weightDecay"/> on every layer's weights (BatchNorm's γ excepted).</summary>
    public static Regularization For(NetworkInfo info, float weightDecay)
    {
        var terms = new List<Term>();
        foreach (LayerInfo layer in info.Layers)
        {
            float l2 = layer.L2 + weightDecay;
            if (layer.HasWeights && layer.Kind != LayerKind.BatchNorm && (layer.L1 != 0 || l2 != 0))
            {
                terms.Add(new Term(layer.ParameterOffset, layer.WeightCount, layer.L1, l2));
            }
        }

        return new Regularization([.. terms]);
    }

    /// <summary>The regularisation loss at <paramref name="parameters"/>.</summary>
    public double Loss(ReadOnlySpan<float> parameters)
    {
        double loss = 0;
        foreach (Term term in terms)
        {
            ReadOnlySpan<float> w = parameters.Slice(term.Offset, term.Count);
            if (term.L1 != 0)
            {
                loss += (double)term.L1 * TensorPrimitives.SumOfMagnitudes(w);
            }

            if (term.L2 != 0)
            {
                loss += 0.5 * term.L2 * TensorPrimitives.SumOfSquares(w);
            }
        }

        return loss;
    }

    /// <summary>Adds the regularisation gradient at <paramref name="parameters"/> into <paramref name="gradients"/>.</summary>
    public void AddGradient(ReadOnlySpan<float> parameters, Span<float> gradients)
    {
        foreach (Term term in terms)
        {
            ReadOnlySpan<float> w = parameters.Slice(term.Offset, term.Count);
            Span<float> g = gradients.Slice(term.Offset, term.Count);
            if (term.L2 != 0)
            {
                TensorPrimitives.MultiplyAdd(w, term.L2, g, g); // g += L2 * w
            }

            if (term.L1 != 0)
            {
                for (int i = 0; i < w.Length; i++)
                {
                    g[i] += w[i] > 0 ? term.L1 : w[i] < 0 ? -term.L1 : 0f;
                }
            }
        }
    }

    private readonly record struct Term(int Offset, int Count, float L1, float L2);
}
