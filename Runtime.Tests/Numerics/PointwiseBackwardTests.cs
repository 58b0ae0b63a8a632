using System.Runtime.Intrinsics;
using StaticNets.__Internals;
using Xunit;

#pragma warning disable CS0618 // PointwiseBackward is for generated code; these tests call it directly

namespace StaticNets.Tests.Numerics;

/// <summary>
/// <see cref="PointwiseBackward"/> against the products in double, one value at a time, on every vector path
/// (<see cref="VectorPath"/>; each width runs where the hardware has it): planes under a vector and not whole vectors,
/// channel and filter counts that are not whole vectors (each product taken as it is or transposed); the weight gradient
/// is added into what was there, the input gradient written or added, and nothing past either is touched.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class PointwiseBackwardTests
{
    [Theory]
    [InlineData(24, 40, 9, false)]
    [InlineData(40, 24, 9, true)]
    [InlineData(64, 64, 125, false)]
    [InlineData(24, 40, 125, true)]
    [InlineData(8, 16, 2304, false)]
    [InlineData(128, 256, 36, true)]
    [InlineData(256, 256, 9, false)]
    [InlineData(5, 7, 1, true)]
    [InlineData(37, 9, 36, false)]
    public void Gradients_match_the_reference(int channels, int filters, int positions, bool add)
    {
        var random = new Random(channels * 31 + filters * 7 + positions);
        float Next() => (float)(random.NextDouble() * 2 - 1);
        var x = Enumerable.Range(0, channels * positions).Select(_ => Next()).ToArray();
        var dz = Enumerable.Range(0, filters * positions).Select(_ => Next()).ToArray();
        var w = Enumerable.Range(0, filters * channels).Select(_ => Next()).ToArray();
        var dw0 = Enumerable.Range(0, filters * channels + 3).Select(_ => Next()).ToArray();
        var dx0 = Enumerable.Range(0, channels * positions + 3).Select(_ => Next()).ToArray();
        var dwExpected = dw0.Select(v => (double)v).ToArray();
        var dxExpected = dx0.Select(v => (double)v).ToArray();
        for (int c = 0; c < channels; c++)
        {
            for (int p = 0; p < positions; p++)
            {
                if (!add) dxExpected[c * positions + p] = 0;
            }
        }
        for (int k = 0; k < filters; k++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int p = 0; p < positions; p++)
                {
                    dwExpected[k * channels + c] += (double)dz[k * positions + p] * x[c * positions + p];
                    dxExpected[c * positions + p] += (double)w[k * channels + c] * dz[k * positions + p];
                }
            }
        }

        var scalarDw = (float[])dw0.Clone();
        var scalarDx = (float[])dx0.Clone();
        PointwiseBackward.WeightGradientScalar(dz, x, scalarDw, filters, channels, positions);
        PointwiseBackward.InputGradientScalar(w, dz, scalarDx, filters, channels, positions, add);
        Compare("scalar", scalarDw, dwExpected, scalarDx, dxExpected, positions, filters);

        var panels = new float[PointwiseBackward.PanelLength(channels, filters, positions)];
        foreach (int lanes in new[] { 8, 16 })
        {
            if (lanes == 8 ? !Vector256.IsHardwareAccelerated : !Vector512.IsHardwareAccelerated) continue;
            var dw = (float[])dw0.Clone();
            var dx = (float[])dx0.Clone();
            if (lanes == 8)
            {
                PointwiseBackward.WeightGradientVector256(dz, x, dw, filters, channels, positions, panels);
                PointwiseBackward.InputGradientVector256(w, dz, dx, filters, channels, positions, add, panels);
            }
            else
            {
                PointwiseBackward.WeightGradientVector512(dz, x, dw, filters, channels, positions, panels);
                PointwiseBackward.InputGradientVector512(w, dz, dx, filters, channels, positions, add, panels);
            }
            Compare($"Vector{lanes * 32}", dw, dwExpected, dx, dxExpected, positions, filters);
        }
    }

    [Fact]
    public void Short_panels_are_refused()
    {
        var panels = new float[PointwiseBackward.PanelLength(24, 40, 9) - 1];
        var dw = new float[24 * 40];
        Assert.Throws<ArgumentException>(() => PointwiseBackward.WeightGradientVector256(new float[40 * 9], new float[24 * 9], dw, 40, 24, 9, panels));
    }

    private static void Compare(string path, float[] dw, double[] dwExpected, float[] dx, double[] dxExpected, int positions, int filters)
    {
        double dwTolerance = 1e-5 * positions, dxTolerance = 1e-5 * filters;
        for (int i = 0; i < dw.Length; i++)
        {
            Assert.True(Math.Abs(dw[i] - dwExpected[i]) <= dwTolerance + 1e-5 * Math.Abs(dwExpected[i]), $"{path} dw[{i}]: {dw[i]} against {dwExpected[i]}");
        }
        for (int i = 0; i < dx.Length; i++)
        {
            Assert.True(Math.Abs(dx[i] - dxExpected[i]) <= dxTolerance + 1e-5 * Math.Abs(dxExpected[i]), $"{path} dx[{i}]: {dx[i]} against {dxExpected[i]}");
        }
    }
}
