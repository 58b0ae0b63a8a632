using StaticNets.Tests.Networks;
using StaticNets.Tests.Numerics;
using Xunit;

namespace StaticNets.Tests.BatchNorm;

/// <summary>
/// The batch computation of <see cref="BatchNormReference"/> (conv 3x3 padding 1 -> BatchNorm -> ReLU -> global average
/// pool -> dense with softmax, cross-entropy) written out here independently, in double precision, from the
/// definitions: the batch's mean and biased variance over samples and positions, the summed loss, every parameter's
/// gradient through the batch-coupled BatchNorm backward, the running statistics after one pass (the variance unbiased),
/// and inference with them. <c>ComputeBatchGradients</c> and <c>Forward</c> must match it to float precision, on every vector path.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class BatchNormReferenceTests
{
    private const int N = 4, C = 2, F = 3, H = 5, W = 5, K = 3, U = 3;
    private const double Eps = 1e-5, Momentum = 0.1;

    // Parameter layout: conv W [F][C][K][K], conv b [F], γ [F], β [F], dense W [U][F], dense b [U].
    private const int ConvB = F * C * K * K, Gamma = ConvB + F, Beta = Gamma + F, DenseW = Beta + F, DenseB = DenseW + U * F;

    private sealed class Pass
    {
        public double Loss;
        public double[] Gradients = new double[DenseB + U];
        public double[] Mean = new double[F], Variance = new double[F];
    }

    private static double X(float[] x, int s, int c, int i, int j) =>
        i < 0 || j < 0 || i >= H || j >= W ? 0 : x[((s * C + c) * H + i) * W + j];

    private static double[,,,] Conv(float[] x, float[] p)
    {
        var z = new double[N, F, H, W];
        for (int s = 0; s < N; s++)
        for (int f = 0; f < F; f++)
        for (int i = 0; i < H; i++)
        for (int j = 0; j < W; j++)
        {
            double sum = p[ConvB + f];
            for (int c = 0; c < C; c++)
            for (int a = 0; a < K; a++)
            for (int b = 0; b < K; b++) sum += p[((f * C + c) * K + a) * K + b] * X(x, s, c, i + a - 1, j + b - 1);
            z[s, f, i, j] = sum;
        }
        return z;
    }

    /// <summary>Softmax probabilities of the dense layer's logits on the pooled values g.</summary>
    private static double[] Softmax(float[] p, double[] g)
    {
        var o = new double[U];
        for (int u = 0; u < U; u++)
        {
            o[u] = p[DenseB + u];
            for (int f = 0; f < F; f++) o[u] += p[DenseW + u * F + f] * g[f];
        }
        double max = o.Max();
        double sum = o.Sum(v => Math.Exp(v - max));
        return o.Select(v => Math.Exp(v - max) / sum).ToArray();
    }

    private static Pass Train(float[] x, int[] labels, float[] p)
    {
        var pass = new Pass();
        var z = Conv(x, p);
        const double n = N * H * W;
        for (int f = 0; f < F; f++)
        {
            double sum = 0;
            for (int s = 0; s < N; s++) for (int i = 0; i < H; i++) for (int j = 0; j < W; j++) sum += z[s, f, i, j];
            pass.Mean[f] = sum / n;
            double squares = 0;
            for (int s = 0; s < N; s++) for (int i = 0; i < H; i++) for (int j = 0; j < W; j++) squares += Math.Pow(z[s, f, i, j] - pass.Mean[f], 2);
            pass.Variance[f] = squares / n;
        }
        var xhat = new double[N, F, H, W];
        var y = new double[N, F, H, W];
        var dy = new double[N, F, H, W];
        var g = pass.Gradients;
        for (int s = 0; s < N; s++)
        {
            var pooled = new double[F];
            for (int f = 0; f < F; f++)
            for (int i = 0; i < H; i++)
            for (int j = 0; j < W; j++)
            {
                xhat[s, f, i, j] = (z[s, f, i, j] - pass.Mean[f]) / Math.Sqrt(pass.Variance[f] + Eps);
                y[s, f, i, j] = p[Gamma + f] * xhat[s, f, i, j] + p[Beta + f];
                pooled[f] += Math.Max(y[s, f, i, j], 0) / (H * W);
            }
            var prob = Softmax(p, pooled);
            pass.Loss -= Math.Log(prob[labels[s]]);
            var dpooled = new double[F];
            for (int u = 0; u < U; u++)
            {
                double d = prob[u] - (u == labels[s] ? 1 : 0);
                g[DenseB + u] += d;
                for (int f = 0; f < F; f++)
                {
                    g[DenseW + u * F + f] += d * pooled[f];
                    dpooled[f] += d * p[DenseW + u * F + f];
                }
            }
            for (int f = 0; f < F; f++)
            for (int i = 0; i < H; i++)
            for (int j = 0; j < W; j++) dy[s, f, i, j] = y[s, f, i, j] > 0 ? dpooled[f] / (H * W) : 0;
        }
        var dz = new double[N, F, H, W];
        for (int f = 0; f < F; f++)
        {
            double sumDy = 0, sumDyXhat = 0;
            for (int s = 0; s < N; s++) for (int i = 0; i < H; i++) for (int j = 0; j < W; j++)
            {
                sumDy += dy[s, f, i, j];
                sumDyXhat += dy[s, f, i, j] * xhat[s, f, i, j];
            }
            g[Gamma + f] = sumDyXhat;
            g[Beta + f] = sumDy;
            double invStd = 1 / Math.Sqrt(pass.Variance[f] + Eps);
            for (int s = 0; s < N; s++) for (int i = 0; i < H; i++) for (int j = 0; j < W; j++)
            {
                dz[s, f, i, j] = p[Gamma + f] * invStd / n * (n * dy[s, f, i, j] - sumDy - xhat[s, f, i, j] * sumDyXhat);
            }
        }
        for (int s = 0; s < N; s++)
        for (int f = 0; f < F; f++)
        for (int i = 0; i < H; i++)
        for (int j = 0; j < W; j++)
        {
            g[ConvB + f] += dz[s, f, i, j];
            for (int c = 0; c < C; c++)
            for (int a = 0; a < K; a++)
            for (int b = 0; b < K; b++) g[((f * C + c) * K + a) * K + b] += dz[s, f, i, j] * X(x, s, c, i + a - 1, j + b - 1);
        }
        return pass;
    }

    private static double[] Infer(float[] x, float[] p, float[] statistics, int s)
    {
        var z = Conv(x, p);
        var pooled = new double[F];
        for (int f = 0; f < F; f++)
        for (int i = 0; i < H; i++)
        for (int j = 0; j < W; j++)
        {
            double normalised = (z[s, f, i, j] - statistics[f]) / Math.Sqrt(statistics[F + f] + Eps);
            pooled[f] += Math.Max(p[Gamma + f] * normalised + p[Beta + f], 0) / (H * W);
        }
        return Softmax(p, pooled);
    }

    [Fact]
    public void Batch_forward_loss_gradients_and_running_statistics_match_the_double_precision_reference()
    {
        var net = new BatchNormReference(seed: 31);
        Assert.Equal(DenseB + U, BatchNormReference.ParameterCount);
        Assert.Equal(2 * F, BatchNormReference.StatisticsCount);
        var random = new Random(32);
        for (int f = 0; f < F; f++)
        {
            net.Parameters[ConvB + f] = (float)(random.NextDouble() - 0.5);
            net.Parameters[Gamma + f] = (float)(0.5 + random.NextDouble());
            net.Parameters[Beta + f] = (float)(random.NextDouble() - 0.5);
        }
        for (int f = 0; f < F; f++)
        {
            net.Statistics[f] = (float)(random.NextDouble() - 0.5);
            net.Statistics[F + f] = (float)(0.5 + random.NextDouble());
        }
        var x = new float[N * C * H * W];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        int[] labels = [2, 0, 1, 2];
        float[] p = net.Parameters.ToArray();
        float[] before = net.Statistics.ToArray();

        var reference = Train(x, labels, p);
        float loss = net.ComputeBatchGradients(x, labels);

        Assert.Equal(reference.Loss, loss, reference.Loss * 1e-5);
        for (int i = 0; i < reference.Gradients.Length; i++)
        {
            Assert.True(Math.Abs(net.Gradients[i] - reference.Gradients[i]) <= 1e-5 + 1e-4 * Math.Abs(reference.Gradients[i]),
                $"parameter {i}: {net.Gradients[i]} against the reference {reference.Gradients[i]}");
        }
        const double n = N * H * W;
        for (int f = 0; f < F; f++)
        {
            Assert.Equal((1 - Momentum) * before[f] + Momentum * reference.Mean[f], net.Statistics[f], 1e-6);
            Assert.Equal((1 - Momentum) * before[F + f] + Momentum * reference.Variance[f] * n / (n - 1), net.Statistics[F + f], 1e-6);
        }

        // Inference with the updated running statistics.
        var statistics = net.Statistics.ToArray();
        var output = new float[U];
        for (int s = 0; s < N; s++)
        {
            net.Forward(x.AsSpan(s * C * H * W, C * H * W), output);
            var expected = Infer(x, p, statistics, s);
            for (int u = 0; u < U; u++) Assert.Equal(expected[u], output[u], 1e-6);
        }
    }
}
