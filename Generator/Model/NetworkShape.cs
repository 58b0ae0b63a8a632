namespace StaticNets.Generator.Model;

/// <summary>
/// A diagnostic as plain values: its id, the full message, where it points, and the argument values
/// that repair it (the ones the message names, offered by the code fix after a check).
/// </summary>
internal sealed record DiagnosticInfo(DiagnosticId Code, string Message, LocationInfo? Location, EquatableArray<Repair> Repairs = default)
{
    /// <summary><c>SN2001</c>.</summary>
    public string Id => Code.Id;

    /// <summary>An error by default (SN1xxx, SN2xxx), not a warning (SN3xxx).</summary>
    public bool IsError => Code.IsError;
}

/// <summary>One repair of a layer: set <see cref="Argument"/> (<c>Padding</c>, <c>Stride</c>, <c>Kernel</c>, <c>Size</c>) to <see cref="Value"/>.</summary>
internal sealed record Repair(string Argument, int Value)
{
    /// <summary>An array argument's values (<c>Pads</c>); empty for a single value.</summary>
    public EquatableArray<int> Values { get; init; } = EquatableArray<int>.Empty;

    /// <summary>A repair that sets an array argument: <c>Pads = new[] { 1, 1, 0, 0 }</c>.</summary>
    public static Repair Array(string argument, params int[] values) => new(argument, 0) { Values = new EquatableArray<int>(values) };

    /// <summary>The value as code writes it: <c>1</c>, or <c>new[] { 1, 1, 0, 0 }</c>.</summary>
    public string ValueText => Values.Count == 0
        ? Value.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : "new[] { " + string.Join(", ", System.Linq.Enumerable.Select(Values, v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))) + " }";

    /// <summary><c>Padding = 1</c>, as messages and code fix titles write it.</summary>
    public override string ToString() => $"{Argument} = {ValueText}";
}

/// <summary>A shape, channels by rows by columns. <see cref="Flat"/> after [Flatten] or for [Input(n)].</summary>
internal readonly record struct Shape(int C, int H, int W, bool Flat)
{
    public int Size => C * H * W;

    /// <summary><c>28x28x6</c> for an image, <c>120</c> for a flat vector.</summary>
    public override string ToString() => Flat ? Size.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{H}x{W}x{C}";
}

internal enum LossKind
{
    CrossEntropy,
    MeanSquaredError,
}

/// <summary>
/// One layer after shape inference: its name, the layers it reads, its shapes, options as resolved, its
/// place in <c>Parameters</c>, its cost, and the texts that describe it (so that no emitter switches on
/// its kind to name it).
/// </summary>
internal sealed record LayerShape
{
    /// <summary><c>conv1</c>, <c>pool2</c>, <c>dense3</c>: the kind's stem and its index among that kind.</summary>
    public string Name { get; init; } = "";

    /// <summary>
    /// The name <c>Summary</c>, <c>Info</c> (so weight files and ONNX node names) and messages give the layer: its
    /// <c>Name</c> argument where given and valid, else <see cref="Name"/>. Generated members use <see cref="Name"/>.
    /// </summary>
    public string Label { get; init; } = "";

    public LayerType Type { get; init; }

    /// <summary>
    /// The layers whose outputs this one reads: indices into <see cref="NetworkShape.Layers"/>, -1 for the
    /// network input. Today always the previous layer.
    /// </summary>
    public EquatableArray<int> Inputs { get; init; } = EquatableArray<int>.Empty;

    public Shape In { get; init; }

    public Shape Out { get; init; }

    /// <summary>Filters of a convolution, units of a dense layer; 0 for the others.</summary>
    public int Units { get; init; }

    /// <summary>The side of a convolution's kernel or a pooling window; 0 for the others.</summary>
    public int Kernel { get; init; }

    public int Stride { get; init; }

    public int Padding { get; init; }

    /// <summary>Rows of a convolution's kernel or a pooling window; 0 for the others.</summary>
    public int KernelHeight { get; init; }

    /// <summary>Columns of a convolution's kernel or a pooling window; 0 for the others.</summary>
    public int KernelWidth { get; init; }

