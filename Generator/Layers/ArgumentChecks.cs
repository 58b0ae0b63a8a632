using StaticNets.Generator.Model;
using StaticNets.Generator.Shapes;

namespace StaticNets.Generator.Layers;

/// <summary>
/// SN1003 for one attribute: each check reports at the argument it names, in a message that starts with the
/// layer's name and kind: <c>conv1 (Conv2D): kernel = 0 must be at least 1.</c> An argument the output shape
/// is computed from (<see cref="ShapeAtLeast"/>) that is out of range leaves the layer's output shape unknown
/// (<see cref="ShapeUnknown"/>); any other argument out of range (a rate, a slope, L1, L2, an enum) does not.
/// </summary>
internal sealed class ArgumentChecks
{
    private readonly LayerSpec _spec;
    private readonly DiagnosticSink _diagnostics;

    public ArgumentChecks(LayerSpec spec, string name, DiagnosticSink diagnostics)
    {
        _spec = spec;
        _diagnostics = diagnostics;
        Head = $"{name} ({spec.Type})";
    }

    /// <summary><c>conv1 (Conv2D)</c>.</summary>
    public string Head { get; }

    /// <summary>
    /// An argument the output shape is computed from was out of range (filters, units, kernel, size, stride,
    /// padding, the input's sizes): the driver does not infer this layer, nor what reads its output.
    /// </summary>
    public bool ShapeUnknown { get; private set; }

    /// <summary>SN1003 on an argument that does not determine the output shape: the layer is still inferred.</summary>
    public void Report(string argument, string message) =>
        _diagnostics.Report(DiagnosticIds.SN1003, $"{Head}: {message}", _spec.ArgumentOrAttribute(argument));

    /// <summary>A count, size, stride or padding the output shape is computed from: below <paramref name="minimum"/> it is SN1003, and the shape is unknown.</summary>
    public void ShapeAtLeast(string argument, long value, long minimum)
    {
        if (value >= minimum) return;
        Report(argument, $"{argument} = {value} must be at least {minimum}.");
        ShapeUnknown = true;
    }

    /// <summary>SN1003 on an argument the output shape is computed from, with its own message: the shape is unknown.</summary>
    public void ShapeInvalid(string argument, string message)
    {
        Report(argument, message);
        ShapeUnknown = true;
    }

    /// <summary>A double the network can use as a float: finite there (1e300 is not) and not negative.</summary>
    public void FiniteNotNegative(string argument, double value)
    {
        if (!(value >= 0) || double.IsInfinity((float)value))
        {
            string range = value > float.MaxValue && !double.IsInfinity(value) ? $" (as a float: at most {float.MaxValue.ToString("R", Messages.Inv)})" : "";
            Report(argument, $"{argument} = {Messages.Format(value)} must be finite{range} and at least 0.");
        }
    }

    /// <summary>The options every layer with weights takes: L1, L2, Activation and Init.</summary>
    public void WeightOptions()
    {
        FiniteNotNegative("L1", _spec.L1);
        FiniteNotNegative("L2", _spec.L2);
        if (_spec.Activation < ActivationKind.None || _spec.Activation > ActivationKind.ReLU6)
        {
            Report("Activation", $"Activation = {(int)_spec.Activation} is not a value of the Activation enum. Use one of Activation.None, ReLU, LeakyReLU, GELU, Sigmoid, Tanh, Softmax or ReLU6.");
        }
        if (_spec.Init < InitKind.Auto || _spec.Init > InitKind.XavierUniform)
        {
            Report("Init", $"Init = {(int)_spec.Init} is not a value of the Init enum. Use one of Init.Auto, HeNormal, HeUniform, XavierNormal or XavierUniform.");
        }
    }
}
