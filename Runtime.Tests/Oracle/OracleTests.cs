using Xunit;

namespace StaticNets.Tests.Oracle;

/// <summary>Oracle case <c>dense-activations</c> (its <c>case.txt</c>): ReLU6, GELU, LeakyReLU(0.1), Sigmoid and Tanh.</summary>
[Input(10)]
[Dense(8)]
[ReLU6]
[Dense(8, Activation = Activation.GELU)]
[Dense(8)]
[LeakyReLU(0.1)]
[Dense(8, Activation = Activation.Sigmoid)]
[Dense(6, Activation = Activation.Tanh)]
public partial class OracleDenseActivations { }

/// <summary>
/// PyTorch's own outputs (<c>Oracle/make_oracle.py</c>, checked in under <c>Oracle/data/</c>) against <c>Forward</c>, with
/// PyTorch's parameters read two ways: from the flat <c>parameters.f32</c> and through <c>ImportOnnx</c> from
/// PyTorch's ONNX export. Tolerance 1e-5 absolute.
/// </summary>
public class OracleTests
{
    private const float Tolerance = 1e-5f;

    /// <summary>The first layer's weights are scaled by 8 in the script, so that ReLU6 clips some values at 6.</summary>
    [Fact]
    public void Dense_activations_match_PyTorch_from_its_parameters_and_its_onnx_export()
    {
        string dir = CaseDirectory("dense-activations");
        float[] parameters = Floats(dir, "parameters.f32");
        float[] inputs = Floats(dir, "input.f32");
        float[] expected = Floats(dir, "output.f32");
        Assert.Equal(OracleDenseActivations.ParameterCount, parameters.Length);

        var direct = new OracleDenseActivations();
        parameters.CopyTo(direct.Parameters);
        var imported = new OracleDenseActivations(seed: 5);
        imported.ImportOnnx(Path.Combine(dir, "model.onnx"));
        Assert.Equal(parameters, imported.Parameters.ToArray());

        CheckOutputs(direct, inputs, expected);
        CheckOutputs(imported, inputs, expected);
    }

    private static void CheckOutputs<TNet>(TNet net, float[] inputs, float[] expected) where TNet : class, INetwork<TNet>
    {
        int samples = inputs.Length / TNet.Info.InputSize;
        Assert.Equal(samples * TNet.Info.OutputSize, expected.Length);
        var output = new float[TNet.Info.OutputSize];
        for (int s = 0; s < samples; s++)
        {
            net.Forward(inputs.AsSpan(s * TNet.Info.InputSize, TNet.Info.InputSize), output);
            for (int i = 0; i < output.Length; i++)
            {
                float want = expected[s * TNet.Info.OutputSize + i];
                Assert.True(Math.Abs(output[i] - want) <= Tolerance, $"{TNet.Info.Name}, sample {s}, output {i}: Forward {output[i]}, PyTorch {want}");
            }
        }
    }

    private static string CaseDirectory(string name) => Path.Combine(AppContext.BaseDirectory, "Oracle", "data", name);

    private static float[] Floats(string dir, string file)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(dir, file));
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, values.Length * 4);
        return values;
    }
}
