using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNets.__Internals;

/// <summary>The backward products of <see cref="DenseBatch"/>: the weight and bias gradients by rows, the input gradient by columns.</summary>
public static partial class DenseBatch
{
    /// <summary>
    /// The gradients of rows <paramref name="u0"/> to <paramref name="u1"/> (exclusive): each value summed over the
    /// samples in order from zero, then added into the gradients once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradientRows(in Job job, int u0, int u1)
    {
        int n = job.Inputs, count = job.Count;
        float[] gradients = job.Gradients!;
        if (job.BiasOffset >= 0)
        {
            for (int u = u0; u < u1; u++)
            {
                float sum = 0f;
                for (int s = 0; s < count; s++) sum += job.Out[s][u];
                gradients[job.BiasOffset + u] += sum;
            }
        }
        ref float g = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(gradients), job.WeightOffset);
        for (int u = u0; u < u1; u++)
        {
            int rows = Simd.IsEnabled && u <= u1 - 4 ? 4 : 1;
            int i = 0;
            if (Simd.IsEnabled)
            {
                if (rows == 4)
                {
                    for (; i <= n - 16; i += 16) Gradient4x16(in job, ref g, u, i);
                }
                for (; i <= n - 8; i += 8)
                {
                    if (rows == 4) Gradient4x8(in job, ref g, u, i);
                    else Gradient1x8(in job, ref g, u, i);
                }
            }
            for (; i < n; i++)
            {
                for (int r = 0; r < rows; r++)
                {
                    float sum = 0f;
                    for (int s = 0; s < count; s++) sum += job.Out[s][u + r] * job.X[s][i];
                    Unsafe.Add(ref g, (u + r) * n + i) += sum;
                }
            }
            u += rows - 1;
        }
    }

    /// <summary>
    /// Rows u to u + 3, inputs i to i + 15: eight vectors of sums (eight chains of multiply-adds, enough to keep both
    /// FMA units busy), each pair of input vectors loaded once per sample for the four rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gradient4x16(in Job job, ref float g, int u, int i)
    {
        int n = job.Inputs, count = job.Count;
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default;
        for (int s = 0; s < count; s++)
        {
            ref float x = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(job.X[s]), i);
            var v = Vector256.LoadUnsafe(ref x);
            var w = Vector256.LoadUnsafe(ref x, 8);
            ref float d = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(job.Out[s]), u);
            var d0 = Vector256.Create(d);
            a0 = Vector256.MultiplyAddEstimate(v, d0, a0);
            b0 = Vector256.MultiplyAddEstimate(w, d0, b0);
            var d1 = Vector256.Create(Unsafe.Add(ref d, 1));
            a1 = Vector256.MultiplyAddEstimate(v, d1, a1);
            b1 = Vector256.MultiplyAddEstimate(w, d1, b1);
            var d2 = Vector256.Create(Unsafe.Add(ref d, 2));
            a2 = Vector256.MultiplyAddEstimate(v, d2, a2);
            b2 = Vector256.MultiplyAddEstimate(w, d2, b2);
            var d3 = Vector256.Create(Unsafe.Add(ref d, 3));
            a3 = Vector256.MultiplyAddEstimate(v, d3, a3);
            b3 = Vector256.MultiplyAddEstimate(w, d3, b3);
        }
        ref float g0 = ref Unsafe.Add(ref g, u * n + i);
        AddTo(ref g0, a0, b0);
        AddTo(ref Unsafe.Add(ref g0, n), a1, b1);
        AddTo(ref Unsafe.Add(ref g0, 2 * n), a2, b2);
        AddTo(ref Unsafe.Add(ref g0, 3 * n), a3, b3);
    }

    /// <summary>Adds two vectors into 16 gradients.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(ref float g, Vector256<float> a, Vector256<float> b)
    {
        Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref g) + a, ref g);
        Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref g, 8) + b, ref g, 8);
    }

    /// <summary>Rows u to u + 3, inputs i to i + 7: four vectors of sums, each input vector loaded once per sample for the four.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gradient4x8(in Job job, ref float g, int u, int i)
    {
        int n = job.Inputs, count = job.Count;
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (int s = 0; s < count; s++)
        {
            var v = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(job.X[s]), (nuint)i);
            ref float d = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(job.Out[s]), u);
            a0 = Vector256.MultiplyAddEstimate(v, Vector256.Create(d), a0);
            a1 = Vector256.MultiplyAddEstimate(v, Vector256.Create(Unsafe.Add(ref d, 1)), a1);
            a2 = Vector256.MultiplyAddEstimate(v, Vector256.Create(Unsafe.Add(ref d, 2)), a2);
            a3 = Vector256.MultiplyAddEstimate(v, Vector256.Create(Unsafe.Add(ref d, 3)), a3);
        }
        ref float g0 = ref Unsafe.Add(ref g, u * n + i);
        Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref g0) + a0, ref g0);
        Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref g0, (nuint)n) + a1, ref g0, (nuint)n);
        Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref g0, (nuint)(2 * n)) + a2, ref g0, (nuint)(2 * n));
        Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref g0, (nuint)(3 * n)) + a3, ref g0, (nuint)(3 * n));
    }

    /// <summary>Row u, inputs i to i + 7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gradient1x8(in Job job, ref float g, int u, int i)
    {
        int count = job.Count;
        Vector256<float> a = default;
        for (int s = 0; s < count; s++)
        {
            var v = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(job.X[s]), (nuint)i);
            a = Vector256.MultiplyAddEstimate(v, Vector256.Create(job.Out[s][u]), a);
        }
        ref float g0 = ref Unsafe.Add(ref g, u * job.Inputs + i);
        Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref g0) + a, ref g0);
    }

    /// <summary>
    /// The input gradient's columns <paramref name="i0"/> to <paramref name="i1"/> (exclusive) for every sample: each
    /// value summed over the units in order from zero, then written (or added) once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputColumns(in Job job, int i0, int i1)
    {
        int n = job.Inputs, units = job.Units, count = job.Count;
        ref float w = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(job.Parameters), job.WeightOffset);
        int i = i0;
        if (Simd.IsEnabled)
        {
            for (; i <= i1 - 16; i += 16)
            {
                int s = 0;
                for (; s <= count - 4; s += 4) Input16x4(in job, ref w, i, s);
                for (; s < count; s++)
                {
                    Input8x1(in job, ref w, i, s);
                    Input8x1(in job, ref w, i + 8, s);
                }
            }
            for (; i <= i1 - 8; i += 8)
            {
                for (int s = 0; s < count; s++) Input8x1(in job, ref w, i, s);
            }
        }
        for (; i < i1; i++)
        {
            for (int s = 0; s < count; s++)
            {
                float[] dz = job.Out[s];
                float sum = 0f;
                for (int u = 0; u < units; u++) sum += dz[u] * Unsafe.Add(ref w, u * n + i);
                float[] dx = job.Dx![s];
                dx[i] = job.AddDx ? dx[i] + sum : sum;
            }
        }
    }

    /// <summary>Inputs i to i + 15 of samples s to s + 3: eight vectors of sums, each weight vector loaded once for four samples.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Input16x4(in Job job, ref float w, int i, int s)
    {
        int n = job.Inputs, units = job.Units;
        ref float da = ref MemoryMarshal.GetArrayDataReference(job.Out[s]);
        ref float db = ref MemoryMarshal.GetArrayDataReference(job.Out[s + 1]);
        ref float dc = ref MemoryMarshal.GetArrayDataReference(job.Out[s + 2]);
        ref float dd = ref MemoryMarshal.GetArrayDataReference(job.Out[s + 3]);
        Vector256<float> a0 = default, a1 = default, b0 = default, b1 = default;
        Vector256<float> c0 = default, c1 = default, d0 = default, d1 = default;
        ref float wi = ref Unsafe.Add(ref w, i);
        for (int u = 0; u < units; u++)
        {
            ref float row = ref Unsafe.Add(ref wi, u * n);
            var v0 = Vector256.LoadUnsafe(ref row);
            var v1 = Vector256.LoadUnsafe(ref row, 8);
            var d = Vector256.Create(Unsafe.Add(ref da, u));
            a0 = Vector256.MultiplyAddEstimate(v0, d, a0);
            a1 = Vector256.MultiplyAddEstimate(v1, d, a1);
            d = Vector256.Create(Unsafe.Add(ref db, u));
            b0 = Vector256.MultiplyAddEstimate(v0, d, b0);
            b1 = Vector256.MultiplyAddEstimate(v1, d, b1);
            d = Vector256.Create(Unsafe.Add(ref dc, u));
            c0 = Vector256.MultiplyAddEstimate(v0, d, c0);
            c1 = Vector256.MultiplyAddEstimate(v1, d, c1);
            d = Vector256.Create(Unsafe.Add(ref dd, u));
            d0 = Vector256.MultiplyAddEstimate(v0, d, d0);
            d1 = Vector256.MultiplyAddEstimate(v1, d, d1);
        }
        WriteDx(in job, s, i, a0, a1);
        WriteDx(in job, s + 1, i, b0, b1);
        WriteDx(in job, s + 2, i, c0, c1);
        WriteDx(in job, s + 3, i, d0, d1);
    }

    /// <summary>Inputs i to i + 7 of sample s alone.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Input8x1(in Job job, ref float w, int i, int s)
    {
        int n = job.Inputs, units = job.Units;
        ref float da = ref MemoryMarshal.GetArrayDataReference(job.Out[s]);
        Vector256<float> a = default;
        ref float wi = ref Unsafe.Add(ref w, i);
        for (int u = 0; u < units; u++)
        {
            a = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref wi, (nuint)(u * n)), Vector256.Create(Unsafe.Add(ref da, u)), a);
        }
        ref float dx = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(job.Dx![s]), i);
        Vector256.StoreUnsafe(job.AddDx ? Vector256.LoadUnsafe(ref dx) + a : a, ref dx);
    }

    /// <summary>Sixteen of sample s's input gradients from i: written, or added where the layer adds into dx.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteDx(in Job job, int s, int i, Vector256<float> a0, Vector256<float> a1)
    {
        ref float dx = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(job.Dx![s]), i);
        if (job.AddDx)
        {
            a0 += Vector256.LoadUnsafe(ref dx);
            a1 += Vector256.LoadUnsafe(ref dx, 8);
        }
        Vector256.StoreUnsafe(a0, ref dx);
        Vector256.StoreUnsafe(a1, ref dx, 8);
    }
}
