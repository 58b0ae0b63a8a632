using StaticNets.__Internals;
using StaticNets.Tests.Numerics;
using Xunit;

namespace StaticNets.Tests.BatchNorm;

#pragma warning disable SN3005 // dense1 keeps its bias before a BatchNorm on purpose: its gradient must come out (near) zero
/// <summary>
/// Dense layers trained over the whole batch: sizes off every register block (37 inputs, 22 and 19 units, 11 samples),
/// one layer without bias, a Tanh inside the last dense layer (applied per sample around the batch's product).
/// </summary>
[Input(37)]
[Dense(22)]
[BatchNorm]
[ReLU]
[Dense(19, Bias = false)]
[BatchNorm(Momentum = 0.2)]
[ReLU]
[Dense(7, Activation = Activation.Tanh)]
public partial class WideDenseBatchNorm { }
#pragma warning restore SN3005

/// <summary>
/// <c>ComputeBatchGradients</c> of a dense BatchNorm network, whose dense layers run over the whole batch: every gradient
/// against a double-precision pass written out here, each dense layer's weight and bias gradient the sum over the
/// samples of their own products (dz_s x_sᵀ and dz_s); and the same bits on 1, 2 and 3 threads. On every vector path.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class DenseBatchTrainingTests
{
    private const int Count = 11, In = 37, U1 = 22, U2 = 19, U3 = 7;
    private const double Eps = 1e-5;

    // Parameter layout: W1 [U1][In], b1 [U1], γ1, β1 [U1], W2 [U2][U1], γ2, β2 [U2], W3 [U3][U2], b3 [U3].
    private const int B1 = U1 * In, G1 = B1 + U1, Be1 = G1 + U1, W2 = Be1 + U1, G2 = W2 + U2 * U1, Be2 = G2 + U2, W3 = Be2 + U2, B3 = W3 + U3 * U2;

    private static (WideDenseBatchNorm Net, float[] X, float[] T) Setup()
    {
        var net = new WideDenseBatchNorm(seed: 21);
        Assert.Equal(B3 + U3, WideDenseBatchNorm.ParameterCount);
        var random = new Random(22);
        for (int i = 0; i < WideDenseBatchNorm.ParameterCount; i++) net.Parameters[i] = (float)(random.NextDouble() - 0.5) * 0.6f;
        for (int f = 0; f < U1; f++) net.Parameters[G1 + f] = (float)(0.5 + random.NextDouble());
        for (int f = 0; f < U2; f++) net.Parameters[G2 + f] = (float)(0.5 + random.NextDouble());
        var x = Enumerable.Range(0, Count * In).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var t = Enumerable.Range(0, Count * U3).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        return (net, x, t);
    }

    /// <summary>Dense: z[s][u] = b[u] + sum over i of W[u][i] a[s][i].</summary>
    private static double[][] Dense(float[] p, int w, int b, int units, double[][] a) =>
        a.Select(x => Enumerable.Range(0, units).Select(u => (b < 0 ? 0 : p[b + u]) + Enumerable.Range(0, x.Length).Sum(i => p[w + u * x.Length + i] * x[i])).ToArray()).ToArray();

    /// <summary>BatchNorm over the batch per feature, then ReLU: returns xhat, y (before the ReLU) and 1/sqrt(var + eps).</summary>
    private static (double[][] Xhat, double[][] Y, double[] InvStd) Norm(float[] p, int g, int be, double[][] z)
    {
        int f = z[0].Length;
        var mean = Enumerable.Range(0, f).Select(j => z.Average(v => v[j])).ToArray();
        var inv = Enumerable.Range(0, f).Select(j => 1 / Math.Sqrt(z.Average(v => (v[j] - mean[j]) * (v[j] - mean[j])) + Eps)).ToArray();
        var xhat = z.Select(v => v.Select((x, j) => (x - mean[j]) * inv[j]).ToArray()).ToArray();
        return (xhat, xhat.Select(v => v.Select((x, j) => p[g + j] * x + p[be + j]).ToArray()).ToArray(), inv);
    }

    /// <summary>BatchNorm's backward from dy (after the ReLU's): γ's and β's gradients, and dz.</summary>
    private static double[][] NormBackward(float[] p, int g, int be, double[][] xhat, double[] inv, double[][] dy, double[] grads)
    {
        int f = dy[0].Length;
        var dz = dy.Select(_ => new double[f]).ToArray();
        for (int j = 0; j < f; j++)
        {
            double sumDy = 0, sumDyXhat = 0;
            for (int s = 0; s < Count; s++)
            {
                sumDy += dy[s][j];
                sumDyXhat += dy[s][j] * xhat[s][j];
            }
            grads[g + j] += sumDyXhat;
            grads[be + j] += sumDy;
            for (int s = 0; s < Count; s++)
            {
                dz[s][j] = p[g + j] * inv[j] / Count * (Count * dy[s][j] - sumDy - xhat[s][j] * sumDyXhat);
            }
        }
        return dz;
    }

    /// <summary>A dense layer's gradients as the sum over the samples of each one's own (dz_s x_sᵀ, dz_s), and dx.</summary>
    private static double[][] DenseBackward(float[] p, int w, int b, double[][] a, double[][] dz, double[] grads)
    {
        int n = a[0].Length, units = dz[0].Length;
        for (int s = 0; s < Count; s++)
        {
            for (int u = 0; u < units; u++)
            {
                for (int i = 0; i < n; i++) grads[w + u * n + i] += dz[s][u] * a[s][i];
                if (b >= 0) grads[b + u] += dz[s][u];
            }
        }
        return dz.Select(d => Enumerable.Range(0, n).Select(i => Enumerable.Range(0, units).Sum(u => p[w + u * n + i] * d[u])).ToArray()).ToArray();
    }

    private static (double Loss, double[] Gradients) Reference(float[] p, float[] xs, float[] ts)
    {
        var x = Enumerable.Range(0, Count).Select(s => xs.Skip(s * In).Take(In).Select(v => (double)v).ToArray()).ToArray();
        var (xhat1, y1, inv1) = Norm(p, G1, Be1, Dense(p, 0, B1, U1, x));
        var r1 = y1.Select(v => v.Select(a => Math.Max(a, 0)).ToArray()).ToArray();
        var (xhat2, y2, inv2) = Norm(p, G2, Be2, Dense(p, W2, -1, U2, r1));
        var r2 = y2.Select(v => v.Select(a => Math.Max(a, 0)).ToArray()).ToArray();
        var o = Dense(p, W3, B3, U3, r2).Select(v => v.Select(Math.Tanh).ToArray()).ToArray();
        double loss = 0;
        var dz3 = new double[Count][];
        for (int s = 0; s < Count; s++)
        {
            dz3[s] = new double[U3];
            for (int u = 0; u < U3; u++)
            {
                double d = o[s][u] - ts[s * U3 + u];
                loss += d * d / U3;
                dz3[s][u] = 2.0 / U3 * d * (1 - o[s][u] * o[s][u]);
            }
        }
        var grads = new double[p.Length];
        var dr2 = DenseBackward(p, W3, B3, r2, dz3, grads);
        var dy2 = dr2.Select((v, s) => v.Select((d, j) => y2[s][j] > 0 ? d : 0).ToArray()).ToArray();
        var dz2 = NormBackward(p, G2, Be2, xhat2, inv2, dy2, grads);
        var dr1 = DenseBackward(p, W2, -1, r1, dz2, grads);
        var dy1 = dr1.Select((v, s) => v.Select((d, j) => y1[s][j] > 0 ? d : 0).ToArray()).ToArray();
        var dz1 = NormBackward(p, G1, Be1, xhat1, inv1, dy1, grads);
        DenseBackward(p, 0, B1, x, dz1, grads);
        return (loss, grads);
    }

    [Fact]
    public void ComputeBatchGradients_is_the_sum_of_the_samples_reference_gradients()
    {
        var (net, x, t) = Setup();
        var (loss, reference) = Reference(net.Parameters.ToArray(), x, t);
        net.ZeroGradients();
        float got = net.ComputeBatchGradients(x, t);
        Assert.Equal(loss, got, loss * 1e-5);
        // Float against double: each gradient is a sum over 11 samples of products through two BatchNorms and layers of
        // at most 37 inputs, every value in float (unit roundoff 6e-8); 1e-4 relative plus 2e-6 absolute (the biases before
        // a BatchNorm, whose exact gradient is zero and whose float one is rounding left over) bounds some hundreds of
        // roundings, as the conv network's reference test (BatchNormReferenceTests) allows.
        for (int i = 0; i < reference.Length; i++)
        {
            Assert.True(Math.Abs(net.Gradients[i] - reference[i]) <= 2e-6 + 1e-4 * Math.Abs(reference[i]),
                $"parameter {i}: {net.Gradients[i]} against the reference {reference[i]}");
        }
    }

    [Fact]
    public void One_two_and_three_threads_give_the_same_bits()
    {
        float[]? gradients = null, statistics = null, outputs = null;
        float loss = 0;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var (net, x, t) = Setup();
            var output = new float[Count * U3];
            float l;
            using (BatchRunner.UseThreads(threads))
            {
                net.ComputeBatchGradients(x, t);
                // A second pass over the replicas made by the first, adding into the same gradients.
                l = net.ComputeBatchGradients(x.AsSpan(0, 9 * In), t.AsSpan(0, 9 * U3), output.AsSpan(0, 9 * U3));
            }
            if (gradients is null)
            {
                (gradients, statistics, outputs, loss) = (net.Gradients.ToArray(), net.Statistics.ToArray(), output, l);
                continue;
            }
            Assert.Equal(loss, l);
            Assert.Equal(gradients, net.Gradients.ToArray());
            Assert.Equal(statistics, net.Statistics.ToArray());
            Assert.Equal(outputs, output);
        }
    }
}
