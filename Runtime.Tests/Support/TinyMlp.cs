using System.Numerics.Tensors;
using StaticNets.__Internals;

namespace StaticNets.Tests.Support;

/// <summary>The architecture of a <see cref="TinyMlp{TShape}"/>: a static description, as a generated network's constants are.</summary>
public interface ITinyMlpShape
{
    /// <summary>Inputs, hidden tanh units, outputs, loss, dropout after the hidden layer, and per-layer L1/L2.</summary>
    static abstract TinyMlpShape Shape { get; }
}

/// <summary>dense1 (inputs -> hidden, tanh) -> optional dropout -> dense2 (hidden -> outputs, softmax with cross-entropy, or linear with MSE).</summary>
public sealed record TinyMlpShape(
    string Name,
    int Inputs,
    int Hidden,
    int Outputs,
    LossKind Loss,
    float DropoutRate = 0f,
    float HiddenL1 = 0f,
    float HiddenL2 = 0f,
    float OutputL1 = 0f,
    float OutputL2 = 0f)
{
    // Parameter layout, as generated networks have it: dense1 weights [hidden][inputs], its biases, dense2 weights [outputs][hidden], its biases.
    public int HiddenBiasOffset => Hidden * Inputs;
    public int OutputWeightOffset => HiddenBiasOffset + Hidden;
    public int OutputBiasOffset => OutputWeightOffset + Outputs * Hidden;
    public int ParameterCount => OutputBiasOffset + Outputs;
}

