namespace StaticNets.__Internals;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014) as a value with a state, for shuffles and sample hashes in
/// training and datasets. The arithmetic is <see cref="Rng"/>'s, the project's one generator
/// (also used by weight initialisation and dropout), not <see cref="System.Random"/>, whose algorithm
/// may change between .NET versions.
/// </summary>
internal struct SplitMix64
{
    private const ulong Gamma = Rng.Gamma;

    private ulong state;

    /// <summary>A generator starting from <paramref name="seed"/>.</summary>
    public SplitMix64(ulong seed) => state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next() => Rng.Next(ref state);

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
        ulong h = Rng.Mix(Rng.Mix(Rng.Mix(a + Gamma) + b + Gamma) + c + Gamma);
        return h == 0 ? Gamma : h;
    }
}
