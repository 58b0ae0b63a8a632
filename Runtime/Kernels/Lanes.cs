using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticNets.__Internals;

/// <summary>
/// The few vector operations a kernel written once for both widths needs: a kernel generic over a struct implementing
/// this (<see cref="Lanes256"/>, <see cref="Lanes512"/>) is compiled by the JIT once per width, every call inlined.
/// </summary>
/// <typeparam name="TVector">The vector type: <c>Vector256&lt;float&gt;</c> or <c>Vector512&lt;float&gt;</c>.</typeparam>
internal interface ILanes<TVector>
    where TVector : struct
{
    /// <summary>Floats in a vector.</summary>
    static abstract int Count { get; }

    static abstract TVector Zero { get; }

    static abstract TVector Load(ref float at, nuint offset);

    static abstract void Store(TVector x, ref float at, nuint offset);

    /// <summary>The value in every lane.</summary>
    static abstract TVector Splat(float x);

    /// <summary><c>a * b + c</c>, fused where the hardware can.</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Subtract(TVector a, TVector b);
}

/// <summary><see cref="ILanes{TVector}"/> on Vector256.</summary>
internal readonly struct Lanes256 : ILanes<Vector256<float>>
{
    public static int Count => 8;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float at, nuint offset) => Vector256.LoadUnsafe(ref at, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> x, ref float at, nuint offset) => x.StoreUnsafe(ref at, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Splat(float x) => Vector256.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;
}

/// <summary><see cref="ILanes{TVector}"/> on Vector512.</summary>
internal readonly struct Lanes512 : ILanes<Vector512<float>>
{
    public static int Count => 16;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float at, nuint offset) => Vector512.LoadUnsafe(ref at, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> x, ref float at, nuint offset) => x.StoreUnsafe(ref at, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Splat(float x) => Vector512.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;
}
