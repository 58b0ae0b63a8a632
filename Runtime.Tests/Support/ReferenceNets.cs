using StaticNets.__Internals;
using StaticNets.Tests.Reference;

namespace StaticNets.Tests.Support;

/// <summary>
/// A stand-in for a generated network, built around <see cref="ReferenceNetwork"/>: its
/// <c>Info</c> is written by hand with <see cref="NetworkInfoBuilder"/>, its parameters are random
/// from the seed (biases too, so that a bias in the wrong place shows), its <c>Forward</c> is the
/// double-precision reference rounded to float, and its files go through the Runtime's
/// <see cref="WeightFile"/> and <see cref="OnnxExporter"/> exactly as generated code calls them.
/// It is inference-only: the training members throw <see cref="NotSupportedException"/>, because
/// what it exists to test (files, export, import) never trains.
/// </summary>
/// <typeparam name="TSelf">The concrete network class.</typeparam>
public abstract class ReferenceNet<TSelf> where TSelf : ReferenceNet<TSelf>, INetwork<TSelf>
{
    private readonly float[] _parameters;
    private readonly float[] _gradients;

    /// <summary>Parameters drawn uniformly from +-sqrt(6 / (fanIn + fanOut)) for weights and +-0.2 for biases, from <paramref name="seed"/>.</summary>
    protected ReferenceNet(int seed)
    {
        NetworkInfo info = TSelf.Info;
        _parameters = new float[info.ParameterCount];
        _gradients = new float[info.ParameterCount];
        var random = new Random(seed);
        foreach (LayerInfo layer in info.Layers)
        {
            double bound = Math.Sqrt(6.0 / Math.Max(1, layer.FanIn + layer.FanOut));
            for (int i = 0; i < layer.WeightCount; i++)
            {
                _parameters[layer.ParameterOffset + i] = (float)((random.NextDouble() * 2 - 1) * bound);
            }
            for (int i = 0; i < layer.BiasCount; i++)
            {
                _parameters[layer.ParameterOffset + layer.WeightCount + i] = (float)((random.NextDouble() * 2 - 1) * 0.2);
            }
        }
    }

    /// <summary>Not supported: reference networks are for inference, files and export only.</summary>
    public TSelf CreateReplica() => throw new NotSupportedException("Reference networks do not train.");

    /// <summary>When set, reading <see cref="Parameters"/> throws an <see cref="IOException"/>: a network whose weights cannot be written.</summary>
    public bool FailOnParameters { get; set; }

    /// <summary>The state last given to <see cref="SetRandomState"/>.</summary>
    public ulong RandomState { get; private set; }

    /// <inheritdoc cref="INetwork{TSelf}.Parameters"/>
    public Span<float> Parameters => FailOnParameters ? throw new IOException("Simulated failure reading the parameters.") : _parameters;

    /// <inheritdoc cref="INetwork{TSelf}.Gradients"/>
    public Span<float> Gradients => _gradients;

    /// <inheritdoc cref="INetwork{TSelf}.Forward"/>
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        double[] y = ReferenceNetwork.Forward(TSelf.Info, _parameters, input);
        if (output.Length != y.Length)
        {
            throw new ArgumentException($"output must hold {y.Length} values.", nameof(output));
        }
        _output = y.Select(v => (float)v).ToArray();
        _output.CopyTo(output);
    }

    /// <inheritdoc cref="INetwork{TSelf}.Output"/>
    public ReadOnlySpan<float> Output => _output;

    private float[] _output = [];

    /// <inheritdoc cref="INetwork{TSelf}.Predict"/>
    public int Predict(ReadOnlySpan<float> input)
    {
        double[] y = ReferenceNetwork.Forward(TSelf.Info, _parameters, input);
        _output = y.Select(v => (float)v).ToArray();
        return Array.IndexOf(y, y.Max());
    }

    /// <inheritdoc cref="INetwork{TSelf}.ZeroGradients"/>
    public void ZeroGradients() => Array.Clear(_gradients);

    /// <summary>Not supported: a reference network is inference-only.</summary>
    public float ComputeGradients(ReadOnlySpan<float> input, int label) => throw InferenceOnly();

    /// <summary>Not supported: a reference network is inference-only.</summary>
    public float ComputeGradients(ReadOnlySpan<float> input, ReadOnlySpan<float> target) => throw InferenceOnly();

    /// <inheritdoc cref="INetwork{TSelf}.SetRandomState"/>
    public void SetRandomState(ulong state) => RandomState = state;

    /// <summary>Not supported: a reference network is inference-only.</summary>
    public TrainingReport Train(Dataset data, TrainingOptions options) => throw InferenceOnly();

    /// <summary>Not supported: a reference network is inference-only.</summary>
    public Evaluation Evaluate(Dataset data) => throw InferenceOnly();

    /// <inheritdoc cref="INetwork{TSelf}.Save(string)"/>
    public void Save(string path) => WeightFile.Save((TSelf)this, path);

    /// <inheritdoc cref="INetwork{TSelf}.Save(Stream)"/>
    public void Save(Stream stream) => WeightFile.Save((TSelf)this, stream);

    /// <inheritdoc cref="INetwork{TSelf}.ExportOnnx(string)"/>
    public void ExportOnnx(string path) => OnnxExporter.Export((TSelf)this, path);

    /// <inheritdoc cref="INetwork{TSelf}.ExportOnnx(Stream)"/>
    public void ExportOnnx(Stream stream) => OnnxExporter.Export((TSelf)this, stream);

    private static NotSupportedException InferenceOnly() =>
        new($"{TSelf.Info.Name} is a reference network for tests: inference only, no training.");
}

