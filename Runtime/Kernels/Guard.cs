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

    [DoesNotReturn]
    private static void ThrowLength(int actual, int expected, string network, string shape, string parameter) =>
        throw new ArgumentException($"{network} expects {parameter} of {expected} values ({shape}); got {actual}.", parameter);

    [DoesNotReturn]
    private static void ThrowLabel(int label, int classes, string network) =>
        throw new ArgumentOutOfRangeException("label", label, $"{network} has {classes} outputs, so a label must be in [0, {classes - 1}]; got {label}.");
}
