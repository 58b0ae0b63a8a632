using System.Runtime.InteropServices;
using Xunit;

namespace StaticNets.Tests.Oracle;

/// <summary>data/import-batchnorm's declaration (its case.txt).</summary>
[Input(8, 8, 3)]
[Conv2D(4, 3, Padding = 1, Bias = false)]
[BatchNorm]
[ReLU]
[Conv2D(6, 3, Bias = false)]
[BatchNorm]
[ReLU]
[GlobalAvgPool]
[Dense(3)]
public partial class OracleBatchNormImport { }

/// <summary>PyTorch's exports of data/import-batchnorm, folded and unfolded, imported into the generated network: its Forward gives PyTorch's eval outputs.</summary>
public class OracleBatchNormNetworkTests
{
    private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Oracle", "data", "import-batchnorm");

    private static float[] Floats(string file) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(Directory, file))).ToArray();

    [Theory]
    [InlineData("model.onnx")]
    [InlineData("model-unfolded.onnx")]
    public void Imported_Forward_MatchesPyTorch(string file)
    {
        var net = new OracleBatchNormImport();
        net.ImportOnnx(Path.Combine(Directory, file));

        float[] inputs = Floats("input.f32"), expected = Floats("output.f32");
        float[] output = new float[OracleBatchNormImport.OutputSize];
        for (int s = 0; s < inputs.Length / OracleBatchNormImport.InputSize; s++)
        {
            net.Forward(inputs.AsSpan(s * OracleBatchNormImport.InputSize, OracleBatchNormImport.InputSize), output);
            for (int i = 0; i < output.Length; i++)
            {
                float want = expected[s * OracleBatchNormImport.OutputSize + i];
                Assert.True(Math.Abs(output[i] - want) <= 1e-4f, $"{file}: sample {s}, output {i}: {output[i]}, PyTorch {want}");
            }
        }
    }

    [Fact]
    public void ParameterAndStatisticsCounts_ArePyTorchs()
    {
        Assert.Equal(OracleBatchNormImport.ParameterCount, Floats("parameters.f32").Length);
        Assert.Equal(OracleBatchNormImport.StatisticsCount, Floats("statistics.f32").Length);
    }
}
