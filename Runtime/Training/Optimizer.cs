using System.Globalization;

namespace StaticNets;

/// <summary>
/// Updates a network's parameters from their gradients, one mini-batch at a time.
/// </summary>
/// <remarks>
/// An optimizer keeps state per parameter (momentum, moment estimates). That state is allocated
/// at the first <see cref="Step"/>, sized to the parameters; later steps allocate nothing and must
/// pass the same number of parameters. The state lives on between calls to <c>Train</c>, so a
/// second call continues where the first stopped; <see cref="Reset"/> starts afresh.
/// </remarks>
public abstract class Optimizer
{
    private float learningRate;

    /// <summary>Initialises the learning rate, checked as <see cref="LearningRate"/> checks it.</summary>
    /// <param name="learningRate">The step size, positive and finite.</param>
    protected Optimizer(float learningRate)
    {
        LearningRate = learningRate;
    }

    /// <summary>The step size, positive and finite. It may be changed between steps (a schedule).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive, or not finite.</exception>
    public float LearningRate
    {
        get => learningRate;
        set
        {
            if (!(value > 0) || !float.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(LearningRate), value,
                    $"The learning rate must be positive and finite, but it is {value.ToString(CultureInfo.InvariantCulture)}.");
            }

            learningRate = value;
        }
    }

    /// <summary>One update of <paramref name="parameters"/> in place.</summary>
    /// <param name="parameters">The parameters, updated in place.</param>
    /// <param name="gradients">The gradient of the loss at <paramref name="parameters"/>, already the mean over the batch, regularisation included.</param>
    /// <exception cref="ArgumentException">The spans differ in length, or their length differs from the one the state was sized for.</exception>
    public abstract void Step(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>Forgets all state, as if the optimizer were new; the next step may have another length.</summary>
    public abstract void Reset();

    /// <summary>
    /// For implementations: checks the two spans and returns <paramref name="state"/>, allocating it
    /// (zeroed, one value per parameter) on the first call after construction or <see cref="Reset"/>.
    /// </summary>
    /// <param name="state">The state buffer field; null until the first step.</param>
    /// <param name="parameters">The parameters passed to <see cref="Step"/>.</param>
    /// <param name="gradients">The gradients passed to <see cref="Step"/>.</param>
    /// <returns>The state buffer, of the parameters' length.</returns>
    /// <exception cref="ArgumentException">The spans differ in length, or their length differs from the state's.</exception>
    protected static float[] EnsureState(ref float[]? state, ReadOnlySpan<float> parameters, ReadOnlySpan<float> gradients)
    {
        CheckLengths(parameters, gradients);
        if (state is null)
        {
            state = new float[parameters.Length];
        }
        else if (state.Length != parameters.Length)
        {
            throw new ArgumentException(
                $"This optimizer's state was sized for {state.Length} parameters, but the step passes {parameters.Length}; use one optimizer per network, or call Reset().",
                nameof(parameters));
        }

        return state;
    }

    /// <summary>For implementations without state: checks that the two spans have the same length.</summary>
    /// <param name="parameters">The parameters passed to <see cref="Step"/>.</param>
    /// <param name="gradients">The gradients passed to <see cref="Step"/>.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    protected static void CheckLengths(ReadOnlySpan<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException(
                $"{parameters.Length} parameters but {gradients.Length} gradients; there must be one gradient per parameter.", nameof(gradients));
        }
    }
}
