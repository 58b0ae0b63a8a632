using System.Collections.Generic;

namespace StaticNets.Generator.Layers;

/// <summary>
/// An attribute's arguments as plain values, by constructor parameter name (<c>filters</c>) or property
/// name (<c>Stride</c>). The parser fills it from the attribute's constants (an enum as its underlying
/// int), so that a layer's rule reads its arguments without touching Roslyn.
/// </summary>
internal sealed class LayerArguments
{
    private readonly IReadOnlyDictionary<string, object?> _values;

    public LayerArguments(IReadOnlyDictionary<string, object?> values) => _values = values;

    /// <summary>Whether the attribute's code names the argument.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>The argument as an int, or <paramref name="fallback"/> when absent or not an int.</summary>
    public int Int(string name, int fallback) => _values.TryGetValue(name, out var v) && v is int i ? i : fallback;

    /// <summary>The argument as an int array (<c>Pads = new[] { 1, 1, 0, 0 }</c>), or null when absent, null or not of ints.</summary>
    public int[]? Ints(string name) => _values.TryGetValue(name, out var v) && v is int[] a ? a : null;

    /// <summary>The argument as a string, or null when absent, null or not a string.</summary>
    public string? String(string name) => _values.TryGetValue(name, out var v) ? v as string : null;

    /// <summary>The argument as a bool, or <paramref name="fallback"/> when absent or not a bool.</summary>
    public bool Bool(string name, bool fallback) => _values.TryGetValue(name, out var v) && v is bool b ? b : fallback;

    /// <summary>The argument as a double (from a double, float or int), or <paramref name="fallback"/>.</summary>
    public double Double(string name, double fallback) => _values.TryGetValue(name, out var v) ? v switch
    {
        double d => d,
        float f => f,
        int i => i,
        _ => fallback,
    } : fallback;
}
