using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace StaticNets.__Internals;

/// <summary>
/// The random numbers StaticNets draws (weight initialisation, dropout masks, shuffling): SplitMix64,
/// fixed here so that a seed gives the same network on every machine and every .NET version.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static class Rng
{
    /// <summary>SplitMix64's increment, the golden ratio in 64 bits.</summary>
    internal const ulong Gamma = 0x9E3779B97F4A7C15UL;

    /// <summary>A state derived from a seed and a stream number (for example the layer index), well mixed.</summary>
    public static ulong Seed(long seed, long stream) => Mix(Mix(unchecked((ulong)seed)) ^ unchecked((ulong)stream * 0xD1B54A32D192ED03UL));

    /// <summary>The next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Next(ref ulong state)
    {
        state = unchecked(state + Gamma);
        return Mix(state);
    }

    /// <summary>A uniform float in [0, 1), with 24 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float NextFloat(ref ulong state) => (Next(ref state) >> 40) * (1.0f / (1 << 24));

    /// <summary>A uniform double in [0, 1), with 53 random bits.</summary>
    public static double NextDouble(ref ulong state) => (Next(ref state) >> 11) * (1.0 / (1UL << 53));

    /// <summary>A standard normal value (Box-Muller).</summary>
    public static double NextNormal(ref ulong state)
    {
        double u1 = 1.0 - NextDouble(ref state); // (0, 1]
        double u2 = NextDouble(ref state);
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }


    /// <summary>SplitMix64's output function: a bijective mix of 64 bits.</summary>
    internal static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
