using System.Runtime.CompilerServices;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNets;

/// <summary>
/// Adam (Kingma and Ba, 2015) with bias correction, computed as PyTorch does: at step t,
/// <c>m = b1*m + (1-b1)*g</c>, <c>v = b2*v + (1-b2)*g^2</c>, and
/// <c>p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)</c>.
/// </summary>
/// <remarks>
/// Regularisation reaches Adam through the gradient (L2, not AdamW's decoupled decay): see
/// <see cref="TrainingOptions.WeightDecay"/>.
/// </remarks>
public sealed class Adam : Optimizer
{
    /// <summary>
    /// The smallest normal float. Moments below it are set to zero: a parameter whose gradient stays zero (a unit
    /// that never fires) would otherwise decay its moments through the subnormal range, for about a hundred steps of
    /// the first and thirteen thousand of the second, where every multiplication costs many times more. Its
    /// update there is below 1e-30 either way.
    /// </summary>
    private const float Tiny = 1.17549435e-38f;

    private float[]? firstMoment;
    private float[]? secondMoment;
    private long step;

    /// <summary>Adam with the given hyper-parameters (the defaults are the paper's and PyTorch's).</summary>
    /// <param name="learningRate">The step size, positive and finite.</param>
    /// <param name="beta1">Decay of the gradient's running mean, in <c>[0, 1)</c>.</param>
    /// <param name="beta2">Decay of the squared gradient's running mean, in <c>[0, 1)</c>.</param>
    /// <param name="epsilon">Added to the denominator for stability; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public Adam(float learningRate = 0.001f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
        : base(learningRate)
    {
        CheckBeta(beta1, nameof(beta1));
        CheckBeta(beta2, nameof(beta2));
        if (!(epsilon > 0) || !float.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon,
                $"epsilon must be positive and finite, but it is {epsilon.ToString(CultureInfo.InvariantCulture)}.");
        }

        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>Decay of the gradient's running mean.</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the squared gradient's running mean.</summary>
    public float Beta2 { get; }

    /// <summary>Added to the denominator for stability.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    /// <remarks>
    /// Inside a batch pass on several threads (<c>BatchRunner.Threads</c> above 1), a step over at least
    /// <see cref="ParallelLeast"/> values runs in ranges of <see cref="RangeLength"/> values on those threads: every value is
    /// computed by the same operations whichever thread takes it, so the result has the same bits.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        Span<float> m = EnsureState(ref firstMoment, parameters, gradients);
        Span<float> v = EnsureState(ref secondMoment, parameters, gradients);
        step++;

        float b1 = Beta1, b2 = Beta2;
        var c = new Constants(
            b1,
            b2,
            1 - b1,
            1 - b2,
            Epsilon,
            (float)(LearningRate / (1 - Math.Pow(b1, step))),
            // One square root and one division per value: sqrt(v) / sqrt(1 - b2^t) is a multiplication by a constant.
            1f / (float)Math.Sqrt(1 - Math.Pow(b2, step)));
        int n = parameters.Length;
#pragma warning disable CS0618 // the batch runner is the Runtime's own
        int threads = __Internals.BatchRunner.Threads;
        if (threads > 1 && n >= ParallelLeast)
        {
            unsafe
            {
                fixed (float* p = parameters, g = gradients, mp = m, vp = v)
                {
                    var job = new Job((nint)p, (nint)g, (nint)mp, (nint)vp, n, c);
                    __Internals.BatchRunner.For((n + RangeLength - 1) / RangeLength, job, static (job, r) => job.Run(r));
                }
            }
            return;
        }
#pragma warning restore CS0618

