using StaticNets.Generator.Model;
using StaticNets.Generator.Shapes;
using StaticNets.Generator.Tests.Support;
using Xunit;

namespace StaticNets.Generator.Tests.Shapes;

/// <summary>Shape inference as a plain function: spec in, shapes, counts, diagnostics and repairs out.</summary>
public class ShapeInferenceTests
{
    private static NetworkShape Infer(string attributes) =>
        AnalyzerHarness.Infer($"using StaticNets;\n{attributes}\npublic partial class N {{ }}\n").Shape;

    private static Shape Image(int h, int w, int c) => new(c, h, w, false);

    [Fact]
    public void LeNet5_has_the_lecture_shapes_and_61706_parameters()
    {
        var shape = Infer("""
            [Input(28, 28, 1)]
            [Conv2D(6, 5, Padding = 2, Activation = Activation.ReLU)]
            [MaxPool(2)]
            [Conv2D(16, 5, Activation = Activation.ReLU)]
            [MaxPool(2)]
            [Flatten]
            [Dense(120, Activation = Activation.ReLU)]
            [Dense(84, Activation = Activation.ReLU)]
            [Dense(10, Activation = Activation.Softmax)]
            """);
        Assert.True(shape.CanEmit);
        Assert.Empty(shape.Diagnostics);
        Assert.Equal(["conv1", "pool1", "conv2", "pool2", "flatten1", "dense1", "dense2", "dense3"], shape.Layers.Select(l => l.Name));
        Assert.Equal(["28x28x6", "14x14x6", "10x10x16", "5x5x16", "400", "120", "84", "10"], shape.Layers.Select(l => l.Out.ToString()));
        Assert.Equal([156, 0, 2416, 0, 0, 48120, 10164, 850], shape.Layers.Select(l => l.ParameterCount));
        Assert.Equal(61706, shape.ParameterCount);
        Assert.Equal(784, shape.InputSize);
        Assert.Equal(10, shape.OutputSize);
        Assert.Equal(Model.LossKind.CrossEntropy, shape.Loss);
    }

