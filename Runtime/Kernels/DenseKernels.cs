using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNets.__Internals;

/// <summary>
/// The dense layer's three products, with weights <c>[units][inputs]</c>. Four rows go together so that each
/// vector of the input (or of dx) is loaded once for four multiply-adds. Called by generated code with the
/// layer's constant sizes; every span must be exactly as long as the sizes say.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static class DenseKernels
{
    /// <summary><c>y[u] = b[u] + dot(W[u], x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, Span<float> y)
    {
        int units = bias.Length, n = x.Length;
        Check(weights, units, n, y.Length);
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float xr = ref MemoryMarshal.GetReference(x);
        int u = 0;
        if (Simd.IsEnabled && n >= 8)
        {
            for (; u <= units - 4; u += 4)
            {
                var (s0, s1, s2, s3) = Dot4(ref Unsafe.Add(ref w, u * n), n, ref xr);
                y[u] = bias[u] + s0;
                y[u + 1] = bias[u + 1] + s1;
                y[u + 2] = bias[u + 2] + s2;
                y[u + 3] = bias[u + 3] + s3;
            }
        }
        for (; u < units; u++)
        {
            float s = 0f;
            ref float row = ref Unsafe.Add(ref w, u * n);
            for (int i = 0; i < n; i++) s += Unsafe.Add(ref row, i) * Unsafe.Add(ref xr, i);
            y[u] = bias[u] + s;
        }
    }

    /// <summary>
    /// <see cref="Forward"/> for <paramref name="count"/> samples stored back to back in <paramref name="x"/>
    /// (and <paramref name="y"/>): each block of four weight rows is read from memory once for all of them,
    /// and used from the L1 cache for every pair of samples. Every output has the same bits as
    /// <see cref="Forward"/>'s, since each is summed in the same order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardBatch(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, Span<float> y, int count)
    {
        int units = bias.Length;
        int n = count > 0 ? x.Length / count : 0;
        if (count < 0 || x.Length != n * count || y.Length != units * count)
        {
            throw new ArgumentException($"A batch of {count} samples needs x of a multiple of {count} values and y of {units} * {count}; got {x.Length} and {y.Length}.");
        }
        if (count == 0) return;
        Check(weights, units, n, units);
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int u = 0;
        if (Simd.IsEnabled && n >= 8)
        {
            for (; u <= units - 4; u += 4)
            {
                ref float w0 = ref Unsafe.Add(ref w, u * n);
                ref float w1 = ref Unsafe.Add(ref w0, n);
                ref float w2 = ref Unsafe.Add(ref w1, n);
                ref float w3 = ref Unsafe.Add(ref w2, n);
                float b0 = bias[u], b1 = bias[u + 1], b2 = bias[u + 2], b3 = bias[u + 3];
                int s = 0;
                for (; s <= count - 2; s += 2)
                {
                    ref float xa = ref Unsafe.Add(ref xr, s * n);
                    ref float xb = ref Unsafe.Add(ref xa, n);
                    Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                    Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default;
                    int i = 0;
                    for (; i <= n - 8; i += 8)
                    {
                        var va = Vector256.LoadUnsafe(ref xa, (nuint)i);
                        var vb = Vector256.LoadUnsafe(ref xb, (nuint)i);
                        var v0 = Vector256.LoadUnsafe(ref w0, (nuint)i);
                        var v1 = Vector256.LoadUnsafe(ref w1, (nuint)i);
                        var v2 = Vector256.LoadUnsafe(ref w2, (nuint)i);
                        var v3 = Vector256.LoadUnsafe(ref w3, (nuint)i);
                        a0 = Vector256.MultiplyAddEstimate(v0, va, a0);
                        a1 = Vector256.MultiplyAddEstimate(v1, va, a1);
                        a2 = Vector256.MultiplyAddEstimate(v2, va, a2);
                        a3 = Vector256.MultiplyAddEstimate(v3, va, a3);
                        c0 = Vector256.MultiplyAddEstimate(v0, vb, c0);
                        c1 = Vector256.MultiplyAddEstimate(v1, vb, c1);
                        c2 = Vector256.MultiplyAddEstimate(v2, vb, c2);
                        c3 = Vector256.MultiplyAddEstimate(v3, vb, c3);
                    }
                    float s0 = Vector256.Sum(a0), s1 = Vector256.Sum(a1), s2 = Vector256.Sum(a2), s3 = Vector256.Sum(a3);
                    float t0 = Vector256.Sum(c0), t1 = Vector256.Sum(c1), t2 = Vector256.Sum(c2), t3 = Vector256.Sum(c3);
                    for (; i < n; i++)
                    {
                        float va = Unsafe.Add(ref xa, i), vb = Unsafe.Add(ref xb, i);
                        float v0 = Unsafe.Add(ref w0, i), v1 = Unsafe.Add(ref w1, i), v2 = Unsafe.Add(ref w2, i), v3 = Unsafe.Add(ref w3, i);
                        s0 += v0 * va;
                        s1 += v1 * va;
                        s2 += v2 * va;
                        s3 += v3 * va;
                        t0 += v0 * vb;
                        t1 += v1 * vb;
                        t2 += v2 * vb;
                        t3 += v3 * vb;
                    }
                    ref float ya = ref Unsafe.Add(ref yr, s * units + u);
                    ref float yb = ref Unsafe.Add(ref ya, units);
                    ya = b0 + s0;
                    Unsafe.Add(ref ya, 1) = b1 + s1;
                    Unsafe.Add(ref ya, 2) = b2 + s2;
                    Unsafe.Add(ref ya, 3) = b3 + s3;
                    yb = b0 + t0;
                    Unsafe.Add(ref yb, 1) = b1 + t1;
                    Unsafe.Add(ref yb, 2) = b2 + t2;
                    Unsafe.Add(ref yb, 3) = b3 + t3;
                }
                if (s < count)
                {
                    // The odd sample: Forward's own sums.
                    var (s0, s1, s2, s3) = Dot4(ref w0, n, ref Unsafe.Add(ref xr, s * n));
                    ref float ya = ref Unsafe.Add(ref yr, s * units + u);
                    ya = b0 + s0;
                    Unsafe.Add(ref ya, 1) = b1 + s1;
                    Unsafe.Add(ref ya, 2) = b2 + s2;
                    Unsafe.Add(ref ya, 3) = b3 + s3;
                }
            }
        }
        for (; u < units; u++)
        {
            ref float row = ref Unsafe.Add(ref w, u * n);
            for (int s = 0; s < count; s++)
            {
                ref float xs = ref Unsafe.Add(ref xr, s * n);
                float sum = 0f;
                for (int i = 0; i < n; i++) sum += Unsafe.Add(ref row, i) * Unsafe.Add(ref xs, i);
                Unsafe.Add(ref yr, s * units + u) = bias[u] + sum;
            }
        }
    }

    /// <summary>
    /// The dot products of four consecutive weight rows (from <paramref name="w0"/>, <paramref name="n"/> apart) with
    /// <paramref name="x"/>: vectors of 8 summed lane by lane, then the tail. <see cref="Forward"/> and
    /// <see cref="ForwardBatch"/> both sum this way, so their outputs have the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float, float, float, float) Dot4(ref float w0, int n, ref float x)
    {
        ref float w1 = ref Unsafe.Add(ref w0, n);
        ref float w2 = ref Unsafe.Add(ref w1, n);
        ref float w3 = ref Unsafe.Add(ref w2, n);
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        int i = 0;
        for (; i <= n - 8; i += 8)
        {
            var v = Vector256.LoadUnsafe(ref x, (nuint)i);
            a0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w0, (nuint)i), v, a0);
            a1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w1, (nuint)i), v, a1);
            a2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w2, (nuint)i), v, a2);
            a3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w3, (nuint)i), v, a3);
        }
        float s0 = Vector256.Sum(a0), s1 = Vector256.Sum(a1), s2 = Vector256.Sum(a2), s3 = Vector256.Sum(a3);
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref x, i);
            s0 += Unsafe.Add(ref w0, i) * v;
            s1 += Unsafe.Add(ref w1, i) * v;
            s2 += Unsafe.Add(ref w2, i) * v;
            s3 += Unsafe.Add(ref w3, i) * v;
        }
        return (s0, s1, s2, s3);
    }

    /// <summary>
    /// The backward products: <c>dW[u] += dz[u] * x</c>, <c>db[u] += dz[u]</c>, and, unless <paramref name="dx"/> is
    /// empty, <c>dx = sum over u of dz[u] * W[u]</c> (written, not added). A ReLU that was off leaves an exact zero
    /// in dz, which adds nothing: the other units are listed once, without a branch (the zeros fall at random, and
    /// a mispredicted branch per unit costs more), and only their rows are visited, in blocks of
    /// <see cref="MaxLiveUnits"/> units so that the list stays on the stack.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void Backward(ReadOnlySpan<float> weights, ReadOnlySpan<float> x, ReadOnlySpan<float> dz, Span<float> weightGradient, Span<float> biasGradient, Span<float> dx)
    {
        int units = dz.Length, n = x.Length;
        // An empty bias gradient: a layer without bias ([Dense(Bias = false)]).
        Check(weightGradient, units, n, biasGradient.IsEmpty ? units : biasGradient.Length);
        Check(weights, units, n, units);
        if (!dx.IsEmpty && dx.Length != n)
        {
            throw new ArgumentException($"A dense layer over {n} inputs writes dx of {n} values; got {dx.Length}.", nameof(dx));
        }

        if (!biasGradient.IsEmpty)
        {
            for (int u = 0; u < units; u++) biasGradient[u] += dz[u];
        }
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float g = ref MemoryMarshal.GetReference(weightGradient);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        Span<int> rows = stackalloc int[Math.Min(units, MaxLiveUnits)];
        Span<float> scales = stackalloc float[rows.Length];
        for (int first = 0; first < units; first += MaxLiveUnits)
        {
            int live = Live(dz.Slice(first, Math.Min(MaxLiveUnits, units - first)), first, n, rows, scales);
            for (int j = 0; j < live; j++) AddRow(ref Unsafe.Add(ref g, rows[j]), ref xr, n, scales[j]);
            if (!dx.IsEmpty) InputGradient(ref w, rows, scales, live, n, ref dxr, add: first > 0);
        }
    }

    /// <summary><c>row += d * x</c> over <paramref name="n"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow(ref float row, ref float xr, int n, float d)
    {
        int i = 0;
        if (Simd.IsEnabled)
        {
            var dv = Vector256.Create(d);
            for (; i <= n - 8; i += 8)
            {
                Vector256.StoreUnsafe(Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref xr, (nuint)i), dv, Vector256.LoadUnsafe(ref row, (nuint)i)), ref row, (nuint)i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref row, i) += d * Unsafe.Add(ref xr, i);
    }

    /// <summary>
    /// Lists the units of <paramref name="dz"/> (units <paramref name="first"/> on) whose dz is not zero (NaN counts as
    /// not zero): their row offsets (<c>u * n</c>) and their dz, in unit order; returns how many. No branch depends
    /// on the values.
    /// </summary>
    private static int Live(ReadOnlySpan<float> dz, int first, int n, Span<int> rows, Span<float> scales)
    {
        int live = 0;
        ref int rr = ref MemoryMarshal.GetReference(rows);
        ref float sr = ref MemoryMarshal.GetReference(scales);
        for (int u = 0; u < dz.Length; u++)
        {
            float d = dz[u];
            Unsafe.Add(ref rr, live) = (first + u) * n;
            Unsafe.Add(ref sr, live) = d;
            live += (BitConverter.SingleToInt32Bits(d) & int.MaxValue) != 0 ? 1 : 0;
        }
        return live;
    }

    /// <summary>
    /// <c>dx (=, or += when <paramref name="add"/>) sum over the listed rows of scale * W[row]</c>: column blocks of 8
    /// inputs, every row's contribution summed in registers and dx written once per block.
    /// </summary>
    private static void InputGradient(ref float w, ReadOnlySpan<int> rows, ReadOnlySpan<float> scales, int live, int n, ref float dxr, bool add)
    {
        ref int rr = ref MemoryMarshal.GetReference(rows);
        ref float sr = ref MemoryMarshal.GetReference(scales);
        int i = 0;
        if (Simd.IsEnabled)
        {
            for (; i <= n - 8; i += 8)
            {
                Vector256<float> a0 = add ? Vector256.LoadUnsafe(ref dxr, (nuint)i) : default, a1 = default;
                ref float wi = ref Unsafe.Add(ref w, i);
                int j = 0;
                for (; j <= live - 2; j += 2)
                {
                    a0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref wi, (nuint)Unsafe.Add(ref rr, j)), Vector256.Create(Unsafe.Add(ref sr, j)), a0);
                    a1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref wi, (nuint)Unsafe.Add(ref rr, j + 1)), Vector256.Create(Unsafe.Add(ref sr, j + 1)), a1);
                }
                if (j < live) a0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref wi, (nuint)Unsafe.Add(ref rr, j)), Vector256.Create(Unsafe.Add(ref sr, j)), a0);
                Vector256.StoreUnsafe(a0 + a1, ref dxr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float s = add ? Unsafe.Add(ref dxr, i) : 0f;
            for (int j = 0; j < live; j++) s += Unsafe.Add(ref w, Unsafe.Add(ref rr, j) + i) * Unsafe.Add(ref sr, j);
            Unsafe.Add(ref dxr, i) = s;
        }
    }

    /// <summary>The most units whose live list <see cref="Backward"/> keeps on the stack at once (8 kB); larger layers go in blocks.</summary>
    private const int MaxLiveUnits = 1024;

    private static void Check(ReadOnlySpan<float> weights, int units, int inputs, int outputs)
    {
        if (weights.Length != units * inputs || outputs != units)
        {
            throw new ArgumentException($"A dense layer of {units} units over {inputs} inputs needs {units * inputs} weights and {units} outputs; got {weights.Length} and {outputs}.");
        }
    }
}
