using StaticNets.Generator.Tests.Support;
using Xunit;

namespace StaticNets.Generator.Tests.Diagnostics;

/// <summary>
/// Networks with two or three independent mistakes: each is reported, at its own location, with the message it has
/// alone; a mistake that leaves a shape unknown hides only what depends on that shape, and causes nothing of its own.
/// Each case lists every diagnostic the analyzer reports, in the order of their positions: (id, text under the span, message).
/// </summary>
public class IndependentMistakesTests
{
    private static string Net(string attributes, string declaration = "public partial class N { }") =>
        $"using StaticNets;\n\n{attributes}\n{declaration}\n";

    private static void AssertReports(string source, params (string Id, string Span, string Message)[] expected)
    {
        var diagnostics = AnalyzerHarness.Analyze(source);
        Assert.Equal(expected, diagnostics.Select(d => (d.Id, AnalyzerHarness.SpanText(d), d.GetMessage())));
    }

    [Fact]
    public void A_bad_dropout_rate_does_not_hide_a_stride_that_drops_a_column()
    {
        AssertReports(Net("[Input(28, 28, 1)][Conv2D(6, 5, Stride = 2)][Dropout(1.5)][Flatten][Dense(10)]"),
            ("SN2001", "Stride = 2",
                "conv1 (Conv2D 5x5, stride 2) on 28x28x1: (28 - 5 + 2*0) = 23 is not a multiple of 2; the last input column would be dropped. Use Stride = 1, or Kernel = 4 or 6."),
            ("SN1003", "1.5", "dropout1 (Dropout): rate = 1.5 must be at least 0 and less than 1 (the fraction of values dropped in training)."));
    }

    [Fact]
    public void A_bad_L2_does_not_hide_a_dense_layer_without_flatten()
    {
        AssertReports(Net("[Input(4, 4, 16)][Dense(120, L2 = -1)]"),
            ("SN2005", "Dense(120, L2 = -1)",
                "dense1 (Dense 120) on 4x4x16: a dense layer needs a flat input. Insert [Flatten] before it, to feed it the 4*4*16 = 256 values."),
            ("SN1003", "L2 = -1", "dense1 (Dense): L2 = -1 must be finite and at least 0."));
    }

    [Fact]
    public void Three_mistakes_in_three_layers_are_all_reported_and_the_floored_shape_carries_on()
    {
        // conv1 floors to 12x12x6 (SN2001); leakyrelu1's alpha is wrong but its shape is known, so dense1 sees 12x12x6.
        AssertReports(Net("[Input(28, 28, 1)][Conv2D(6, 5, Stride = 2)][LeakyReLU(-0.1)][Dense(10)]"),
            ("SN2001", "Stride = 2",
                "conv1 (Conv2D 5x5, stride 2) on 28x28x1: (28 - 5 + 2*0) = 23 is not a multiple of 2; the last input column would be dropped. Use Stride = 1, or Kernel = 4 or 6."),
            ("SN1003", "-0.1", "leakyrelu1 (LeakyReLU): alpha = -0.1 must be finite and at least 0."),
            ("SN2005", "Dense(10)",
                "dense1 (Dense 10) on 12x12x6: a dense layer needs a flat input. Insert [Flatten] before it, to feed it the 12*12*6 = 864 values."));
    }

    [Fact]
    public void A_zero_filter_convolution_is_reported_and_nothing_it_causes()
    {
        // Its output is unknown: pool2, flatten1 and dense1 read it, and get no diagnostic of their own.
        AssertReports(Net("[Input(28, 28, 1)][Conv2D(0, 5)][MaxPool(3)][Flatten][Dense(10)]"),
            ("SN1003", "0", "conv1 (Conv2D): filters = 0 must be at least 1."));
    }

