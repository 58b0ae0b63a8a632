using StaticNets.__Internals;
using Xunit;

namespace StaticNets.Tests.Numerics;

/// <summary>
/// ReLU6's kernels against <c>min(max(x, 0), 6)</c> and its derivative, on the Vector512, Vector256 and scalar paths
/// (one per process: <see cref="VectorPath"/>): values below, at, between, at and beyond the clip points, over
/// lengths that leave a tail after the vectors. The derivative is 0 at and beyond 0 and 6, as PyTorch's
/// (<c>hardtanh_backward</c>: the gradient passes only where <c>0 &lt; x &lt; 6</c>).
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class ReLU6KernelTests
{
    private static readonly float[] Edges = [-7f, -1f, -0f, 0f, 1e-6f, 0.5f, 3f, 5.999f, 6f, 6.001f, 100f, float.NegativeInfinity, float.PositiveInfinity];

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(37)]
    [InlineData(64)]
    public void Forward_clips_at_zero_and_six(int length)
    {
        float[] x = Values(length);
        var y = new float[length];

        Activations.ReLU6(x, y);

        for (int i = 0; i < length; i++) Assert.Equal(Math.Min(Math.Max(x[i], 0f), 6f), y[i]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(37)]
    [InlineData(64)]
    public void Backward_passes_the_gradient_only_strictly_between_zero_and_six(int length)
    {
        float[] x = Values(length);
        var y = new float[length];
        Activations.ReLU6(x, y);
        float[] dy = Enumerable.Range(0, length).Select(i => 0.25f + i).ToArray();
        var dx = new float[length];

        Activations.ReLU6Backward(y, dy, dx);

        for (int i = 0; i < length; i++) Assert.Equal(x[i] > 0f && x[i] < 6f ? dy[i] : 0f, dx[i]);
        if (length < 13) return;
        Assert.Contains(dx, v => v == 0f);
        Assert.Contains(dx, v => v != 0f);
    }

    [Fact]
    public void Backward_in_place_over_dy()
    {
        float[] y = [0f, 2f, 6f, 3f, 0f, 6f, 1f, 5f, 4f];
        float[] dy = [1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f];

        Activations.ReLU6Backward(y, dy, dy);

        Assert.Equal([0f, 2f, 0f, 4f, 0f, 0f, 7f, 8f, 9f], dy);
    }

    private static float[] Values(int length)
    {
        var random = new Random(length);
        var x = new float[length];
        for (int i = 0; i < length; i++) x[i] = i % 3 == 0 ? Edges[i / 3 % Edges.Length] : (float)(random.NextDouble() * 16 - 5);
        return x;
    }
}
