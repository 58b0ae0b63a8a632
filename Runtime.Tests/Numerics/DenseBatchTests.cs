using StaticNets.__Internals;
using Xunit;

namespace StaticNets.Tests.Numerics;

/// <summary>
/// <see cref="DenseBatch"/> (a dense layer over a batch of samples in buffers of their own) against a double-precision
/// reference: sizes on and off the register blocks (units by 4, inputs by 8 and 16, samples by 4), with and without
/// bias, dx written, added or not wanted, buffers longer than the layer; and 1, 2 and 3 threads with the same bits.
/// On every vector path (one per process: <see cref="VectorPath"/>).
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class DenseBatchTests
{
    private static readonly (int Units, int Inputs, int Count)[] Cases =
        [(1, 1, 1), (5, 9, 3), (4, 16, 4), (13, 37, 6), (22, 40, 9), (70, 130, 11), (8, 128, 32)];

    private sealed class Batch
    {
        public required float[] Parameters;
        public required float[] Gradients;
        public required float[][] X, Y, Dz, Dx;
        public int WeightOffset, BiasOffset, Units, Inputs, Count;

        public Batch Copy() => new()
        {
            Parameters = Parameters,
            Gradients = (float[])Gradients.Clone(),
            X = X,
            Y = Y.Select(a => (float[])a.Clone()).ToArray(),
            Dz = Dz,
            Dx = Dx.Select(a => (float[])a.Clone()).ToArray(),
            WeightOffset = WeightOffset,
            BiasOffset = BiasOffset,
            Units = Units,
            Inputs = Inputs,
            Count = Count,
        };

        public void Run(bool withDx, bool addDx)
        {
            DenseBatch.Forward(Parameters, WeightOffset, BiasOffset, Units, Inputs, X, Y, Count);
            DenseBatch.Backward(Parameters, Gradients, WeightOffset, BiasOffset, Units, Inputs, X, Dz, withDx ? Dx : null, addDx, Count);
        }
    }

    private static Batch Make(Random random, int units, int inputs, int count, bool bias)
    {
        // The layer sits inside a longer parameter array; the buffers are longer than the layer and there are more of them than samples.
        int weightOffset = 3;
        int parameters = weightOffset + units * inputs + (bias ? units : 0) + 2;
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        return new Batch
        {
            Parameters = Values(parameters),
            Gradients = Values(parameters),
            X = Enumerable.Range(0, count + 1).Select(_ => Values(inputs + 3)).ToArray(),
            Y = Enumerable.Range(0, count + 1).Select(_ => Enumerable.Repeat(float.NaN, units + 1).ToArray()).ToArray(),
            Dz = Enumerable.Range(0, count + 1).Select(_ => Values(units + 2)).ToArray(),
            Dx = Enumerable.Range(0, count + 1).Select(_ => Values(inputs + 1)).ToArray(),
            WeightOffset = weightOffset,
            BiasOffset = bias ? weightOffset + units * inputs : -1,
            Units = units,
            Inputs = inputs,
            Count = count,
        };
    }

    [Fact]
    public void Forward_and_backward_match_the_double_precision_reference()
    {
        var random = new Random(15);
        foreach (var (units, inputs, count) in Cases)
        {
            foreach (bool bias in new[] { true, false })
            {
                foreach (var (withDx, addDx) in new[] { (true, false), (true, true), (false, false) })
                {
                    var start = Make(random, units, inputs, count, bias);
                    var batch = start.Copy();
                    batch.Run(withDx, addDx);
                    string where = $"{units} units, {inputs} inputs, {count} samples, bias {bias}, dx {withDx}, add {addDx}";
                    Check(start, batch, withDx, addDx, where);
                }
            }
        }
    }

    private static void Check(Batch start, Batch after, bool withDx, bool addDx, string where)
    {
        float[] p = start.Parameters;
        int n = start.Inputs, w0 = start.WeightOffset;
        // Each value is a float sum of at most 130 products of values in [-1, 1] (the weight gradient: 32): 1e-5 relative
        // to the sum of the magnitudes is some 50 roundings of 6e-8 each.
        for (int s = 0; s < start.Count; s++)
        {
            for (int u = 0; u < start.Units; u++)
            {
                double sum = start.BiasOffset < 0 ? 0 : p[start.BiasOffset + u], scale = 1;
                for (int i = 0; i < n; i++)
                {
                    sum += (double)p[w0 + u * n + i] * start.X[s][i];
                    scale += Math.Abs(p[w0 + u * n + i] * start.X[s][i]);
                }
                Assert.True(Math.Abs(after.Y[s][u] - sum) <= 1e-5 * scale, $"y[{s}][{u}] = {after.Y[s][u]}, reference {sum} ({where})");
            }
            Assert.True(float.IsNaN(after.Y[s][start.Units]), $"y[{s}] written past the layer ({where})");
            for (int i = 0; i < n; i++)
            {
                double sum = withDx && addDx ? start.Dx[s][i] : 0, scale = 1;
                for (int u = 0; u < start.Units; u++)
                {
                    sum += (double)p[w0 + u * n + i] * start.Dz[s][u];
                    scale += Math.Abs(p[w0 + u * n + i] * start.Dz[s][u]);
                }
                double expected = withDx ? sum : start.Dx[s][i];
                Assert.True(Math.Abs(after.Dx[s][i] - expected) <= 1e-5 * scale, $"dx[{s}][{i}] = {after.Dx[s][i]}, reference {expected} ({where})");
            }
            Assert.Equal(start.Dx[s][n], after.Dx[s][n]);
        }
        for (int u = 0; u < start.Units; u++)
        {
            for (int i = 0; i < n; i++)
            {
                double sum = start.Gradients[w0 + u * n + i], scale = 1;
                for (int s = 0; s < start.Count; s++)
                {
                    sum += (double)start.Dz[s][u] * start.X[s][i];
                    scale += Math.Abs(start.Dz[s][u] * start.X[s][i]);
                }
                float got = after.Gradients[w0 + u * n + i];
                Assert.True(Math.Abs(got - sum) <= 1e-5 * scale, $"dW[{u}][{i}] = {got}, reference {sum} ({where})");
            }
            if (start.BiasOffset >= 0)
            {
                double sum = start.Gradients[start.BiasOffset + u];
                for (int s = 0; s < start.Count; s++) sum += start.Dz[s][u];
                Assert.Equal(sum, after.Gradients[start.BiasOffset + u], 1e-5 * (start.Count + 1));
            }
        }
        // Nothing outside the layer's gradients moves.
        for (int i = 0; i < w0; i++) Assert.Equal(start.Gradients[i], after.Gradients[i]);
        int end = start.BiasOffset >= 0 ? start.BiasOffset + start.Units : w0 + start.Units * n;
        for (int i = end; i < start.Gradients.Length; i++) Assert.Equal(start.Gradients[i], after.Gradients[i]);
    }

    [Fact]
    public void One_two_and_three_threads_give_the_same_bits()
    {
        var random = new Random(16);
        foreach (var (units, inputs, count) in Cases)
        {
            var start = Make(random, units, inputs, count, bias: true);
            Batch? first = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                var batch = start.Copy();
                using (BatchRunner.UseThreads(threads))
                {
                    batch.Run(withDx: true, addDx: true);
                }
                if (first is null)
                {
                    first = batch;
                    continue;
                }
                Assert.Equal(first.Gradients, batch.Gradients);
                for (int s = 0; s < count; s++)
                {
                    Assert.Equal(first.Y[s], batch.Y[s]);
                    Assert.Equal(first.Dx[s], batch.Dx[s]);
                }
            }
        }
    }

    [Fact]
    public void The_forward_has_the_bits_of_the_per_sample_kernel()
    {
        var random = new Random(17);
        foreach (var (units, inputs, count) in Cases)
        {
            var batch = Make(random, units, inputs, count, bias: true);
            batch.Run(withDx: false, addDx: false);
            var y = new float[units];
            for (int s = 0; s < count; s++)
            {
                DenseKernels.Forward(
                    batch.Parameters.AsSpan(batch.WeightOffset, units * inputs),
                    batch.Parameters.AsSpan(batch.BiasOffset, units),
                    batch.X[s].AsSpan(0, inputs),
                    y);
                Assert.Equal(y, batch.Y[s].AsSpan(0, units).ToArray());
            }
        }
    }
}