/// <summary>
/// LeNet-5 as in DESIGN.md: 28x28x1 -> conv1 6@5x5 pad 2 ReLU -> max pool 2 -> conv2 16@5x5 ReLU
/// -> max pool 2 -> flatten -> dense 120 ReLU -> dense 84 ReLU -> dense 10 Softmax; 61,706 parameters.
/// </summary>
public sealed class RefLeNet5(int seed = 0) : ReferenceNet<RefLeNet5>(seed), INetwork<RefLeNet5>
{
    /// <inheritdoc cref="INetwork{TSelf}.Info"/>
    public static NetworkInfo Info { get; } = NetworkInfoBuilder.Image(nameof(RefLeNet5), 28, 28, 1)
        .Conv2D(6, 5, padding: 2, activation: Activation.ReLU)
        .MaxPool(2)
        .Conv2D(16, 5, activation: Activation.ReLU)
        .MaxPool(2)
        .Flatten()
        .Dense(120, Activation.ReLU)
        .Dense(84, Activation.ReLU)
        .Dense(10, Activation.Softmax)
        .Build();

    /// <inheritdoc cref="INetwork{TSelf}.Create"/>
    public static RefLeNet5 Create(int seed) => new(seed);

    /// <inheritdoc cref="INetwork{TSelf}.Load(string)"/>
    public static RefLeNet5 Load(string path) => WeightFile.Load<RefLeNet5>(path);

    /// <inheritdoc cref="INetwork{TSelf}.Load(Stream)"/>
    public static RefLeNet5 Load(Stream stream) => WeightFile.Load<RefLeNet5>(stream);
}

/// <summary>LeNet-5 with 32 filters in conv2 instead of 16: another architecture, for mismatch tests.</summary>
public sealed class RefLeNet5Wide(int seed = 0) : ReferenceNet<RefLeNet5Wide>(seed), INetwork<RefLeNet5Wide>
{
    /// <inheritdoc cref="INetwork{TSelf}.Info"/>
    public static NetworkInfo Info { get; } = NetworkInfoBuilder.Image(nameof(RefLeNet5Wide), 28, 28, 1)
        .Conv2D(6, 5, padding: 2, activation: Activation.ReLU)
        .MaxPool(2)
        .Conv2D(32, 5, activation: Activation.ReLU)
        .MaxPool(2)
        .Flatten()
        .Dense(120, Activation.ReLU)
        .Dense(84, Activation.ReLU)
        .Dense(10, Activation.Softmax)
        .Build();

    /// <inheritdoc cref="INetwork{TSelf}.Create"/>
    public static RefLeNet5Wide Create(int seed) => new(seed);

    /// <inheritdoc cref="INetwork{TSelf}.Load(string)"/>
    public static RefLeNet5Wide Load(string path) => WeightFile.Load<RefLeNet5Wide>(path);

    /// <inheritdoc cref="INetwork{TSelf}.Load(Stream)"/>
    public static RefLeNet5Wide Load(Stream stream) => WeightFile.Load<RefLeNet5Wide>(stream);
}

/// <summary>
/// Every layer kind and option: a strided, padded convolution with inline GELU; standalone
/// LeakyReLU (alpha 0.2); average pooling with stride 1 over 2x2 windows; a convolution with inline
/// LeakyReLU (alpha 0.1); standalone Tanh; max pooling 3x3 stride 2 (windows wider than the stride);
/// standalone Sigmoid on an image shape; flatten; dropout; dense; standalone ReLU; dense with
/// inline Sigmoid; standalone GELU; dense with inline Tanh; dense; standalone Softmax.
/// </summary>
public sealed class RefAllLayers(int seed = 0) : ReferenceNet<RefAllLayers>(seed), INetwork<RefAllLayers>
{
    /// <inheritdoc cref="INetwork{TSelf}.Info"/>
    public static NetworkInfo Info { get; } = NetworkInfoBuilder.Image(nameof(RefAllLayers), 13, 13, 3)
        .Conv2D(4, 3, stride: 2, padding: 1, activation: Activation.GELU) // (13 + 2 - 3) / 2 + 1 = 7
        .LeakyReLU(0.2f)
        .AvgPool(2, stride: 1)                                            // 6
        .Conv2D(5, 2, activation: Activation.LeakyReLU, alpha: 0.1f)      // 5
        .Tanh()
        .MaxPool(3, stride: 2)                                            // 2
        .Sigmoid()
        .Flatten()                                                        // 20
        .Dropout(0.5f)
        .Dense(16)
        .ReLU()
        .Dense(12, Activation.Sigmoid)
        .GELU()
        .Dense(8, Activation.Tanh)
        .Dense(6)
        .Softmax()
        .Build();

