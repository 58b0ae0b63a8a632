namespace StaticNets.Tests.Reference;

/// <summary>
/// Builds a <see cref="NetworkInfo"/> by hand, for tests that need an architecture without the
/// generator: shapes by PyTorch's floor formula, parameter counts, offsets, fan-in and fan-out,
/// resolved initialisation and loss. Layers are named by kind and a per-kind counter (<c>conv1</c>,
/// <c>pool1</c>, <c>conv2</c>, <c>dense1</c>, <c>relu1</c>...) unless a name is given. It does not
/// repeat the generator's diagnostics: it builds whatever it is told, as long as sizes stay positive.
/// </summary>
public sealed class NetworkInfoBuilder
{
    private readonly string _name;
    private readonly TensorShape _input;
    private readonly List<LayerInfo> _layers = [];
    private readonly Dictionary<string, int> _counters = [];
    private TensorShape _shape;
    private int _offset;

    /// <summary>A network called <paramref name="name"/> with input shape <paramref name="input"/>.</summary>
    public NetworkInfoBuilder(string name, TensorShape input)
    {
        _name = name;
        _input = input;
        _shape = input;
    }

    /// <summary>An image input, as <c>[Input(height, width, channels)]</c>.</summary>
    public static NetworkInfoBuilder Image(string name, int height, int width, int channels) => new(name, new TensorShape(channels, height, width));

    /// <summary>A flat input, as <c>[Input(features)]</c>.</summary>
    public static NetworkInfoBuilder Flat(string name, int features) => new(name, new TensorShape(features, 1, 1));

    /// <summary>A convolution of <paramref name="filters"/> <paramref name="kernel"/>x<paramref name="kernel"/> kernels.</summary>
    public NetworkInfoBuilder Conv2D(int filters, int kernel, int stride = 1, int padding = 0, Activation activation = default, float alpha = 0.01f, string? name = null)
    {
        int size(int s) => (s + 2 * padding - kernel) / stride + 1;
        var output = new TensorShape(filters, size(_shape.Height), size(_shape.Width));
        int weights = filters * _shape.Channels * kernel * kernel;
        return Add(name ?? Next("conv"), LayerKind.Conv2D, output, activation, alpha, filters, kernel, stride, padding,
            weights, filters, fanIn: _shape.Channels * kernel * kernel, fanOut: filters * kernel * kernel);
    }

    /// <summary>Max pooling over <paramref name="size"/>x<paramref name="size"/> windows; the stride defaults to the size.</summary>
    public NetworkInfoBuilder MaxPool(int size, int? stride = null, string? name = null) => Pool(LayerKind.MaxPool, size, stride ?? size, name);

    /// <summary>Average pooling over <paramref name="size"/>x<paramref name="size"/> windows; the stride defaults to the size.</summary>
    public NetworkInfoBuilder AvgPool(int size, int? stride = null, string? name = null) => Pool(LayerKind.AvgPool, size, stride ?? size, name);

    /// <summary>Flattens the shape in channel-height-width order.</summary>
    public NetworkInfoBuilder Flatten(string? name = null) =>
        Add(name ?? Next("flatten"), LayerKind.Flatten, new TensorShape(_shape.Size, 1, 1));

    /// <summary>A fully connected layer of <paramref name="units"/> outputs.</summary>
    public NetworkInfoBuilder Dense(int units, Activation activation = default, float alpha = 0.01f, string? name = null) =>
        Add(name ?? Next("dense"), LayerKind.Dense, new TensorShape(units, 1, 1), activation, alpha, units,
            weights: units * _shape.Size, biases: units, fanIn: _shape.Size, fanOut: units);

    /// <summary>Dropout with drop probability <paramref name="rate"/>.</summary>
    public NetworkInfoBuilder Dropout(float rate, string? name = null) =>
        Add(name ?? Next("dropout"), LayerKind.Dropout, _shape, rate: rate);

    /// <summary>A standalone ReLU layer.</summary>
    public NetworkInfoBuilder ReLU(string? name = null) => Standalone(Activation.ReLU, 0, name);

    /// <summary>A standalone LeakyReLU layer.</summary>
    public NetworkInfoBuilder LeakyReLU(float alpha = 0.01f, string? name = null) => Standalone(Activation.LeakyReLU, alpha, name);

    /// <summary>A standalone exact GELU layer.</summary>
    public NetworkInfoBuilder GELU(string? name = null) => Standalone(Activation.GELU, 0, name);

    /// <summary>A standalone sigmoid layer.</summary>
    public NetworkInfoBuilder Sigmoid(string? name = null) => Standalone(Activation.Sigmoid, 0, name);

    /// <summary>A standalone tanh layer.</summary>
    public NetworkInfoBuilder Tanh(string? name = null) => Standalone(Activation.Tanh, 0, name);

    /// <summary>A standalone softmax layer (over all values).</summary>
    public NetworkInfoBuilder Softmax(string? name = null) => Standalone(Activation.Softmax, 0, name);

    /// <summary>The network; its loss is cross-entropy when the last layer ends in Softmax, mean squared error otherwise.</summary>
    public NetworkInfo Build()
    {
        bool softmax = _layers.Count > 0 && _layers[^1].Activation == Activation.Softmax;
        return new NetworkInfo
        {
            Name = _name,
            InputShape = _input,
            Layers = _layers.ToArray(),
            Loss = softmax ? LossKind.CrossEntropy : LossKind.MeanSquaredError,
        };
    }

    private NetworkInfoBuilder Pool(LayerKind kind, int size, int stride, string? name)
    {
        int pooled(int s) => (s - size) / stride + 1;
        return Add(name ?? Next("pool"), kind, new TensorShape(_shape.Channels, pooled(_shape.Height), pooled(_shape.Width)), kernel: size, stride: stride);
    }

    private NetworkInfoBuilder Standalone(Activation activation, float alpha, string? name) =>
        Add(name ?? Next(activation.ToString().ToLowerInvariant()), LayerKind.Activation, _shape, activation, alpha);

    private string Next(string stem)
    {
        int n = _counters.GetValueOrDefault(stem) + 1;
        _counters[stem] = n;
        return stem + n;
    }

    private NetworkInfoBuilder Add(string name, LayerKind kind, TensorShape output, Activation activation = default, float alpha = 0,
        int units = 0, int kernel = 0, int stride = 0, int padding = 0, int weights = 0, int biases = 0, int fanIn = 0, int fanOut = 0, float rate = 0)
    {
        if (output.Channels <= 0 || output.Height <= 0 || output.Width <= 0)
        {
            throw new ArgumentException($"{name}: output shape {output} is empty.");
        }
        Init init = weights == 0 ? Init.Auto
            : activation is Activation.ReLU or Activation.ReLU6 or Activation.LeakyReLU or Activation.GELU ? Init.HeNormal : Init.XavierUniform;
        _layers.Add(new LayerInfo
        {
            Name = name,
            Kind = kind,
            InputShape = _shape,
            OutputShape = output,
            Activation = activation,
            Alpha = activation == Activation.LeakyReLU ? alpha : 0,
            Units = units,
            Kernel = kernel,
            Stride = stride,
            Padding = padding,
            Rate = rate,
            Init = init,
            ParameterOffset = _offset,
            WeightCount = weights,
            BiasCount = biases,
            FanIn = fanIn,
            FanOut = fanOut,
        });
        _shape = output;
        _offset += weights + biases;
        return this;
    }
}