    [Theory]
    [InlineData("[Conv2D(6, 5, Stride = 2)]", 12, "SN2001")]               // floor((28 - 5) / 2) + 1, the lecture's example
    [InlineData("[Conv2D(6, 5, Stride = 2, Padding = 2)]", 14, "SN3004")]  // floor((28 - 5 + 4) / 2) + 1: only padding unread
    public void A_stride_that_does_not_divide_is_SN2001_or_SN3004_and_the_shape_is_PyTorchs_floor(string conv, int side, string id)
    {
        var shape = Infer($"[Input(28, 28, 1)]{conv}[Flatten][Dense(10)]");
        var diagnostic = Assert.Single(shape.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.True(shape.CanEmit);
        Assert.Equal(Image(side, side, 6), shape.Layers[0].Out);
        Assert.Equal(side * side * 6, shape.Layers[1].Out.Size);
        Assert.Equal(side * side * 6 * 10 + 10 + 6 * 25 + 6, shape.ParameterCount);
    }

    [Fact]
    public void A_pool_that_does_not_tile_is_SN2002_and_floors()
    {
        var shape = Infer("[Input(28, 28, 1)][MaxPool(3)]");
        Assert.Equal("SN2002", Assert.Single(shape.Diagnostics).Id);
        Assert.True(shape.CanEmit);
        Assert.Equal(Image(9, 9, 1), shape.Layers[0].Out);
    }

    [Theory]
    [InlineData("[Conv2D(6, 5, Stride = 2)]", "Stride = 1", "Kernel = 4", "Kernel = 6")]
    [InlineData("[Conv2D(6, 5, Stride = 3)]", "Padding = 2")]
    [InlineData("[Conv2D(6, 4, Stride = 3, Padding = 1)]", "Padding = 0", "Padding = 3")]
    [InlineData("[MaxPool(3)]", "Size = 2", "Size = 4", "Stride = 1")]
    [InlineData("[MaxPool(3, Stride = 2)]", "Size = 2", "Size = 4", "Stride = 1")]
    public void The_repairs_are_those_the_message_names_and_each_divides_exactly(string layer, params string[] expected)
    {
        var shape = Infer($"[Input(28, 28, 1)]{layer}");
        var diagnostic = Assert.Single(shape.Diagnostics);
        Assert.Equal(expected, diagnostic.Repairs.Select(r => r.ToString()));
        foreach (var repair in diagnostic.Repairs)
        {
            // Apply the repair to the attribute and infer again: no diagnostic left.
            string fixedLayer = Apply(layer, repair);
            var again = Infer($"[Input(28, 28, 1)]{fixedLayer}");
            Assert.True(again.Diagnostics.Count == 0, $"{fixedLayer}: {string.Join("; ", again.Diagnostics.Select(d => d.Message))}");
        }
    }

    private static string Apply(string layer, Repair repair)
    {
        // "[Conv2D(6, 5, Stride = 2)]" -> replace or add the argument.
        var inner = layer.Substring(layer.IndexOf('(') + 1, layer.LastIndexOf(')') - layer.IndexOf('(') - 1).Split(", ").ToList();
        string kind = layer.Substring(1, layer.IndexOf('(') - 1);
        switch (repair.Argument)
        {
            case "Kernel": inner[1] = repair.Value.ToString(); break;
            case "Size": inner[0] = repair.Value.ToString(); break;
            default:
                int at = inner.FindIndex(a => a.StartsWith(repair.Argument + " ", StringComparison.Ordinal));
                if (at >= 0) inner[at] = repair.ToString(); else inner.Add(repair.ToString());
                break;
        }
        return $"[{kind}({string.Join(", ", inner)})]";
    }

    [Fact]
    public void Errors_that_stop_inference_leave_nothing_to_emit()
    {
        var shape = Infer("[Input(4, 4, 16)][Dense(120)]");
        Assert.False(shape.CanEmit);
        Assert.Empty(shape.Layers);
        Assert.Equal("SN2005", Assert.Single(shape.Diagnostics).Id);
    }

    [Theory]
    [InlineData("[Input(10)][Dropout(1.5)][Dense(3)]")]
    [InlineData("[Input(10)][Dense(3, L2 = -1)]")]
    [InlineData("[Input(10)][LeakyReLU(double.NaN)][Dense(3, Activation = (Activation)42)]")]
    [InlineData("[Input(28, 28, 1)][Conv2D(6, 5, Init = (Init)9)][Flatten][Dense(3)]")]
    public void An_argument_error_that_leaves_the_shapes_known_is_the_only_diagnostic_and_still_nothing_is_emitted(string attributes)
    {
        var shape = Infer(attributes);
        Assert.NotEmpty(shape.Diagnostics);
        Assert.All(shape.Diagnostics, d => Assert.Equal("SN1003", d.Id));
        Assert.False(shape.CanEmit);
        Assert.Empty(shape.Layers);
    }

    [Fact]
    public void An_argument_error_that_leaves_the_shape_unknown_stops_only_the_layers_after_it()
    {
        // pool1 floors to 9x9x1 and is checked; conv1's kernel is unknown, so dense1 (no [Flatten]) is not inferred.
        var shape = Infer("[Input(28, 28, 1)][MaxPool(3)][Conv2D(6, 0)][Dense(10)]");
        Assert.Equal(["SN1003", "SN2002"], shape.Diagnostics.Select(d => d.Id));
        Assert.False(shape.CanEmit);
    }

    [Fact]
    public void The_size_limit_is_reported_once_though_every_later_layer_is_also_beyond_it()
    {
        var shape = Infer("[Input(1000)][Dense(1000000)][Dense(1000000)][Dense(1000000)]");
        var diagnostic = Assert.Single(shape.Diagnostics);
        Assert.Equal("SN2006", diagnostic.Id);
        Assert.StartsWith("dense1 (Dense 1000000) on 1000:", diagnostic.Message);
        Assert.False(shape.CanEmit);
    }

    [Fact]
    public void A_parameter_count_beyond_int_is_reported_once_and_the_shapes_after_it_are_still_checked()
    {
        var shape = Infer("[Input(100000)][Dense(100000)][Dense(100000)][Conv2D(2, 3)]");
        Assert.Equal(["SN2006", "SN2004"], shape.Diagnostics.Select(d => d.Id));
        Assert.StartsWith("dense1 (Dense 100000) on 100000: 100000*100000 weights", shape.Diagnostics[0].Message);
        Assert.StartsWith("conv1 (Conv2D 3x3, stride 1) on 100000: the input is flat ([Input(features)])", shape.Diagnostics[1].Message);
        Assert.False(shape.CanEmit);
    }

    [Fact]
    public void Attributes_on_two_declarations_leave_the_order_and_so_every_shape_unknown()
    {
        var shape = AnalyzerHarness.Infer("using StaticNets;\n[Input(4, 4, 16)] public partial class N { }\n[Dense(2)] public partial class N { }\n").Shape;
        Assert.Equal("SN1004", Assert.Single(shape.Diagnostics).Id);
        Assert.False(shape.CanEmit);
    }

    [Fact]
    public void Design_advice_does_not_stop_emission()
    {
        var shape = Infer("[Input(28, 28, 1)][Conv2D(6, 5, Padding = 5)][Flatten][Dense(10, Activation = Activation.Softmax)]");
        Assert.Equal("SN3003", Assert.Single(shape.Diagnostics).Id);
        Assert.True(shape.CanEmit);
        Assert.Equal(Image(34, 34, 6), shape.Layers[0].Out);
    }

    [Theory]
    [InlineData("[Input(int.MaxValue, int.MaxValue, int.MaxValue)][Flatten]")]
    [InlineData("[Input(46341, 46341, 1)][Flatten]")]
    [InlineData("[Input(28, 28, 1)][Conv2D(int.MaxValue, int.MaxValue, Padding = int.MaxValue)]")]
    [InlineData("[Input(28, 28, 1)][Conv2D(6, 1, Padding = int.MaxValue)]")]
    [InlineData("[Input(int.MaxValue)][Dense(int.MaxValue)]")]
    [InlineData("[Input(46340, 46340, 1)][Flatten]")]
    [InlineData("[Input(16384, 16384, 1)][MaxPool(2)]")]
    [InlineData("[Input(8192)][Dense(16384)]")]
    public void Sizes_beyond_int_or_buffers_beyond_1GiB_are_SN2006(string attributes)
    {
        var shape = Infer(attributes);
        Assert.Contains(shape.Diagnostics, d => d.Id == "SN2006");
        Assert.False(shape.CanEmit);
        Assert.Empty(shape.Layers);
    }

    /// <summary>
    /// The SN2006 bound counts each dense layer's input gradient of its own (<c>_dense2InputGradPart</c>, which it adds into
    /// the shared one when its input has a second reader, an [Add]) beside its output, gradient and batch tiles: the
    /// activations stated at dense2, where the parameters cross the limit, are exactly these.
    /// </summary>
    [Fact]
    public void The_memory_bound_counts_the_input_gradient_a_dense_layer_adds_through()
    {
        var shape = Infer("[Input(8192)][Dense(8192, Name = \"h\")][Dense(8192)][Add(\"h\")]");
        var diagnostic = Assert.Single(shape.Diagnostics);
        Assert.Equal("SN2006", diagnostic.Id);
        Assert.StartsWith("dense2 (Dense 8192) on 8192:", diagnostic.Message);
        const long n = 8192, tile = Layers.LayerRule.BatchTile;
        long dense = 2 * n + tile * (n + n) + n; // output and its gradient, the tiles of ForwardBatch, the input gradient part
        long activations = 4 * (n + dense + dense);
        Assert.Contains($"activations up to {activations.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}),", diagnostic.Message);
    }

    /// <summary>
    /// The SN2006 bound counts a convolution's scratch as <see cref="Layers.Conv2DBuffers"/> computes it (the lengths
    /// the emitter allocates): the activations it states are the input, the output and its gradient, and those buffers.
    /// </summary>
    [Fact]
    public void The_memory_bound_counts_the_convolution_buffers_the_emitter_allocates()
    {
        var shape = Infer("[Input(512, 512, 4)][Conv2D(208, 3, Padding = 1)]");
        var diagnostic = Assert.Single(shape.Diagnostics);
        Assert.Equal("SN2006", diagnostic.Id);
        var output = new Shape(208, 512, 512, false);
        var buffers = Layers.Conv2DBuffers.Of(Image(512, 512, 4), output, kernel: 3, stride: 1, padding: 1, needsInputGrad: true);
        Assert.True(buffers.GradT > 0 && buffers.Wide > 0 && buffers.WideGrad > 0);
        var activations = 4 * (512 * 512 * 4 + 2 * (System.Numerics.BigInteger)output.Size + buffers.Total);
        string stated = activations.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"activations up to {stated}),", diagnostic.Message);
    }

    [Fact]
    public void The_limit_is_one_GiB_of_floats()
    {
        Assert.Equal(1L << 30, ShapeInference.MaxFloats * sizeof(float));
        // Just below: 8000*16000 + 16000 parameters, twice, plus 8000 + 2*16000 activations = 256,072,000 floats.
        Assert.True(Infer("[Input(8000)][Dense(16000)]").CanEmit);
    }

    [Theory]
    [InlineData(3, false)]
    [InlineData(4, true)]
    public void SN3002_warns_from_the_fourth_saturating_activation(int count, bool warns)
    {
        Assert.Equal(4, ShapeInference.SaturatingDepth);
        string layers = string.Concat(Enumerable.Range(0, count).Select(i => i % 2 == 0 ? "[Dense(8, Activation = Activation.Tanh)]" : "[Sigmoid]"));
        var shape = Infer($"[Input(8)]{layers}[Dense(2)]");
        Assert.Equal(warns, shape.Diagnostics.Any(d => d.Id == "SN3002"));
        Assert.True(shape.CanEmit);
    }
}
