using StaticNets.__Internals;
using StaticNets.Tests.Reference;
using Xunit;
using static StaticNets.Tests.Onnx.OnnxTestModels;

namespace StaticNets.Tests.Onnx;

/// <summary>
/// One layer (and option) at a time, exported and run in ONNX Runtime against the reference. The
/// outputs are not squashed by a final softmax, so an error of a percent in a constant shows.
/// </summary>
public class OnnxLayerTests
{
    private const double Tolerance = 1e-5;

    private static readonly Dictionary<string, Func<NetworkInfo>> Cases = new()
    {
        ["conv 3x3"] = () => NetworkInfoBuilder.Image("L", 7, 7, 2).Conv2D(3, 3).Build(),
        ["conv stride 2 padding 1"] = () => NetworkInfoBuilder.Image("L", 9, 9, 3).Conv2D(4, 3, stride: 2, padding: 1).Build(),
        ["conv stride 3 padding 2 floor"] = () => NetworkInfoBuilder.Image("L", 8, 8, 2).Conv2D(2, 4, stride: 3, padding: 2).Build(),
        ["conv relu"] = () => NetworkInfoBuilder.Image("L", 6, 6, 2).Conv2D(3, 3, activation: Activation.ReLU).Build(),
        ["conv leaky 0.3"] = () => NetworkInfoBuilder.Image("L", 6, 6, 2).Conv2D(3, 3, activation: Activation.LeakyReLU, alpha: 0.3f).Build(),
        ["conv gelu"] = () => NetworkInfoBuilder.Image("L", 6, 6, 2).Conv2D(3, 3, activation: Activation.GELU).Build(),
        ["conv sigmoid"] = () => NetworkInfoBuilder.Image("L", 6, 6, 2).Conv2D(3, 3, activation: Activation.Sigmoid).Build(),
        ["conv tanh"] = () => NetworkInfoBuilder.Image("L", 6, 6, 2).Conv2D(3, 3, activation: Activation.Tanh).Build(),
        ["conv softmax"] = () => NetworkInfoBuilder.Image("L", 6, 6, 2).Conv2D(3, 3, activation: Activation.Softmax).Build(),
        ["max pool 2"] = () => NetworkInfoBuilder.Image("L", 6, 6, 2).MaxPool(2).Build(),
        ["max pool 3 stride 2"] = () => NetworkInfoBuilder.Image("L", 7, 7, 2).MaxPool(3, stride: 2).Build(),
        ["avg pool 2 stride 1"] = () => NetworkInfoBuilder.Image("L", 5, 5, 3).AvgPool(2, stride: 1).Build(),
        ["avg pool 2 stride 3"] = () => NetworkInfoBuilder.Image("L", 8, 8, 1).AvgPool(2, stride: 3).Build(),
        ["relu image"] = () => NetworkInfoBuilder.Image("L", 3, 4, 2).ReLU().Build(),
        ["leaky 0.2 image"] = () => NetworkInfoBuilder.Image("L", 3, 4, 2).LeakyReLU(0.2f).Build(),
        ["gelu image"] = () => NetworkInfoBuilder.Image("L", 3, 4, 2).GELU().Build(),
        ["sigmoid image"] = () => NetworkInfoBuilder.Image("L", 3, 4, 2).Sigmoid().Build(),
        ["tanh image"] = () => NetworkInfoBuilder.Image("L", 3, 4, 2).Tanh().Build(),
        ["softmax image"] = () => NetworkInfoBuilder.Image("L", 3, 4, 2).Softmax().Build(),
        ["flatten"] = () => NetworkInfoBuilder.Image("L", 3, 4, 2).Flatten().Build(),
        ["dropout"] = () => NetworkInfoBuilder.Image("L", 3, 4, 2).Dropout(0.5f).Build(),
        ["no layers"] = () => NetworkInfoBuilder.Flat("L", 5).Build(),
        ["dense"] = () => NetworkInfoBuilder.Flat("L", 10).Dense(7).Build(),
        ["dense leaky 0.05"] = () => NetworkInfoBuilder.Flat("L", 10).Dense(7, Activation.LeakyReLU, alpha: 0.05f).Build(),
        ["dense gelu"] = () => NetworkInfoBuilder.Flat("L", 10).Dense(7, Activation.GELU).Build(),
        ["dense softmax"] = () => NetworkInfoBuilder.Flat("L", 10).Dense(7, Activation.Softmax).Build(),
        ["flatten then dense"] = () => NetworkInfoBuilder.Image("L", 3, 3, 2).Flatten().Dense(4).Build(),
        ["conv after flat input"] = () => NetworkInfoBuilder.Flat("L", 6).Softmax().Conv2D(2, 1).Build(),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Layer_RunsInOnnxRuntime_AsTheReference(string name)
    {
        NetworkInfo info = Cases[name]();
        float[] parameters = RandomInputs(info.ParameterCount, seed: 7);
        var stream = new MemoryStream();
        OnnxExporter.Export(info, parameters, stream);
        float[] inputs = RandomInputs(3 * info.InputSize, seed: 8);

        double difference = MaxDifference(stream.ToArray(), info, parameters, inputs, batch: 3);

        Assert.True(difference <= Tolerance, $"{name}: max |difference| {difference:E2}");
    }
}