        Update(
            ref MemoryMarshal.GetReference(parameters),
            ref MemoryMarshal.GetReference(gradients),
            ref MemoryMarshal.GetReference(m),
            ref MemoryMarshal.GetReference(v),
            n,
            in c);
    }

    /// <summary>The fewest values a step splits across the batch pass's threads.</summary>
    private const int ParallelLeast = 1 << 15;

    /// <summary>Values per range of a split step (a multiple of 16: the ranges keep the vector loops' boundaries).</summary>
    private const int RangeLength = 1 << 13;

    /// <summary>What the update of every value reads.</summary>
    private readonly record struct Constants(
        float B1, float B2, float OneMinusB1, float OneMinusB2, float Epsilon, float StepSize, float InverseCorrection2);

    /// <summary>A split step: the four arrays, pinned by the caller until every range is done.</summary>
    private readonly unsafe struct Job(nint parameters, nint gradients, nint m, nint v, int count, Constants constants)
    {
        public void Run(int range)
        {
            int start = range * RangeLength, n = Math.Min(RangeLength, count - start);
            Update(
                ref ((float*)parameters)[start],
                ref ((float*)gradients)[start],
                ref ((float*)m)[start],
                ref ((float*)v)[start],
                n,
                in constants);
        }
    }

    /// <summary>The update of <paramref name="n"/> values from the references on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Update(ref float p, ref float gr, ref float mr, ref float vr, int n, in Constants c)
    {
        float b1 = c.B1, b2 = c.B2, eps = c.Epsilon, oneMinusB1 = c.OneMinusB1, oneMinusB2 = c.OneMinusB2;
        float stepSize = c.StepSize, inverseCorrection2 = c.InverseCorrection2;
        int i = 0;
        if (__Internals.Simd.IsEnabled && __Internals.Simd.UseVector512)
        {
            // The same operations on 16 values at a time: the same bits as the Vector256 loop and the scalar one.
            var vb1 = Vector512.Create(b1);
            var vb2 = Vector512.Create(b2);
            var v1 = Vector512.Create(oneMinusB1);
            var v2 = Vector512.Create(oneMinusB2);
            var vEps = Vector512.Create(eps);
            var vStep = Vector512.Create(stepSize);
            var vCorrection = Vector512.Create(inverseCorrection2);
            var vTiny = Vector512.Create(Tiny);
            for (; i <= n - 16; i += 16)
            {
                var g = Vector512.LoadUnsafe(ref gr, (nuint)i);
                var mi = vb1 * Vector512.LoadUnsafe(ref mr, (nuint)i) + v1 * g;
                var vi = vb2 * Vector512.LoadUnsafe(ref vr, (nuint)i) + v2 * (g * g);
                mi = Vector512.AndNot(mi, Vector512.LessThan(Vector512.Abs(mi), vTiny));
                vi = Vector512.AndNot(vi, Vector512.LessThan(vi, vTiny));
                Vector512.StoreUnsafe(mi, ref mr, (nuint)i);
                Vector512.StoreUnsafe(vi, ref vr, (nuint)i);
                var denominator = Vector512.Sqrt(vi) * vCorrection + vEps;
                Vector512.StoreUnsafe(Vector512.LoadUnsafe(ref p, (nuint)i) - vStep * mi / denominator, ref p, (nuint)i);
            }
        }

        if (__Internals.Simd.IsEnabled)
        {
            var vb1 = Vector256.Create(b1);
            var vb2 = Vector256.Create(b2);
            var v1 = Vector256.Create(oneMinusB1);
            var v2 = Vector256.Create(oneMinusB2);
            var vEps = Vector256.Create(eps);
            var vStep = Vector256.Create(stepSize);
            var vCorrection = Vector256.Create(inverseCorrection2);
            var vTiny = Vector256.Create(Tiny);
            for (; i <= n - 8; i += 8)
            {
                var g = Vector256.LoadUnsafe(ref gr, (nuint)i);
                var mi = vb1 * Vector256.LoadUnsafe(ref mr, (nuint)i) + v1 * g;
                var vi = vb2 * Vector256.LoadUnsafe(ref vr, (nuint)i) + v2 * (g * g);
                mi = Vector256.AndNot(mi, Vector256.LessThan(Vector256.Abs(mi), vTiny));
                vi = Vector256.AndNot(vi, Vector256.LessThan(vi, vTiny));
                Vector256.StoreUnsafe(mi, ref mr, (nuint)i);
                Vector256.StoreUnsafe(vi, ref vr, (nuint)i);
                var denominator = Vector256.Sqrt(vi) * vCorrection + vEps;
                Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref p, (nuint)i) - vStep * mi / denominator, ref p, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float g = Unsafe.Add(ref gr, i);
            float mi = b1 * Unsafe.Add(ref mr, i) + oneMinusB1 * g;
            float vi = b2 * Unsafe.Add(ref vr, i) + oneMinusB2 * (g * g);
            if (MathF.Abs(mi) < Tiny) mi = 0f;
            if (vi < Tiny) vi = 0f;
            Unsafe.Add(ref mr, i) = mi;
            Unsafe.Add(ref vr, i) = vi;
            Unsafe.Add(ref p, i) -= stepSize * mi / (MathF.Sqrt(vi) * inverseCorrection2 + eps);
        }
    }

    /// <inheritdoc/>
    public override void Reset()
    {
        firstMoment = null;
        secondMoment = null;
        step = 0;
    }

    /// <summary>The settings, as they would be written in code.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"Adam(learningRate: {LearningRate}, beta1: {Beta1}, beta2: {Beta2}, epsilon: {Epsilon})");

    private static void CheckBeta(float beta, string name)
    {
        if (!(beta >= 0 && beta < 1))
        {
            throw new ArgumentOutOfRangeException(name, beta, $"{name} must be in [0, 1), but it is {beta.ToString(CultureInfo.InvariantCulture)}.");
        }
    }
}
