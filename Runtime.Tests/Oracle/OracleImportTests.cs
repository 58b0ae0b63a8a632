using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Xunit;

namespace StaticNets.Tests.Oracle;

// The declarations the checked-in PyTorch exports in data/ are meant for (each case's case.txt), and
// declarations with the same weight shapes but another geometry, which must refuse them.

/// <summary>data/import-conv-p1: PyTorch's <c>Conv2d(3, 4, 3, padding=1)</c> on 8x8.</summary>
[Input(8, 8, 3)]
[Conv2D(4, 3, Padding = 1)]
public partial class OracleConvPadded { }

/// <summary>The weights of data/import-conv-p1 without its padding.</summary>
[Input(8, 8, 3)]
[Conv2D(4, 3)]
public partial class OracleConvUnpadded { }

/// <summary>The weights of data/import-conv-p1 with stride 2.</summary>
[Input(9, 9, 3)]
[Conv2D(4, 3, Stride = 2, Padding = 1)]
public partial class OracleConvStrided { }

/// <summary>data/import-lenet: a small LeNet-5 exported by PyTorch, its dense layers matched by node order.</summary>
[Input(12, 12, 1)]
[Conv2D(4, 3, Padding = 1, Activation = Activation.ReLU)]
[MaxPool(2)]
[Conv2D(8, 3, Activation = Activation.ReLU)]
[MaxPool(2)]
[Flatten]
[Dense(16)]
[LeakyReLU(0.1)]
[Dense(10, Activation = Activation.Softmax)]
public partial class OracleLeNet { }

/// <summary>The weights of data/import-lenet on 14x14 without conv1's padding: every layer has the same weight shape.</summary>
[Input(14, 14, 1)]
[Conv2D(4, 3, Activation = Activation.ReLU)]
[MaxPool(2)]
[Conv2D(8, 3, Activation = Activation.ReLU)]
[MaxPool(2)]
[Flatten]
[Dense(16)]
[LeakyReLU(0.1)]
[Dense(10, Activation = Activation.Softmax)]
public partial class OracleLeNetUnpadded { }

/// <summary>The weights of data/import-lenet with another LeakyReLU slope.</summary>
[Input(12, 12, 1)]
[Conv2D(4, 3, Padding = 1, Activation = Activation.ReLU)]
[MaxPool(2)]
[Conv2D(8, 3, Activation = Activation.ReLU)]
[MaxPool(2)]
[Flatten]
[Dense(16)]
[LeakyReLU(0.2)]
[Dense(10, Activation = Activation.Softmax)]
public partial class OracleLeNetSlope { }

/// <summary>The weights of data/import-conv-p1 on 10x10: the same node and weights, another input.</summary>
[Input(10, 10, 3)]
[Conv2D(4, 3, Padding = 1)]
public partial class OracleConvLarger { }

/// <summary>The weights of data/import-lenet with Sigmoid where PyTorch applies ReLU after conv1.</summary>
[Input(12, 12, 1)]
[Conv2D(4, 3, Padding = 1, Activation = Activation.Sigmoid)]
[MaxPool(2)]
[Conv2D(8, 3, Activation = Activation.ReLU)]
[MaxPool(2)]
[Flatten]
[Dense(16)]
[LeakyReLU(0.1)]
[Dense(10, Activation = Activation.Softmax)]
public partial class OracleLeNetSigmoid { }

/// <summary>The weights of data/import-lenet without the ReLU PyTorch applies after conv2.</summary>
[Input(12, 12, 1)]
[Conv2D(4, 3, Padding = 1, Activation = Activation.ReLU)]
[MaxPool(2)]
[Conv2D(8, 3)]
[MaxPool(2)]
[Flatten]
[Dense(16)]
[LeakyReLU(0.1)]
[Dense(10, Activation = Activation.Softmax)]
public partial class OracleLeNetLinear { }

/// <summary>
/// Real PyTorch exports (written by make_oracle.py with torch 1.13, checked in; PyTorch is not needed
/// here) import into the declaration they are meant for, giving PyTorch's outputs, and are refused by
/// declarations with the same weight shapes but another stride, padding or slope.
/// </summary>
public class OracleImportTests
{
    private const float Tolerance = 1e-5f;

    [Fact]
    public void PyTorchConv_ImportsByName_AndForwardGivesPyTorchsOutputs() => ImportsAndMatches<OracleConvPadded>("import-conv-p1");

    [Fact]
    public void PyTorchLeNet_ImportsByNodeOrder_AndForwardGivesPyTorchsOutputs() => ImportsAndMatches<OracleLeNet>("import-lenet");

