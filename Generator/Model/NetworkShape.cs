namespace StaticNets.Generator.Model;

/// <summary>
/// A diagnostic as plain values: its id, the full message, where it points, and the argument values
/// that repair it (the ones the message names, offered by the code fix after a check).
/// </summary>
internal sealed record DiagnosticInfo(string Id, string Message, LocationInfo? Location, EquatableArray<Repair> Repairs = default);

/// <summary>One repair of a layer: set <see cref="Argument"/> (<c>Padding</c>, <c>Stride</c>, <c>Kernel</c>, <c>Size</c>) to <see cref="Value"/>.</summary>
internal sealed record Repair(string Argument, int Value)
{
    /// <summary><c>Padding = 1</c>, as messages and code fix titles write it.</summary>
    public override string ToString() => $"{Argument} = {Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
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

/// <summary>One layer after shape inference: its name, shapes, options as resolved, and its place in <c>Parameters</c>.</summary>
internal sealed record LayerShape(
    string Name,
    LayerType Type,
    Shape In,
    Shape Out,
    int Units,
    int Kernel,
    int Stride,
    int Padding,
    ActivationKind Activation,
    double Alpha,
    double Rate,
    InitKind Init,
    double L1,
    double L2,
    int WeightCount,
    int BiasCount,
    int ParameterOffset,
    int FanIn,
    int FanOut)
{
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
}
