using System.ComponentModel;

namespace StaticNets.__Internals;

/// <summary>Weight initialisation as Glorot and Bengio (2010) and He et al. (2015) define it. Called by generated constructors.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static class Initializers
{
    /// <summary>
    /// Fills <paramref name="weights"/> for a layer with <paramref name="fanIn"/> inputs and <paramref name="fanOut"/>
    /// outputs per weight: He normal <c>N(0, 2/fanIn)</c>, He uniform <c>U(±sqrt(6/fanIn))</c>, Xavier normal
    /// <c>N(0, 2/(fanIn+fanOut))</c>, Xavier uniform <c>U(±sqrt(6/(fanIn+fanOut)))</c>.
    /// </summary>
    public static void Fill(Span<float> weights, Init init, int fanIn, int fanOut, int seed, int layer)
    {
        ulong state = Rng.Seed(seed, layer);
        switch (init)
        {
            case Init.HeNormal:
                Normal(weights, Math.Sqrt(2.0 / fanIn), ref state);
                break;
            case Init.HeUniform:
                Uniform(weights, Math.Sqrt(6.0 / fanIn), ref state);
                break;
            case Init.XavierNormal:
                Normal(weights, Math.Sqrt(2.0 / (fanIn + (double)fanOut)), ref state);
                break;
            case Init.XavierUniform:
            case Init.Auto:
                Uniform(weights, Math.Sqrt(6.0 / (fanIn + (double)fanOut)), ref state);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(init), init, "Not a value of the Init enum.");
        }
    }

    private static void Normal(Span<float> weights, double std, ref ulong state)
    {
        for (int i = 0; i < weights.Length; i++) weights[i] = (float)(std * Rng.NextNormal(ref state));
    }

    private static void Uniform(Span<float> weights, double limit, ref ulong state)
    {
        for (int i = 0; i < weights.Length; i++) weights[i] = (float)(limit * (2.0 * Rng.NextDouble(ref state) - 1.0));
    }
}
