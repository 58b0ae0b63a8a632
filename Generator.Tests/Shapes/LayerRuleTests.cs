using StaticNets.Generator.Layers;
using StaticNets.Generator.Model;
using StaticNets.Generator.Shapes;
using StaticNets.Generator.Tests.Support;
using Xunit;

namespace StaticNets.Generator.Tests.Shapes;

/// <summary>The layer rules as plain functions (spec in; shape, diagnostics, counts and texts out), and their registry.</summary>
public class LayerRuleTests
{
    private const string LeNet5 = """
        [Input(28, 28, 1)]
        [Conv2D(6, 5, Padding = 2, Activation = Activation.ReLU)]
        [MaxPool(2)]
        [Conv2D(16, 5, Activation = Activation.ReLU)]
        [MaxPool(2)]
        [Flatten]
        [Dense(120, Activation = Activation.ReLU)]
        [Dense(84, Activation = Activation.ReLU)]
        [Dense(10, Activation = Activation.Softmax)]
        """;

    private static NetworkShape Infer(string attributes) =>
        AnalyzerHarness.Infer($"using StaticNets;\n{attributes}\npublic partial class N {{ }}\n").Shape;

    private static LayerSpec Spec(LayerType type) => new(type, 0, null, EquatableArray<ArgumentLocation>.Empty);

    private static Tensor Image(int h, int w, int c) => new(new Shape(c, h, w, false), null);

    [Fact]
    public void LeNet5_multiply_adds_per_layer_are_output_values_times_fan_in()
    {
        var shape = Infer(LeNet5);
        // conv1 28*28*6*25, conv2 10*10*16*150, dense 400*120, 120*84, 84*10; pooling and flatten multiply no weights.
        Assert.Equal([117_600L, 0, 240_000, 0, 0, 48_000, 10_080, 840], shape.Layers.Select(l => l.MultiplyAdds));
        Assert.Equal(416_520L, shape.MultiplyAdds);
    }

    [Fact]
    public void Each_layer_carries_its_message_table_and_title_texts()
    {
        var shape = Infer(LeNet5);
        Assert.Equal(
            ["Conv2D 5x5, stride 1", "MaxPool 2x2, stride 2", "Conv2D 5x5, stride 1", "MaxPool 2x2, stride 2", "Flatten", "Dense 120", "Dense 84", "Dense 10"],
            shape.Layers.Select(l => l.Description));
        Assert.Equal(
            ["Conv2D 6@5x5 s1 p2 ReLU", "MaxPool 2x2 s2", "Conv2D 16@5x5 s1 p0 ReLU", "MaxPool 2x2 s2", "Flatten", "Dense 120 ReLU", "Dense 84 ReLU", "Dense 10 Softmax"],
            shape.Layers.Select(l => l.TableText));
        Assert.Equal(
            ["Conv2D 6@5x5, stride 1, padding 2, ReLU", "MaxPool 2x2, stride 2", "Conv2D 16@5x5, stride 1, padding 0, ReLU", "MaxPool 2x2, stride 2",
             "Flatten", "Dense 120, ReLU", "Dense 84, ReLU", "Dense 10, Softmax"],
            shape.Layers.Select(l => l.Title));

        var others = Infer("[Input(8, 8, 2)][AvgPool(2, Stride = 1)][LeakyReLU(0.2)][Flatten][Dropout(0.25)][Dense(3)][Tanh]");
        Assert.Equal(["AvgPool 2x2, stride 1", "LeakyReLU 0.2", "Flatten", "Dropout 0.25", "Dense 3", "Tanh"], others.Layers.Select(l => l.Description));
        Assert.Equal(["AvgPool 2x2 s1", "LeakyReLU 0.2", "Flatten", "Dropout 0.25", "Dense 3", "Tanh"], others.Layers.Select(l => l.TableText));
        Assert.Equal(["AvgPool 2x2, stride 1", "LeakyReLU, alpha 0.2", "Flatten", "Dropout 0.25", "Dense 3", "Tanh"], others.Layers.Select(l => l.Title));
    }

