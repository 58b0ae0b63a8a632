using System.Runtime.Intrinsics;
using StaticNets.__Internals;
using Xunit;

#pragma warning disable CS0618 // DepthwiseBackward is for generated code; these tests call it directly

namespace StaticNets.Tests.Numerics;

/// <summary>
/// The stride-1 depthwise backward over dz in a zero-bordered buffer, on every vector path (<see cref="VectorPath"/>):
/// <see cref="DepthwiseBackward.InputGradientGatherVector256"/> against the input gradient in double (written, every
/// value of <c>[H][W][C]</c>, the border of dz left as it was) and <see cref="DepthwiseBackward.WeightGradientRowsVector256"/>
/// reading dz there against the weight gradient in double (added into). Whole blocks of channels and a tail whose last
/// block overlaps, 3x3 (whole blocks of 4 inputs and a rest) and other windows, "same" and smaller pads.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class DepthwiseGatherTests
{
    [Theory]
    [InlineData(64, 25, 5, 3, 3, 1, 1, 1, 1)]
    [InlineData(8, 10, 8, 3, 3, 1, 1, 1, 1)]
    [InlineData(20, 7, 9, 3, 3, 0, 1, 2, 0)]
    [InlineData(12, 7, 9, 3, 5, 1, 2, 1, 2)]
    [InlineData(24, 6, 6, 5, 5, 2, 2, 2, 2)]
    [InlineData(16, 3, 3, 3, 3, 1, 1, 1, 1)]
    public void Gradients_match_the_reference(int channels, int height, int width, int kh, int kw, int pt, int pl, int pb, int pr)
    {
        int hp = height + pt + pb, wp = width + pl + pr, ho = hp - kh + 1, wo = wp - kw + 1, ff = kh * kw;
        int dh = height + kh - 1, dwp = width + kw - 1, dt = kh - 1 - pt, dl = kw - 1 - pl;
        var random = new Random(channels * 31 + height * 7 + kw);
        float Next() => (float)(random.NextDouble() * 2 - 1);
        var xs = new float[hp * wp * channels];
        for (int h = pt; h < pt + height; h++)
        {
            for (int w = pl; w < pl + width; w++)
            {
                for (int c = 0; c < channels; c++) xs[(h * wp + w) * channels + c] = Next();
            }
        }
        var wt = Enumerable.Range(0, ff * channels).Select(_ => Next()).ToArray();
        var dz = Enumerable.Range(0, ho * wo * channels).Select(_ => Next()).ToArray();
        var dzp = new float[dh * dwp * channels];
        for (int oy = 0; oy < ho; oy++)
        {
            for (int ox = 0; ox < wo; ox++)
            {
                for (int c = 0; c < channels; c++) dzp[((oy + dt) * dwp + ox + dl) * channels + c] = dz[(oy * wo + ox) * channels + c];
            }
        }
        var dw0 = Enumerable.Range(0, channels * ff).Select(_ => Next()).ToArray();
        var dwExpected = dw0.Select(v => (double)v).ToArray();
        var dxExpected = new double[hp * wp * channels];
        for (int oy = 0; oy < ho; oy++)
        {
            for (int ox = 0; ox < wo; ox++)
            {
                for (int t = 0; t < ff; t++)
                {
                    int at = ((oy + t / kw) * wp + ox + t % kw) * channels;
                    for (int c = 0; c < channels; c++)
                    {
                        double d = dz[(oy * wo + ox) * channels + c];
                        dwExpected[c * ff + t] += d * xs[at + c];
                        dxExpected[at + c] += d * wt[t * channels + c];
                    }
                }
            }
        }

        foreach (int lanes in new[] { 8, 16 })
        {
            if (channels < lanes || (lanes == 8 ? !Vector256.IsHardwareAccelerated : !Vector512.IsHardwareAccelerated)) continue;
            var dw = (float[])dw0.Clone();
            var dx = Enumerable.Range(0, height * width * channels + 5).Select(_ => float.NaN).ToArray();
            var border = (float[])dzp.Clone();
            var rows = new ReadOnlySpan<float>(dzp, (dt * dwp + dl) * channels, ((ho - 1) * dwp + wo) * channels);
            if (lanes == 8)
            {
                DepthwiseBackward.WeightGradientRowsVector256(xs, rows, dwp * channels, dw, channels, ho, wo, wp, kh, kw, 1, 1);
                DepthwiseBackward.InputGradientGatherVector256(wt, dzp, dx, channels, height, width, kh, kw);
            }
            else
            {
                DepthwiseBackward.WeightGradientRowsVector512(xs, rows, dwp * channels, dw, channels, ho, wo, wp, kh, kw, 1, 1);
                DepthwiseBackward.InputGradientGatherVector512(wt, dzp, dx, channels, height, width, kh, kw);
            }
            Assert.Equal(border, dzp);
            for (int i = 0; i < dw.Length; i++) Assert.True(Math.Abs(dw[i] - dwExpected[i]) <= 1e-4 + 1e-5 * Math.Abs(dwExpected[i]), $"Vector{lanes * 32} dw[{i}]: {dw[i]} against {dwExpected[i]}");
            for (int h = 0; h < height; h++)
            {
                for (int w = 0; w < width; w++)
                {
                    for (int c = 0; c < channels; c++)
                    {
                        float got = dx[(h * width + w) * channels + c];
                        double expected = dxExpected[((h + pt) * wp + w + pl) * channels + c];
                        Assert.True(Math.Abs(got - expected) <= 2e-5 + 1e-5 * Math.Abs(expected), $"Vector{lanes * 32} dx[{h}][{w}][{c}]: {got} against {expected}");
                    }
                }
            }
            for (int i = height * width * channels; i < dx.Length; i++) Assert.True(float.IsNaN(dx[i]), $"Vector{lanes * 32} wrote past the input gradient at {i}");
        }
    }
}
