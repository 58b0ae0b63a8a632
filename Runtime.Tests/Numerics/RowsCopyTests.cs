using StaticNets.__Internals;
using Xunit;

#pragma warning disable CS0618 // Rows is for generated code; these tests call it directly

namespace StaticNets.Tests.Numerics;

/// <summary>
/// <see cref="Rows.Copy"/> against a copy one float at a time, on the Vector512, Vector256 and scalar paths (one per
/// process: <see cref="VectorPath"/>): rows narrower than a vector (blended into the destination), as wide as one and
/// wider, with spans that end right after the last row, so that the last rows cannot be read or written by a vector.
/// Every destination float outside the rows keeps its value.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class RowsCopyTests
{
    [Theory]
    [InlineData(1, 1, 3, 5)]
    [InlineData(3, 3, 5, 4)]
    [InlineData(5, 5, 7, 25)]
    [InlineData(6, 6, 8, 6)]
    [InlineData(7, 9, 7, 3)]
    [InlineData(8, 8, 10, 4)]
    [InlineData(12, 14, 12, 5)]
    [InlineData(5, 7, 5, 25)]
    public void Copies_the_rows_and_nothing_else(int width, int sourceStride, int destinationStride, int rows)
    {
        var random = new Random(width * 100 + rows);
        var source = new float[(rows - 1) * sourceStride + width];
        var destination = new float[(rows - 1) * destinationStride + width];
        for (int i = 0; i < source.Length; i++) source[i] = (float)random.NextDouble() + 1f;
        for (int i = 0; i < destination.Length; i++) destination[i] = -(float)random.NextDouble() - 1f;
        var expected = (float[])destination.Clone();
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < width; i++) expected[r * destinationStride + i] = source[r * sourceStride + i];
        }

        Rows.Copy(source, sourceStride, destination, destinationStride, rows, width);

        Assert.Equal(expected, destination);
    }

    [Theory]
    [InlineData(18, 18, 2, 2, 2, 2)]
    [InlineData(34, 34, 2, 2, 2, 2)]
    [InlineData(17, 33, 2, 2, 2, 2)]
    [InlineData(16, 16, 2, 2, 1, 1)]
    [InlineData(49, 11, 2, 2, 2, 2)]
    [InlineData(9, 21, 2, 1, 2, 1)]
    [InlineData(12, 41, 1, 2, 1, 2)]
    [InlineData(10, 10, 3, 3, 3, 2)]
    [InlineData(14, 14, 2, 2, 2, 2)]
    [InlineData(7, 13, 2, 2, 2, 2)]
    public void SplitPhases_puts_every_used_cell_in_its_phase_and_nothing_else(int height, int width, int sh, int sw, int usedRows, int usedColumns)
    {
        var random = new Random(height * 1000 + width);
        int phaseRows = (height + sh - 1) / sh, phaseColumns = (width + sw - 1) / sw, phase = phaseRows * phaseColumns;
        var plane = new float[height * width];
        for (int i = 0; i < plane.Length; i++) plane[i] = (float)random.NextDouble() + 1f;
        var phases = new float[sh * sw * phase];
        for (int i = 0; i < phases.Length; i++) phases[i] = -1f;
        var expected = (float[])phases.Clone();
        for (int a = 0; a < usedRows; a++)
            for (int b = 0; b < usedColumns; b++)
                for (int i = 0; sh * i + a < height; i++)
                    for (int j = 0; sw * j + b < width; j++)
                        expected[(a * sw + b) * phase + i * phaseColumns + j] = plane[(sh * i + a) * width + sw * j + b];

        Rows.SplitPhases(plane, height, width, sh, sw, usedRows, usedColumns, phases, phaseRows, phaseColumns);

        Assert.Equal(expected, phases);
        Assert.Throws<ArgumentException>(() => Rows.SplitPhases(plane, height, width, sh, sw, usedRows, usedColumns, phases.AsSpan(1), phaseRows, phaseColumns));
    }
}