    [Fact]
    public void Every_layer_reads_the_one_before_it_and_the_first_reads_the_network_input()
    {
        var shape = Infer(LeNet5);
        Assert.Equal(Enumerable.Range(-1, shape.Layers.Count).Select(i => new[] { i }.ToEquatableArray()), shape.Layers.Select(l => l.Inputs));
        for (int i = 1; i < shape.Layers.Count; i++) Assert.Equal(shape.Layers[i - 1].Out, shape.Layers[i].In);
    }

    private const string Residual = """
        [Input(8, 8, 4)]
        [Conv2D(4, 3, Padding = 1, Activation = Activation.ReLU, Name = "a0")]
        [Conv2D(4, 3, Padding = 1)]
        [Add("a0")]
        [ReLU(Name = "a1")]
        [Conv2D(8, 2, Stride = 2)]
        [Add("a1", Projection = Projection.Conv)]
        [ReLU]
        """;

    [Fact]
    public void An_add_reads_the_previous_layer_and_the_layer_its_from_names()
    {
        var shape = Infer(Residual);
        foreach (int i in new[] { 0, 1, 3, 4, 6 }) Assert.Equal(new[] { i - 1 }, shape.Layers[i].Inputs);
        Assert.Equal(new[] { 1, 0 }, shape.Layers[2].Inputs);
        Assert.Equal(new[] { 4, 3 }, shape.Layers[5].Inputs);
        var add = shape.Layers[5];
        Assert.Equal(("conv3", "a1", new Shape(4, 8, 8, false), ProjectionKind.Conv), (add.InputLabel, add.From, add.FromShape, add.Projection));
        Assert.Equal(new Shape(8, 4, 4, false), add.Out);
        // The projection: 8x4 weights and 8 biases at the Add's place, fans of a 1x1 convolution, He before the ReLU.
        Assert.Equal((32, 8, 4, 8, 2, 2), (add.WeightCount, add.BiasCount, add.FanIn, add.FanOut, add.StrideHeight, add.StrideWidth));
        Assert.Equal(shape.Layers[4].ParameterOffset + shape.Layers[4].ParameterCount, add.ParameterOffset);
        Assert.Equal(InitKind.HeNormal, add.Init);
        Assert.Equal(0, shape.Layers[2].ParameterCount);
        // Multiply-adds: the projection's, 4*4*8 outputs of 4 channels each; none for an Add without one.
        Assert.Equal((0L, 512L), (shape.Layers[2].MultiplyAdds, add.MultiplyAdds));
        Assert.Equal(["Add a0", "Add a1 through a 1x1 convolution"], new[] { shape.Layers[2], add }.Select(l => l.Description));
        Assert.Equal(["Add conv2 + a0", "Add conv3 + a1 (1x1 conv s2)"], new[] { shape.Layers[2], add }.Select(l => l.TableText));
        Assert.Equal(["Add of conv2 and a0", "Add of conv3 and a1 through a 1x1 convolution, stride 2"], new[] { shape.Layers[2], add }.Select(l => l.Title));
    }

