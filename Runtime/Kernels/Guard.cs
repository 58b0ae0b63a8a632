using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace StaticNets.Kernels;

/// <summary>Argument checks of generated code, with the throwing kept out of the hot path.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Guard
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the expected size unless <paramref name="actual"/> equals it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length(int actual, int expected, string network, string shape, string parameter)
    {
        if (actual != expected) ThrowLength(actual, expected, network, shape, parameter);
    }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> unless <c>0 &lt;= label &lt; classes</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Label(int label, int classes, string network)
    {
        if ((uint)label >= (uint)classes) ThrowLabel(label, classes, network);
    }

    /// <summary>Throws the error for an instance entered by a second thread while a pass runs.</summary>
    [DoesNotReturn]
    public static void ConcurrentUse(string network) =>
        throw new InvalidOperationException($"This {network} is already running Forward, Predict or ComputeGradients on another thread. An instance holds one set of activation buffers, so use one instance per thread (separate instances are independent).");

    [DoesNotReturn]
    private static void ThrowLength(int actual, int expected, string network, string shape, string parameter) =>
        throw new ArgumentException($"{network} expects {parameter} of {expected} values ({shape}); got {actual}.", parameter);

    [DoesNotReturn]
    private static void ThrowLabel(int label, int classes, string network) =>
        throw new ArgumentOutOfRangeException("label", label, $"{network} has {classes} outputs, so a label must be in [0, {classes - 1}]; got {label}.");
}
