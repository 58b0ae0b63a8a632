using Microsoft.CodeAnalysis.CodeFixes;
using StaticNets.Generator.CodeFixes;
using StaticNets.Generator.Tests.Support;
using Xunit;

namespace StaticNets.Generator.Tests.CodeFixes;

/// <summary>Each fix with the source before and after; fixes that would leave a new diagnostic are not offered.</summary>
public class CodeFixTests
{
    private static async Task<List<string>> TitlesAsync(CodeFixProvider provider, string source, string id)
    {
        var (_, actions) = await AnalyzerHarness.FixesAsync(provider, source, id);
        return actions.Select(a => a.Action.Title).ToList();
    }

    private static async Task<string> FixAsync(CodeFixProvider provider, string source, string id, string title)
    {
        var (document, actions) = await AnalyzerHarness.FixesAsync(provider, source, id);
        var action = actions.Where(a => a.Action.Title == title).Select(a => a.Action).FirstOrDefault();
        Assert.True(action is not null, $"no '{title}' among: {string.Join(", ", actions.Select(a => a.Action.Title))}");
        string fixedSource = await AnalyzerHarness.ApplyAsync(action!, document);
        // The fixed source has no diagnostic of that id, and no error at all.
        var after = AnalyzerHarness.Analyze(fixedSource);
        Assert.DoesNotContain(after, d => d.Id == id);
        Assert.DoesNotContain(after, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        return fixedSource;
    }

    // ---------------------------------------------------------------- SN2007

    private const string ProjectionTitle = "Set Projection = Projection.Conv (a learned 1x1 convolution)";

    [Theory]
    [InlineData("[Add(\"a1\")]", "[Add(\"a1\", Projection = Projection.Conv)]")]
    [InlineData("[Add(\"a1\", Projection = Projection.None)]", "[Add(\"a1\", Projection = Projection.Conv)]")]
    public async Task SN2007_sets_the_conv_projection_where_a_strided_1x1_convolution_maps_the_shapes(string add, string expected)
    {
        string before = $"using StaticNets;\n[Input(16, 16, 4)]\n[Conv2D(8, 3, Padding = 1, Name = \"a1\")]\n[Conv2D(16, 2, Stride = 2)]\n{add}\npublic partial class N {{ }}\n";
        Assert.Equal(before.Replace(add, expected), await FixAsync(new ProjectionCodeFixProvider(), before, "SN2007", ProjectionTitle));
    }

    [Fact]
    public async Task SN2007_without_a_using_writes_the_full_name()
    {
        string before = "[StaticNets.Input(8, 8, 2)]\n[StaticNets.Conv2D(4, 1)]\n[StaticNets.Add(\"input\")]\npublic partial class N { }\n";
        Assert.Equal(before.Replace("[StaticNets.Add(\"input\")]", "[StaticNets.Add(\"input\", Projection = global::StaticNets.Projection.Conv)]"),
            await FixAsync(new ProjectionCodeFixProvider(), before, "SN2007", ProjectionTitle));
    }

    [Theory]
    [InlineData("[Input(9, 9, 4)][Conv2D(8, 3, Stride = 2)][Add(\"input\")]")]
    [InlineData("[Input(6)][Dense(4)][Add(\"input\")]")]
    public async Task SN2007_offers_no_projection_where_none_maps_the_shapes(string layers)
    {
        Assert.Empty(await TitlesAsync(new ProjectionCodeFixProvider(), $"using StaticNets;\n{layers}\npublic partial class N {{ }}\n", "SN2007"));
    }

    // ---------------------------------------------------------------- SN2001, SN2002

    private const string Lecture = """
        using StaticNets;

        [Input(28, 28, 1)]
        [Conv2D(6, 5, Stride = 2)]
        [Flatten]
        [Dense(10)]
        public partial class N { }
        """;

    [Fact]
    public async Task SN2001_offers_the_stride_and_kernels_of_the_message()
    {
        Assert.Equal(["Set Stride = 1", "Set Kernel = 4", "Set Kernel = 6"], await TitlesAsync(new StrideCodeFixProvider(), Lecture, "SN2001"));
    }

    [Theory]
    [InlineData("Set Stride = 1", "[Conv2D(6, 5, Stride = 1)]")]
    [InlineData("Set Kernel = 4", "[Conv2D(6, 4, Stride = 2)]")]
    [InlineData("Set Kernel = 6", "[Conv2D(6, 6, Stride = 2)]")]
    public async Task SN2001_fix_rewrites_the_argument(string title, string conv)
    {
        Assert.Equal(Lecture.Replace("[Conv2D(6, 5, Stride = 2)]", conv), await FixAsync(new StrideCodeFixProvider(), Lecture, "SN2001", title));
    }

    [Theory]
    [InlineData("[Conv2D(16, 3, Stride = 2, Padding = 1)]", "[Conv2D(16, 3, Stride = 2, Pads = new[] { 1, 1, 0, 0 })]")]
    [InlineData("[Conv2D(16, 3, Padding = 1, Stride = 2)]", "[Conv2D(16, 3, Stride = 2, Pads = new[] { 1, 1, 0, 0 })]")]
    [InlineData("[Conv2D(16, 3, Stride = 2, Pads = new[] { 1, 1, 1, 1 })]", "[Conv2D(16, 3, Stride = 2, Pads = new[] { 1, 1, 0, 0 })]")]
    public async Task SN3004_fix_writes_the_exact_pads(string conv, string expected)
    {
        string before = $"using StaticNets;\n[Input(32, 32, 3)]\n{conv}\npublic partial class N {{ }}\n";
        Assert.Equal(["Set Pads = new[] { 1, 1, 0, 0 }"], await TitlesAsync(new StrideCodeFixProvider(), before, "SN3004"));
        Assert.Equal(before.Replace(conv, expected), await FixAsync(new StrideCodeFixProvider(), before, "SN3004", "Set Pads = new[] { 1, 1, 0, 0 }"));
    }

    [Theory]
    [InlineData("[MaxPool(3, Stride = 2, Padding = 1)]", "[MaxPool(3, Stride = 2, Pads = new[] { 1, 1, 0, 0 })]")]
    [InlineData("[AvgPool(3, Stride = 2, Padding = 1)]", "[AvgPool(3, Stride = 2, Pads = new[] { 1, 1, 0, 0 })]")]
    public async Task SN3004_fix_writes_the_exact_pads_of_a_pool(string pool, string expected)
    {
        string before = $"using StaticNets;\n[Input(32, 32, 3)]\n{pool}\npublic partial class N {{ }}\n";
        Assert.Equal(["Set Pads = new[] { 1, 1, 0, 0 }"], await TitlesAsync(new StrideCodeFixProvider(), before, "SN3004"));
        Assert.Equal(before.Replace(pool, expected), await FixAsync(new StrideCodeFixProvider(), before, "SN3004", "Set Pads = new[] { 1, 1, 0, 0 }"));
    }

    [Theory]
    [InlineData("[Conv2D(16, 3, Padding = 1)]", "[Conv2D(16, 3, Padding = 1, Bias = false)]")]
    [InlineData("[Conv2D(16, 3, Bias = true, Padding = 1)]", "[Conv2D(16, 3, Bias = false, Padding = 1)]")]
    [InlineData("[DepthwiseConv2D(3, Padding = 1)]", "[DepthwiseConv2D(3, Padding = 1, Bias = false)]")]
    public async Task SN3005_fix_writes_Bias_false(string conv, string expected)
    {
        string before = $"using StaticNets;\n[Input(8, 8, 16)]\n{conv}\n[BatchNorm] [ReLU]\npublic partial class N {{ }}\n";
        Assert.Equal(["Set Bias = false"], await TitlesAsync(new BiasCodeFixProvider(), before, "SN3005"));
        Assert.Equal(before.Replace(conv, expected), await FixAsync(new BiasCodeFixProvider(), before, "SN3005", "Set Bias = false"));
    }

    [Fact]
    public async Task SN3005_fix_of_a_dense_layer()
    {
        string before = "using StaticNets;\n[Input(10)]\n[Dense(8)][BatchNorm]\n[Dense(2)]\npublic partial class N { }\n";
        Assert.Equal(before.Replace("[Dense(8)]", "[Dense(8, Bias = false)]"), await FixAsync(new BiasCodeFixProvider(), before, "SN3005", "Set Bias = false"));
    }

    [Fact]
    public async Task SN2002_fix_of_a_rectangular_pool_adds_the_trailing_pads()
    {
        string before = "using StaticNets;\n[Input(49, 10, 1)]\n[AvgPool(2, 3)]\npublic partial class N { }\n";
        Assert.Equal(["Set Pads = new[] { 0, 0, 1, 2 }"], await TitlesAsync(new StrideCodeFixProvider(), before, "SN2002"));
        Assert.Equal(before.Replace("[AvgPool(2, 3)]", "[AvgPool(2, 3, Pads = new[] { 0, 0, 1, 2 })]"),
            await FixAsync(new StrideCodeFixProvider(), before, "SN2002", "Set Pads = new[] { 0, 0, 1, 2 }"));
    }

    [Fact]
    public async Task SN2001_fix_of_a_rectangular_kernel_adds_the_trailing_pads()
    {
        string before = "using StaticNets;\n[Input(49, 10, 1)]\n[Conv2D(6, 10, 4, Stride = 2)]\npublic partial class N { }\n";
        Assert.Equal(["Set Pads = new[] { 0, 0, 1, 0 }"], await TitlesAsync(new StrideCodeFixProvider(), before, "SN2001"));
        Assert.Equal(before.Replace("Stride = 2)", "Stride = 2, Pads = new[] { 0, 0, 1, 0 })"),
            await FixAsync(new StrideCodeFixProvider(), before, "SN2001", "Set Pads = new[] { 0, 0, 1, 0 }"));
    }

    [Fact]
    public async Task SN2001_fix_adds_the_padding_when_it_is_not_written()
    {
        string before = "using StaticNets;\n[Input(28, 28, 1)]\n[Conv2D(6, 5, Stride = 3)]\npublic partial class N { }\n";
        Assert.Equal(["Set Padding = 2"], await TitlesAsync(new StrideCodeFixProvider(), before, "SN2001"));
        Assert.Equal(before.Replace("Stride = 3)", "Stride = 3, Padding = 2)"), await FixAsync(new StrideCodeFixProvider(), before, "SN2001", "Set Padding = 2"));
    }

    [Fact]
    public async Task SN2001_fix_replaces_a_written_padding()
    {
        string before = "using StaticNets;\n[Input(28, 28, 1)]\n[Conv2D(6, 4, Padding = 1, Stride = 3)]\npublic partial class N { }\n";
        Assert.Equal(["Set Padding = 0", "Set Padding = 3"], await TitlesAsync(new StrideCodeFixProvider(), before, "SN2001"));
        Assert.Equal(before.Replace("Padding = 1", "Padding = 3"), await FixAsync(new StrideCodeFixProvider(), before, "SN2001", "Set Padding = 3"));
    }

    [Fact]
    public async Task SN2001_fix_that_breaks_a_later_layer_is_not_offered()
    {
        // Kernel = 4 gives 13x13, which [MaxPool(2)] does not tile (a new SN2002): only Stride = 1 and Kernel = 6 remain.
        string before = "using StaticNets;\n[Input(28, 28, 1)]\n[Conv2D(6, 5, Stride = 2)]\n[MaxPool(2)]\npublic partial class N { }\n";
        Assert.Equal(["Set Stride = 1", "Set Kernel = 6"], await TitlesAsync(new StrideCodeFixProvider(), before, "SN2001"));
    }

    [Fact]
    public async Task SN2001_fixes_are_offered_beside_an_unrelated_error()
    {
        string before = "using StaticNets;\n[Input(28, 28, 1)]\n[Conv2D(6, 5, Stride = 2)]\n[Dense(10)]\npublic partial class N { }\n";
        Assert.Equal(["Set Stride = 1", "Set Kernel = 4", "Set Kernel = 6"], await TitlesAsync(new StrideCodeFixProvider(), before, "SN2001"));
    }

    [Theory]
    [InlineData("Set Size = 2", "[MaxPool(2)]")]
    [InlineData("Set Size = 4", "[MaxPool(4)]")]
    [InlineData("Set Stride = 1", "[MaxPool(3, Stride = 1)]")]
    public async Task SN2002_fix_sets_the_size_or_the_stride(string title, string pool)
    {
        string before = "using StaticNets;\n[Input(28, 28, 1)]\n[MaxPool(3)]\npublic partial class N { }\n";
        Assert.Equal(["Set Size = 2", "Set Size = 4", "Set Stride = 1"], await TitlesAsync(new StrideCodeFixProvider(), before, "SN2002"));
        Assert.Equal(before.Replace("[MaxPool(3)]", pool), await FixAsync(new StrideCodeFixProvider(), before, "SN2002", title));
    }

    [Fact]
    public async Task SN2002_fix_replaces_a_written_stride()
    {
        string before = "using StaticNets;\n[Input(28, 28, 1)]\n[AvgPool(size: 3, Stride = 2)]\npublic partial class N { }\n";
        Assert.Equal(before.Replace("size: 3", "size: 4"), await FixAsync(new StrideCodeFixProvider(), before, "SN2002", "Set Size = 4"));
        Assert.Equal(before.Replace("Stride = 2", "Stride = 1"), await FixAsync(new StrideCodeFixProvider(), before, "SN2002", "Set Stride = 1"));
    }

    [Fact]
    public void Stride_fixes_have_no_fix_all()
    {
        Assert.Null(new StrideCodeFixProvider().GetFixAllProvider());
    }

    // ---------------------------------------------------------------- SN2005

    [Fact]
    public async Task SN2005_inserts_Flatten_on_its_own_line_with_the_same_indentation()
    {
        string before = """
            using StaticNets;

            namespace Nets
            {
                [Input(4, 4, 16)]
                [Dense(120, Activation = Activation.ReLU)]
                [Dense(10)]
                public partial class N { }
            }
            """;
        string after = """
            using StaticNets;

            namespace Nets
            {
                [Input(4, 4, 16)]
                [Flatten]
                [Dense(120, Activation = Activation.ReLU)]
                [Dense(10)]
                public partial class N { }
            }
            """;
        Assert.Equal(after, await FixAsync(new FlattenCodeFixProvider(), before, "SN2005", "Insert [Flatten] before [Dense]"));
    }

    [Theory]
    [InlineData("[Input(4, 4, 16)][Dense(10)]", "[Input(4, 4, 16)][Flatten][Dense(10)]")]
    [InlineData("[Input(4, 4, 16)] [Dense(10)]", "[Input(4, 4, 16)] [Flatten] [Dense(10)]")]
    [InlineData("[Input(4, 4, 16), Dense(10)]", "[Input(4, 4, 16), Flatten, Dense(10)]")]
    [InlineData("[Input(4, 4, 16)][StaticNets.Dense(10)]", "[Input(4, 4, 16)][StaticNets.Flatten][StaticNets.Dense(10)]")]
    [InlineData("[Input(4, 4, 16)][global::StaticNets.DenseAttribute(10)]", "[Input(4, 4, 16)][global::StaticNets.FlattenAttribute][global::StaticNets.DenseAttribute(10)]")]
    public async Task SN2005_inserts_Flatten_where_the_Dense_is_and_as_it_is_written(string attributes, string expected)
    {
        string before = $"using StaticNets;\n{attributes}\npublic partial class N {{ }}\n";
        Assert.Equal($"using StaticNets;\n{expected}\npublic partial class N {{ }}\n", await FixAsync(new FlattenCodeFixProvider(), before, "SN2005", "Insert [Flatten] before [Dense]"));
    }

    [Fact]
    public async Task SN2005_with_an_alias_writes_the_full_name()
    {
        string before = "using StaticNets;\nusing D = StaticNets.DenseAttribute;\n[Input(4, 4, 16)][D(10)]\npublic partial class N { }\n";
        Assert.Equal(before.Replace("[D(10)]", "[global::StaticNets.Flatten][D(10)]"),
            await FixAsync(new FlattenCodeFixProvider(), before, "SN2005", "Insert [Flatten] before [Dense]"));
    }

    [Fact]
    public async Task SN2005_fix_that_leads_to_a_new_error_is_not_offered()
    {
        // With [Flatten] before the dense layer, the convolution after it would be SN2004.
        string before = "using StaticNets;\n[Input(4, 4, 16)]\n[Dense(10)]\n[Conv2D(2, 3)]\npublic partial class N { }\n";
        Assert.Empty(await TitlesAsync(new FlattenCodeFixProvider(), before, "SN2005"));
    }

    [Fact]
    public async Task SN2005_fix_all_inserts_Flatten_in_every_network()
    {
        string before = "using StaticNets;\n[Input(4, 4, 16)]\n[Dense(10)]\npublic partial class A { }\n[Input(2, 2, 3)]\n[Dense(5)]\npublic partial class B { }\n";
        string after = await AnalyzerHarness.FixAllAsync(new FlattenCodeFixProvider(), before, "SN2005", nameof(FlattenCodeFixProvider));
        Assert.Equal(before.Replace("[Dense(", "[Flatten]\n[Dense("), after);
    }

    // ---------------------------------------------------------------- SN1001

    [Theory]
    [InlineData("public class N { }", "public partial class N { }")]
    [InlineData("public sealed class N { }", "public sealed partial class N { }")]
    [InlineData("class N { }", "partial class N { }")]
    public async Task SN1001_adds_partial(string declaration, string expected)
    {
        string before = $"using StaticNets;\n[Input(4)][Dense(2)]\n{declaration}\n";
        Assert.Equal($"using StaticNets;\n[Input(4)][Dense(2)]\n{expected}\n", await FixAsync(new PartialCodeFixProvider(), before, "SN1001", "Make the network class partial"));
    }

    [Fact]
    public async Task SN1001_adds_partial_to_the_containing_types_too()
    {
        string before = "using StaticNets;\npublic class O\n{\n    internal class P\n    {\n        [Input(4)][Dense(2)]\n        public partial class N { }\n    }\n}\n";
        string after = "using StaticNets;\npublic partial class O\n{\n    internal partial class P\n    {\n        [Input(4)][Dense(2)]\n        public partial class N { }\n    }\n}\n";
        Assert.Equal(after, await FixAsync(new PartialCodeFixProvider(), before, "SN1001", "Make the network class partial"));
    }

    [Theory]
    [InlineData("public partial class N<T> { }")]
    [InlineData("public static class N { }")]
    public async Task SN1001_is_not_fixed_where_partial_does_not_repair_it(string declaration)
    {
        Assert.Empty(await TitlesAsync(new PartialCodeFixProvider(), $"using StaticNets;\n[Input(4)][Dense(2)]\n{declaration}\n", "SN1001"));
    }

    [Fact]
    public async Task SN1001_fix_all_makes_every_network_partial()
    {
        string before = "using StaticNets;\n[Input(4)][Dense(2)]\npublic class A { }\n[Input(3)][Dense(1)]\ninternal sealed class B { }\n";
        string after = await AnalyzerHarness.FixAllAsync(new PartialCodeFixProvider(), before, "SN1001", nameof(PartialCodeFixProvider));
        Assert.Equal(before.Replace("public class A", "public partial class A").Replace("sealed class B", "sealed partial class B"), after);
    }

    [Fact]
    public void Each_provider_fixes_the_ids_it_names()
    {
        Assert.Equal(["SN2001", "SN2002", "SN3004"], new StrideCodeFixProvider().FixableDiagnosticIds.ToArray());
        Assert.Equal(["SN2005"], new FlattenCodeFixProvider().FixableDiagnosticIds.ToArray());
        Assert.Equal(["SN1001"], new PartialCodeFixProvider().FixableDiagnosticIds.ToArray());
        Assert.Equal(["SN3005"], new BiasCodeFixProvider().FixableDiagnosticIds.ToArray());
        Assert.Equal(["SN1005"], new NameCodeFixProvider().FixableDiagnosticIds.ToArray());
    }

    // ---------------------------------------------------------------- SN1005

    [Fact]
    public async Task SN1005_offers_the_earlier_names_whose_shape_fits_closest_first()
    {
        // h and dense2 are 4 features, as the Add; the input is 3, so from = "input" would be SN2007 and is not offered.
        string before = "using StaticNets;\n[Input(3)]\n[Dense(4, Name = \"h\")]\n[Dense(4)]\n[Add(\"dense3\")]\npublic partial class N { }\n";
        Assert.Equal(["Set from = \"dense2\"", "Set from = \"h\""], await TitlesAsync(new NameCodeFixProvider(), before, "SN1005"));
        Assert.Equal(before.Replace("[Add(\"dense3\")]", "[Add(\"h\")]"), await FixAsync(new NameCodeFixProvider(), before, "SN1005", "Set from = \"h\""));
    }

    [Fact]
    public async Task SN1005_from_by_parameter_name_and_a_later_layer()
    {
        string before = "using StaticNets;\n[Input(4)]\n[Dense(4, Name = \"block\")]\n[Add(from: \"later\")]\n[Dense(4, Name = \"later\")]\npublic partial class N { }\n";
        Assert.Equal(["Set from = \"block\"", "Set from = \"input\""], await TitlesAsync(new NameCodeFixProvider(), before, "SN1005"));
        Assert.Equal(before.Replace("from: \"later\"", "from: \"input\""), await FixAsync(new NameCodeFixProvider(), before, "SN1005", "Set from = \"input\""));
    }

    [Fact]
    public async Task SN1005_offers_at_most_five_names()
    {
        string dense = string.Concat(Enumerable.Repeat("[Dense(4)]\n", 8));
        string before = $"using StaticNets;\n[Input(4)]\n{dense}[Add(\"dense\")]\npublic partial class N {{ }}\n";
        var titles = await TitlesAsync(new NameCodeFixProvider(), before, "SN1005");
        Assert.Equal(NameCodeFixProvider.MostChoices, titles.Count);
        // dense1 to dense8 are all one edit from "dense": the nearest layers first.
        Assert.Equal("Set from = \"dense8\"", titles[0]);
    }

    [Theory]
    [InlineData("[Dense(3, Name = \"a\")]\n[Dense(2, Name = \"a\")]", "Set Name = \"a_2\"", "[Dense(3, Name = \"a\")]\n[Dense(2, Name = \"a_2\")]")]
    [InlineData("[Dense(3, Name = \"1st layer\")]\n[Dense(2)]", "Set Name = \"_1st_layer\"", "[Dense(3, Name = \"_1st_layer\")]\n[Dense(2)]")]
    [InlineData("[Dense(3, Name = \"input\")]\n[Dense(2)]", "Set Name = \"input_2\"", "[Dense(3, Name = \"input_2\")]\n[Dense(2)]")]
    [InlineData("[Dense(3, Name = \"\")]\n[Dense(2)]", "Set Name = \"dense1\"", "[Dense(3, Name = \"dense1\")]\n[Dense(2)]")]
    [InlineData("[Dense(3, Name = \"dense2\")]\n[Dense(2)]", "Remove Name (the layer is called dense1)", "[Dense(3)]\n[Dense(2)]")]
    [InlineData("[Dense(3)]\n[ReLU(Name = \"dense1\")]", "Remove Name (the layer is called relu1)", "[Dense(3)]\n[ReLU]")]
    public async Task SN1005_name_fixes(string layers, string title, string expected)
    {
        string before = $"using StaticNets;\n[Input(4)]\n{layers}\npublic partial class N {{ }}\n";
        Assert.Equal(before.Replace(layers, expected), await FixAsync(new NameCodeFixProvider(), before, "SN1005", title));
    }

    [Fact]
    public async Task SN1005_each_rejected_name_and_from_gets_its_own_fixes()
    {
        // The repeated name (at dense2) and the Add's unknown from; "a" (3 features) would make the Add SN2007 and is not offered.
        string before = "using StaticNets;\n[Input(4)]\n[Dense(3, Name = \"a\")]\n[Dense(4, Name = \"a\")]\n[Dense(4)]\n[Add(\"a_2\")]\npublic partial class N { }\n";
        Assert.Equal(
            ["Set Name = \"a_2\"", "Remove Name (the layer is called dense2)", "Set from = \"dense2\"", "Set from = \"input\"", "Set from = \"dense3\""],
            await TitlesAsync(new NameCodeFixProvider(), before, "SN1005"));
    }

    [Fact]
    public void Name_fixes_have_no_fix_all()
    {
        Assert.Null(new NameCodeFixProvider().GetFixAllProvider());
    }
}