    [Fact]
    public void The_add_rule_infers_a_projection_from_a_spec_and_reports_sizes_it_cannot_map()
    {
        var rule = LayerRegistry.For(LayerType.Add);
        var spec = Spec(LayerType.Add) with { From = "a", Projection = ProjectionKind.Conv };
        var sink = new DiagnosticSink();
        var outcome = rule.Infer(spec, Image(5, 4, 6), "x", Image(15, 8, 3), "a", "add1", sink);
        Assert.Empty(sink.ToEquatableArray());
        Assert.NotNull(outcome);
        Assert.Equal(new Shape(6, 5, 4, false), outcome.Output);
        Assert.Equal((3, 2), (outcome.Geometry!.Value.StrideHeight, outcome.Geometry!.Value.StrideWidth));
        Assert.Equal((18, 6, 3, 6), ((int)outcome.Weights, (int)outcome.Biases, (int)outcome.FanIn, (int)outcome.FanOut));
        // Its scratch: the projection's output and the 1x1 convolution's buffers.
        var buffers = Conv2DBuffers.Of(new Shape(3, 15, 8, false), outcome.Output, new WindowGeometry(1, 1, 3, 2, 0, 0, 0, 0), needsInputGrad: true);
        Assert.Equal(buffers.Total + 120, outcome.Scratch);

        Assert.Null(rule.Infer(spec, Image(4, 4, 6), "x", Image(15, 8, 3), "a", "add1", sink));
        Assert.Null(rule.Infer(spec with { Projection = ProjectionKind.None }, Image(5, 4, 6), "x", Image(15, 8, 3), "a", "add1", sink));
        Assert.Equal(["SN2007", "SN2007"], sink.ToEquatableArray().Select(d => d.Id));
        Assert.Empty(sink.ToEquatableArray()[0].Repairs);
        Assert.Equal([new Repair("Projection", 1)], sink.ToEquatableArray()[1].Repairs);
        Assert.NotNull(rule.Infer(spec with { Projection = ProjectionKind.None }, Image(5, 4, 6), "x", Image(5, 4, 6), "a", "add1", sink));
    }

    private const string ResidualBatchNorm = """
        [Input(8, 8, 4)]
        [Conv2D(8, 3, Stride = 2, Padding = 1, Bias = false, Name = "c")]
        [BatchNorm(Momentum = 0.2)]
        [Add("input", Projection = Projection.ConvBatchNorm)]
        [ReLU]
        """;

    [Fact]
    public void A_ConvBatchNorm_projection_has_weights_then_gamma_and_beta_and_statistics_after_the_earlier_BatchNorms()
    {
        var shape = Infer(ResidualBatchNorm);
        var bn = shape.Layers[1];
        var add = shape.Layers[2];
        Assert.Equal(ProjectionKind.ConvBatchNorm, add.Projection);
        // 8x4 weights, then 8 γ and 8 β; 8 means and 8 variances after bn1's 16; PyTorch's defaults, not bn1's momentum.
        Assert.Equal((32, 16, 4, 8, 2, 2), (add.WeightCount, add.BiasCount, add.FanIn, add.FanOut, add.StrideHeight, add.StrideWidth));
        Assert.Equal(bn.ParameterOffset + bn.ParameterCount, add.ParameterOffset);
        Assert.Equal((16, 16, 0.1, 1e-5), (add.StatisticsOffset, add.StatisticsCount, add.Momentum, add.Epsilon));
        Assert.Equal(32, shape.StatisticsCount);
        Assert.Equal(InitKind.HeNormal, add.Init);
        // The 1x1 convolution's 4*4*8 outputs of 4 channels each, and a scale and shift per output.
        Assert.Equal(4 * 4 * 8 * 4 + 4 * 4 * 8, add.MultiplyAdds);
        Assert.Equal("Add input through a 1x1 convolution and BatchNorm", add.Description);
        Assert.Equal("Add bn1 + input (1x1 conv s2, BN)", add.TableText);
        Assert.Equal("Add of bn1 and input through a 1x1 convolution, stride 2, and BatchNorm", add.Title);
    }

    [Fact]
    public void The_add_rule_infers_a_ConvBatchNorm_projection_with_the_BatchNorms_scratch()
    {
        var rule = LayerRegistry.For(LayerType.Add);
        var spec = Spec(LayerType.Add) with { From = "a", Projection = ProjectionKind.ConvBatchNorm };
        var sink = new DiagnosticSink();
        var outcome = rule.Infer(spec, Image(5, 4, 6), "x", Image(15, 8, 3), "a", "add1", sink);
        Assert.Empty(sink.ToEquatableArray());
        Assert.NotNull(outcome);
        Assert.Equal((18, 12, 12), ((int)outcome.Weights, (int)outcome.Biases, outcome.Statistics));
        Assert.Equal((0.1, 1e-5), (outcome.Momentum, outcome.Epsilon));
        // The projection's output and its gradient, the BatchNorm's normalised values and per-channel sums and factors,
        // and the 1x1 convolution's buffers.
        var buffers = Conv2DBuffers.Of(new Shape(3, 15, 8, false), outcome.Output, new WindowGeometry(1, 1, 3, 2, 0, 0, 0, 0), needsInputGrad: true);
        Assert.Equal(buffers.Total + 3 * 120 + 6 * (2 + 8 + 5), outcome.Scratch);
        // Flat tensors have no 1x1 projection, with or without BatchNorm.
        var flat = new Tensor(new Shape(6, 1, 1, true), null);
        Assert.Null(rule.Infer(spec, flat, "x", flat, "a", "add1", sink));
        Assert.Equal(["SN2007"], sink.ToEquatableArray().Select(d => d.Id));
    }

