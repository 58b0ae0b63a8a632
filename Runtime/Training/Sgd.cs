using System.Runtime.CompilerServices;
using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;

namespace StaticNets;

/// <summary>
/// Stochastic gradient descent, optionally with momentum or Nesterov momentum, with PyTorch's
/// conventions: <c>v = momentum * v + g; p -= lr * v</c>, and with Nesterov
/// <c>p -= lr * (g + momentum * v)</c> using the updated <c>v</c>. Without momentum, <c>p -= lr * g</c>.
/// </summary>
public sealed class Sgd : Optimizer
{
    private float[]? velocity;

    /// <summary>Gradient descent with the given step size and momentum.</summary>
    /// <param name="learningRate">The step size, positive and finite.</param>
    /// <param name="momentum">Momentum factor, <c>0 &lt;= momentum &lt; 1</c>; 0 is plain gradient descent.</param>
    /// <param name="nesterov">Nesterov's accelerated gradient; needs a positive momentum.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    /// <exception cref="ArgumentException"><paramref name="nesterov"/> is set without momentum.</exception>
    public Sgd(float learningRate, float momentum = 0f, bool nesterov = false)
        : base(learningRate)
    {
        if (!(momentum >= 0 && momentum < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum,
                $"momentum must be in [0, 1), but it is {momentum.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (nesterov && momentum == 0)
        {
            throw new ArgumentException("Nesterov momentum needs a positive momentum, but momentum is 0.", nameof(nesterov));
        }

        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>Momentum factor; 0 is plain gradient descent.</summary>
    public float Momentum { get; }

    /// <summary>Whether the step uses Nesterov's look-ahead gradient.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        float lr = LearningRate;
        if (Momentum == 0)
        {
            CheckLengths(parameters, gradients);
            TensorPrimitives.MultiplyAdd(gradients, -lr, parameters, parameters); // p = p - lr*g
            return;
        }

        Span<float> v = EnsureState(ref velocity, parameters, gradients);
        float mu = Momentum;
        int i = 0;
        if (Nesterov)
        {
            for (; i <= parameters.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var g = new Vector<float>(gradients[i..]);
                Vector<float> vi = mu * new Vector<float>(v[i..]) + g;
                vi.CopyTo(v[i..]);
                (new Vector<float>(parameters[i..]) - lr * (g + mu * vi)).CopyTo(parameters[i..]);
            }

            for (; i < parameters.Length; i++)
            {
                v[i] = mu * v[i] + gradients[i];
                parameters[i] -= lr * (gradients[i] + mu * v[i]);
            }
        }
        else
        {
            for (; i <= parameters.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> vi = mu * new Vector<float>(v[i..]) + new Vector<float>(gradients[i..]);
                vi.CopyTo(v[i..]);
                (new Vector<float>(parameters[i..]) - lr * vi).CopyTo(parameters[i..]);
            }

            for (; i < parameters.Length; i++)
            {
                v[i] = mu * v[i] + gradients[i];
                parameters[i] -= lr * v[i];
            }
        }
    }

    /// <inheritdoc/>
    public override void Reset() => velocity = null;

    /// <summary>The settings, as they would be written in code.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"Sgd(learningRate: {LearningRate}, momentum: {Momentum}{(Nesterov ? ", nesterov: true" : "")})");
}
