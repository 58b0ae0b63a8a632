using System.Runtime.Intrinsics;
using StaticNets.__Internals;
using Xunit;

#pragma warning disable CS0618 // Transpose and EpilogueLanes are for generated code; these tests call them directly

namespace StaticNets.Tests.Numerics;

/// <summary>
/// <see cref="Transpose"/> against a transpose one float at a time, on every vector path (<see cref="VectorPath"/>):
/// sizes in whole 8x8 blocks, with edges of rows, of columns and of both, and spans that end right after the last
/// float written; every other float of the destination keeps its value. And <see cref="EpilogueLanes.ScaleShift"/>
/// against BatchNorm's formula, bit for bit.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class TransposeTests
{
    [Theory]
    [InlineData(16, 4)]
    [InlineData(16, 125)]
    [InlineData(8, 4)]
    [InlineData(8, 36)]
    public void Columns4_stores_each_lane_as_a_run_of_four_and_nothing_else(int lanes, int stride)
    {
        var random = new Random(lanes * 100 + stride);
        var values = new float[4][];
        for (int j = 0; j < 4; j++)
        {
            values[j] = new float[lanes];
            for (int i = 0; i < lanes; i++) values[j][i] = (float)random.NextDouble() + 1f;
        }
        var destination = new float[(lanes - 1) * stride + 4 + 3];
        for (int i = 0; i < destination.Length; i++) destination[i] = -(float)random.NextDouble() - 1f;
        var expected = (float[])destination.Clone();
        const int at = 3; // the run starts off a vector boundary
        for (int i = 0; i < lanes; i++)
        {
            for (int j = 0; j < 4; j++) expected[at + i * stride + j] = values[j][i];
        }

        if (lanes == 16)
        {
            Transpose.Columns4(Vector512.Create(values[0]), Vector512.Create(values[1]), Vector512.Create(values[2]), Vector512.Create(values[3]),
                ref destination[at], stride);
        }
        else
        {
            Transpose.Columns4(Vector256.Create(values[0]), Vector256.Create(values[1]), Vector256.Create(values[2]), Vector256.Create(values[3]),
                ref destination[at], stride);
        }

        Assert.Equal(expected, destination);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(8)]
    [InlineData(4)]
    public void Scatter4_stores_each_lane_as_a_run_of_four_at_its_offset_and_nothing_else(int lanes)
    {
        var random = new Random(lanes);
        var values = new float[4][];
        for (int j = 0; j < 4; j++)
        {
            values[j] = new float[lanes];
            for (int i = 0; i < lanes; i++) values[j][i] = (float)random.NextDouble() + 1f;
        }
        // A 4x(lanes/4) plane in a zero-bordered channels-last buffer of 6 channels, written from channel 1.
        int[] offsets = Transpose.PaddedOffsets(4, lanes / 4, lanes / 4 + 3, 1, 2, 6);
        var destination = new float[6 * (lanes / 4 + 3) * 6];
        for (int i = 0; i < destination.Length; i++) destination[i] = -(float)random.NextDouble() - 1f;
        var expected = (float[])destination.Clone();
        for (int i = 0; i < lanes; i++)
        {
            int h = i / (lanes / 4), w = i % (lanes / 4);
            Assert.Equal(((h + 1) * (lanes / 4 + 3) + w + 2) * 6, offsets[i]);
            for (int j = 0; j < 4; j++) expected[offsets[i] + 1 + j] = values[j][i];
        }

        if (lanes == 16)
        {
            Transpose.Scatter4(Vector512.Create(values[0]), Vector512.Create(values[1]), Vector512.Create(values[2]), Vector512.Create(values[3]),
                ref destination[1], ref offsets[0]);
        }
        else if (lanes == 8)
        {
            Transpose.Scatter4(Vector256.Create(values[0]), Vector256.Create(values[1]), Vector256.Create(values[2]), Vector256.Create(values[3]),
                ref destination[1], ref offsets[0]);
        }
        else
        {
            Transpose.Scatter4(Vector128.Create(values[0]), Vector128.Create(values[1]), Vector128.Create(values[2]), Vector128.Create(values[3]),
                ref destination[1], ref offsets[0]);
        }

        Assert.Equal(expected, destination);
    }

    [Fact]
    public void WindowOffsets_are_where_each_strided_window_starts_channels_last()
    {
        int[] offsets = Transpose.WindowOffsets(3, 4, 2, 3, 11, 5);
        Assert.Equal(12, offsets.Length);
        for (int oy = 0; oy < 3; oy++)
        {
            for (int ox = 0; ox < 4; ox++) Assert.Equal((oy * 2 * 11 + ox * 3) * 5, offsets[oy * 4 + ox]);
        }
        Assert.Throws<ArgumentException>(() => Transpose.WindowOffsets(3, 4, 2, 3, 9, 5)); // the last window starts past the row
    }

    [Fact]
    public void PaddedOffsets_refuses_a_plane_that_does_not_fit() =>
        Assert.Throws<ArgumentException>(() => Transpose.PaddedOffsets(3, 5, 6, 0, 2, 4));

    [Theory]
    [InlineData(8, 8, 8, 8)]
    [InlineData(16, 24, 24, 16)]
    [InlineData(13, 9, 11, 15)]
    [InlineData(125, 64, 64, 125)]
    [InlineData(64, 9, 9, 64)]
    [InlineData(3, 5, 7, 3)]
    public void Matrix_transposes_and_writes_nothing_else(int rows, int columns, int sourceStride, int destinationStride)
    {
        var random = new Random(rows * 1000 + columns);
        var source = new float[(rows - 1) * sourceStride + columns];
        var destination = new float[(columns - 1) * destinationStride + rows];
        for (int i = 0; i < source.Length; i++) source[i] = (float)random.NextDouble() + 1f;
        for (int i = 0; i < destination.Length; i++) destination[i] = -(float)random.NextDouble() - 1f;
        var expected = (float[])destination.Clone();
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++) expected[j * destinationStride + i] = source[i * sourceStride + j];
        }

        Transpose.Matrix(source, sourceStride, rows, columns, destination, destinationStride);

        Assert.Equal(expected, destination);
    }

    [Theory]
    [InlineData(64, 25, 5, 1, 1, 1, 1)]
    [InlineData(8, 48, 48, 1, 1, 1, 1)]
    [InlineData(12, 7, 9, 1, 2, 1, 2)]
    [InlineData(16, 8, 10, 0, 0, 1, 1)]
    [InlineData(5, 3, 3, 1, 1, 1, 1)]
    [InlineData(24, 3, 3, 0, 1, 2, 0)]
    public void Padded_fills_the_interior_and_leaves_the_border(int channels, int height, int width, int top, int left, int bottom, int right)
    {
        int hp = height + top + bottom, wp = width + left + right;
        var random = new Random(channels * 100 + height);
        var x = new float[channels * height * width];
        var destination = new float[hp * wp * channels];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextDouble() + 1f;
        for (int i = 0; i < destination.Length; i++) destination[i] = -(float)random.NextDouble() - 1f;
        var expected = (float[])destination.Clone();
        for (int c = 0; c < channels; c++)
        {
            for (int h = 0; h < height; h++)
            {
                for (int w = 0; w < width; w++) expected[((h + top) * wp + w + left) * channels + c] = x[(c * height + h) * width + w];
            }
        }

        Transpose.Padded(x, channels, height, width, destination, wp, top, left);

        Assert.Equal(expected, destination);
    }

    [Fact]
    public void ScaleShift_rounds_as_BatchNorm()
    {
        const int n = 21;
        const float epsilon = 1e-3f;
        var random = new Random(5);
        float[] gamma = Values(random, n), beta = Values(random, n), mean = Values(random, n), variance = Values(random, n);
        var scales = new float[n];
        var shifts = new float[n];

        EpilogueLanes.ScaleShift(gamma, beta, mean, variance, epsilon, scales, shifts);

        for (int i = 0; i < n; i++)
        {
            float s = gamma[i] / MathF.Sqrt(variance[i] + epsilon);
            Assert.Equal(BitConverter.SingleToInt32Bits(s), BitConverter.SingleToInt32Bits(scales[i]));
            Assert.Equal(BitConverter.SingleToInt32Bits(beta[i] - mean[i] * s), BitConverter.SingleToInt32Bits(shifts[i]));
        }
    }

    private static float[] Values(Random random, int n)
    {
        var values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (float)random.NextDouble() * 2f + 0.1f;
        return values;
    }
}
