using StaticNets.__Internals;
using StaticNets.Tests.Reference;
using Xunit;
using static StaticNets.Tests.Onnx.OnnxTestModels;

namespace StaticNets.Tests.Onnx;

/// <summary>
/// BatchNorm exported as ONNX's BatchNormalization, run in ONNX Runtime against a double-precision computation of
/// inference-mode BatchNorm with non-trivial running statistics, after a spatial layer (per channel) and after a flat one
/// (per feature).
/// </summary>
public class OnnxBatchNormExportTests
{
    private const double Tolerance = 1e-5;

    /// <summary><paramref name="info"/> with a BatchNorm over its output appended, then a ReLU.</summary>
    private static NetworkInfo WithBatchNorm(NetworkInfo info, float epsilon)
    {
        TensorShape shape = info.Layers[^1].OutputShape;
        int channels = shape.Channels;
        var batchNorm = new LayerInfo
        {
            Name = "bn1",
            Kind = LayerKind.BatchNorm,
            InputShape = shape,
            OutputShape = shape,
            ParameterOffset = info.ParameterCount,
            WeightCount = channels,
            BiasCount = channels,
            StatisticsOffset = 0,
            StatisticsCount = 2 * channels,
            Momentum = 0.1f,
            Epsilon = epsilon,
        };
        var relu = new LayerInfo { Name = "relu1", Kind = LayerKind.Activation, Activation = Activation.ReLU, InputShape = shape, OutputShape = shape };
        return info with { Layers = [.. info.Layers, batchNorm, relu] };
    }

    /// <summary>What the network computes at inference: the layers before the BatchNorm in the reference, then BatchNorm and ReLU in double.</summary>
    private static double[] Expected(NetworkInfo info, float[] parameters, float[] statistics, ReadOnlySpan<float> input)
    {
        NetworkInfo head = info with { Layers = info.Layers.Take(info.Layers.Count - 2).ToArray() };
        double[] x = ReferenceNetwork.Forward(head, parameters.AsSpan(0, head.ParameterCount), input);
        LayerInfo bn = info.Layers[^2];
        int channels = bn.WeightCount;
        int positions = x.Length / channels;
        for (int c = 0; c < channels; c++)
        {
            double gamma = parameters[bn.ParameterOffset + c], beta = parameters[bn.ParameterOffset + channels + c];
            double mean = statistics[c], variance = statistics[channels + c];
            for (int p = 0; p < positions; p++)
            {
                int i = c * positions + p;
                x[i] = Math.Max(0, gamma * (x[i] - mean) / Math.Sqrt(variance + bn.Epsilon) + beta);
            }
        }
        return x;
    }

    public static TheoryData<string> CaseNames => ["conv then batchnorm", "dense then batchnorm", "batchnorm on a 1x1 image"];

    private static NetworkInfo Case(string name) => name switch
    {
        "conv then batchnorm" => WithBatchNorm(NetworkInfoBuilder.Image("B", 6, 5, 2).Conv2D(3, 3).Build(), 1e-5f),
        "dense then batchnorm" => WithBatchNorm(NetworkInfoBuilder.Flat("B", 7).Dense(4).Build(), 1e-3f),
        _ => WithBatchNorm(NetworkInfoBuilder.Image("B", 3, 3, 2).Conv2D(5, 3).Build(), 1e-5f),
    };

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void BatchNorm_RunsInOnnxRuntime_WithTheRunningStatistics(string name)
    {
        NetworkInfo info = Case(name);
        float[] parameters = RandomInputs(info.ParameterCount, seed: 3);
        int channels = info.StatisticsCount / 2;
        float[] means = RandomInputs(channels, seed: 4);
        float[] variances = RandomInputs(channels, seed: 5).Select(v => 0.2f + Math.Abs(v)).ToArray();
        float[] statistics = [.. means, .. variances];
        var stream = new MemoryStream();

        OnnxExporter.Export(info, parameters, statistics, stream);

        float[] inputs = RandomInputs(3 * info.InputSize, seed: 6);
        float[] outputs = Run(stream.ToArray(), info, inputs, batch: 3);
        double max = 0;
        for (int b = 0; b < 3; b++)
        {
            double[] expected = Expected(info, parameters, statistics, inputs.AsSpan(b * info.InputSize, info.InputSize));
            for (int i = 0; i < expected.Length; i++)
            {
                max = Math.Max(max, Math.Abs(expected[i] - outputs[b * info.OutputSize + i]));
            }
        }
        Assert.True(max <= Tolerance, $"{name}: max |difference| {max:E2}");
        Assert.Contains("BatchNormalization", Read(stream.ToArray()).Ops);
        Assert.Contains(Read(stream.ToArray()).Initializers, i => i.Name == "bn1.running_var" && i.Dims.SequenceEqual([channels]));
    }

    [Fact]
    public void Export_WrongStatisticsLength_NamesBothCounts()
    {
        NetworkInfo info = Case("dense then batchnorm");

        var error = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(info, new float[info.ParameterCount], new float[3], new MemoryStream()));

        Assert.Contains("8 running statistics, but 3 were given", error.Message);
    }
}
