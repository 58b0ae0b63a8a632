using StaticNets.Tests.Support;
using StaticNets.Tests.Networks;
using Xunit;

namespace StaticNets.Tests.Numerics;

/// <summary>The generated members' promises: constants, layouts, argument checks, no allocation.</summary>
public class GeneratedMemberTests
{
    [Fact]
    public void Lecture_max_pooling_example()
    {
        float[] input =
        [
            4, 2, 5, 3, 1, 3,
            1, 3, 2, 2, 1, 2,
            2, 2, 4, 3, 2, 1,
            3, 6, 3, 1, 1, 2,
            1, 2, 3, 5, 2, 4,
            2, 3, 1, 2, 1, 3,
        ];
        var output = new float[PoolOnly.OutputSize];
        new PoolOnly().Forward(input, output);
        Assert.Equal([4f, 5, 3, 6, 4, 2, 3, 5, 4], output);
    }

    [Fact]
    public void LeNet5_constants_and_lecture_parameter_counts()
    {
        Assert.Equal(784, LeNet5.InputSize);
        Assert.Equal(10, LeNet5.OutputSize);
        Assert.Equal(61_706, LeNet5.ParameterCount);
        var layers = LeNet5.Info.Layers;
        Assert.Equal(156, layers.Single(l => l.Name == "conv1").ParameterCount);
        Assert.Equal(2_416, layers.Single(l => l.Name == "conv2").ParameterCount);
        Assert.Equal(new TensorShape(16, 5, 5), layers.Single(l => l.Name == "pool2").OutputShape);
        Assert.Equal(LossKind.CrossEntropy, LeNet5.Info.Loss);
        Assert.Equal(LossKind.MeanSquaredError, MlpMse.Info.Loss);
        Assert.Contains("61,706", LeNet5.Summary);
        // LeNet-5's forward multiply-adds: 117,600 + 240,000 + 48,000 + 10,080 + 840 (pooling counts none).
        Assert.Equal(416_520L, LeNet5.MultiplyAdds);
        Assert.Contains("conv1     Conv2D 6@5x5 s1 p2 ReLU     28x28x6          156     117,600", LeNet5.Summary);
        Assert.Contains("total                                               61,706     416,520", LeNet5.Summary);
        Assert.Matches(@"memory: parameters 246,824 B, gradients 246,824 B, activations [\d,]+ B; [\d,]+ B in all$", LeNet5.Summary);
    }

    [Fact]
    public void Given_names_replace_the_defaults_in_Info_Summary_weight_files_and_onnx()
    {
        Assert.Equal(["conv1", "pool1", "flatten1", "hidden", "dense2", "clipped", "dense3"], ClipNet.Info.Layers.Select(l => l.Name));
        Assert.Contains("\nhidden    Dense 10 ReLU6", ClipNet.Summary);
        Assert.Contains("\nclipped   ReLU6", ClipNet.Summary);
        Assert.True(ClipNet.MultiplyAdds > 0);

        var net = new ClipNet(seed: 3);
        var file = new MemoryStream();
        net.Save(file);
        file.Position = 0;
        Assert.Equal(net.Parameters.ToArray(), ClipNet.Load(file).Parameters.ToArray());

        var onnx = new MemoryStream();
        net.ExportOnnx(onnx);
        string text = System.Text.Encoding.UTF8.GetString(onnx.ToArray());
        Assert.Contains("hidden.weight", text);
        Assert.Contains("clipped", text);
        Assert.DoesNotContain("dense1", text);
    }

    [Fact]
    public void Parameters_are_laid_out_layer_by_layer_weights_then_bias()
    {
        int offset = 0;
        foreach (var layer in LeNet5.Info.Layers)
        {
            Assert.Equal(offset, layer.ParameterOffset);
            offset += layer.ParameterCount;
        }
        Assert.Equal(LeNet5.ParameterCount, offset);
        var net = new LeNet5(seed: 2);
        Assert.Equal(LeNet5.ParameterCount, net.Parameters.Length);
        Assert.Equal(LeNet5.ParameterCount, net.Gradients.Length);
        // conv1: 150 weights then 6 biases, which start at zero; the weights do not.
        Assert.All(net.Parameters.Slice(150, 6).ToArray(), b => Assert.Equal(0f, b));
        Assert.Contains(net.Parameters.Slice(0, 150).ToArray(), w => w != 0f);
    }

    [Fact]
    public void Seed_makes_initialisation_deterministic()
    {
        Assert.Equal(new LeNet5(seed: 5).Parameters.ToArray(), new LeNet5(seed: 5).Parameters.ToArray());
        Assert.NotEqual(new LeNet5(seed: 5).Parameters.ToArray(), new LeNet5(seed: 6).Parameters.ToArray());
        Assert.Equal(new LeNet5().Parameters.ToArray(), new LeNet5(seed: 0).Parameters.ToArray());
        Assert.Equal(new LeNet5(3).Parameters.ToArray(), LeNet5.Create(3).Parameters.ToArray());
    }