    [Fact]
    public void The_parser_fills_the_named_fields_of_each_kind()
    {
        var spec = AnalyzerHarness.Infer("""
            using StaticNets;
            [Input(32, 24, 3)]
            [Conv2D(8, 3, Stride = 2, Padding = 1, Activation = Activation.GELU, Init = Init.HeUniform, L2 = 0.5)]
            [MaxPool(3)]
            [AvgPool(2, Stride = 1)]
            [Flatten]
            [Dropout(0.3)]
            [Dense(7, L1 = 0.25)]
            [LeakyReLU(0.1)]
            public partial class N { }
            """).Spec;
        var l = spec.Layers;
        Assert.Equal((32, 24, 3, false), (l[0].Height, l[0].Width, l[0].Channels, l[0].Flat));
        Assert.Equal((8, 3, 2, true, 1), (l[1].Filters, l[1].Kernel, l[1].Stride, l[1].StrideGiven, l[1].Padding));
        Assert.Equal((ActivationKind.GELU, InitKind.HeUniform, 0.0, 0.5), (l[1].Activation, l[1].Init, l[1].L1, l[1].L2));
        Assert.Equal((3, 3, false), (l[2].Size, l[2].Stride, l[2].StrideGiven));
        Assert.Equal((2, 1, true), (l[3].Size, l[3].Stride, l[3].StrideGiven));
        Assert.Equal(0.3, l[5].Rate);
        Assert.Equal((7, 0.25, ActivationKind.None), (l[6].Units, l[6].L1, l[6].Activation));
        Assert.Equal(0.1, l[7].Alpha);
        Assert.All(l, layer => Assert.Null(layer.Name));

        var flat = AnalyzerHarness.Infer("using StaticNets;\n[Input(784)][Dense(10)][LeakyReLU]\npublic partial class N { }\n").Spec.Layers;
        Assert.Equal((1, 1, 784, true), (flat[0].Height, flat[0].Width, flat[0].Channels, flat[0].Flat));
        Assert.Equal(0.01, flat[2].Alpha);
    }

    [Fact]
    public void The_conv_rule_infers_shape_parameters_and_fans_from_a_spec()
    {
        var rule = LayerRegistry.For(LayerType.Conv2D);
        var spec = Spec(LayerType.Conv2D) with { Filters = 16, Kernel = 5, Stride = 1, Activation = ActivationKind.ReLU };
        var sink = new DiagnosticSink();
        var outcome = rule.Infer(spec, Image(14, 14, 6), "conv2", sink);
        Assert.Empty(sink.ToEquatableArray());
        Assert.NotNull(outcome);
        Assert.Equal(new Shape(16, 10, 10, false), outcome.Output);
        Assert.Equal((2400, 16, 150, 400), ((int)outcome.Weights, (int)outcome.Biases, (int)outcome.FanIn, (int)outcome.FanOut));
        Assert.Equal("16*6*5*5 weights + 16 biases", outcome.ParameterArithmetic);
        // Its scratch: the convolution's buffers (input gradient included) and the values before the ReLU.
        var buffers = Conv2DBuffers.Of(new Shape(6, 14, 14, false), outcome.Output, 5, 1, 0, needsInputGrad: true);
        Assert.Equal(buffers.Total + 1600, outcome.Scratch);
    }

