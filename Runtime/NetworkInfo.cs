namespace StaticNets;

/// <summary>The kind of a layer, as declared by its attribute.</summary>
public enum LayerKind
{
    /// <summary><see cref="Conv2DAttribute"/>.</summary>
    Conv2D,
    /// <summary><see cref="MaxPoolAttribute"/>.</summary>
    MaxPool,
    /// <summary><see cref="AvgPoolAttribute"/>.</summary>
    AvgPool,
    /// <summary><see cref="FlattenAttribute"/>.</summary>
    Flatten,
    /// <summary><see cref="DenseAttribute"/>.</summary>
    Dense,
    /// <summary><see cref="DropoutAttribute"/>.</summary>
    Dropout,
    /// <summary>A standalone activation layer (<see cref="ReLUAttribute"/>, <see cref="SoftmaxAttribute"/>, ...); see <see cref="LayerInfo.Activation"/>.</summary>
    Activation,
    /// <summary><see cref="BatchNormAttribute"/>: parameters γ (<see cref="LayerInfo.WeightCount"/>) then β (<see cref="LayerInfo.BiasCount"/>), statistics running means then variances.</summary>
    BatchNorm,
    /// <summary><see cref="AddAttribute"/>: adds the output of <see cref="LayerInfo.From"/>, through its <see cref="LayerInfo.Projection"/>.</summary>
    Add,
}

/// <summary>The loss a network trains with: cross-entropy after a final Softmax, mean squared error otherwise.</summary>
public enum LossKind
{
    /// <summary><c>-sum t_i log y_i</c> (with a label, <c>-log y_label</c>), fused with the final Softmax.</summary>
    CrossEntropy,
    /// <summary><c>(1/n) sum (y_i - t_i)^2</c> over the n outputs (with a label, t is its one-hot vector).</summary>
    MeanSquaredError,
}

/// <summary>A shape, channels by rows by columns (a flat vector of n values is n x 1 x 1).</summary>
/// <param name="Channels">Channels (or features of a flat vector).</param>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
public readonly record struct TensorShape(int Channels, int Height, int Width)
{
    /// <summary>Number of values.</summary>
    public int Size => Channels * Height * Width;

    /// <summary><c>HxWxC</c>, or the length of a flat vector.</summary>
    public override string ToString() => Height == 1 && Width == 1 ? Channels.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Height}x{Width}x{Channels}";
}

/// <summary>One layer of a generated network, as the generator laid it out.</summary>
public sealed record LayerInfo
{
    /// <summary>The layer's name in summaries, weight files and ONNX node names: its <c>Name</c> argument where given, else its default (<c>conv1</c>, <c>pool2</c>, <c>dense3</c>...), which generated members are named after in either case.</summary>
    public required string Name { get; init; }
    /// <summary>What the layer is.</summary>
    public required LayerKind Kind { get; init; }
    /// <summary>Shape of the layer's input.</summary>
    public required TensorShape InputShape { get; init; }
    /// <summary>Shape of the layer's output.</summary>
    public required TensorShape OutputShape { get; init; }
    /// <summary>Activation applied by the layer (inline on Conv2D and Dense, or the standalone activation's own).</summary>
    public Activation Activation { get; init; }
    /// <summary>Slope for negative inputs, for LeakyReLU.</summary>
    public float Alpha { get; init; }
    /// <summary>Filters of a convolution or units of a dense layer.</summary>
    public int Units { get; init; }
    /// <summary>Kernel or pooling window side (its height where it is not square: see <see cref="KernelHeight"/>, <see cref="KernelWidth"/>).</summary>
    public int Kernel { get; init; }
    /// <summary>Stride of a convolution or pooling window (down the rows where the axes differ: see <see cref="StrideHeight"/>, <see cref="StrideWidth"/>).</summary>
    public int Stride { get; init; }
    /// <summary>Zero padding on each side of a convolution's input (the top where the sides differ: see <see cref="PadTop"/> and the others).</summary>
    public int Padding { get; init; }
    /// <summary>Rows of the kernel or pooling window.</summary>
    public int KernelHeight { get; init; }
    /// <summary>Columns of the kernel or pooling window.</summary>
    public int KernelWidth { get; init; }
    /// <summary>Step between windows down the rows.</summary>
    public int StrideHeight { get; init; }
    /// <summary>Step between windows along the columns.</summary>
    public int StrideWidth { get; init; }
    /// <summary>Zero rows added above the input.</summary>
    public int PadTop { get; init; }
    /// <summary>Zero columns added left of the input.</summary>
    public int PadLeft { get; init; }
    /// <summary>Zero rows added below the input.</summary>
    public int PadBottom { get; init; }
    /// <summary>Zero columns added right of the input.</summary>
    public int PadRight { get; init; }
    /// <summary>A grouped convolution's groups: each filter reads <c>channels / Groups</c> channels. 1 for the others.</summary>
    public int Groups { get; init; } = 1;
    /// <summary>Whether the layer adds a bias (a Conv2D declared with <c>Bias = false</c> has none).</summary>
    public bool HasBias => BiasCount > 0;
    /// <summary>Drop probability of a dropout layer.</summary>
    public float Rate { get; init; }
    /// <summary>L1 penalty on the weights.</summary>
    public float L1 { get; init; }
    /// <summary>L2 penalty on the weights.</summary>
    public float L2 { get; init; }
    /// <summary>Weight initialisation as resolved (never <see cref="Init.Auto"/> for a layer with weights).</summary>
    public Init Init { get; init; }
    /// <summary>Offset of this layer's weights in <c>Parameters</c>.</summary>
    public int ParameterOffset { get; init; }
    /// <summary>Number of weights (they are followed by <see cref="BiasCount"/> biases).</summary>
    public int WeightCount { get; init; }
    /// <summary>Number of biases.</summary>
    public int BiasCount { get; init; }
    /// <summary>Weights plus biases.</summary>
    public int ParameterCount => WeightCount + BiasCount;
    /// <summary>
    /// True for a layer with weights (<see cref="WeightCount"/> above zero): what weight files, ONNX export and import,
    /// regularisation and <see cref="NetworkExtensions.LayerGradientNorms"/> go by, whatever the layer's kind.
    /// </summary>
    public bool HasWeights => WeightCount > 0;
    /// <summary>Offset of this layer's running statistics in <c>Statistics</c> (BatchNorm, or an Add's ConvBatchNorm projection): means, then variances.</summary>
    public int StatisticsOffset { get; init; }
    /// <summary>Number of running statistics: twice the channels for a BatchNorm or an Add's ConvBatchNorm projection (means then variances), 0 for most layers.</summary>
    public int StatisticsCount { get; init; }
    /// <summary>A BatchNorm's momentum, or an Add's ConvBatchNorm projection's (PyTorch's convention: the weight of the batch's statistics).</summary>
    public float Momentum { get; init; }
    /// <summary>A BatchNorm's epsilon, or an Add's ConvBatchNorm projection's, added to the variance.</summary>
    public float Epsilon { get; init; }
    /// <summary>An Add's source: the name of the earlier layer whose output it adds (<c>input</c> for the network's input).</summary>
    public string? From { get; init; }
    /// <summary>
    /// An Add's projection. Its parameters stand at the Add's place: <see cref="Projection.Conv"/>, the 1x1 weights
    /// <c>[out][in]</c> (<see cref="WeightCount"/>) then the bias (<see cref="BiasCount"/>); <see cref="Projection.ConvBatchNorm"/>,
    /// the weights then γ and β (<see cref="BiasCount"/> = 2 x out), and its statistics at <see cref="StatisticsOffset"/>.
    /// The stride is <see cref="StrideHeight"/> by <see cref="StrideWidth"/>.
    /// </summary>
    public Projection Projection { get; init; }
    /// <summary>Fan-in of one output (inputs per unit, or channels x kernel x kernel).</summary>
    public int FanIn { get; init; }
    /// <summary>Fan-out of one input (units, or filters x kernel x kernel).</summary>
    public int FanOut { get; init; }
}

