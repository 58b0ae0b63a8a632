using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNets.__Internals;

/// <summary>
/// Activation functions and their derivatives, each forward beside its backward. Called by generated
/// code with spans whose lengths are the layer's constant sizes. Backward methods write
/// <c>dx = f'(.) * dy</c>; <c>dx</c> may be the same span as <c>dy</c>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static class Activations
{
    /// <summary><c>y = max(0, x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReLU(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    /// <summary><c>dx = dy</c> where <c>y &gt; 0</c>, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReLUBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => Backward(y, dy, dx, new ReLUSlope());

    /// <summary><c>y = min(max(x, 0), 6)</c> (MobileNet's ReLU6).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReLU6(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length, i = 0;
        if (y.Length < n) throw new ArgumentException("Destination too short.", nameof(y));
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Simd.IsEnabled)
        {
            var six = Vector256.Create(6f);
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref xr, (nuint)i);
                Vector256.StoreUnsafe(Vector256.Min(Vector256.Max(v, Vector256<float>.Zero), six), ref yr, (nuint)i);
            }
        }
        for (; i < n; i++) y[i] = Math.Min(Math.Max(x[i], 0f), 6f);
    }

    /// <summary><c>dx = dy</c> where <c>0 &lt; y &lt; 6</c>, else 0: the derivative is 0 at and beyond the clip points, as PyTorch's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReLU6Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => Backward(y, dy, dx, new ReLU6Slope());

    /// <summary><c>y = max(alpha*x, x)</c> for <c>0 &lt;= alpha &lt;= 1</c>; <c>x</c> if positive, else <c>alpha*x</c> in general.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LeakyReLU(ReadOnlySpan<float> x, Span<float> y, float alpha)
    {
        int n = x.Length, i = 0;
        if (y.Length < n) throw new ArgumentException("Destination too short.", nameof(y));
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Simd.IsEnabled)
        {
            var a = Vector256.Create(alpha);
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref xr, (nuint)i);
                Vector256.StoreUnsafe(Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, v * a), ref yr, (nuint)i);
            }
        }
        for (; i < n; i++) y[i] = x[i] > 0f ? x[i] : alpha * x[i];
    }

    /// <summary><c>dx = dy</c> where <c>x &gt; 0</c>, else <c>alpha*dy</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LeakyReLUBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float alpha) => Backward(x, dy, dx, new LeakyReLUSlope(alpha));

    /// <summary>The exact GELU, <c>y = x * Phi(x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GELU(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = (float)(x[i] * Phi(x[i]));
    }

    /// <summary><c>dx = (Phi(x) + x * phi(x)) * dy</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GELUBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        const double InvSqrt2Pi = 0.3989422804014327;
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            dx[i] = (float)((Phi(v) + v * InvSqrt2Pi * Math.Exp(-0.5 * v * v)) * dy[i]);
        }
    }

    /// <summary><c>y = 1 / (1 + e^-x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);

    /// <summary><c>dx = y (1 - y) dy</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => Backward(y, dy, dx, new SigmoidSlope());

    /// <summary><c>y = tanh(x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);

    /// <summary><c>dx = (1 - y^2) dy</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => Backward(y, dy, dx, new TanhSlope());

    /// <summary>A derivative that needs only the activation's input or output at the same index: <c>dx = slope(v) * dy</c>.</summary>
    private interface ISlope
    {
        Vector256<float> Apply(Vector256<float> v, Vector256<float> dy);

        float Apply(float v, float dy);
    }

    private readonly struct ReLUSlope : ISlope
    {
        public Vector256<float> Apply(Vector256<float> y, Vector256<float> dy) => Vector256.GreaterThan(y, Vector256<float>.Zero) & dy;

        public float Apply(float y, float dy) => y > 0f ? dy : 0f;
    }

    private readonly struct ReLU6Slope : ISlope
    {
        public Vector256<float> Apply(Vector256<float> y, Vector256<float> dy) =>
            Vector256.GreaterThan(y, Vector256<float>.Zero) & Vector256.LessThan(y, Vector256.Create(6f)) & dy;

        public float Apply(float y, float dy) => y > 0f && y < 6f ? dy : 0f;
    }

    private readonly struct LeakyReLUSlope(float alpha) : ISlope
    {
        public Vector256<float> Apply(Vector256<float> x, Vector256<float> dy) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), dy, dy * alpha);

        public float Apply(float x, float dy) => x > 0f ? dy : alpha * dy;
    }

    private readonly struct SigmoidSlope : ISlope
    {
        public Vector256<float> Apply(Vector256<float> y, Vector256<float> dy) => y * (Vector256<float>.One - y) * dy;

        public float Apply(float y, float dy) => y * (1f - y) * dy;
    }

    private readonly struct TanhSlope : ISlope
    {
        public Vector256<float> Apply(Vector256<float> y, Vector256<float> dy) => (Vector256<float>.One - y * y) * dy;

        public float Apply(float y, float dy) => (1f - y * y) * dy;
    }

    /// <summary>One loop for every elementwise derivative: vectors of 8, then the tail; specialised per slope by the JIT.</summary>
    private static void Backward<TSlope>(ReadOnlySpan<float> values, ReadOnlySpan<float> dy, Span<float> dx, TSlope slope)
        where TSlope : struct, ISlope
    {
        int n = Checked(values, dy, dx), i = 0;
        ref float vr = ref MemoryMarshal.GetReference(values);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        if (Simd.IsEnabled)
        {
            for (; i <= n - 8; i += 8)
            {
                Vector256.StoreUnsafe(slope.Apply(Vector256.LoadUnsafe(ref vr, (nuint)i), Vector256.LoadUnsafe(ref dyr, (nuint)i)), ref dxr, (nuint)i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref dxr, i) = slope.Apply(Unsafe.Add(ref vr, i), Unsafe.Add(ref dyr, i));
    }

    /// <summary>The common length of a backward's spans; throws if the gradients are shorter than the values.</summary>
    private static int Checked(ReadOnlySpan<float> values, ReadOnlySpan<float> dy, Span<float> dx)
    {
        if (dy.Length < values.Length || dx.Length < values.Length) throw new ArgumentException($"Gradient spans ({dy.Length}, {dx.Length}) are shorter than the values ({values.Length}).");
        return values.Length;
    }

    /// <summary>Softmax over all of <paramref name="x"/>, computed stably (the maximum is subtracted first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y)
    {
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        TensorPrimitives.Exp(y, y);
        float sum = TensorPrimitives.Sum((ReadOnlySpan<float>)y);
        TensorPrimitives.Multiply(y, 1f / sum, y);
    }

    /// <summary>The Jacobian-vector product of softmax: <c>dx = y * (dy - dot(dy, y))</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        float dot = TensorPrimitives.Dot(dy, y);
        for (int i = 0; i < y.Length; i++) dx[i] = y[i] * (dy[i] - dot);
    }

    /// <summary>The standard normal cumulative distribution function <c>Phi(x) = (1 + erf(x / sqrt 2)) / 2</c>.</summary>
    public static double Phi(double x) => 0.5 * Erfc(-x * 0.7071067811865476);

    /// <summary>The complementary error function, with relative error below 1.2e-7 everywhere (Numerical Recipes' erfcc, Chebyshev fit).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }
}
