namespace StaticNets.Generator.Model;

/// <summary>The kinds of attribute a network class can carry, as the parser recognises them.</summary>
internal enum LayerType
{
    Input,
    Conv2D,
    MaxPool,
    AvgPool,
    Flatten,
    Dense,
    Dropout,
    ReLU,
    LeakyReLU,
    GELU,
    Sigmoid,
    Tanh,
    Softmax,
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
/// One attribute on the network class, in source order, with its arguments as written.
/// Integers default as the attribute does (Stride 1, pooling stride = size); <see cref="StrideGiven"/>
/// tells whether the user wrote <c>Stride</c>.
/// </summary>
internal sealed record LayerSpec(
    LayerType Type,
    int Declaration,
    int A,
    int B,
    int C,
    int Stride,
    bool StrideGiven,
    int Padding,
    ActivationKind Activation,
    InitKind Init,
    double Value,
    double L1,
    double L2,
    bool HasErrors,
    LocationInfo? Location,
    EquatableArray<ArgumentLocation> Arguments)
{
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
    EquatableArray<LayerSpec> Layers);