    /// <inheritdoc cref="INetwork{TSelf}.Create"/>
    public static RefAllLayers Create(int seed) => new(seed);

    /// <inheritdoc cref="INetwork{TSelf}.Load(string)"/>
    public static RefAllLayers Load(string path) => WeightFile.Load<RefAllLayers>(path);

    /// <inheritdoc cref="INetwork{TSelf}.Load(Stream)"/>
    public static RefAllLayers Load(Stream stream) => WeightFile.Load<RefAllLayers>(stream);
}

/// <summary>
/// Shapes the exporter has to reshape for: softmax over an image shape, followed by a convolution,
/// and an image-shaped output (flattened into <c>output</c>). Conv2D with floor semantics too:
/// (6 - 3) / 2 drops a row.
/// </summary>
public sealed class RefSpatial(int seed = 0) : ReferenceNet<RefSpatial>(seed), INetwork<RefSpatial>
{
    /// <inheritdoc cref="INetwork{TSelf}.Info"/>
    public static NetworkInfo Info { get; } = NetworkInfoBuilder.Image(nameof(RefSpatial), 6, 6, 2)
        .Softmax()
        .Conv2D(3, 3, stride: 2)                                          // floor((6 - 3) / 2) + 1 = 2
        .Build();

    /// <inheritdoc cref="INetwork{TSelf}.Create"/>
    public static RefSpatial Create(int seed) => new(seed);

    /// <inheritdoc cref="INetwork{TSelf}.Load(string)"/>
    public static RefSpatial Load(string path) => WeightFile.Load<RefSpatial>(path);

    /// <inheritdoc cref="INetwork{TSelf}.Load(Stream)"/>
    public static RefSpatial Load(Stream stream) => WeightFile.Load<RefSpatial>(stream);
}

/// <summary>A tiny multilayer perceptron on a flat input (4 -> 3 tanh -> 2): 23 parameters, a weight file of a few hundred bytes.</summary>
public sealed class RefMlp(int seed = 0) : ReferenceNet<RefMlp>(seed), INetwork<RefMlp>
{
    /// <inheritdoc cref="INetwork{TSelf}.Info"/>
    public static NetworkInfo Info { get; } = NetworkInfoBuilder.Flat(nameof(RefMlp), 4)
        .Dense(3, Activation.Tanh)
        .Dense(2)
        .Build();

    /// <inheritdoc cref="INetwork{TSelf}.Create"/>
    public static RefMlp Create(int seed) => new(seed);

    /// <inheritdoc cref="INetwork{TSelf}.Load(string)"/>
    public static RefMlp Load(string path) => WeightFile.Load<RefMlp>(path);

    /// <inheritdoc cref="INetwork{TSelf}.Load(Stream)"/>
    public static RefMlp Load(Stream stream) => WeightFile.Load<RefMlp>(stream);
}

/// <summary>The same layers as <see cref="RefMlp"/> with 4 hidden units instead of 3.</summary>
public sealed class RefMlpWide(int seed = 0) : ReferenceNet<RefMlpWide>(seed), INetwork<RefMlpWide>
{
    /// <inheritdoc cref="INetwork{TSelf}.Info"/>
    public static NetworkInfo Info { get; } = NetworkInfoBuilder.Flat(nameof(RefMlpWide), 4)
        .Dense(4, Activation.Tanh)
        .Dense(2)
        .Build();

    /// <inheritdoc cref="INetwork{TSelf}.Create"/>
    public static RefMlpWide Create(int seed) => new(seed);

    /// <inheritdoc cref="INetwork{TSelf}.Load(string)"/>
    public static RefMlpWide Load(string path) => WeightFile.Load<RefMlpWide>(path);

    /// <inheritdoc cref="INetwork{TSelf}.Load(Stream)"/>
    public static RefMlpWide Load(Stream stream) => WeightFile.Load<RefMlpWide>(stream);
}

/// <summary>The first layer of <see cref="RefMlp"/> alone.</summary>
public sealed class RefMlpHead(int seed = 0) : ReferenceNet<RefMlpHead>(seed), INetwork<RefMlpHead>
{
    /// <inheritdoc cref="INetwork{TSelf}.Info"/>
    public static NetworkInfo Info { get; } = NetworkInfoBuilder.Flat(nameof(RefMlpHead), 4)
        .Dense(3, Activation.Tanh)
        .Build();

    /// <inheritdoc cref="INetwork{TSelf}.Create"/>
    public static RefMlpHead Create(int seed) => new(seed);

    /// <inheritdoc cref="INetwork{TSelf}.Load(string)"/>
    public static RefMlpHead Load(string path) => WeightFile.Load<RefMlpHead>(path);

    /// <inheritdoc cref="INetwork{TSelf}.Load(Stream)"/>
    public static RefMlpHead Load(Stream stream) => WeightFile.Load<RefMlpHead>(stream);
}