    [Fact]
    public void Wrong_span_lengths_name_the_expected_size()
    {
        var net = new LeNet5();
        var output = new float[10];
        var e = Assert.Throws<ArgumentException>(() => net.Forward(new float[783], output));
        Assert.Contains("784", e.Message);
        Assert.Contains("[1][28][28]", e.Message);
        Assert.Equal("input", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => net.Forward(new float[784], new float[9]));
        Assert.Contains("10", e.Message);
        Assert.Equal("output", e.ParamName);
        Assert.Throws<ArgumentException>(() => net.Predict(new float[785]));
        Assert.Throws<ArgumentException>(() => net.ComputeGradients(new float[1], 3));
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => net.ComputeGradients(new float[784], 10));
        Assert.Contains("[0, 9]", r.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.ComputeGradients(new float[784], -1));
        e = Assert.Throws<ArgumentException>(() => new MlpMse().ComputeGradients(new float[5], new float[4]));
        Assert.Equal("target", e.ParamName);
    }

    [Fact]
    public void Predict_is_the_index_of_the_largest_output()
    {
        var net = new ConvNetA(seed: 9);
        var random = new Random(1);
        var output = new float[ConvNetA.OutputSize];
        for (int trial = 0; trial < 20; trial++)
        {
            var input = Enumerable.Range(0, ConvNetA.InputSize).Select(_ => (float)random.NextDouble()).ToArray();
            net.Forward(input, output);
            Assert.Equal(Array.IndexOf(output, output.Max()), net.Predict(input));
            Assert.Equal(1.0, output.Sum(), 5); // softmax
        }
    }

    [Fact]
    public void Dropout_is_the_identity_in_Forward_and_active_in_training()
    {
        var net = new ConvNetB(seed: 1);
        var input = Enumerable.Range(0, ConvNetB.InputSize).Select(i => MathF.Sin(i)).ToArray();
        var a = new float[3];
        var b = new float[3];
        net.Forward(input, a);
        net.SetRandomState(1);
        net.ComputeGradients(input, 0); // training mode draws a mask
        net.Forward(input, b);
        Assert.Equal(a, b);
        // In training, masks drawn from different states give different losses; the same state, the same loss.
        var losses = new HashSet<float>();
        for (ulong state = 1; state <= 10; state++)
        {
            net.SetRandomState(state);
            losses.Add(net.ComputeGradients(input, 0));
        }
        Assert.True(losses.Count > 3, $"only {losses.Count} distinct losses from 10 masks");
        net.SetRandomState(1);
        float first = net.ComputeGradients(input, 0);
        net.SetRandomState(1);
        Assert.Equal(first, net.ComputeGradients(input, 0));
    }

    [Fact]
    public void Forward_Predict_and_ComputeGradients_allocate_nothing()
    {
        var net = new LeNet5(seed: 1);
        var input = new float[LeNet5.InputSize];
        var output = new float[LeNet5.OutputSize];
        input[300] = 1;
        // Warm up: JIT and tiering.
        for (int i = 0; i < 50; i++)
        {
            net.Forward(input, output);
            net.Predict(input);
            net.ComputeGradients(input, 3);
        }
        Assert.Equal(0, Allocations.Fewest(() =>
        {
            net.Forward(input, output);
            net.Predict(input);
            net.ComputeGradients(input, 3);
            net.ZeroGradients();
        }));
    }

    [Fact]
    public void ComputeGradients_adds_into_the_gradients()
    {
        var net = new MlpMse(seed: 2);
        float[] input = [0.1f, -0.4f, 0.3f, 0.9f, -1f];
        float[] target = [1f, 0f, -1f];
        net.ZeroGradients();
        net.ComputeGradients(input, target);
        var once = net.Gradients.ToArray();
        net.ComputeGradients(input, target);
        var twice = net.Gradients.ToArray();
        for (int i = 0; i < once.Length; i++) Assert.Equal(2 * once[i], twice[i], 1e-6f);
        net.ZeroGradients();
        Assert.All(net.Gradients.ToArray(), g => Assert.Equal(0f, g));
    }
}

/// <summary>One instance, one thread at a time: a second thread entering while a pass runs is told so.</summary>
public class ConcurrentUseTests
{
    [Fact]
    public void Entering_an_instance_that_is_busy_throws_a_clear_error()
    {
        var net = new LeNet5(seed: 1);
        var busy = typeof(LeNet5).GetField("_busy", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        busy.SetValue(net, 1); // as if another thread were inside Forward
        var e = Assert.Throws<InvalidOperationException>(() => net.Predict(new float[LeNet5.InputSize]));
        Assert.Contains("another thread", e.Message);
        Assert.Throws<InvalidOperationException>(() => net.ComputeGradients(new float[LeNet5.InputSize], 1));
        Assert.Throws<InvalidOperationException>(() => net.ForwardBatch(new float[2 * LeNet5.InputSize], new float[2 * LeNet5.OutputSize]));
        Assert.Throws<InvalidOperationException>(() => net.PredictBatch(new float[2 * LeNet5.InputSize], new int[2]));
        busy.SetValue(net, 0);
        net.Predict(new float[LeNet5.InputSize]);
        // A pass that throws leaves the instance usable.
        Assert.Throws<ArgumentOutOfRangeException>(() => net.ComputeGradients(new float[LeNet5.InputSize], 99));
        net.Predict(new float[LeNet5.InputSize]);
        Assert.Equal(0, (int)busy.GetValue(net)!);
    }
}