/// <summary>
/// A small hand-written network implementing <see cref="INetwork{TSelf}"/> the way generated code
/// does (flat parameters, per-instance buffers, gradients added with +=), so that the training
/// loop can be tested without the generator. Its gradients are checked against finite differences
/// in <c>TinyMlpGradientTests</c>.
/// </summary>
public sealed class TinyMlp<TShape> : INetwork<TinyMlp<TShape>>
    where TShape : ITinyMlpShape
{
    private static readonly TinyMlpShape S = TShape.Shape;

    private readonly float[] parameters;
    private readonly float[] gradients = new float[S.ParameterCount];
    private readonly float[] hidden = new float[S.Hidden];     // tanh output, before dropout
    private readonly float[] dropped = new float[S.Hidden];    // hidden * mask: dense2's input
    private readonly float[] mask = new float[S.Hidden];       // dropout scale per hidden unit: 0 or 1/(1-rate)
    private readonly float[] output = new float[S.Outputs];
    private readonly float[] outputGradient = new float[S.Outputs];
    private readonly float[] oneHot = new float[S.Outputs];
    private ulong randomState;

    public TinyMlp(int seed)
    {
        parameters = new float[S.ParameterCount];
        var random = new TestRandom((ulong)seed);
        float hiddenLimit = MathF.Sqrt(6f / (S.Inputs + S.Hidden));
        float outputLimit = MathF.Sqrt(6f / (S.Hidden + S.Outputs));
        for (int i = 0; i < S.HiddenBiasOffset; i++)
        {
            parameters[i] = (2 * random.NextFloat() - 1) * hiddenLimit;
        }

        for (int i = S.OutputWeightOffset; i < S.OutputBiasOffset; i++)
        {
            parameters[i] = (2 * random.NextFloat() - 1) * outputLimit;
        }
    }

    public static NetworkInfo Info { get; } = new()
    {
        Name = S.Name,
        InputShape = new TensorShape(S.Inputs, 1, 1),
        Loss = S.Loss,
        Layers = BuildLayers(),
    };

    /// <summary>How many times <see cref="Create"/> has been called for this shape (the trainer's replicas).</summary>
    public static int CreateCount;

    /// <summary>When set, every <see cref="ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{float})"/> records its input and the random state it started from.</summary>
    public static System.Collections.Concurrent.ConcurrentQueue<(float[] Input, ulong RandomState)>? RandomStateLog;

    public static TinyMlp<TShape> Create(int seed)
    {
        Interlocked.Increment(ref CreateCount);
        return new TinyMlp<TShape>(seed);
    }

    private TinyMlp(float[] shared) => parameters = shared;

    /// <summary>A replica over the same parameter array; counted in <see cref="CreateCount"/> like <see cref="Create"/>.</summary>
    public TinyMlp<TShape> CreateReplica()
    {
        Interlocked.Increment(ref CreateCount);
        return new TinyMlp<TShape>(parameters);
    }

    public Span<float> Parameters => parameters;

    public Span<float> Gradients => gradients;

    public void Forward(ReadOnlySpan<float> input, Span<float> result)
    {
        CheckLength(input.Length, S.Inputs, nameof(input));
        CheckLength(result.Length, S.Outputs, nameof(result));
        mask.AsSpan().Fill(1f);
        ForwardCore(input);
        output.CopyTo(result);
    }

    public ReadOnlySpan<float> Output => output;

    public int Predict(ReadOnlySpan<float> input)
    {
        Span<float> result = stackalloc float[S.Outputs];
        Forward(input, result);
        int best = 0;
        for (int i = 1; i < result.Length; i++)
        {
            if (result[i] > result[best])
            {
                best = i;
            }
        }

        return best;
    }

    public void ZeroGradients() => Array.Clear(gradients);

    public float ComputeGradients(ReadOnlySpan<float> input, int label)
    {
        if ((uint)label >= S.Outputs)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, $"label must be in 0..{S.Outputs - 1}");
        }

        Array.Clear(oneHot);
        oneHot[label] = 1f;
        return ComputeGradients(input, oneHot);
    }

    public float ComputeGradients(ReadOnlySpan<float> input, ReadOnlySpan<float> target)
    {
        CheckLength(input.Length, S.Inputs, nameof(input));
        CheckLength(target.Length, S.Outputs, nameof(target));
        RandomStateLog?.Enqueue((input.ToArray(), randomState));
        DrawDropoutMask();
        ForwardCore(input);

        // Loss and dL/dz2 (z2 the output layer's pre-activation).
        float loss = 0;
        if (S.Loss == LossKind.CrossEntropy)
        {
            float targetSum = 0;
            for (int o = 0; o < S.Outputs; o++)
            {
                if (target[o] != 0)
                {
                    loss -= target[o] * MathF.Log(MathF.Max(output[o], 1e-12f));
                }

                targetSum += target[o];
            }

            for (int o = 0; o < S.Outputs; o++)
            {
                outputGradient[o] = output[o] * targetSum - target[o];
            }
        }
        else
        {
            for (int o = 0; o < S.Outputs; o++)
            {
                float difference = output[o] - target[o];
                loss += difference * difference / S.Outputs;
                outputGradient[o] = 2 * difference / S.Outputs;
            }
        }

        // dense2 backward: dW2 += dz2 (x) dropped, db2 += dz2, d(dropped) = W2^T dz2.
        Span<float> dz1 = stackalloc float[S.Hidden];
        dz1.Clear();
        for (int o = 0; o < S.Outputs; o++)
        {
            float dz = outputGradient[o];
            Span<float> weightGradients = gradients.AsSpan(S.OutputWeightOffset + o * S.Hidden, S.Hidden);
            TensorPrimitives.MultiplyAdd(dropped, dz, weightGradients, weightGradients);
            TensorPrimitives.MultiplyAdd(parameters.AsSpan(S.OutputWeightOffset + o * S.Hidden, S.Hidden), dz, dz1, dz1);
            gradients[S.OutputBiasOffset + o] += dz;
        }

        // dense1 backward: dz1 = d(dropped) * mask * (1 - h^2); dW1 += dz1 (x) x, db1 += dz1.
        for (int h = 0; h < S.Hidden; h++)
        {
            float dz = dz1[h] * mask[h] * (1 - hidden[h] * hidden[h]);
            Span<float> weightGradients = gradients.AsSpan(h * S.Inputs, S.Inputs);
            TensorPrimitives.MultiplyAdd(input, dz, weightGradients, weightGradients);
            gradients[S.HiddenBiasOffset + h] += dz;
        }

        return loss;
    }

    public void SetRandomState(ulong state) => randomState = state;

    public TrainingReport Train(Dataset data, TrainingOptions options) => Trainer.Train(this, data, options);

    public Evaluation Evaluate(Dataset data) => Trainer.Evaluate(this, data);

    public static TinyMlp<TShape> Load(string path) => throw new NotSupportedException("TinyMlp is a test network without weight files.");

    public static TinyMlp<TShape> Load(Stream stream) => throw new NotSupportedException("TinyMlp is a test network without weight files.");

    public void Save(string path) => throw new NotSupportedException("TinyMlp is a test network without weight files.");

    public void Save(Stream stream) => throw new NotSupportedException("TinyMlp is a test network without weight files.");

    public void ExportOnnx(string path) => throw new NotSupportedException("TinyMlp is a test network without ONNX export.");

    public void ExportOnnx(Stream stream) => throw new NotSupportedException("TinyMlp is a test network without ONNX export.");

    /// <summary>hidden = tanh(W1 x + b1); output = softmax or identity of W2 (hidden * mask) + b2.</summary>
    private void ForwardCore(ReadOnlySpan<float> input)
    {
        for (int h = 0; h < S.Hidden; h++)
        {
            hidden[h] = MathF.Tanh(parameters[S.HiddenBiasOffset + h] + TensorPrimitives.Dot(parameters.AsSpan(h * S.Inputs, S.Inputs), input));
        }

        TensorPrimitives.Multiply(hidden, mask, dropped);
        for (int o = 0; o < S.Outputs; o++)
        {
            output[o] = parameters[S.OutputBiasOffset + o] + TensorPrimitives.Dot(parameters.AsSpan(S.OutputWeightOffset + o * S.Hidden, S.Hidden), dropped);
        }

        if (S.Loss == LossKind.CrossEntropy)
        {
            float max = output.Max();
            float sum = 0;
            for (int o = 0; o < S.Outputs; o++)
            {
                output[o] = MathF.Exp(output[o] - max);
                sum += output[o];
            }

            for (int o = 0; o < S.Outputs; o++)
            {
                output[o] /= sum;
            }
        }
    }

    /// <summary>Inverted dropout: each hidden unit is kept with probability 1 - rate and then scaled by 1/(1 - rate).</summary>
    private void DrawDropoutMask()
    {
        if (S.DropoutRate == 0)
        {
            mask.AsSpan().Fill(1f);
            return;
        }

        var random = new TestRandom(randomState);
        float keep = 1f / (1 - S.DropoutRate);
        for (int h = 0; h < S.Hidden; h++)
        {
            mask[h] = random.NextFloat() < S.DropoutRate ? 0f : keep;
        }

        randomState = random.State;
    }

    private static LayerInfo[] BuildLayers()
    {
        var dense1 = new LayerInfo
        {
            Name = "dense1",
            Kind = LayerKind.Dense,
            InputShape = new TensorShape(S.Inputs, 1, 1),
            OutputShape = new TensorShape(S.Hidden, 1, 1),
            Activation = Activation.Tanh,
            Units = S.Hidden,
            Init = Init.XavierUniform,
            L1 = S.HiddenL1,
            L2 = S.HiddenL2,
            ParameterOffset = 0,
            WeightCount = S.Hidden * S.Inputs,
            BiasCount = S.Hidden,
            FanIn = S.Inputs,
            FanOut = S.Hidden,
        };
        var dense2 = new LayerInfo
        {
            Name = S.DropoutRate > 0 ? "dense3" : "dense2",
            Kind = LayerKind.Dense,
            InputShape = new TensorShape(S.Hidden, 1, 1),
            OutputShape = new TensorShape(S.Outputs, 1, 1),
            Activation = S.Loss == LossKind.CrossEntropy ? Activation.Softmax : Activation.None,
            Units = S.Outputs,
            Init = Init.XavierUniform,
            L1 = S.OutputL1,
            L2 = S.OutputL2,
            ParameterOffset = S.OutputWeightOffset,
            WeightCount = S.Outputs * S.Hidden,
            BiasCount = S.Outputs,
            FanIn = S.Hidden,
            FanOut = S.Outputs,
        };
        if (S.DropoutRate == 0)
        {
            return [dense1, dense2];
        }

        var dropout = new LayerInfo
        {
            Name = "dropout2",
            Kind = LayerKind.Dropout,
            InputShape = dense1.OutputShape,
            OutputShape = dense1.OutputShape,
            Rate = S.DropoutRate,
            ParameterOffset = S.OutputWeightOffset,
        };
        return [dense1, dropout, dense2];
    }

    private static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} has {actual} values; {S.Name} expects {expected}.", name);
        }
    }
}
