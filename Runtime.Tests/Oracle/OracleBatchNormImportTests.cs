using System.Runtime.InteropServices;
using StaticNets.__Internals;
using StaticNets.Tests.Reference;
using Xunit;

namespace StaticNets.Tests.Oracle;

/// <summary>
/// data/import-batchnorm: PyTorch's conv(bias=False) -> BatchNorm2d -> ReLU -> conv(bias=False) -> BatchNorm2d -> ReLU ->
/// global average pool -> Linear with non-trivial running statistics, exported with BatchNorm folded into the
/// convolutions (eval mode, constant folding) and with BatchNormalization nodes kept. Both import into the
/// declared architecture (here written as <see cref="NetworkInfo"/>) and give PyTorch's eval-mode outputs.
/// </summary>
public class OracleBatchNormImportTests
{
    private const double Tolerance = 1e-4;

    private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Oracle", "data", "import-batchnorm");

    private static float[] Floats(string file) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(Directory, file))).ToArray();

    /// <summary>
    /// <c>[Input(8, 8, 3)] [Conv2D(4, 3, Padding = 1, Bias = false)] [BatchNorm] [ReLU] [Conv2D(6, 3, Bias = false)] [BatchNorm] [ReLU]
    /// [GlobalAvgPool] [Dense(3)]</c>, with <paramref name="epsilon"/> on both BatchNorms.
    /// </summary>
    internal static NetworkInfo Declared(float epsilon = 1e-5f)
    {
        var layers = new List<LayerInfo>();
        int parameters = 0, statistics = 0;
        TensorShape shape = new(3, 8, 8);
        void Add(LayerInfo layer)
        {
            layers.Add(layer with { ParameterOffset = parameters, StatisticsOffset = statistics, InputShape = shape });
            parameters += layer.ParameterCount;
            statistics += layer.StatisticsCount;
            shape = layer.OutputShape;
        }
        LayerInfo Conv(string name, int filters, int padding, TensorShape output) => new()
        {
            Name = name, Kind = LayerKind.Conv2D, InputShape = shape, Units = filters, Kernel = 3, Stride = 1, Padding = padding, OutputShape = output,
            KernelHeight = 3, KernelWidth = 3, StrideHeight = 1, StrideWidth = 1, PadTop = padding, PadLeft = padding, PadBottom = padding, PadRight = padding,
            WeightCount = filters * shape.Channels * 9, Init = Init.HeNormal,
        };
        LayerInfo Norm(string name) => new()
        {
            Name = name, Kind = LayerKind.BatchNorm, InputShape = shape, OutputShape = shape, WeightCount = shape.Channels, BiasCount = shape.Channels,
            StatisticsCount = 2 * shape.Channels, Momentum = 0.1f, Epsilon = epsilon,
        };
        LayerInfo Relu(string name) => new() { Name = name, Kind = LayerKind.Activation, Activation = Activation.ReLU, InputShape = shape, OutputShape = shape };

        Add(Conv("conv1", 4, 1, new TensorShape(4, 8, 8)));
        Add(Norm("batchnorm2"));
        Add(Relu("relu3"));
        Add(Conv("conv4", 6, 0, new TensorShape(6, 6, 6)));
        Add(Norm("batchnorm5"));
        Add(Relu("relu6"));
        Add(new LayerInfo
        {
            Name = "pool7", Kind = LayerKind.AvgPool, InputShape = shape, Kernel = 6, Stride = 6, KernelHeight = 6, KernelWidth = 6, StrideHeight = 6, StrideWidth = 6,
            OutputShape = new TensorShape(6, 1, 1),
        });
        Add(new LayerInfo { Name = "dense8", Kind = LayerKind.Dense, InputShape = shape, Units = 3, WeightCount = 18, BiasCount = 3, OutputShape = new TensorShape(3, 1, 1), Init = Init.XavierUniform });
        return new NetworkInfo { Name = "OracleBatchNorm", InputShape = new TensorShape(3, 8, 8), Layers = layers, Loss = LossKind.MeanSquaredError };
    }

    /// <summary>Inference in double precision: the reference's layers, and BatchNorm with the running statistics.</summary>
    private static double[] Forward(NetworkInfo info, float[] parameters, float[] statistics, ReadOnlySpan<float> input)
    {
        double[] x = input.ToArray().Select(v => (double)v).ToArray();
        foreach (LayerInfo layer in info.Layers)
        {
            ReadOnlySpan<float> weights = parameters.AsSpan(layer.ParameterOffset, layer.WeightCount);
            ReadOnlySpan<float> bias = parameters.AsSpan(layer.ParameterOffset + layer.WeightCount, layer.BiasCount);
            switch (layer.Kind)
            {
                case LayerKind.Conv2D:
                    x = ReferenceNetwork.Conv2D(x, layer.InputShape, layer.OutputShape, ReferenceNetwork.Geometry(layer), weights, bias);
                    break;
                case LayerKind.AvgPool:
                    x = ReferenceNetwork.AvgPool(x, layer.InputShape, layer.OutputShape, layer.Kernel, layer.Stride);
                    break;
                case LayerKind.Dense:
                    x = ReferenceNetwork.Dense(x, layer.Units, weights, bias);
                    break;
                case LayerKind.Activation:
                    x = ReferenceNetwork.Activate(x, layer.Activation, layer.Alpha);
                    break;
                case LayerKind.BatchNorm:
                {
                    int channels = layer.WeightCount, positions = x.Length / channels;
                    for (int c = 0; c < channels; c++)
                    {
                        double mean = statistics[layer.StatisticsOffset + c], variance = statistics[layer.StatisticsOffset + channels + c];
                        for (int p = 0; p < positions; p++)
                        {
                            int i = c * positions + p;
                            x[i] = weights[c] * (x[i] - mean) / Math.Sqrt(variance + layer.Epsilon) + bias[c];
                        }
                    }
                    break;
                }
                default:
                    throw new ArgumentException(layer.Kind.ToString());
            }
        }
        return x;
    }

    private static (float[] Parameters, float[] Statistics) Import(NetworkInfo info, string file)
    {
        float[] parameters = new float[info.ParameterCount], statistics = new float[info.StatisticsCount];
        using FileStream stream = File.OpenRead(Path.Combine(Directory, file));
        OnnxImporter.ImportWeights(info, stream, parameters, statistics);
        return (parameters, statistics);
    }

    [Theory]
    [InlineData("model.onnx")]
    [InlineData("model-unfolded.onnx")]
    public void Import_GivesPyTorchsEvalOutputs(string file)
    {
        NetworkInfo info = Declared();
        (float[] parameters, float[] statistics) = Import(info, file);

        float[] inputs = Floats("input.f32"), expected = Floats("output.f32");
        int samples = inputs.Length / info.InputSize;
        Assert.Equal(3, samples);
        for (int s = 0; s < samples; s++)
        {
            double[] actual = Forward(info, parameters, statistics, inputs.AsSpan(s * info.InputSize, info.InputSize));
            for (int i = 0; i < info.OutputSize; i++)
            {
                float want = expected[s * info.OutputSize + i];
                Assert.True(Math.Abs(actual[i] - want) <= Tolerance, $"{file}: sample {s}, output {i}: {actual[i]} imported, {want} from PyTorch");
            }
        }
    }

    [Fact]
    public void Unfolded_ImportsPyTorchsParametersAndStatisticsExactly()
    {
        (float[] parameters, float[] statistics) = Import(Declared(), "model-unfolded.onnx");

        Assert.Equal(Floats("parameters.f32"), parameters);
        Assert.Equal(Floats("statistics.f32"), statistics);
    }

    [Fact]
    public void Folded_SetsTheBatchNormsToTheIdentityPlusTheFoldedBias()
    {
        NetworkInfo info = Declared();
        (float[] parameters, float[] statistics) = Import(info, "model.onnx");

        LayerInfo norm = info.Layers[1];
        Assert.All(parameters.AsSpan(norm.ParameterOffset, 4).ToArray(), g => Assert.Equal(MathF.Sqrt(1 + 1e-5f), g));
        Assert.All(statistics.AsSpan(norm.StatisticsOffset, 4).ToArray(), m => Assert.Equal(0f, m));
        Assert.All(statistics.AsSpan(norm.StatisticsOffset + 4, 4).ToArray(), v => Assert.Equal(1f, v));
        // The folded weights are PyTorch's scaled by γ / sqrt(var + eps), not PyTorch's own.
        Assert.NotEqual(Floats("parameters.f32").AsSpan(0, 108).ToArray(), parameters.AsSpan(0, 108).ToArray());
    }

    [Fact]
    public void AnotherEpsilon_IsRefusedNamingBoth()
    {
        var error = Assert.Throws<InvalidDataException>(() => Import(Declared(epsilon: 1e-3f), "model-unfolded.onnx"));

        Assert.Contains("epsilon 1E-05 in the file", error.Message);
        Assert.Contains("batchnorm2 (BatchNorm) declares Epsilon = 0.001", error.Message);
    }

    [Fact]
    public void BatchNormalizationNodes_InANetworkWithoutBatchNorm_AreRefused()
    {
        NetworkInfo declared = Declared();
        NetworkInfo withoutNorms = declared with { Layers = declared.Layers.Where(l => l.Kind != LayerKind.BatchNorm).ToArray() };

        var error = Assert.Throws<InvalidDataException>(() => Import(Relaid(withoutNorms), "model-unfolded.onnx"));

        Assert.Contains("BatchNormalization", error.Message);
    }

    /// <summary>The offsets of <paramref name="info"/>'s layers recomputed after layers were removed.</summary>
    private static NetworkInfo Relaid(NetworkInfo info)
    {
        int parameters = 0;
        var layers = new List<LayerInfo>();
        foreach (LayerInfo layer in info.Layers)
        {
            layers.Add(layer with { ParameterOffset = parameters });
            parameters += layer.ParameterCount;
        }
        return info with { Layers = layers };
    }
}