    [Fact]
    public void A_rule_reports_its_own_shape_errors_and_stops()
    {
        var sink = new DiagnosticSink();
        var flat = new Tensor(new Shape(400, 1, 1, true), "flatten1");
        Assert.Null(LayerRegistry.For(LayerType.MaxPool).Infer(Spec(LayerType.MaxPool) with { Size = 2, Stride = 2 }, flat, "pool3 (MaxPool 2x2, stride 2) on 400", sink));
        Assert.Null(LayerRegistry.For(LayerType.Dense).Infer(Spec(LayerType.Dense) with { Units = 10 }, Image(5, 5, 16), "dense1 (Dense 10) on 5x5x16", sink));
        Assert.True(sink.Fatal);
        Assert.Equal(
            [
                ("SN2004", "pool3 (MaxPool 2x2, stride 2) on 400: the shape is already flat after flatten1, and pooling needs an image. Move this layer before flatten1."),
                ("SN2005", "dense1 (Dense 10) on 5x5x16: a dense layer needs a flat input. Insert [Flatten] before it, to feed it the 5*5*16 = 400 values."),
            ],
            sink.ToEquatableArray().Select(d => (d.Id, d.Message)));
    }

    [Fact]
    public void A_stride_that_does_not_divide_is_reported_but_not_fatal_and_the_rule_floors()
    {
        var sink = new DiagnosticSink();
        var spec = Spec(LayerType.Conv2D) with { Filters = 6, Kernel = 5, Stride = 2, StrideGiven = true };
        var outcome = LayerRegistry.For(LayerType.Conv2D).Infer(spec, Image(28, 28, 1), "conv1 (Conv2D 5x5, stride 2) on 28x28x1", sink);
        Assert.False(sink.Fatal);
        Assert.Equal(new Shape(6, 12, 12, false), outcome!.Output);
        var diagnostic = Assert.Single(sink.ToEquatableArray());
        Assert.Equal("SN2001", diagnostic.Id);
        // (28 - 5 + 2P) is odd for every padding: a smaller stride, or a kernel one either side.
        Assert.Equal(["Stride = 1", "Kernel = 4", "Kernel = 6"], diagnostic.Repairs.Select(r => r.ToString()));
    }

    [Fact]
    public void The_argument_checks_of_each_kind_name_the_argument()
    {
        var sink = new DiagnosticSink();
        void Check(LayerSpec spec, string name) => LayerRegistry.For(spec.Type).Check(spec, new ArgumentChecks(spec, name, sink));
        Check(Spec(LayerType.Conv2D) with { Filters = 0, Kernel = 3, Padding = -1 }, "conv1");
        Check(Spec(LayerType.MaxPool) with { Size = 2, Stride = 0, StrideGiven = true }, "pool1");
        Check(Spec(LayerType.Dropout) with { Rate = 1 }, "dropout1");
        Check(Spec(LayerType.LeakyReLU) with { Alpha = double.NaN }, "leakyrelu1");
        Check(Spec(LayerType.Dense) with { Units = 3, Init = (InitKind)9 }, "dense1");
        Check(Spec(LayerType.Input) with { Flat = true, Channels = 0 }, "input");
        Assert.Equal(
            [
                "conv1 (Conv2D): filters = 0 must be at least 1.",
                "conv1 (Conv2D): Padding = -1 must be at least 0.",
                "pool1 (MaxPool): Stride = 0 must be at least 1.",
                "dropout1 (Dropout): rate = 1 must be at least 0 and less than 1 (the fraction of values dropped in training).",
                "leakyrelu1 (LeakyReLU): alpha = NaN must be finite and at least 0.",
                "dense1 (Dense): Init = 9 is not a value of the Init enum. Use one of Init.Auto, HeNormal, HeUniform, XavierNormal or XavierUniform.",
                "input (Input): features = 0 must be at least 1.",
            ],
            sink.ToEquatableArray().Select(d => d.Message));
        Assert.All(sink.ToEquatableArray(), d => Assert.Equal("SN1003", d.Id));
    }

