using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Xunit;

namespace StaticNets.Tests.Oracle;

#pragma warning disable SN3004 // PyTorch's spelling, on purpose: conv3's last padding row and column are unread
/// <summary>data/residual: a small ResNet exported by PyTorch (an identity shortcut, then a 1x1 stride-2 projection).</summary>
[Input(8, 8, 4)]
[Conv2D(4, 3, Padding = 1, Activation = Activation.ReLU)]
[Conv2D(4, 3, Padding = 1)]
[Add("input")]
[ReLU(Name = "a1")]
[Conv2D(8, 3, Stride = 2, Padding = 1, Activation = Activation.ReLU)]
[Conv2D(8, 3, Padding = 1)]
[Add("a1", Projection = Projection.Conv)]
[ReLU]
[GlobalAvgPool]
[Dense(5, Activation = Activation.Softmax)]
public partial class OracleResidual { }

/// <summary>The weights of data/residual with the first Add left out: the same parameters, no identity shortcut.</summary>
[Input(8, 8, 4)]
[Conv2D(4, 3, Padding = 1, Activation = Activation.ReLU)]
[Conv2D(4, 3, Padding = 1)]
[ReLU(Name = "a1")]
[Conv2D(8, 3, Stride = 2, Padding = 1, Activation = Activation.ReLU)]
[Conv2D(8, 3, Padding = 1)]
[Add("a1", Projection = Projection.Conv)]
[ReLU]
[GlobalAvgPool]
[Dense(5, Activation = Activation.Softmax)]
public partial class OracleResidualWithoutIdentity { }
#pragma warning restore SN3004

/// <summary>
/// PyTorch's export of a residual network (make_oracle.py's <c>residual</c> case, torch 1.13, checked in) imports into its
/// declaration by node order, the shortcut's 1x1 <c>Conv</c> paired with the second Add's parameters, and gives PyTorch's
/// eval-mode outputs; one training pass over its samples gives PyTorch's summed cross-entropy and autograd's gradients
/// through both branches of each Add, on every vector path. A declaration without the identity Add is refused.
/// </summary>
[Trait(Numerics.VectorPath.Trait, Numerics.VectorPath.Value)]
public class OracleResidualTests
{
    [Fact]
    public void PyTorchResNet_ImportsByNodeOrder_AndForwardGivesPyTorchsOutputs()
    {
        var net = Imported(out string directory);
        float[] inputs = Floats(directory, "input.f32"), expected = Floats(directory, "output.f32");
        int n = OracleResidual.InputSize, m = OracleResidual.OutputSize, samples = inputs.Length / n;
        Assert.Equal(samples * m, expected.Length);
        var output = new float[m];
        for (int s = 0; s < samples; s++)
        {
            net.Forward(inputs.AsSpan(s * n, n), output);
            for (int i = 0; i < m; i++)
            {
                float want = expected[s * m + i];
                Assert.True(Math.Abs(output[i] - want) <= 1e-5f, $"sample {s}, output {i}: Forward {output[i]}, PyTorch {want}");
            }
        }
    }

    [Fact]
    public void PyTorchResNet_OneTrainingPass_GivesAutogradsLossAndGradients()
    {
        var net = Imported(out string directory);
        float[] inputs = Floats(directory, "input.f32");
        int[] labels = MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(Path.Combine(directory, "labels.i32"))).ToArray();
        int n = OracleResidual.InputSize;
        Assert.Equal(inputs.Length / n, labels.Length);
        net.ZeroGradients();
        double loss = 0;
        for (int s = 0; s < labels.Length; s++) loss += net.ComputeGradients(inputs.AsSpan(s * n, n), labels[s]);

        float expectedLoss = Floats(directory, "loss.f32")[0];
        Assert.True(Math.Abs(loss - expectedLoss) <= 1e-4 * Math.Abs(expectedLoss) + 1e-6, $"loss {loss}, PyTorch {expectedLoss}");
        float[] expected = Floats(directory, "gradients.f32");
        Assert.Equal(expected.Length, net.Gradients.Length);
        float scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
        {
            float actual = net.Gradients[i];
            // 1e-3 of the gradient itself, or 1e-5 of the largest gradient where it is near zero.
            Assert.True(Math.Abs(actual - expected[i]) <= 1e-3f * Math.Abs(expected[i]) + 1e-5f * scale,
                $"gradient {i} ({LayerOf(i)}): StaticNets {actual}, PyTorch {expected[i]}");
        }
    }

    [Fact]
    public void PyTorchResNet_IsRefused_WithoutTheIdentityAdd()
    {
        var net = OracleResidualWithoutIdentity.Create(seed: 1);
        string path = Path.Combine(CaseDirectory(), "model.onnx");
        var error = Assert.Throws<InvalidDataException>(() => net.ImportOnnx(path));
        Assert.Contains("the file adds two computed tensors in 2 nodes (node \"/Add\" (Add), node \"/Add_1\" (Add)), but "
            + "StaticNets.Tests.Oracle.OracleResidualWithoutIdentity declares 1 [Add] layer (add1 (Add a1 through a 1x1 Conv)).", error.Message);
    }

    /// <summary>The projection's Conv is compared with the Add's geometry: a shortcut of stride 1 in the file is refused.</summary>
    [Fact]
    public void A_shortcut_Conv_of_another_stride_is_refused()
    {
        var net = Imported(out _);
        var info = OracleResidual.Info;
        var layers = info.Layers.Select(l => l.Kind == LayerKind.Add && l.Projection == Projection.Conv ? l with { StrideHeight = 1, StrideWidth = 1 } : l).ToList();
        var model = new MemoryStream();
#pragma warning disable CS0618 // the exporter of generated code, called directly to write a model with another stride
        StaticNets.__Internals.OnnxExporter.Export(info with { Layers = layers }, net.Parameters, model);
        model.Position = 0;
        var error = Assert.Throws<InvalidDataException>(() => StaticNets.__Internals.OnnxImporter.ImportWeights(info, model, new float[info.ParameterCount]));
#pragma warning restore CS0618
        Assert.Contains("node \"add2.projection\" (Conv): strides [1, 1] in the file, but add2 (Add a1 through a 1x1 Conv) declares stride 2.", error.Message);
    }

    private static OracleResidual Imported(out string directory)
    {
        directory = CaseDirectory();
        var net = OracleResidual.Create(seed: 1);
        net.ImportOnnx(Path.Combine(directory, "model.onnx"));
        Assert.Equal(Floats(directory, "parameters.f32"), net.Parameters.ToArray());
        return net;
    }

    private static string LayerOf(int index)
    {
        var layer = OracleResidual.Info.Layers.Last(l => l.ParameterCount > 0 && l.ParameterOffset <= index);
        return index < layer.ParameterOffset + layer.WeightCount ? $"{layer.Name} weight" : $"{layer.Name} bias";
    }

    private static float[] Floats(string directory, string file) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(directory, file))).ToArray();

    private static string CaseDirectory([CallerFilePath] string callerPath = "") => Path.Combine(Path.GetDirectoryName(callerPath)!, "data", "residual");
}
