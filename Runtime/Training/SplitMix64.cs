namespace StaticNets.Training;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014): the small, fast, statistically sound generator used
/// wherever training and datasets need reproducible randomness. Written out here rather than
/// taken from <see cref="System.Random"/>, whose algorithm may change between .NET versions,
/// so that a seed gives the same shuffles on every runtime.
/// </summary>
internal struct SplitMix64
{
    private const ulong Gamma = 0x9E3779B97F4A7C15;

    private ulong state;

    /// <summary>A generator starting from <paramref name="seed"/>.</summary>
    public SplitMix64(ulong seed) => state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        state += Gamma;
        return Finalize(state);
    }

    /// <summary>A random integer in <c>[0, bound)</c>, by Lemire's multiply-high (bias below 2^-32 for any int bound).</summary>
    public int NextInt(int bound) => (int)Math.BigMul(Next(), (ulong)bound, out _);

    /// <summary>Fisher-Yates shuffle of <paramref name="values"/> in place.</summary>
    public void Shuffle(Span<int> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>A well-mixed 64-bit hash of three values (a seed and two indices), never zero.</summary>
    public static ulong Hash(ulong a, ulong b, ulong c)
    {
        ulong h = Finalize(Finalize(Finalize(a + Gamma) + b + Gamma) + c + Gamma);
        return h == 0 ? Gamma : h;
    }

    private static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