    [Theory]
    [InlineData("Conv2D", "filters", true)]
    [InlineData("Conv2D", "kernel", true)]
    [InlineData("Conv2D", "Stride", true)]
    [InlineData("Conv2D", "Padding", true)]
    [InlineData("Conv2D", "L1", false)]
    [InlineData("Conv2D", "Activation", false)]
    [InlineData("MaxPool", "size", true)]
    [InlineData("AvgPool", "Stride", true)]
    [InlineData("Dense", "units", true)]
    [InlineData("Dense", "L2", false)]
    [InlineData("Dense", "Init", false)]
    [InlineData("Input", "height", true)]
    [InlineData("Dropout", "rate", false)]
    [InlineData("LeakyReLU", "alpha", false)]
    public void Only_an_argument_the_output_shape_is_computed_from_leaves_the_shape_unknown(string kind, string argument, bool unknown)
    {
        var type = Enum.Parse<LayerType>(kind);
        // A valid spec of the kind, then the one argument out of range.
        var valid = Spec(type) with
        {
            Filters = 4, Kernel = 3, Stride = 1, StrideGiven = type is LayerType.MaxPool or LayerType.AvgPool, Padding = 0, Size = 2,
            Units = 3, Height = 8, Width = 8, Channels = 1, Rate = 0.5, Alpha = 0.1,
        };
        var spec = argument switch
        {
            "filters" => valid with { Filters = 0 },
            "kernel" => valid with { Kernel = -1 },
            "Stride" => valid with { Stride = 0 },
            "Padding" => valid with { Padding = -1 },
            "size" => valid with { Size = 0 },
            "units" => valid with { Units = 0 },
            "height" => valid with { Height = 0 },
            "L1" => valid with { L1 = -1 },
            "L2" => valid with { L2 = double.NaN },
            "Activation" => valid with { Activation = (ActivationKind)42 },
            "Init" => valid with { Init = (InitKind)9 },
            "rate" => valid with { Rate = 1.5 },
            "alpha" => valid with { Alpha = double.PositiveInfinity },
            _ => throw new ArgumentException(argument),
        };
        var sink = new DiagnosticSink();
        var checks = new ArgumentChecks(spec, "layer1", sink);
        LayerRegistry.For(type).Check(spec, checks);
        var diagnostic = Assert.Single(sink.ToEquatableArray());
        Assert.Equal("SN1003", diagnostic.Id);
        Assert.Contains($": {argument} = ", diagnostic.Message);
        Assert.Equal(unknown, checks.ShapeUnknown);

        var untouched = new ArgumentChecks(valid, "layer1", sink);
        LayerRegistry.For(type).Check(valid, untouched);
        Assert.False(untouched.ShapeUnknown);
        Assert.Single(sink.ToEquatableArray());
    }

    [Fact]
    public void The_registry_has_one_rule_per_layer_kind_each_named_after_a_Runtime_attribute()
    {
        var kinds = Enum.GetValues<LayerType>();
        Assert.Equal(kinds.Length, LayerRegistry.All.Length);
        Assert.Equal(kinds.OrderBy(k => k), LayerRegistry.All.Select(r => r.Type).OrderBy(k => k));
        var runtime = typeof(global::StaticNets.InputAttribute).Assembly;
        foreach (var rule in LayerRegistry.All)
        {
            Assert.Same(rule, LayerRegistry.For(rule.Type));
            Assert.Same(rule, LayerRegistry.ForAttribute(rule.AttributeName));
            var attribute = runtime.GetType(rule.MetadataName);
            Assert.True(attribute is not null && typeof(Attribute).IsAssignableFrom(attribute), $"{rule.MetadataName} is no attribute of the Runtime");
            // Every kind but [Input] is a layer with an emitter.
            Assert.Equal(rule.Type != LayerType.Input, rule.Emitter is not null);
        }
    }

    [Fact]
    public void Every_concrete_rule_class_is_registered()
    {
        var rules = typeof(LayerRule).Assembly.GetTypes().Where(t => typeof(LayerRule).IsAssignableFrom(t) && !t.IsAbstract).ToList();
        // Each concrete rule class is used by the registry: no rule is written and left unregistered.
        Assert.All(rules, t => Assert.Contains(LayerRegistry.All, r => r.GetType() == t));
    }
}