    public int StrideHeight { get; init; }

    public int StrideWidth { get; init; }

    /// <summary>Zero rows above the input, as resolved (explicit, per side, or "same").</summary>
    public int PadTop { get; init; }

    public int PadLeft { get; init; }

    public int PadBottom { get; init; }

    public int PadRight { get; init; }

    /// <summary>A grouped convolution's groups: each filter reads <c>In.C / Groups</c> channels. 1 for the others.</summary>
    public int Groups { get; init; } = 1;

    /// <summary>Whether the layer adds a bias (a Conv2D with <c>Bias = false</c> does not).</summary>
    public bool HasBias => BiasCount > 0;

    /// <summary>The activation applied inline (Conv2D, Dense) or by a standalone activation layer.</summary>
    public ActivationKind Activation { get; init; }

    /// <summary>LeakyReLU's slope below zero (0.01 where a Conv2D or Dense applies it inline).</summary>
    public double Alpha { get; init; }

    /// <summary>Dropout's rate.</summary>
    public double Rate { get; init; }

    public InitKind Init { get; init; }

    public double L1 { get; init; }

    public double L2 { get; init; }

    public int WeightCount { get; init; }

    public int BiasCount { get; init; }

    public int ParameterOffset { get; init; }

    /// <summary>[BatchNorm]: where its running means then variances start in <c>Statistics</c>.</summary>
    public int StatisticsOffset { get; init; }

    /// <summary>[BatchNorm]: its running means and variances (2 per channel); 0 for the others.</summary>
    public int StatisticsCount { get; init; }

    /// <summary>[BatchNorm]: the weight of a batch's statistics in the running ones.</summary>
    public double Momentum { get; init; }

    /// <summary>[BatchNorm]: added to the variance before its square root.</summary>
    public double Epsilon { get; init; }

    public int FanIn { get; init; }

    public int FanOut { get; init; }

    /// <summary>Multiply-adds per sample of the forward pass (weights times inputs; 0 for layers without weights).</summary>
    public long MultiplyAdds { get; init; }

    /// <summary>How messages name the layer: <c>Conv2D 5x5, stride 2</c>, <c>Dense 120</c>.</summary>
    public string Description { get; init; } = "";

    /// <summary>The layer in the <c>Summary</c> table: <c>Conv2D 6@5x5 s1 p2 ReLU</c>.</summary>
    public string TableText { get; init; } = "";

    /// <summary>The layer in documentation comments: <c>Conv2D 6@5x5, stride 1, padding 2, ReLU</c>.</summary>
    public string Title { get; init; } = "";

    /// <summary>The name with a capital first letter, as generated members use it: <c>Conv1</c>, <c>Pool2</c>.</summary>
    public string Member => char.ToUpperInvariant(Name[0]) + Name.Substring(1);

    public int ParameterCount => WeightCount + BiasCount;
}

/// <summary>
/// What shape inference makes of a spec: the layers with their shapes, the diagnostics, and whether
/// code can be emitted (true even with SN2001/SN2002, where the generated code follows PyTorch's floor).
/// </summary>
internal sealed record NetworkShape(
    Shape Input,
    EquatableArray<LayerShape> Layers,
    EquatableArray<DiagnosticInfo> Diagnostics,
    bool CanEmit,
    LossKind Loss)
{
    public int InputSize => Input.Size;

    public int OutputSize => Layers.Count == 0 ? Input.Size : Layers[Layers.Count - 1].Out.Size;

    public int ParameterCount
    {
        get
        {
            int total = 0;
            foreach (var l in Layers) total += l.ParameterCount;
            return total;
        }
    }

    /// <summary>BatchNorm running means and variances, over all layers.</summary>
    public int StatisticsCount
    {
        get
        {
            int total = 0;
            foreach (var l in Layers) total += l.StatisticsCount;
            return total;
        }
    }

    /// <summary>Multiply-adds per sample of the forward pass, over all layers.</summary>
    public long MultiplyAdds
    {
        get
        {
            long total = 0;
            foreach (var l in Layers) total += l.MultiplyAdds;
            return total;
        }
    }
}
