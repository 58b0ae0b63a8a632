using System.Globalization;

namespace StaticNets.Benchmarks;

/// <summary>
/// One MLPerf Tiny model as the benchmarks measure it: a generated network with seeded random weights, BatchNorm
/// γ and β and running statistics set to seeded random values (so BatchNorm is not the identity and ONNX Runtime's
/// folding has something to fold), a second instance sharing its weights (<c>CreateReplica</c>) for the two-thread
/// run, and <see cref="Samples"/> random inputs stepped through one per call.
/// </summary>
internal abstract class MlperfModel
{
    /// <summary>Inputs per model: the latency benchmarks step through them; the two-thread ones give each thread half.</summary>
    public const int Samples = 16;

    /// <summary>The seed of the weights, the statistics and the inputs.</summary>
    public const int Seed = 15;

    /// <summary>The names the benchmarks' <c>[Params]</c> take, in the README's order.</summary>
    public static readonly string[] Names = ["ResNet8", "DsCnn", "MobileNetV1", "AutoEncoder"];

    public abstract string Name { get; }

    public abstract NetworkInfo Info { get; }

    /// <summary>The generated <c>MultiplyAdds</c>: one sample's forward multiply-adds (BatchNorm's included).</summary>
    public abstract long MultiplyAdds { get; }

    /// <summary>The generated <c>Summary</c>: the layer table and the bytes an instance holds.</summary>
    public abstract string Summary { get; }

    /// <summary>The generated network (the first instance).</summary>
    public abstract object Network { get; }

    /// <summary>The inputs, <see cref="Samples"/> of them back to back.</summary>
    public float[] Inputs { get; protected init; } = [];

    public int InputSize => Info.InputSize;

    public int OutputSize => Info.OutputSize;

    /// <summary>The ONNX input's shape at batch 1: [1, C, H, W], or [1, N] for a flat input (as <c>ExportOnnx</c> writes it).</summary>
    public long[] InputDims
    {
        get
        {
            TensorShape s = Info.InputShape;
            return s.Height == 1 && s.Width == 1 ? [1, s.Channels] : [1, s.Channels, s.Height, s.Width];
        }
    }

    /// <summary>The "memory:" line of <see cref="Summary"/>: what one instance holds.</summary>
    public string Memory =>
        Summary.Split('\n').Select(l => l.Trim().TrimStart('/').Trim()).FirstOrDefault(l => l.StartsWith("memory:", StringComparison.Ordinal)) ?? "not in Summary";

    /// <summary>The bytes one instance holds in all (the last figure of the "memory:" line), or null.</summary>
    public long? InstanceBytes
    {
        get
        {
            string line = Memory;
            int end = line.LastIndexOf(" B in all", StringComparison.Ordinal);
            int start = line.LastIndexOf(' ', Math.Max(0, end - 1)) + 1;
            return end > 0 && long.TryParse(line[start..end], NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out long bytes) ? bytes : null;
        }
    }

    /// <summary>The first instance's <c>Forward</c> of sample <paramref name="sample"/> into <paramref name="output"/>.</summary>
    public abstract void Forward(int sample, float[] output);

    /// <summary>The second instance's <c>Forward</c> of sample <paramref name="sample"/> into <paramref name="output"/>.</summary>
    public abstract void ForwardSecond(int sample, float[] output);

    /// <summary>The network as <c>ExportOnnx</c> writes it.</summary>
    public abstract byte[] ExportOnnx();

    public static MlperfModel Create(string name) => name switch
    {
        "ResNet8" => new Of<ResNet8>(name, ResNet8.MultiplyAdds, ResNet8.Summary),
        "DsCnn" => new Of<DsCnn>(name, DsCnn.MultiplyAdds, DsCnn.Summary),
        "MobileNetV1" => new Of<MobileNetV1>(name, MobileNetV1.MultiplyAdds, MobileNetV1.Summary),
        "AutoEncoder" => new Of<AutoEncoder>(name, AutoEncoder.MultiplyAdds, AutoEncoder.Summary),
        _ => throw new ArgumentException($"No MLPerf Tiny model named '{name}': one of {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>
    /// Random γ in [0.5, 1.5], β in [-0.2, 0.2], running means in [-0.3, 0.3] and variances in [0.5, 1.5] for every
    /// BatchNorm, from <paramref name="random"/>.
    /// </summary>
    protected static void RandomiseBatchNorm(NetworkInfo info, Span<float> parameters, Span<float> statistics, Random random)
    {
        foreach (LayerInfo layer in info.Layers.Where(l => l.Kind == LayerKind.BatchNorm))
        {
            int channels = layer.WeightCount;
            for (int c = 0; c < channels; c++)
            {
                parameters[layer.ParameterOffset + c] = 0.5f + random.NextSingle();
                parameters[layer.ParameterOffset + channels + c] = 0.4f * random.NextSingle() - 0.2f;
                statistics[layer.StatisticsOffset + c] = 0.6f * random.NextSingle() - 0.3f;
                statistics[layer.StatisticsOffset + channels + c] = 0.5f + random.NextSingle();
            }
        }
    }

    private sealed class Of<TNet> : MlperfModel where TNet : class, INetwork<TNet>
    {
        private readonly TNet first;
        private readonly TNet second;

        public Of(string name, long multiplyAdds, string summary)
        {
            Name = name;
            MultiplyAdds = multiplyAdds;
            Summary = summary;
            first = TNet.Create(Seed);
            var random = new Random(Seed);
            RandomiseBatchNorm(TNet.Info, first.Parameters, first.Statistics, random);
            second = first.CreateReplica();
            var inputs = new float[Samples * TNet.Info.InputSize];
            for (int i = 0; i < inputs.Length; i++) inputs[i] = 2 * random.NextSingle() - 1;
            Inputs = inputs;
        }

        public override string Name { get; }

        public override NetworkInfo Info => TNet.Info;

        public override long MultiplyAdds { get; }

        public override string Summary { get; }

        public override object Network => first;

        public override void Forward(int sample, float[] output) =>
            first.Forward(Inputs.AsSpan(sample * InputSize, InputSize), output);

        public override void ForwardSecond(int sample, float[] output) =>
            second.Forward(Inputs.AsSpan(sample * InputSize, InputSize), output);

        public override byte[] ExportOnnx()
        {
            using var stream = new MemoryStream();
            first.ExportOnnx(stream);
            return stream.ToArray();
        }
    }
}
