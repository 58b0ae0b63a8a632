using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace StaticNets.__Internals;

/// <summary>Argument checks of generated code, with the throwing kept out of the hot path.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static class Guard
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the expected size unless <paramref name="actual"/> equals it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length(int actual, int expected, string network, string shape, string parameter)
    {
        if (actual != expected) ThrowLength(actual, expected, network, shape, parameter);
    }

    /// <summary>
    /// The number of samples in a batch of <paramref name="length"/> values, <paramref name="size"/> per sample;
    /// throws an <see cref="ArgumentException"/> unless the length is a whole number of samples.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Batch(int length, int size, string network, string shape, string parameter)
    {
        if (length % size != 0) ThrowBatch(length, size, network, shape, parameter);
        return length / size;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> unless <paramref name="actual"/> is <paramref name="count"/> times <paramref name="size"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BatchLength(int actual, int count, int size, string network, string what, string parameter)
    {
        if (actual != (long)count * size) ThrowBatchLength(actual, count, size, network, what, parameter);
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
        throw new InvalidOperationException($"This {network} is already running a pass (Forward, Predict, their batches or ComputeGradients) on another thread. An instance holds one set of activation buffers, so use one instance per thread (separate instances are independent).");

    [DoesNotReturn]
    private static void ThrowLength(int actual, int expected, string network, string shape, string parameter) =>
        throw new ArgumentException($"{network} expects {parameter} of {expected} values ({shape}); got {actual}.", parameter);

    [DoesNotReturn]
    private static void ThrowBatch(int length, int size, string network, string shape, string parameter) =>
        throw new ArgumentException($"{network} expects {parameter} to hold whole samples of {size} values ({shape}) back to back; got {length} values, {length / size} samples and {length % size} values over.", parameter);

    [DoesNotReturn]
    private static void ThrowBatchLength(int actual, int count, int size, string network, string what, string parameter) =>
        throw new ArgumentException($"{network} got {count} samples, so {parameter} needs {(long)count * size} values ({count} x {size} {what}); got {actual}.", parameter);

    [DoesNotReturn]
    private static void ThrowLabel(int label, int classes, string network) =>
        throw new ArgumentOutOfRangeException("label", label, $"{network} has {classes} outputs, so a label must be in [0, {classes - 1}]; got {label}.");
}
