namespace StaticNets.Generator.Model;

/// <summary>The kinds of attribute a network class can carry, as the parser recognises them.</summary>
internal enum LayerType
{
    Input,
    Conv2D,
    DepthwiseConv2D,
    MaxPool,
    AvgPool,
    GlobalMaxPool,
    GlobalAvgPool,
    Flatten,
    Dense,
    Dropout,
    ReLU,
    LeakyReLU,
    GELU,
    Sigmoid,
    Tanh,
    Softmax,
    ReLU6,
    BatchNorm,
}

/// <summary>Mirror of <c>StaticNets.Activation</c> (the generator cannot reference the Runtime).</summary>
internal enum ActivationKind
{
    None,
    ReLU,
    LeakyReLU,
    GELU,
    Sigmoid,
    Tanh,
    Softmax,
    ReLU6,
}

/// <summary>Mirror of <c>StaticNets.PaddingMode</c>.</summary>
internal enum PaddingModeKind
{
    Explicit,
    Same,
}

/// <summary>Mirror of <c>StaticNets.Init</c>.</summary>
internal enum InitKind
{
    Auto,
    HeNormal,
    HeUniform,
    XavierNormal,
    XavierUniform,
}

/// <summary>Where one argument of an attribute was written: <c>Stride = 2</c>, or a positional argument by its parameter name.</summary>
internal sealed record ArgumentLocation(string Name, LocationInfo Location);

/// <summary>
/// One attribute on the network class, in source order, with its arguments as written, each in a field
/// named for what it is. A field a layer kind does not take keeps its default. Integers default as the
/// attribute does (Stride 1, pooling stride = size); <see cref="StrideGiven"/> tells whether the user
/// wrote <c>Stride</c>. The layer's rule (<c>Layers/</c>) reads these from the attribute's arguments.
/// </summary>
internal sealed record LayerSpec(LayerType Type, int Declaration, LocationInfo? Location, EquatableArray<ArgumentLocation> Arguments)
{
    /// <summary>[Input]: rows (1 for <c>[Input(features)]</c>).</summary>
    public int Height { get; init; }

    /// <summary>[Input]: columns (1 for <c>[Input(features)]</c>).</summary>
    public int Width { get; init; }

    /// <summary>[Input]: channels, or the feature count of <c>[Input(features)]</c>.</summary>
    public int Channels { get; init; }

    /// <summary>[Input(features)]: a flat vector rather than an image.</summary>
    public bool Flat { get; init; }

    /// <summary>[Conv2D]: the number of filters (output channels).</summary>
    public int Filters { get; init; }

    /// <summary>[Conv2D]: the side of its square kernel (<c>kernel</c>; 0 when given as height and width).</summary>
    public int Kernel { get; init; }

    /// <summary>[Conv2D(filters, kernelHeight, kernelWidth)]: the kernel's rows; null for a square kernel.</summary>
    public int? KernelHeight { get; init; }

    /// <summary>[Conv2D(filters, kernelHeight, kernelWidth)]: the kernel's columns; null for a square kernel.</summary>
    public int? KernelWidth { get; init; }

    /// <summary>The kernel's rows as the layer uses them: <see cref="KernelHeight"/>, else the square side.</summary>
    public int KernelRows => KernelHeight ?? Kernel;

    /// <summary>The kernel's columns as the layer uses them: <see cref="KernelWidth"/>, else the square side.</summary>
    public int KernelColumns => KernelWidth ?? Kernel;

    /// <summary>[MaxPool], [AvgPool]: the side of the square window.</summary>
    public int Size { get; init; }

    /// <summary>[Dense]: the number of units.</summary>
    public int Units { get; init; }

    /// <summary>[Conv2D], pooling: the step between windows (pooling defaults to its size).</summary>
    public int Stride { get; init; } = 1;

    /// <summary>Whether the user wrote <c>Stride</c>.</summary>
    public bool StrideGiven { get; init; }

    /// <summary>[Conv2D]: <c>StrideHeight</c> as written; null: <see cref="Stride"/>.</summary>
    public int? StrideHeight { get; init; }