    [Fact]
    public void A_layer_before_an_unknown_shape_is_still_inferred_and_checked()
    {
        AssertReports(Net("[Input(28, 28, 1)][MaxPool(3)][Conv2D(6, 5, Stride = 0)][Dense(10)]"),
            ("SN2002", "3",
                "pool1 (MaxPool 3x3, stride 3) on 28x28x1: (28 - 3) = 25 is not a multiple of 3; the last input column would be dropped. Use Size = 2 or 4, or Stride = 1."),
            ("SN1003", "Stride = 0", "conv1 (Conv2D): Stride = 0 must be at least 1."));
    }

    [Fact]
    public void Arguments_that_do_not_compile_leave_that_layer_unknown_and_the_layers_before_it_checked()
    {
        AssertReports(Net("[Input(28, 28, 1)][MaxPool(3)][Conv2D(6)][Dense(10)]"),
            ("SN2002", "3",
                "pool1 (MaxPool 3x3, stride 3) on 28x28x1: (28 - 3) = 25 is not a multiple of 3; the last input column would be dropped. Use Size = 2 or 4, or Stride = 1."),
            ("SN1003", "Conv2D(6)", "conv1 (Conv2D): the attribute's arguments could not be read. Fix the compiler errors on it."));
    }

    [Fact]
    public void A_window_too_large_stops_only_what_reads_its_output_and_an_argument_error_before_it_blocks_nothing()
    {
        AssertReports(Net("[Input(5, 5, 1)][Dropout(2)][Conv2D(6, 7)][Flatten][Dense(3, Init = (Init)9)]"),
            ("SN1003", "2", "dropout1 (Dropout): rate = 2 must be at least 0 and less than 1 (the fraction of values dropped in training)."),
            ("SN2003", "7",
                "conv1 (Conv2D 7x7, stride 1) on 5x5x1: the 7x7 kernel does not fit the 5x5 input padded by 0 (5 + 2*0 = 5 < 7). Use Kernel = 5, or Padding = 1."),
            ("SN1003", "Init = (Init)9",
                "dense1 (Dense): Init = 9 is not a value of the Init enum. Use one of Init.Auto, HeNormal, HeUniform, XavierNormal or XavierUniform."));
    }

    [Fact]
    public void A_class_that_is_not_partial_does_not_hide_a_shape_error()
    {
        AssertReports(Net("[Input(4, 4, 16)][Dense(120)]", "public class N { }"),
            ("SN2005", "Dense(120)",
                "dense1 (Dense 120) on 4x4x16: a dense layer needs a flat input. Insert [Flatten] before it, to feed it the 4*4*16 = 256 values."),
            ("SN1001", "N", "N is not partial, so the generator cannot add the network's members to it. Add 'partial' to its declaration."));
    }

    [Fact]
    public void A_repeated_input_is_read_as_removed_and_the_layers_are_still_checked()
    {
        AssertReports(Net("[Input(4, 4, 16)][Dense(3)][Input(9)]"),
            ("SN2005", "Dense(3)",
                "dense1 (Dense 3) on 4x4x16: a dense layer needs a flat input. Insert [Flatten] before it, to feed it the 4*4*16 = 256 values."),
            ("SN1002", "Input(9)", "input (2nd of 2 [Input] attributes on N): a network has exactly one input, declared first. Remove this one."));
    }

    [Fact]
    public void An_input_that_is_not_first_leaves_every_shape_unknown_but_argument_errors_are_reported()
    {
        AssertReports(Net("[Dense(3, L2 = -1)][Input(4, 4, 16)]"),
            ("SN1003", "L2 = -1", "dense1 (Dense): L2 = -1 must be finite and at least 0."),
            ("SN1002", "Input(4, 4, 16)", "input (attribute 2 of N): [Input] must come first, but dense1 comes before it. Move [Input] before dense1."));
    }

    [Fact]
    public void An_invalid_input_leaves_every_shape_unknown_but_the_other_argument_errors_are_reported()
    {
        AssertReports(Net("[Input(0, 28, 1)][Dropout(1.5)][Dense(3)]"),
            ("SN1003", "0", "input (Input): height = 0 must be at least 1."),
            ("SN1003", "1.5", "dropout1 (Dropout): rate = 1.5 must be at least 0 and less than 1 (the fraction of values dropped in training)."));
    }

