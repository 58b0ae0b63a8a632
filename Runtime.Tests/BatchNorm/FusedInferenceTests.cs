using System.Linq.Expressions;
using System.Reflection;
using StaticNets.Tests.Networks;
using StaticNets.Tests.Numerics;
using StaticNets.Tests.Support;
using Xunit;

namespace StaticNets.Tests.BatchNorm;

/// <summary>
/// Inference runs producer -> BatchNorm -> [Add] -> activation chains as one call with a per-channel epilogue
/// (<c>Conv1Bn1Relu1Forward</c>). Its output must have the same bits as the layers run one by one: here each generated
/// layer method (<c>Conv1Forward</c>, <c>Bn1Forward</c>, <c>Relu1Forward</c>...) is called in order on the network's
/// own buffers, through reflection, after <c>Forward</c>; the parameters and running statistics are random, so that
/// every BatchNorm scales and shifts. A chain whose intermediate output an [Add] reads must not fuse.
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class FusedInferenceTests
{
    [Fact]
    public void ConvBatchNormReLU() =>
        Check(new FusedConvNet(), ["conv1", "bn1", "relu1", "flatten1", "dense1"], fused: ["Conv1Bn1Relu1Forward"]);

    [Fact]
    public void DepthwiseBatchNormActivation() => Check(
        new FusedDepthwiseNet(),
        ["dwconv1", "bn1", "leakyrelu1", "conv1", "bn2", "relu6_1", "pool1", "dense1"],
        fused: ["Dwconv1Bn1Leakyrelu1Forward", "Conv1Bn2Relu6_1Forward"]);

    [Fact]
    public void DepthwiseAcrossTheLanes() => Check(
        new FusedDepthwiseLanesNet(),
        ["dwconv1", "bn1", "relu6_1", "dwconv2", "bn2", "leakyrelu1", "dwconv3", "bn3", "conv1", "bn4", "relu1", "dwconv4", "bn5", "relu2", "pool1", "dense1"],
        fused: ["Dwconv1Bn1Relu6_1Forward", "Dwconv2Bn2Leakyrelu1Forward", "Dwconv3Bn3Forward", "Conv1Bn4Relu1Forward", "Dwconv4Bn5Relu2Forward"]);

    [Fact]
    public void EpilogueAtTheStores() => Check(
        new FusedStoresNet(),
        ["conv1", "bn1", "relu6_1", "conv2", "bn2", "conv3", "bn3", "leakyrelu1", "conv4", "bn4", "conv5", "bn5", "relu1", "conv6", "bn6", "conv7", "bn7",
            "relu6_2", "pool1", "dense1"],
        fused: ["Conv1Bn1Relu6_1ForwardVector512", "Conv1Bn1Relu6_1ForwardVector256", "Conv2Bn2ForwardVector512", "Conv2Bn2ForwardVector256",
            "Conv3Bn3Leakyrelu1ForwardVector512", "Conv3Bn3Leakyrelu1ForwardVector256", "Conv5Bn5Relu1ForwardVector512", "Conv5Bn5Relu1ForwardVector256",
            "Conv7Bn7Relu6_2ForwardVector512", "Conv7Bn7Relu6_2ForwardVector256"]);

    [Fact]
    public void OneByOneHandsItsOutputToTheDepthwise()
    {
        Check(
            new HandoffNet(),
            ["conv1", "bn1", "relu1", "dwconv1", "bn2", "relu2", "dwconv2", "bn3", "conv2", "bn4", "relu6_1", "dwconv3", "bn5", "relu3", "dwconv4", "bn6",
                "conv3", "bn7", "leakyrelu1", "dwconv5", "bn8", "relu4", "pool1", "dense1"],
            fused: ["Conv1Bn1Relu1ForwardVector512", "Dwconv1Bn2Relu2ForwardVector512", "Conv3Bn7Leakyrelu1ForwardVector256", "Dwconv5Bn8Relu4ForwardVector256"]);
        Type layers = LayersClass(typeof(HandoffNet));
        Assert.NotNull(layers.GetField("Conv1Handoff", Any));
        Assert.NotNull(layers.GetField("Conv3Handoff", Any));
        Assert.Null(layers.GetField("Conv2Handoff", Any)); // whole vectors past its plane: no handoff
    }

    [Fact]
    public void OneByOneHandsItsOutputToADepthwiseOfEightChannels()
    {
        Check(
            new HandoffNet8(),
            ["conv1", "bn1", "relu1", "dwconv1", "bn2", "relu2", "pool1", "dense1"],
            fused: ["Conv1Bn1Relu1ForwardVector512", "Dwconv1Bn2Relu2ForwardVector256"]);
        Assert.NotNull(LayersClass(typeof(HandoffNet8)).GetField("Conv1Handoff", Any));
    }

    [Fact]
    public void WideRowsHandTheirOutputToTheDepthwise()
    {
        Check(
            new WideHandoffNet(),
            ["conv1", "bn1", "relu1", "dwconv1", "bn2", "relu2", "conv2", "bn3", "relu6_1", "dwconv2", "bn4", "pool1", "dense1"],
            fused: ["Conv1Bn1Relu1ForwardVector512", "Conv2Bn3Relu6_1ForwardVector256"]);
        Type layers = LayersClass(typeof(WideHandoffNet));
        Assert.Equal(new[] { 0, 1, 2 }, ((int[])layers.GetField("Conv1Handoff", Any)!.GetValue(null)!)[..3].Select(o => o / 16 - 10)); // positions
        Assert.Contains((7 * 6 + 3 * 3) * 24, (int[])layers.GetField("Conv2Handoff", Any)!.GetValue(null)!); // a wide column: past dwconv2's input and weights
    }

    [Fact]
    public void OneByOneOverAWholeSmallPlaneStoresSixteenSumsAtOnce()
    {
        Check(
            new WholePlaneNet(),
            ["conv1", "bn1", "relu1", "conv2", "bn2", "relu6_1", "dwconv1", "bn3", "relu2", "conv3", "bn4", "leakyrelu1", "flatten1", "dense1"],
            fused: ["Conv1Bn1Relu1ForwardVector512", "Conv2Bn2Relu6_1ForwardVector512", "Conv3Bn4Leakyrelu1ForwardVector512"]);
        Assert.NotNull(LayersClass(typeof(WholePlaneNet)).GetField("Conv2Handoff", Any));
        Check(new WholePlaneNet8(), ["conv1", "bn1", "relu1", "flatten1", "dense1"], fused: ["Conv1Bn1Relu1ForwardVector512"]);
    }

    [Fact]
    public void SubsampledConvBatchNormReLU() =>
        Check(new SubsampledFused(), ["conv1", "bn1", "relu1", "flatten1", "dense1"], fused: ["Conv1Bn1Relu1Forward"]);

    [Fact]
    public void StridedLanesConvBatchNormReLU() =>
        Check(new StridedLanesFused(), ["conv1", "bn1", "relu1", "flatten1", "dense1"], fused: ["Conv1Bn1Relu1Forward"]);

    [Fact]
    public void DenseBatchNormReLU() =>
        Check(new FusedDenseNet(), ["dense1", "bn1", "relu1", "dense2", "bn2", "dense3"], fused: ["Dense1Bn1Relu1Forward", "Dense2Bn2Forward"]);

    [Fact]
    public void BatchNormAddReLU() => Check(
        new FusedResidualNet(),
        ["conv1", "bn1", "relu1", "conv2", "bn2", "add1:relu1", "relu2", "conv3", "bn3", "add2:relu2", "relu3", "conv4", "bn4", "relu4", "flatten1", "dense1"],
        fused: ["Conv1Bn1Relu1Forward", "Conv2Bn2Add1Relu2Forward", "Conv3Bn3Add2Relu3Forward", "Conv4Bn4Relu4Forward"]);

    [Fact]
    public void WinogradChainsFromX() => Check(
        new WinogradChainResidual(),
        ["conv1", "bn1", "relu1", "conv2", "bn2", "add1:relu1", "relu2"],
        fused: ["Conv1Bn1Relu1Forward", "Conv2Bn2Add1Relu2Forward"]);

    [Fact]
    public void WinogradLaneChainsFromX() => Check(
        new WinogradChainLanes(),
        ["conv1", "bn1", "relu1", "conv2", "bn2", "add1:relu1", "relu2"],
        fused: ["Conv1Bn1Relu1Forward", "Conv2Bn2Add1Relu2Forward"]);

    [Fact]
    public void ChainReadByAnAddDoesNotFuse() => Check(
        new UnfusedReadersNet(),
        ["conv1", "bn1", "relu1", "add1:conv1", "conv2", "bn2", "relu2", "add2:bn2", "relu3", "flatten1", "dense1"],
        fused: ["Conv2Bn2Forward", "Add2Relu3Forward"],
        unfused: ["Conv1Bn1Forward", "Conv1Bn1Relu1Forward", "Conv2Bn2Relu2Forward", "Add1Conv2Forward"]);

    [Fact]
    public void FusedForwardAllocatesNothing()
    {
        var residual = new FusedResidualNet();
        var dense = new FusedDenseNet();
        var x = new float[FusedResidualNet.InputSize];
        var y = new float[FusedResidualNet.OutputSize];
        var xd = new float[FusedDenseNet.InputSize];
        var yd = new float[FusedDenseNet.OutputSize];
        residual.Forward(x, y);
        dense.Forward(xd, yd);
        Assert.Equal(0, Allocations.Fewest(() =>
        {
            residual.Forward(x, y);
            dense.Forward(xd, yd);
        }));
    }

    /// <summary>
    /// Forward (and ForwardBatch) against the layers one by one (<paramref name="layers"/>: each default name, an Add's
    /// followed by the default name of the layer it adds), and which fused methods the layers class has.
    /// </summary>
    private static void Check<T>(T net, string[] layers, string[] fused, string[]? unfused = null)
        where T : class, INetwork<T>
    {
        var random = new Random(15);
        Fill(net.Parameters, random, -1, 1);
        Fill(net.Statistics, random, 0.25f, 2f); // means and variances alike: positive variances
        Type layersClass = LayersClass(typeof(T));
        foreach (string name in fused) Assert.True(layersClass.GetMethod(name, Any) is not null, $"{typeof(T).Name} has no fused {name}.");
        foreach (string name in unfused ?? []) Assert.True(layersClass.GetMethod(name, Any) is null, $"{typeof(T).Name} fused {name}, whose output an Add reads.");

        int inputSize = (int)typeof(T).GetField("InputSize")!.GetValue(null)!;
        int outputSize = (int)typeof(T).GetField("OutputSize")!.GetValue(null)!;
        const int samples = 3;
        var inputs = new float[samples * inputSize];
        Fill(inputs, random, -1, 1);
        var outputs = new float[samples * outputSize];
        net.ForwardBatch(inputs, outputs);
        for (int s = 0; s < samples; s++)
        {
            float[] input = inputs[(s * inputSize)..((s + 1) * inputSize)];
            var output = new float[outputSize];
            net.Forward(input, output);
            Assert.Equal(Bits(outputs.AsSpan(s * outputSize, outputSize).ToArray()), Bits(output));
            float[] reference = RunOneByOne(net, layersClass, layers, input);
            Assert.Equal(Bits(reference[..outputSize]), Bits(output));
        }
    }

    private const BindingFlags Any = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;

    private static void Fill(Span<float> values, Random random, float low, float high)
    {
        for (int i = 0; i < values.Length; i++) values[i] = low + (high - low) * random.NextSingle();
    }

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];

    /// <summary>The file-local <c>{Class}Layers</c> class that holds the layer bodies.</summary>
    private static Type LayersClass(Type network) =>
        network.Assembly.GetTypes().Single(t => t.Name == network.Name + "Layers" || t.Name.EndsWith("__" + network.Name + "Layers", StringComparison.Ordinal));

    /// <summary>Each layer's own forward method in order, on the network's buffers; returns the last layer's output.</summary>
    private static float[] RunOneByOne(object net, Type layersClass, string[] layers, float[] input)
    {
        float[] current = input;
        foreach (string entry in layers)
        {
            string[] parts = entry.Split(':');
            string name = parts[0];
            float[]? skip = parts.Length > 1 ? Field(net, parts[1] + "Output") : null;
            if (Field(net, name + "ProjectionOutput") is { } projection)
            {
                Call(net, layersClass, name + "Projection", skip!, null);
                skip = projection;
            }
            MethodInfo? method = layersClass.GetMethod(Pascal(name) + "Forward", Any);
            if (method is null) continue; // flatten: no code, the same buffer
            Call(net, layersClass, name, current, skip);
            current = Field(net, name + "Output") ?? throw new InvalidOperationException($"No buffer _{name}Output.");
        }
        return current;
    }

    /// <summary>Calls <c>{Name}Forward</c> with its parameters bound by name: x, skip, and the network's fields.</summary>
    private static void Call(object net, Type layersClass, string name, float[] x, float[]? skip)
    {
        MethodInfo method = layersClass.GetMethod(Pascal(name) + "Forward", Any)!;
        var arguments = new List<Expression>();
        foreach (ParameterInfo parameter in method.GetParameters())
        {
            if (parameter.Name == "shared")
            {
                arguments.Add(Expression.Constant(null, typeof(float[]))); // the Winograd forward's own U, as inference
                continue;
            }
            float[] buffer = parameter.Name switch
            {
                "x" => x,
                "skip" => skip!,
                "y" => Field(net, name + "Output")!,
                "parameters" or "statistics" => Field(net, parameter.Name)!,
                "padded" => Field(net, name + "Input")!,
                _ => Field(net, name + Pascal(parameter.Name!))!,
            } ?? throw new InvalidOperationException($"{method.Name}: no buffer for {parameter.Name}.");
            Expression array = Expression.Constant(buffer, typeof(float[]));
            arguments.Add(parameter.ParameterType == typeof(float[]) ? array : Expression.Convert(array, parameter.ParameterType));
        }
        Expression.Lambda<Action>(Expression.Call(method, arguments)).Compile()();
    }

    private static float[]? Field(object net, string name) =>
        net.GetType().GetField("_" + name, BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(net) as float[];

    private static string Pascal(string name) => char.ToUpperInvariant(name[0]) + name[1..];
}
