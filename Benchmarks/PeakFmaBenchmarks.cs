using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace StaticNets.Benchmarks;

/// <summary>
/// The machine's measured peak: fused multiply-adds on twelve independent accumulators in a long loop,
/// enough to cover the FMA latency on every pipe, so the loop runs at the FMA units' throughput. Every
/// other result is reported as a fraction of this peak, on one thread and on two.
/// </summary>
/// <remarks>
/// Vector256 is the width the generated code uses; Vector512 is measured too, as the ceiling on a machine
/// with AVX-512 (TensorPrimitives, which the dense layers call, uses it where it is accelerated).
/// GFLOP/s = <see cref="FlopsPerCall"/> / median.
/// </remarks>
public class PeakFmaBenchmarks
{
    /// <summary>Loop trips per call: a few milliseconds at peak.</summary>
    public const int Iterations = 1 << 20;

    /// <summary>Independent accumulators: FMA latency (4 cycles) times pipes (2), with room to spare.</summary>
    public const int Accumulators = 12;

    private float seed = 1f;
    private float r0;
    private float r1;

    /// <summary>Operations per thread and call at <paramref name="lanes"/> floats per vector (a multiply-add is two).</summary>
    public static long FlopsPerCall(int lanes) => 2L * Accumulators * lanes * Iterations;

    [Benchmark]
    public float Vector256OneThread() => Fma256(seed);

    [Benchmark]
    public float Vector256TwoThreads()
    {
        Parallel.Invoke(() => r0 = Fma256(seed), () => r1 = Fma256(seed));
        return r0 + r1;
    }

    [Benchmark]
    public float Vector512OneThread() => Fma512(seed);

    [Benchmark]
    public float Vector512TwoThreads()
    {
        Parallel.Invoke(() => r0 = Fma512(seed), () => r1 = Fma512(seed));
        return r0 + r1;
    }

    /// <summary>a = a * m + c on each accumulator; with m just under 1 the values settle and never become subnormal.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static float Fma256(float seed)
    {
        Vector256<float> m = Vector256.Create(0.999f), c = Vector256.Create(0.001f);
        Vector256<float> a0 = Vector256.Create(seed), a1 = a0 + c, a2 = a1 + c, a3 = a2 + c, a4 = a3 + c, a5 = a4 + c;
        Vector256<float> a6 = a5 + c, a7 = a6 + c, a8 = a7 + c, a9 = a8 + c, a10 = a9 + c, a11 = a10 + c;
        for (int i = 0; i < Iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c);
            a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c);
            a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c);
            a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c);
            a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c);
            a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c);
            a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }

        return Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }

    /// <summary>As <see cref="Fma256"/>, sixteen lanes wide.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static float Fma512(float seed)
    {
        Vector512<float> m = Vector512.Create(0.999f), c = Vector512.Create(0.001f);
        Vector512<float> a0 = Vector512.Create(seed), a1 = a0 + c, a2 = a1 + c, a3 = a2 + c, a4 = a3 + c, a5 = a4 + c;
        Vector512<float> a6 = a5 + c, a7 = a6 + c, a8 = a7 + c, a9 = a8 + c, a10 = a9 + c, a11 = a10 + c;
        for (int i = 0; i < Iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c);
            a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c);
            a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c);
            a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c);
            a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c);
            a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c);
            a11 = Vector512.FusedMultiplyAdd(a11, m, c);
        }

        return Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }
}
