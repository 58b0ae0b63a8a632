namespace StaticNets.Tests.Support;

/// <summary>Small datasets and paths shared by the tests.</summary>
public static class TestData
{
    /// <summary>The four XOR cases with class labels.</summary>
    public static Dataset Xor() => new([0, 0, 0, 1, 1, 0, 1, 1], [0, 1, 1, 0]);

    /// <summary>The four XOR cases with one-hot target vectors.</summary>
    public static Dataset XorTargets() => new([0, 0, 0, 1, 1, 0, 1, 1], [1, 0, 0, 1, 0, 1, 1, 0], 2);

    /// <summary><paramref name="count"/> points around three centres in the plane, labelled by centre, with some overlap.</summary>
    public static Dataset Blobs(int count, int seed)
    {
        float[] centres = [-1f, -0.5f, 1f, -0.5f, 0f, 1f];
        var random = new TestRandom((ulong)seed);
        var inputs = new float[2 * count];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % 3;
            inputs[2 * i] = centres[2 * labels[i]] + 1.2f * (random.NextFloat() - 0.5f);
            inputs[2 * i + 1] = centres[2 * labels[i] + 1] + 1.2f * (random.NextFloat() - 0.5f);
        }

        return new Dataset(inputs, labels);
    }

    /// <summary>The folder holding StaticNets.sln, found by walking up from the test binaries.</summary>
    public static string SolutionDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "StaticNets.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No StaticNets.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>The shipped MNIST digits.</summary>
    public static string MnistDirectory() => Path.Combine(SolutionDirectory(), "Samples", "data", "mnist");

    /// <summary><paramref name="length"/> values uniform in [-1, 1) from <see cref="Random"/> seeded with <paramref name="seed"/>.</summary>
    public static float[] Uniform(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    /// <summary>The bits of <paramref name="values"/>, for comparisons that must be exact (NaN and -0 included).</summary>
    public static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        }

        return bits;
    }
}
