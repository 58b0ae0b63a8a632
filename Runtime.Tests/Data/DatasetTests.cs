using Xunit;

namespace StaticNets.Tests.Data;

public class DatasetTests
{
    private static Dataset Numbered(int count, int inputSize = 2)
    {
        // Sample i has inputs (i, i + 0.5, ...) and label i, so any view can be checked against its origin.
        var inputs = new float[count * inputSize];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i;
            for (int j = 0; j < inputSize; j++)
            {
                inputs[i * inputSize + j] = i + 0.5f * j;
            }
        }

        return new Dataset(inputs, labels);
    }

    private static int[] LabelsOf(Dataset data) => [.. Enumerable.Range(0, data.Count).Select(data.Label)];

    [Fact]
    public void Labelled_dataset_exposes_samples()
    {
        var data = new Dataset([1, 2, 3, 4, 5, 6], [2, 0, 1]);

        Assert.Equal(3, data.Count);
        Assert.Equal(2, data.InputSize);
        Assert.True(data.HasLabels);
        Assert.Equal(0, data.TargetSize);
        Assert.Equal([3f, 4f], data.Input(1).ToArray());
        Assert.Equal(1, data.Label(2));
        Assert.Throws<InvalidOperationException>(() => data.Target(0).ToArray());
    }

    [Fact]
    public void Target_dataset_exposes_samples()
    {
        var data = new Dataset([1, 2, 3, 4, 5, 6], [0.1f, 0.9f, 0.7f, 0.3f], 2);

        Assert.Equal(2, data.Count);
        Assert.Equal(3, data.InputSize);
        Assert.False(data.HasLabels);
        Assert.Equal(2, data.TargetSize);
        Assert.Equal([4f, 5f, 6f], data.Input(1).ToArray());
        Assert.Equal([0.7f, 0.3f], data.Target(1).ToArray());
        Assert.Throws<InvalidOperationException>(() => data.Label(0));
    }

    [Fact]
    public void Inputs_are_wrapped_not_copied()
    {
        float[] inputs = [1, 2, 3, 4];
        var data = new Dataset(inputs, [0, 1]);

        Dataset shuffled = data.Shuffle(3);
        inputs[3] = 40;

        Assert.Equal(40f, data.Input(1)[1]);
        int sampleOne = shuffled.Label(0) == 1 ? 0 : 1;
        Assert.Equal(40f, shuffled.Input(sampleOne)[1]);
    }

    [Fact]
    public void Input_length_not_a_multiple_of_the_sample_count_names_both()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset([1, 2, 3, 4, 5], [0, 1]));
        Assert.Equal("inputs", e.ParamName);
        Assert.Contains("inputs has 5 values", e.Message);
        Assert.Contains("2 samples", e.Message);

        var empty = Assert.Throws<ArgumentException>(() => new Dataset([], [0, 1]));
        Assert.Contains("inputs has 0 values", empty.Message);

        var targets = Assert.Throws<ArgumentException>(() => new Dataset([1, 2, 3], [1, 0, 0, 1], 2));
        Assert.Contains("inputs has 3 values", targets.Message);
        Assert.Contains("2 samples", targets.Message);
    }

    [Fact]
    public void Negative_label_names_its_index_and_value()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset([1, 2, 3], [0, 4, -2]));
        Assert.Equal("labels", e.ParamName);
        Assert.Contains("labels[2] is -2", e.Message);
    }

    [Fact]
    public void Empty_or_misshapen_targets_are_rejected()
    {
        Assert.Contains("at least one sample", Assert.Throws<ArgumentException>(() => new Dataset([1f], Array.Empty<int>())).Message);
        Assert.Contains("targets has 5 values", Assert.Throws<ArgumentException>(() => new Dataset([1, 2], [1, 2, 3, 4, 5], 2)).Message);
        Assert.Equal("targetSize", Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset([1, 2], [1, 2], 0)).ParamName);
    }

    [Fact]
    public void Index_outside_the_dataset_is_reported()
    {
        Dataset data = Numbered(3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => data.Input(3).ToArray());
        Assert.Contains("Sample index 3", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Label(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Slice(1, 2).Label(2));
    }

    [Fact]
    public void Shuffle_is_a_seeded_permutation()
    {
        Dataset data = Numbered(50);

        Dataset shuffled = data.Shuffle(seed: 7);

        Assert.Equal(50, shuffled.Count);
        Assert.Equal(Enumerable.Range(0, 50), LabelsOf(shuffled).Order());
        Assert.NotEqual(LabelsOf(data), LabelsOf(shuffled));
        Assert.Equal(LabelsOf(shuffled), LabelsOf(data.Shuffle(seed: 7)));
        Assert.NotEqual(LabelsOf(shuffled), LabelsOf(data.Shuffle(seed: 8)));
        for (int i = 0; i < shuffled.Count; i++)
        {
            int origin = shuffled.Label(i);
            Assert.Equal(data.Input(origin).ToArray(), shuffled.Input(i).ToArray());
        }
    }

    [Fact]
    public void Split_rounds_the_fraction_and_partitions_the_samples()
    {
        Dataset data = Numbered(10);

        (Dataset first, Dataset second) = data.Split(0.25, seed: 3);

        Assert.Equal(3, first.Count); // round(2.5) away from zero
        Assert.Equal(7, second.Count);
        Assert.Equal(Enumerable.Range(0, 10), LabelsOf(first).Concat(LabelsOf(second)).Order());
        Assert.Equal(LabelsOf(data.Shuffle(3)).Take(3), LabelsOf(first));
        Assert.Equal(LabelsOf(first), LabelsOf(data.Split(0.25, seed: 3).First));
    }

    [Fact]
    public void Split_of_a_view_keeps_the_original_samples()
    {
        Dataset view = Numbered(20).Slice(5, 10);

        (Dataset first, Dataset second) = view.Split(0.5, seed: 1);

        Assert.Equal(Enumerable.Range(5, 10), LabelsOf(first).Concat(LabelsOf(second)).Order());
        Assert.Equal([first.Label(0), first.Label(0) + 0.5f], first.Input(0).ToArray());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void Split_fraction_must_be_strictly_between_0_and_1(double fraction)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(10).Split(fraction, 0));
        Assert.Equal("fraction", e.ParamName);
    }

    [Fact]
    public void Split_that_leaves_a_part_empty_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Numbered(10).Split(0.02, 0));
        Assert.Contains("gives 0 and 10", e.Message);
    }

    [Fact]
    public void Take_and_Slice_are_views_in_order()
    {
        Dataset data = Numbered(10, inputSize: 3);

        Assert.Equal([0, 1, 2, 3], LabelsOf(data.Take(4)));
        Assert.Same(data, data.Take(10));
        Assert.Same(data, data.Take(25));
        Dataset slice = data.Slice(6, 3);
        Assert.Equal([6, 7, 8], LabelsOf(slice));
        Assert.Equal([7f, 7.5f, 8f], slice.Input(1).ToArray());
        Assert.Equal([7, 8], LabelsOf(slice.Slice(1, 2)));
        Assert.Equal(3, slice.InputSize);
    }

    [Theory]
    [InlineData(-1, 2)]
    [InlineData(0, 0)]
    [InlineData(8, 3)]
    public void Slice_outside_the_dataset_is_rejected(int start, int count)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(10).Slice(start, count));
        Assert.Contains($"Slice({start}, {count})", e.Message);
        Assert.Contains("10 samples", e.Message);
    }

    [Fact]
    public void Take_needs_a_positive_count()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(3).Take(0));
    }

    [Fact]
    public void Target_views_follow_their_samples()
    {
        var data = new Dataset([0, 1, 2, 3], [0, 0.5f, 1, 1.5f, 2, 2.5f, 3, 3.5f], 2);

        Dataset shuffled = data.Shuffle(5);

        for (int i = 0; i < shuffled.Count; i++)
        {
            float origin = shuffled.Input(i)[0];
            Assert.Equal([origin, origin + 0.5f], shuffled.Target(i).ToArray());
        }
    }
}
