using System.Runtime.Intrinsics;
using StaticNets.__Internals;
using Xunit;

#pragma warning disable CS0618 // LaneSums is for generated code; these tests call it directly

namespace StaticNets.Tests.Numerics;

/// <summary>
/// <see cref="LaneSums"/>: <c>Sum4</c> against the lanes summed in double, and <c>Sum16</c>, which the whole-plane 1x1
/// stores from, against <c>Sum4</c> bit for bit (a sum's additions and their order are the same), on every vector
/// path (<see cref="VectorPath"/>), with values of mixed signs and magnitudes whose sums round differently in another order.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class LaneSumsTests
{
    private static Vector512<float>[] Vectors(int count, int seed)
    {
        var random = new Random(seed);
        var vectors = new Vector512<float>[count];
        var lanes = new float[16];
        for (int v = 0; v < count; v++)
        {
            for (int i = 0; i < 16; i++) lanes[i] = (float)((random.NextDouble() * 2 - 1) * Math.Pow(10, random.Next(-3, 4)));
            vectors[v] = Vector512.Create(lanes);
        }
        return vectors;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Sum16_gives_the_bits_of_Sum4(int seed)
    {
        var a = Vectors(16, seed);
        var sums = LaneSums.Sum16(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]);
        for (int g = 0; g < 4; g++)
        {
            var four = LaneSums.Sum4(a[4 * g], a[4 * g + 1], a[4 * g + 2], a[4 * g + 3]);
            for (int e = 0; e < 4; e++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(four.GetElement(e)), BitConverter.SingleToInt32Bits(sums.GetElement(4 * g + e)));
                double exact = 0;
                for (int i = 0; i < 16; i++) exact += a[4 * g + e].GetElement(i);
                Assert.True(Math.Abs(sums.GetElement(4 * g + e) - exact) <= 1e-5 * 16 * 1000, $"sum {4 * g + e}: {sums.GetElement(4 * g + e)} against {exact}");
            }
        }
    }

    [Fact]
    public void A_different_order_would_show()
    {
        // The values are chosen so that the order of the additions matters: a check that the bit comparison can fail.
        var a = Vectors(16, 1);
        float sequential = 0;
        for (int i = 0; i < 16; i++) sequential += a[0].GetElement(i);
        float grouped = LaneSums.Sum4(a[0], a[1], a[2], a[3]).GetElement(0);
        Assert.NotEqual(BitConverter.SingleToInt32Bits(sequential), BitConverter.SingleToInt32Bits(grouped));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    [InlineData(16)]
    public void From_selects_the_lanes_from_the_first_on(int first)
    {
        var mask = LaneSums.From(first).AsInt32();
        for (int i = 0; i < 16; i++) Assert.Equal(i >= first ? -1 : 0, mask.GetElement(i));
    }
}