    [Fact]
    public void PyTorchConv_IsRefused_WithAnotherPaddingOrStride()
    {
        string unpadded = Refused<OracleConvUnpadded>("import-conv-p1");
        string strided = Refused<OracleConvStrided>("import-conv-p1");

        Assert.Contains("node \"/conv1/Conv\" (Conv): pads [1, 1, 1, 1] in the file, but conv1 (Conv2D 3x3) declares padding 0.", unpadded);
        Assert.Contains("node \"/conv1/Conv\" (Conv): strides [1, 1] in the file, but conv1 (Conv2D 3x3) declares stride 2.", strided);
    }

    [Fact]
    public void PyTorchLeNet_IsRefused_WithAnotherPaddingOrSlope()
    {
        string unpadded = Refused<OracleLeNetUnpadded>("import-lenet");
        string slope = Refused<OracleLeNetSlope>("import-lenet");

        Assert.Contains("node \"/conv1/Conv\" (Conv): pads [1, 1, 1, 1] in the file, but conv1 (Conv2D 3x3) declares padding 0.", unpadded);
        Assert.Contains("node \"/LeakyRelu\" (LeakyRelu): alpha 0.1 in the file, but leakyrelu1 (LeakyReLU) declares LeakyReLU alpha 0.2.", slope);
    }

    [Fact]
    public void PyTorchConv_IsRefused_WithAnotherInputSize()
    {
        string message = Refused<OracleConvLarger>("import-conv-p1");

        Assert.Contains("the graph input 'input' has shape [1, 3, 8, 8], but StaticNets.Tests.Oracle.OracleConvLarger declares Input 10x10x3, which is [N, 3, 10, 10].", message);
    }

    [Fact]
    public void PyTorchLeNet_IsRefused_WithAnotherActivationOrNone()
    {
        string sigmoid = Refused<OracleLeNetSigmoid>("import-lenet");
        string linear = Refused<OracleLeNetLinear>("import-lenet");

        Assert.Contains("node \"/Relu\" (Relu) applies Relu to the output of node \"/conv1/Conv\" (Conv), but StaticNets.Tests.Oracle.OracleLeNetSigmoid declares conv1 (Conv2D 3x3) with Sigmoid", sigmoid);
        Assert.Contains("node \"/Relu_1\" (Relu) applies Relu to the output of node \"/conv2/Conv\" (Conv), but StaticNets.Tests.Oracle.OracleLeNetLinear declares conv2 (Conv2D 3x3) with no activation after it", linear);
    }

    private static void ImportsAndMatches<TNet>(string name) where TNet : class, INetwork<TNet>
    {
        string directory = CaseDirectory(name);
        float[] parameters = Floats(Path.Combine(directory, "parameters.f32"));
        float[] inputs = Floats(Path.Combine(directory, "input.f32"));
        float[] expected = Floats(Path.Combine(directory, "output.f32"));
        TNet net = TNet.Create(seed: 1);

        net.ImportOnnx(Path.Combine(directory, "model.onnx"));

        Assert.Equal(parameters, net.Parameters.ToArray());
        NetworkInfo info = TNet.Info;
        int samples = inputs.Length / info.InputSize;
        Assert.Equal(samples * info.OutputSize, expected.Length);
        var output = new float[info.OutputSize];
        for (int s = 0; s < samples; s++)
        {
            net.Forward(inputs.AsSpan(s * info.InputSize, info.InputSize), output);
            for (int i = 0; i < output.Length; i++)
            {
                float want = expected[s * info.OutputSize + i];
                Assert.True(Math.Abs(output[i] - want) <= Tolerance, $"{name}, sample {s}, output {i}: Forward {output[i]}, PyTorch {want}");
            }
        }
    }

    private static string Refused<TNet>(string name) where TNet : class, INetwork<TNet>
    {
        TNet net = TNet.Create(seed: 1);
        float[] before = net.Parameters.ToArray();
        string path = Path.Combine(CaseDirectory(name), "model.onnx");

        var error = Assert.Throws<InvalidDataException>(() => net.ImportOnnx(path));

        Assert.Equal(before, net.Parameters.ToArray());
        Assert.Contains(path, error.Message);
        return error.Message;
    }

    private static float[] Floats(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();

    private static string CaseDirectory(string name, [CallerFilePath] string callerPath = "") =>
        Path.Combine(Path.GetDirectoryName(callerPath)!, "data", name);
}
