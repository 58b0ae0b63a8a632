using System.Runtime.Intrinsics;
using StaticNets.__Internals;
using Xunit;

#pragma warning disable CS0618 // DepthwiseBackward is for generated code; these tests call it directly

namespace StaticNets.Tests.Numerics;

/// <summary>
/// <see cref="DepthwiseBackward"/> against the depthwise backward in double, one value at a time, on every vector path
/// (<see cref="VectorPath"/>; each width runs where the hardware has it): whole blocks of channels and a tail whose last
/// block overlaps, strides 1 and 2, rectangular windows; the weight gradient and the input gradient are added into what
/// was there; <see cref="DepthwiseBackward.Unpadded"/> writes or adds the interior and nothing else.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class DepthwiseBackwardTests
{
    [Theory]
    [InlineData(64, 25, 5, 3, 3, 1, 1, 1, 1)]
    [InlineData(64, 25, 5, 3, 3, 2, 2, 1, 1)]
    [InlineData(8, 10, 8, 3, 3, 1, 1, 1, 1)]
    [InlineData(12, 7, 9, 3, 5, 1, 1, 1, 2)]
    [InlineData(20, 7, 9, 3, 3, 2, 1, 1, 0)]
    [InlineData(40, 6, 6, 3, 3, 2, 2, 0, 0)]
    public void Gradients_match_the_reference(int channels, int height, int width, int kh, int kw, int sh, int sw, int pt, int pl)
    {
        int hp = height + 2 * pt + sh, wp = width + 2 * pl + sw; // room for the pads after and some unread border
        int ho = (hp - kh) / sh + 1, wo = (wp - kw) / sw + 1, ff = kh * kw;
        var random = new Random(channels * 31 + height * 7 + sh);
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
        var dzt = Enumerable.Range(0, ho * wo * channels).Select(_ => Next()).ToArray();
        var dw0 = Enumerable.Range(0, channels * ff).Select(_ => Next()).ToArray();
        var dx0 = Enumerable.Range(0, hp * wp * channels).Select(_ => Next()).ToArray();
        var dwExpected = dw0.Select(v => (double)v).ToArray();
        var dxExpected = dx0.Select(v => (double)v).ToArray();
        for (int oy = 0; oy < ho; oy++)
        {
            for (int ox = 0; ox < wo; ox++)
            {
                for (int t = 0; t < ff; t++)
                {
                    int at = ((oy * sh + t / kw) * wp + ox * sw + t % kw) * channels;
                    for (int c = 0; c < channels; c++)
                    {
                        double d = dzt[(oy * wo + ox) * channels + c];
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
            var dx = (float[])dx0.Clone();
            if (lanes == 8)
            {
                DepthwiseBackward.WeightGradientVector256(xs, dzt, dw, channels, ho, wo, wp, kh, kw, sh, sw);
                DepthwiseBackward.InputGradientVector256(wt, dzt, dx, channels, ho, wo, wp, kh, kw, sh, sw);
            }
            else
            {
                DepthwiseBackward.WeightGradientVector512(xs, dzt, dw, channels, ho, wo, wp, kh, kw, sh, sw);
                DepthwiseBackward.InputGradientVector512(wt, dzt, dx, channels, ho, wo, wp, kh, kw, sh, sw);
            }
            for (int i = 0; i < dw.Length; i++) Assert.True(Math.Abs(dw[i] - dwExpected[i]) <= 1e-4 + 1e-5 * Math.Abs(dwExpected[i]), $"Vector{lanes * 32} dw[{i}]: {dw[i]} against {dwExpected[i]}");
            for (int i = 0; i < dx.Length; i++) Assert.True(Math.Abs(dx[i] - dxExpected[i]) <= 2e-5 + 1e-5 * Math.Abs(dxExpected[i]), $"Vector{lanes * 32} dxs[{i}]: {dx[i]} against {dxExpected[i]}");
        }
    }

    [Theory]
    [InlineData(64, 25, 5, 1, 1, 1, 1, false)]
    [InlineData(64, 25, 5, 1, 1, 1, 1, true)]
    [InlineData(12, 7, 9, 1, 2, 1, 2, true)]
    [InlineData(16, 8, 10, 0, 0, 1, 1, false)]
    [InlineData(24, 3, 3, 0, 1, 2, 0, true)]
    public void Unpadded_writes_or_adds_the_interior_and_nothing_else(int channels, int height, int width, int top, int left, int bottom, int right, bool add)
    {
        int hp = height + top + bottom, wp = width + left + right;
        var random = new Random(channels * 100 + height);
        var source = Enumerable.Range(0, hp * wp * channels).Select(_ => (float)random.NextDouble() + 1f).ToArray();
        var destination = Enumerable.Range(0, channels * height * width + 5).Select(_ => -(float)random.NextDouble() - 1f).ToArray();
        var expected = (float[])destination.Clone();
        for (int c = 0; c < channels; c++)
        {
            for (int h = 0; h < height; h++)
            {
                for (int w = 0; w < width; w++)
                {
                    float v = source[((h + top) * wp + w + left) * channels + c];
                    int at = (c * height + h) * width + w;
                    expected[at] = add ? expected[at] + v : v;
                }
            }
        }

        DepthwiseBackward.Unpadded(source, channels, height, width, wp, top, left, destination, add);

        Assert.Equal(expected, destination);
    }
}
