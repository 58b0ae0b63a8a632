namespace StaticNets.Tests.Support;

/// <summary>SplitMix64, written out again so that the test network depends on nothing internal to the Runtime.</summary>
public struct TestRandom(ulong state)
{
    public ulong State { get; private set; } = state;

    public ulong Next()
    {
        State += 0x9E3779B97F4A7C15;
        ulong z = State;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 24 random bits.</summary>
    public float NextFloat() => (Next() >> 40) * (1f / (1 << 24));
}
