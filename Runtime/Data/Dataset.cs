using System.Globalization;
using StaticNets.__Internals;

namespace StaticNets;

/// <summary>
/// Samples for training or evaluation: a flat array of inputs, <see cref="InputSize"/> values per
/// sample, each with either a class label or a target vector of <see cref="TargetSize"/> values.
/// </summary>
/// <remarks>
/// A dataset wraps the arrays it is given without copying them (changing them afterwards changes
/// the dataset). <see cref="Shuffle"/>, <see cref="Split"/>, <see cref="Take"/> and
/// <see cref="Slice"/> return views over the same arrays: they copy at most one index per sample,
/// never the inputs.
/// </remarks>
public sealed class Dataset
{
    private readonly float[] inputs;
    private readonly int[]? labels;
    private readonly float[]? targets;

    // Sample i of this view is row rows[start + i] of the arrays, or row start + i when rows is null.
    private readonly int[]? rows;
    private readonly int start;

    /// <summary>Samples with class labels: sample <c>i</c> is <c>inputs[i*n .. (i+1)*n)</c> with label <c>labels[i]</c>, where <c>n = inputs.Length / labels.Length</c>.</summary>
    /// <param name="inputs">All inputs, sample after sample; its length is a positive multiple of the number of labels.</param>
    /// <param name="labels">One non-negative class index per sample (checked against a network's output count when training or evaluating).</param>
    /// <exception cref="ArgumentException">There are no labels, a label is negative, or the lengths do not fit.</exception>
    public Dataset(float[] inputs, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length == 0)
        {
            throw new ArgumentException("A dataset needs at least one sample, but labels is empty.", nameof(labels));
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0)
            {
                throw new ArgumentException($"labels[{i}] is {labels[i]}; class labels must be non-negative.", nameof(labels));
            }
        }

        this.inputs = inputs;
        this.labels = labels;
        Count = labels.Length;
        InputSize = SampleSize(inputs.Length, Count, "labels");
    }

    /// <summary>Samples with target vectors: sample <c>i</c> is <c>inputs[i*n .. (i+1)*n)</c> with target <c>targets[i*targetSize .. (i+1)*targetSize)</c>.</summary>
    /// <param name="inputs">All inputs, sample after sample; its length is a positive multiple of the number of samples.</param>
    /// <param name="targets">All target vectors, sample after sample; the number of samples is <c>targets.Length / targetSize</c>.</param>
    /// <param name="targetSize">Values per target vector (a network's output size).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="targetSize"/> is not positive.</exception>
    /// <exception cref="ArgumentException">The lengths do not fit.</exception>
    public Dataset(float[] inputs, float[] targets, int targetSize)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (targetSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(targetSize), targetSize, $"targetSize must be at least 1, but it is {targetSize}.");
        }

        if (targets.Length == 0 || targets.Length % targetSize != 0)
        {
            throw new ArgumentException(
                $"targets has {targets.Length} values, which is not a positive multiple of targetSize {targetSize}.", nameof(targets));
        }

        this.inputs = inputs;
        this.targets = targets;
        TargetSize = targetSize;
        Count = targets.Length / targetSize;
        InputSize = SampleSize(inputs.Length, Count, $"targets ({targets.Length} values / targetSize {targetSize})");
    }

    private Dataset(Dataset source, int[]? rows, int start, int count)
    {
        inputs = source.inputs;
        labels = source.labels;
        targets = source.targets;
        InputSize = source.InputSize;
        TargetSize = source.TargetSize;
        this.rows = rows;
        this.start = start;
        Count = count;
    }

    /// <summary>Number of samples (at least one).</summary>
    public int Count { get; }

    /// <summary>Input values per sample.</summary>
    public int InputSize { get; }

    /// <summary>Whether the samples carry class labels (<see cref="Label"/>) rather than target vectors (<see cref="Target"/>).</summary>
    public bool HasLabels => labels is not null;

    /// <summary>Values per target vector; 0 when the samples carry class labels.</summary>
    public int TargetSize { get; }

    /// <summary>The input of sample <paramref name="index"/>: <see cref="InputSize"/> values.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside <c>[0, Count)</c>.</exception>
    public ReadOnlySpan<float> Input(int index) => inputs.AsSpan(Row(index) * InputSize, InputSize);

    /// <summary>The class label of sample <paramref name="index"/>.</summary>
    /// <exception cref="InvalidOperationException">The dataset has target vectors, not labels.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside <c>[0, Count)</c>.</exception>
    public int Label(int index)
    {
        if (labels is null)
        {
            throw new InvalidOperationException($"This dataset has target vectors of {TargetSize} values, not class labels; use Target(i).");
        }

        return labels[Row(index)];
    }

    /// <summary>The target vector of sample <paramref name="index"/>: <see cref="TargetSize"/> values.</summary>
    /// <exception cref="InvalidOperationException">The dataset has class labels, not target vectors.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside <c>[0, Count)</c>.</exception>
    public ReadOnlySpan<float> Target(int index)
    {
        if (targets is null)
        {
            throw new InvalidOperationException("This dataset has class labels, not target vectors; use Label(i).");
        }

        return targets.AsSpan(Row(index) * TargetSize, TargetSize);
    }

    /// <summary>The same samples in an order drawn from <paramref name="seed"/> (the same seed gives the same order on every run and runtime).</summary>
    public Dataset Shuffle(int seed)
    {
        var order = new int[Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        new SplitMix64(SplitMix64.Hash((ulong)seed, 0x5348_5546, 0)).Shuffle(order);
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = Row(order[i]);
        }

        return new Dataset(this, order, 0, Count);
    }

    /// <summary>
    /// Shuffles with <paramref name="seed"/> and cuts in two: <c>First</c> gets
    /// <c>round(fraction * Count)</c> samples (halves rounded away from zero), <c>Second</c> the rest.
    /// </summary>
    /// <param name="fraction">Share of the samples that goes to <c>First</c>, strictly between 0 and 1.</param>
    /// <param name="seed">Seed of the shuffle.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is not strictly between 0 and 1.</exception>
    /// <exception cref="ArgumentException">One of the parts would be empty.</exception>
    public (Dataset First, Dataset Second) Split(double fraction, int seed)
    {
        if (!(fraction > 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction,
                $"fraction must be strictly between 0 and 1, but it is {fraction.ToString(CultureInfo.InvariantCulture)}.");
        }

        int firstCount = (int)Math.Round(fraction * Count, MidpointRounding.AwayFromZero);
        if (firstCount == 0 || firstCount == Count)
        {
            throw new ArgumentException(
                $"Split({fraction.ToString(CultureInfo.InvariantCulture)}) of {Count} samples gives {firstCount} and {Count - firstCount}: a dataset cannot be empty.",
                nameof(fraction));
        }

        Dataset shuffled = Shuffle(seed);
        return (shuffled.Slice(0, firstCount), shuffled.Slice(firstCount, Count - firstCount));
    }

    /// <summary>The first <paramref name="count"/> samples (all of them when <paramref name="count"/> is at least <see cref="Count"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public Dataset Take(int count)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be at least 1, but it is {count}.");
        }

        return count >= Count ? this : Slice(0, count);
    }

    /// <summary>Samples <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> - 1, as a view.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty or does not lie within <c>[0, Count)</c>.</exception>
    public Dataset Slice(int start, int count)
    {
        if (start < 0 || count < 1 || start > Count - count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count,
                $"Slice({start}, {count}) is not a non-empty range within the dataset's {Count} samples.");
        }

        return new Dataset(this, rows, this.start + start, count);
    }

    /// <summary>A short description: sample count, input size and kind of output.</summary>
    public override string ToString() => HasLabels
        ? $"{Count} samples of {InputSize} values with class labels"
        : $"{Count} samples of {InputSize} values with targets of {TargetSize} values";

    private int Row(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Sample index {index} is outside the dataset's {Count} samples.");
        }

        return rows is null ? start + index : rows[start + index];
    }

    private static int SampleSize(int inputLength, int count, string countSource)
    {
        if (inputLength == 0 || inputLength % count != 0)
        {
            throw new ArgumentException(
                $"inputs has {inputLength} values, which is not a positive multiple of the {count} samples given by {countSource}.", "inputs");
        }

        return inputLength / count;
    }
}