/// <summary>A generated network's architecture: name, shapes, parameter layout and loss.</summary>
public sealed record NetworkInfo
{
    /// <summary>The network class's name (with its namespace).</summary>
    public required string Name { get; init; }
    /// <summary>Shape of the input.</summary>
    public required TensorShape InputShape { get; init; }
    /// <summary>The layers in order.</summary>
    public required IReadOnlyList<LayerInfo> Layers { get; init; }
    /// <summary>The loss training minimises.</summary>
    public required LossKind Loss { get; init; }
    /// <summary>Number of input values.</summary>
    public int InputSize => InputShape.Size;
    /// <summary>Number of output values.</summary>
    public int OutputSize => Layers.Count == 0 ? InputShape.Size : Layers[^1].OutputShape.Size;
    /// <summary>Total number of weights and biases.</summary>
    public int ParameterCount => Layers.Sum(l => l.ParameterCount);
    /// <summary>Total number of running statistics (BatchNorm means and variances).</summary>
    public int StatisticsCount => Layers.Sum(l => l.StatisticsCount);

    /// <summary>
    /// A one-line description of every layer's shape, used in weight-file headers to recognise an architecture. A
    /// convolution whose kernel is not square, whose strides differ or whose pads differ by side adds its geometry
    /// (<c>:10x4/s2x2/p4,1,5,2</c>), since two such layers can share every shape and count; an Add adds the layer it reads
    /// and its projection (<c>:from a1/Conv</c>), since two Adds of tensors of one shape can differ only there.
    /// </summary>
    public string Signature => string.Join(";", Layers.Select(l =>
        $"{l.Name}:{l.Kind}:{l.InputShape}->{l.OutputShape}:{l.ParameterCount}{Geometry(l)}"));

    private static string Geometry(LayerInfo l)
    {
        bool uniform = l.KernelHeight == l.KernelWidth && l.StrideHeight == l.StrideWidth
            && l.PadTop == l.PadLeft && l.PadTop == l.PadBottom && l.PadTop == l.PadRight && l.Groups <= 1;
        if (l.Kind == LayerKind.Add)
        {
            return $":from {l.From}/{l.Projection}";
        }
        return l.Kind != LayerKind.Conv2D || uniform ? ""
            : string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $":{l.KernelHeight}x{l.KernelWidth}/s{l.StrideHeight}x{l.StrideWidth}/p{l.PadTop},{l.PadLeft},{l.PadBottom},{l.PadRight}{(l.Groups > 1 ? $"/g{l.Groups}" : "")}");
    }
}