    /// <summary>[Conv2D]: <c>StrideWidth</c> as written; null: <see cref="Stride"/>.</summary>
    public int? StrideWidth { get; init; }

    /// <summary>The step down the rows as the layer uses it.</summary>
    public int RowStride => StrideHeight ?? Stride;

    /// <summary>The step along the columns as the layer uses it.</summary>
    public int ColumnStride => StrideWidth ?? Stride;

    /// <summary>[Conv2D]: zeros added on each side.</summary>
    public int Padding { get; init; }

    /// <summary>[Conv2D]: the zeros per side as written, <c>{ top, left, bottom, right }</c>; empty when not given.</summary>
    public EquatableArray<int> Pads { get; init; } = EquatableArray<int>.Empty;

    /// <summary>[Conv2D]: <c>PaddingMode.Same</c> or the explicit padding.</summary>
    public PaddingModeKind PaddingMode { get; init; }

    /// <summary>[Conv2D]: whether it adds a bias per filter.</summary>
    public bool Bias { get; init; } = true;

    /// <summary>[DepthwiseConv2D]: the filters per input channel.</summary>
    public int Multiplier { get; init; } = 1;

    /// <summary>[Conv2D]: the groups of a grouped convolution (1: every filter reads every channel).</summary>
    public int Groups { get; init; } = 1;

    /// <summary>[Dropout]: the fraction of values dropped in training.</summary>
    public double Rate { get; init; }

    /// <summary>[BatchNorm]: the weight of the batch's statistics in the running ones (PyTorch's convention).</summary>
    public double Momentum { get; init; } = 0.1;

    /// <summary>[BatchNorm]: added to the variance before its square root.</summary>
    public double Epsilon { get; init; } = 1e-5;

    /// <summary>[LeakyReLU]: the slope below zero.</summary>
    public double Alpha { get; init; }

    /// <summary>[Conv2D], [Dense]: the activation applied inline.</summary>
    public ActivationKind Activation { get; init; }

    /// <summary>[Conv2D], [Dense]: how the weights are initialised.</summary>
    public InitKind Init { get; init; }

    /// <summary>[Conv2D], [Dense]: the L1 penalty on the weights.</summary>
    public double L1 { get; init; }

    /// <summary>[Conv2D], [Dense]: the L2 penalty on the weights.</summary>
    public double L2 { get; init; }

    /// <summary>A name the user gave the layer; null: named by its kind and index (<c>conv1</c>).</summary>
    public string? Name { get; init; }

    /// <summary>The attribute's arguments could not be read (compiler errors on it): the fields hold defaults.</summary>
    public bool HasErrors { get; init; }

    /// <summary>The location of the argument named <paramref name="name"/> (constructor parameter or property), else of the attribute.</summary>
    public LocationInfo? ArgumentOrAttribute(string name)
    {
        foreach (var a in Arguments)
        {
            if (a.Name == name) return a.Location;
        }
        return Location;
    }
}

/// <summary>
/// A network class as the parser read it: names for the emitted file, what the declaration looks
/// like, and its attributes in source order. Plain values only, so the incremental pipeline caches it.
/// </summary>
internal sealed record NetworkSpec(
    string? Namespace,
    string ClassName,
    string FullName,
    string HintName,
    string Accessibility,
    EquatableArray<string> ContainingTypes,
    bool IsPartial,
    bool IsGeneric,
    bool ContainingTypeNotPartial,
    bool IsStatic,
    LocationInfo? ClassLocation,
    string SourceFileName,
    EquatableArray<LayerSpec> Layers)
{
    /// <summary>The class is abstract, so <c>Create</c> and <c>Load</c> could not make an instance (SN1001).</summary>
    public bool IsAbstract { get; init; }

    /// <summary>The class's <c>[Budget]</c>, or null.</summary>
    public BudgetSpec? Budget { get; init; }
}

/// <summary><c>[Budget(MaxMultiplyAdds = ..., MaxBytes = ...)]</c>: the limits (0: none) and where each argument was written.</summary>
internal sealed record BudgetSpec(long MaxMultiplyAdds, long MaxBytes, LocationInfo? MultiplyAddsLocation, LocationInfo? BytesLocation);
