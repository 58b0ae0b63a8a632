using System.Reflection;
using System.Linq.Expressions;
using StaticNets.Tests.Reference;
using Xunit;
using Xunit.Abstractions;

namespace StaticNets.Tests.Numerics;

// Strided convolutions whose forward's vector paths take the filters across the lanes (Conv2DBuffers.StridedLanes):
// filters in multiples of 32, windows up to 3x3, even and odd sizes, padding, rectangular strides, activations.

/// <summary>16x16 planes of 8 channels to 8x8 of 32, 3x3 stride 2, same padding, ReLU; pooled into a softmax.</summary>
[Input(16, 16, 8)]
[Conv2D(32, 3, Stride = 2, PaddingMode = PaddingMode.Same, Activation = Activation.ReLU)]
[GlobalAvgPool]
[Dense(3, Activation = Activation.Softmax)]
public partial class StridedLanesEven { }

/// <summary>Odd sizes: 15x13 planes of 9 channels to 8x7 of 64, padding 1, no bias, Tanh.</summary>
[Input(15, 13, 9)]
[Conv2D(64, 3, Stride = 2, Padding = 1, Bias = false, Activation = Activation.Tanh)]
[GlobalAvgPool]
[Dense(3, Activation = Activation.Softmax)]
public partial class StridedLanesOdd { }

/// <summary>A 2x3 window, strides 3 and 2 (14x17 of 8 channels to 5x8 of 32), GELU (the linear part kept).</summary>
[Input(14, 17, 8)]
[Conv2D(32, 2, 3, StrideHeight = 3, StrideWidth = 2, Activation = Activation.GELU)]
[GlobalAvgPool]
[Dense(3, Activation = Activation.Softmax)]
public partial class StridedLanesRectangular { }

#pragma warning disable SN3005 // on purpose: a producer's bias before its BatchNorm, so that the fused call adds it too

/// <summary>The filter-lane strided convolution (9x9 to 5x5) heading a fused chain: BatchNorm and ReLU in the chain's epilogue.</summary>
[Input(9, 9, 8)]
[Conv2D(32, 3, Stride = 2, Padding = 1)]
[BatchNorm]
[ReLU]
[Flatten]
[Dense(3)]
public partial class StridedLanesFused { }

#pragma warning restore SN3005

/// <summary>
/// The filter-lane strided forward against the double-precision reference on every vector path (the scalar path, in
/// its child process, checks the strided loops the same way), with the weights changed between calls: the kernel keeps
/// the weights it arranged while they stay the same. Tolerance as <c>ForwardReferenceTests</c>': 1e-5 absolute plus
/// 1e-5 relative (sums of at most 81 products of values within ±1).
/// </summary>
[Trait(VectorPath.Trait, VectorPath.Value)]
public class StridedLanesTests(ITestOutputHelper output)
{
    [Fact]
    public void Even_sizes_same_padding() => Check(new StridedLanesEven(1));

    [Fact]
    public void Odd_sizes_without_bias() => Check(new StridedLanesOdd(2));

    [Fact]
    public void Rectangular_window_and_strides() => Check(new StridedLanesRectangular(3));

    /// <summary>
    /// Batch training's replicas read the weights the network arranged once per batch (ConvolutionLanes.Prepare): after
    /// the weights change, sample 0's convolution output in a batch on two threads equals the layer's own forward with
    /// the new weights (which arranges them itself), and the batch's gradients equal one thread's.
    /// </summary>
    [Fact]
    public void Batch_replicas_share_weights_arranged_for_the_current_parameters()
    {
        const int batch = 6;
        var random = new Random(31);
        var inputs = new float[batch * StridedLanesFused.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)(random.NextDouble() * 2 - 1);
        int[] labels = [0, 1, 2, 2, 1, 0];
        float[] Gradients(StridedLanesFused net, int threads)
        {
            net.ZeroGradients();
            using (StaticNets.__Internals.BatchRunner.UseThreads(threads))
            {
                net.ComputeBatchGradients(inputs, labels);
            }
            return net.Gradients.ToArray();
        }

        var net = new StridedLanesFused(4);
        Gradients(net, 2); // arranges the first weights
        for (int i = 0; i < net.Parameters.Length; i++) net.Parameters[i] *= -0.5f; // new weights
        float[] two = Gradients(net, 2);

        // conv1 on sample 0 through the layer's own forward (shared: null), into buffers of its own.
        Type layers = typeof(StridedLanesFused).Assembly.GetTypes().Single(t => t.Name.EndsWith("StridedLanesFusedLayers", StringComparison.Ordinal));
        MethodInfo forward = layers.GetMethod("Conv1Forward", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)!;
        float[] Field(string name) => (float[])typeof(StridedLanesFused).GetField("_" + name, BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(net)!;
        var expected = new float[Field("conv1Output").Length];
        var arguments = new Dictionary<string, float[]?>
        {
            ["x"] = inputs[..StridedLanesFused.InputSize],
            ["y"] = expected,
            ["parameters"] = Field("parameters"),
            ["padded"] = new float[Field("conv1Input").Length],
            ["lanes"] = new float[Field("conv1Lanes").Length],
            ["shared"] = null,
        };
        var call = forward.GetParameters().Select(p => (Expression)(p.ParameterType == typeof(float[])
            ? Expression.Constant(arguments[p.Name!], typeof(float[]))
            : Expression.Convert(Expression.Constant(arguments[p.Name!], typeof(float[])), p.ParameterType)));
        Expression.Lambda<Action>(Expression.Call(forward, call)).Compile()();

        Assert.Equal(expected, Field("conv1Output"));
        Assert.Equal(Gradients(net, 1), two);
    }

    private void Check<TNet>(TNet net) where TNet : class, INetwork<TNet>
    {
        var info = TNet.Info;
        var random = new Random(info.ParameterCount + 5);
        for (int i = 0; i < net.Parameters.Length; i++) net.Parameters[i] = (float)(random.NextDouble() - 0.5);
        var y = new float[info.OutputSize];
        double worst = 0;
        for (int trial = 0; trial < 4; trial++)
        {
            if (trial == 2) net.Parameters[net.Parameters.Length / 3] += 0.25f;
            if (trial == 3)
            {
                for (int i = 0; i < net.Parameters.Length; i++) net.Parameters[i] = (float)(random.NextDouble() - 0.5);
            }
            var x = Enumerable.Range(0, info.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            net.Forward(x, y);
            double[] expected = ReferenceNetwork.Forward(info, net.Parameters, x);
            for (int i = 0; i < y.Length; i++)
            {
                double error = Math.Abs(y[i] - expected[i]);
                worst = Math.Max(worst, error);
                Assert.True(error <= 1e-5 + 1e-5 * Math.Abs(expected[i]), $"{info.Name} output {i}: {y[i]} against the reference {expected[i]}");
            }
        }
        output.WriteLine($"{info.Name} on path {VectorPath.Current}: largest error {worst:G3}");
    }
}
