using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNets.__Internals;

/// <summary>
/// A dense layer over the whole batch of a BatchNorm network's batch training, the samples in their replicas' own
/// buffers (<c>x[s]</c>, <c>y[s]</c>, ... for sample s, each at least as long as the layer's sizes say; the arrays of
/// them are made once with the replicas). Weights <c>[units][inputs]</c> at <c>weightOffset</c> in the parameters,
/// biases at <c>biasOffset</c> (negative: no bias). Each product is register-blocked over outputs and samples, so
/// that every vector loaded feeds several multiply-adds, and split on <see cref="BatchRunner.Threads"/> by output
/// rows (forward, weight gradient) or input columns (input gradient), never by samples: every value is summed by
/// one worker in a fixed order, so the result has the same bits for any thread count.
/// </summary>
/// <remarks>
/// Bits: the forward sums each output as <see cref="DenseKernels.Forward"/> does (lanes of 8 inputs, then the lane
/// sum, then the tail), so its outputs are the same bits. The weight and bias gradients are the sum over the
/// samples, in sample order, of <c>dz[s][u] * x[s][i]</c> (one fused multiply-add per sample on the vector paths),
/// added once into the gradients; the per-sample path added each sample's product into its replica's copy and
/// those copies into the gradients. The input gradient sums over the units in order with one accumulator, where
/// the per-sample kernel used two (even and odd units) and skipped units whose dz is zero.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static partial class DenseBatch
{
    /// <summary>Output rows per work item of the forward and the weight gradient (a multiple of 4).</summary>
    private const int RowBlock = 16;

    /// <summary>Input columns per work item of the input gradient (a multiple of 16).</summary>
    private const int ColumnBlock = 64;

    /// <summary>What a work item reads and writes.</summary>
    private readonly struct Job
    {
        public readonly float[] Parameters;
        public readonly float[]? Gradients;
        public readonly int WeightOffset;
        public readonly int BiasOffset;
        public readonly int Units;
        public readonly int Inputs;
        public readonly float[][] X;
        public readonly float[][] Out;
        public readonly float[][]? Dx;
        public readonly bool AddDx;
        public readonly int Count;

        public Job(float[] parameters, float[]? gradients, int weightOffset, int biasOffset, int units, int inputs, float[][] x, float[][] output, float[][]? dx, bool addDx, int count)
        {
            Parameters = parameters;
            Gradients = gradients;
            WeightOffset = weightOffset;
            BiasOffset = biasOffset;
            Units = units;
            Inputs = inputs;
            X = x;
            Out = output;
            Dx = dx;
            AddDx = addDx;
            Count = count;
        }
    }

    /// <summary><c>y[s][u] = b[u] + dot(W[u], x[s])</c> for the samples <c>0..count-1</c>.</summary>
    public static void Forward(float[] parameters, int weightOffset, int biasOffset, int units, int inputs, float[][] x, float[][] y, int count)
    {
        CheckLayer(parameters, weightOffset, biasOffset, units, inputs);
        CheckSamples(x, inputs, count, nameof(x));
        CheckSamples(y, units, count, nameof(y));
        var job = new Job(parameters, null, weightOffset, biasOffset, units, inputs, x, y, null, false, count);
        BatchRunner.For((units + RowBlock - 1) / RowBlock, job, static (job, b) => ForwardRows(in job, b * RowBlock, Math.Min(job.Units, (b + 1) * RowBlock)));
    }

    /// <summary>
    /// The backward products for the samples <c>0..count-1</c>: <c>dW[u][i] += sum over s of dz[s][u] * x[s][i]</c> and
    /// <c>db[u] += sum over s of dz[s][u]</c> into <paramref name="gradients"/>, and, unless <paramref name="dx"/> is
    /// null, <c>dx[s] = sum over u of dz[s][u] * W[u]</c> (added into dx[s] where <paramref name="addDx"/>).
    /// </summary>
    public static void Backward(
        float[] parameters,
        float[] gradients,
        int weightOffset,
        int biasOffset,
        int units,
        int inputs,
        float[][] x,
        float[][] dz,
        float[][]? dx,
        bool addDx,
        int count)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        CheckLayer(parameters, weightOffset, biasOffset, units, inputs);
        if (gradients.Length < parameters.Length)
        {
            throw new ArgumentException($"The gradients ({gradients.Length}) are shorter than the parameters ({parameters.Length}).", nameof(gradients));
        }
        CheckSamples(x, inputs, count, nameof(x));
        CheckSamples(dz, units, count, nameof(dz));
        if (dx is not null) CheckSamples(dx, inputs, count, nameof(dx));
        var job = new Job(parameters, gradients, weightOffset, biasOffset, units, inputs, x, dz, dx, addDx, count);
        BatchRunner.For((units + RowBlock - 1) / RowBlock, job, static (job, b) => GradientRows(in job, b * RowBlock, Math.Min(job.Units, (b + 1) * RowBlock)));
        if (dx is not null)
        {
            BatchRunner.For((inputs + ColumnBlock - 1) / ColumnBlock, job, static (job, b) => InputColumns(in job, b * ColumnBlock, Math.Min(job.Inputs, (b + 1) * ColumnBlock)));
        }
    }

    /// <summary>The forward's rows <paramref name="u0"/> to <paramref name="u1"/> (exclusive) for every sample.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardRows(in Job job, int u0, int u1)
    {
        int n = job.Inputs, count = job.Count;
        ref float w = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(job.Parameters), job.WeightOffset);
        int u = u0;
        if (Simd.IsEnabled && n >= 8)
        {
            for (; u <= u1 - 4; u += 4)
            {
                ref float w0 = ref Unsafe.Add(ref w, u * n);
                int s = 0;
                for (; s <= count - 4; s += 4)
                {
                    Forward4x4(in job, ref w0, u, s);
                }
                for (; s < count; s++)
                {
                    Forward4x1(in job, ref w0, u, s);
                }
            }
        }
        for (; u < u1; u++)
        {
            ref float row = ref Unsafe.Add(ref w, u * n);
            float b = Bias(in job, u);
            for (int s = 0; s < count; s++)
            {
                ref float xs = ref MemoryMarshal.GetArrayDataReference(job.X[s]);
                float sum = 0f;
                for (int i = 0; i < n; i++) sum += Unsafe.Add(ref row, i) * Unsafe.Add(ref xs, i);
                job.Out[s][u] = b + sum;
            }
        }
    }

    /// <summary>The bias of unit <paramref name="u"/>, or 0 for a layer without bias.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Bias(in Job job, int u) => job.BiasOffset < 0 ? 0f : job.Parameters[job.BiasOffset + u];

    /// <summary>Rows u to u + 3 for samples s to s + 3: 16 sums, each weight and input vector loaded once for four of them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Forward4x4(in Job job, ref float w0, int u, int s)
    {
        int n = job.Inputs;
        ref float w1 = ref Unsafe.Add(ref w0, n);
        ref float w2 = ref Unsafe.Add(ref w1, n);
        ref float w3 = ref Unsafe.Add(ref w2, n);
        float[] x0 = job.X[s], x1 = job.X[s + 1], x2 = job.X[s + 2], x3 = job.X[s + 3];
        ref float xa = ref MemoryMarshal.GetArrayDataReference(x0);
        ref float xb = ref MemoryMarshal.GetArrayDataReference(x1);
        ref float xc = ref MemoryMarshal.GetArrayDataReference(x2);
        ref float xd = ref MemoryMarshal.GetArrayDataReference(x3);
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default;
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector256<float> d0 = default, d1 = default, d2 = default, d3 = default;
        int i = 0;
        for (; i <= n - 8; i += 8)
        {
            var v0 = Vector256.LoadUnsafe(ref w0, (nuint)i);
            var v1 = Vector256.LoadUnsafe(ref w1, (nuint)i);
            var v2 = Vector256.LoadUnsafe(ref w2, (nuint)i);
            var v3 = Vector256.LoadUnsafe(ref w3, (nuint)i);
            var v = Vector256.LoadUnsafe(ref xa, (nuint)i);
            a0 = Vector256.MultiplyAddEstimate(v0, v, a0);
            a1 = Vector256.MultiplyAddEstimate(v1, v, a1);
            a2 = Vector256.MultiplyAddEstimate(v2, v, a2);
            a3 = Vector256.MultiplyAddEstimate(v3, v, a3);
            v = Vector256.LoadUnsafe(ref xb, (nuint)i);
            b0 = Vector256.MultiplyAddEstimate(v0, v, b0);
            b1 = Vector256.MultiplyAddEstimate(v1, v, b1);
            b2 = Vector256.MultiplyAddEstimate(v2, v, b2);
            b3 = Vector256.MultiplyAddEstimate(v3, v, b3);
            v = Vector256.LoadUnsafe(ref xc, (nuint)i);
            c0 = Vector256.MultiplyAddEstimate(v0, v, c0);
            c1 = Vector256.MultiplyAddEstimate(v1, v, c1);
            c2 = Vector256.MultiplyAddEstimate(v2, v, c2);
            c3 = Vector256.MultiplyAddEstimate(v3, v, c3);
            v = Vector256.LoadUnsafe(ref xd, (nuint)i);
            d0 = Vector256.MultiplyAddEstimate(v0, v, d0);
            d1 = Vector256.MultiplyAddEstimate(v1, v, d1);
            d2 = Vector256.MultiplyAddEstimate(v2, v, d2);
            d3 = Vector256.MultiplyAddEstimate(v3, v, d3);
        }
        Store4(in job, ref w0, n, i, ref xa, a0, a1, a2, a3, job.Out[s], u);
        Store4(in job, ref w0, n, i, ref xb, b0, b1, b2, b3, job.Out[s + 1], u);
        Store4(in job, ref w0, n, i, ref xc, c0, c1, c2, c3, job.Out[s + 2], u);
        Store4(in job, ref w0, n, i, ref xd, d0, d1, d2, d3, job.Out[s + 3], u);
    }

    /// <summary>Rows u to u + 3 for sample s alone.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Forward4x1(in Job job, ref float w0, int u, int s)
    {
        int n = job.Inputs;
        ref float w1 = ref Unsafe.Add(ref w0, n);
        ref float w2 = ref Unsafe.Add(ref w1, n);
        ref float w3 = ref Unsafe.Add(ref w2, n);
        ref float xa = ref MemoryMarshal.GetArrayDataReference(job.X[s]);
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        int i = 0;
        for (; i <= n - 8; i += 8)
        {
            var v = Vector256.LoadUnsafe(ref xa, (nuint)i);
            a0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w0, (nuint)i), v, a0);
            a1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w1, (nuint)i), v, a1);
            a2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w2, (nuint)i), v, a2);
            a3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w3, (nuint)i), v, a3);
        }
        Store4(in job, ref w0, n, i, ref xa, a0, a1, a2, a3, job.Out[s], u);
    }

    /// <summary>One sample's four sums: the lane sums, the inputs from <paramref name="i"/> on, the biases; as <see cref="DenseKernels"/> sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(
        in Job job,
        ref float w0,
        int n,
        int i,
        ref float x,
        Vector256<float> a0,
        Vector256<float> a1,
        Vector256<float> a2,
        Vector256<float> a3,
        float[] y,
        int u)
    {
        float s0 = Vector256.Sum(a0), s1 = Vector256.Sum(a1), s2 = Vector256.Sum(a2), s3 = Vector256.Sum(a3);
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref x, i);
            s0 += Unsafe.Add(ref w0, i) * v;
            s1 += Unsafe.Add(ref w0, n + i) * v;
            s2 += Unsafe.Add(ref w0, 2 * n + i) * v;
            s3 += Unsafe.Add(ref w0, 3 * n + i) * v;
        }
        ref float yr = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(y), u);
        yr = Bias(in job, u) + s0;
        Unsafe.Add(ref yr, 1) = Bias(in job, u + 1) + s1;
        Unsafe.Add(ref yr, 2) = Bias(in job, u + 2) + s2;
        Unsafe.Add(ref yr, 3) = Bias(in job, u + 3) + s3;
    }

    private static void CheckLayer(float[] parameters, int weightOffset, int biasOffset, int units, int inputs)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (units < 1 || inputs < 1 || weightOffset < 0 || (long)weightOffset + (long)units * inputs > parameters.Length
            || (biasOffset >= 0 && (long)biasOffset + units > parameters.Length))
        {
            throw new ArgumentException(
                $"A dense layer of {units} units over {inputs} inputs, weights at {weightOffset} and biases at {biasOffset}, "
                + $"does not fit in {parameters.Length} parameters.",
                nameof(parameters));
        }
    }

    private static void CheckSamples(float[][] buffers, int length, int count, string name)
    {
        ArgumentNullException.ThrowIfNull(buffers, name);
        if (count < 0 || buffers.Length < count)
        {
            throw new ArgumentException($"{count} samples need {count} buffers; got {buffers.Length}.", name);
        }
        for (int s = 0; s < count; s++)
        {
            if (buffers[s] is null || buffers[s].Length < length)
            {
                throw new ArgumentException($"Sample {s}'s buffer is missing or shorter than {length} floats.", name);
            }
        }
    }
}