    [Fact]
    public void The_memory_limit_is_reported_once_and_a_later_shape_error_still_is()
    {
        AssertReports(Net("[Input(20000, 20000, 1)][MaxPool(2)][Conv2D(4, 3, Padding = 1)][Dense(10)]"),
            ("SN2006", "MaxPool(2)",
                "pool1 (MaxPool 2x2, stride 2) on 20000x20000x1: with this layer an instance would need up to 2,400,000,000 bytes (parameters and gradients 0, activations up to 2,400,000,000), more than the limit of 1,073,741,824 bytes (1 GiB). Use a smaller input, fewer filters or units, or downsample earlier."),
            ("SN2005", "Dense(10)",
                "dense1 (Dense 10) on 10000x10000x4: a dense layer needs a flat input. Insert [Flatten] before it, to feed it the 10000*10000*4 = 400,000,000 values."));
    }

    [Fact]
    public void Advice_is_given_beside_an_argument_error_and_a_shape_error()
    {
        AssertReports(Net("[Input(28, 28, 1)][Conv2D(6, 5, Padding = 5, L1 = -1)][Dense(10, Activation = Activation.Softmax)][Dense(2)]"),
            ("SN3003", "Padding = 5",
                "conv1 (Conv2D 5x5, stride 1) on 28x28x1: Padding = 5 is not smaller than the kernel (5 >= 5), so the outermost outputs see only padding zeros. Use Padding = 2, for a 28x28 output."),
            ("SN1003", "L1 = -1", "conv1 (Conv2D): L1 = -1 must be finite and at least 0."),
            ("SN2005", "Dense(10, Activation = Activation.Softmax)",
                "dense1 (Dense 10) on 34x34x6: a dense layer needs a flat input. Insert [Flatten] before it, to feed it the 34*34*6 = 6,936 values."),
            ("SN3001", "Activation = Activation.Softmax",
                "dense1 (Dense 10) on 34x34x6: Softmax here is not at the output (dense2 is the last layer). Softmax belongs last, where training pairs it with cross-entropy; in the middle it squashes the signal and its gradient. Remove Activation = Softmax here, or make it the last layer."));
    }

    /// <summary>docs/diagnostics.md's example of independent mistakes reports what its comments say, and its variant what the text quotes.</summary>
    [Fact]
    public void The_docs_example_reports_what_its_comments_say()
    {
        string docs = File.ReadAllText(Path.Combine(CatalogueTests.Repository(), "docs", "diagnostics.md")).Replace("\r\n", "\n");
        int section = docs.IndexOf("<a id=\"every-independent-mistake-at-once\"></a>", StringComparison.Ordinal);
        Assert.True(section >= 0, "the section is gone from docs/diagnostics.md");
        int start = docs.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        string example = docs.Substring(start, docs.IndexOf("```", start, StringComparison.Ordinal) - start);
        var commented = example.Split('\n').Where(l => l.Contains("// SN", StringComparison.Ordinal))
            .Select(l => l.Substring(l.IndexOf("// ", StringComparison.Ordinal) + 3, 6)).ToList();
        Assert.Equal(["SN2001", "SN1003", "SN2005"], commented);

        var reported = AnalyzerHarness.Analyze("using StaticNets;\n" + example);
        Assert.Equal(commented, reported.Select(d => d.Id));

        string variant = example.Replace("[Conv2D(6, 5, Stride = 2)]", "[Conv2D(0, 5)]");
        var arguments = AnalyzerHarness.Analyze("using StaticNets;\n" + variant);
        Assert.Equal(["SN1003", "SN1003"], arguments.Select(d => d.Id));
        Assert.Contains($"`{arguments[0].GetMessage()}`", docs);
        Assert.StartsWith("leakyrelu1 (LeakyReLU): alpha", arguments[1].GetMessage());
    }
}
