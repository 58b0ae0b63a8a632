using Microsoft.CodeAnalysis;
using StaticNets.Generator.Diagnostics;
using StaticNets.Generator.Tests.Support;
using Xunit;

namespace StaticNets.Generator.Tests.Diagnostics;

/// <summary>
/// One or more positive cases per id (the id, its severity, the exact text under its location and the exact
/// message) and negative cases: networks at the edge of each rule that must get no diagnostic at all.
/// </summary>
public class DiagnosticTests
{
    private const DiagnosticSeverity Error = DiagnosticSeverity.Error;
    private const DiagnosticSeverity Warning = DiagnosticSeverity.Warning;

    /// <summary>A network <c>N</c> with <paramref name="attributes"/>.</summary>
    private static string Net(string attributes) => $"using StaticNets;\n\n{attributes}\npublic partial class N {{ }}\n";

    public static TheoryData<string, string, DiagnosticSeverity, string, string> Positive => new()
    {
        // SN1001: the class itself; the location is its name.
        { "SN1001", "using StaticNets;\n[Input(4)][Dense(2)]\npublic class N { }", Error, "N",
            "N is not partial, so the generator cannot add the network's members to it. Add 'partial' to its declaration." },
        { "SN1001", "using StaticNets;\n[Input(4)][Dense(2)]\npublic partial class N<T> { }", Error, "N",
            "N is generic, but a network's shapes and buffers are fixed at build time. Remove its type parameters." },
        { "SN1001", "using StaticNets;\npublic class O { public partial class P { [Input(4)][Dense(2)] public partial class N { } } }", Error, "N",
            "N is nested in P in O, and the generator can add its members only if every containing type is partial and not generic. Add 'partial' to each of them." },
        { "SN1001", "using StaticNets;\n[Input(4)][Dense(2)]\npublic static partial class N { }", Error, "N",
            "N is static, but a network has instances that hold its weights. Remove 'static'." },

        // SN1002: [Input] missing, repeated, not first.
        { "SN1002", Net("[Dense(3)]"), Error, "Dense(3)",
            "N has layer attributes but no [Input]: declare the input shape first, e.g. [Input(28, 28, 1)] for 28x28 images with 1 channel, or [Input(784)] for 784 features." },
        { "SN1002", Net("[Input(8)][Dense(3)][Input(9)]"), Error, "Input(9)",
            "input (2nd of 2 [Input] attributes on N): a network has exactly one input, declared first. Remove this one." },
        { "SN1002", Net("[Conv2D(6, 5)][MaxPool(2)][Input(28, 28, 1)]"), Error, "Input(28, 28, 1)",
            "input (attribute 3 of N): [Input] must come first, but conv1 and pool1 come before it. Move [Input] before conv1." },

        // SN1003: the argument that is wrong.
        { "SN1003", Net("[Input(28, 28, 1)][Conv2D(0, 5)]"), Error, "0", "conv1 (Conv2D): filters = 0 must be at least 1." },
        { "SN1003", Net("[Input(28, 28, 1)][Conv2D(6, -5)]"), Error, "-5", "conv1 (Conv2D): kernel = -5 must be at least 1." },
        { "SN1003", Net("[Input(28, 28, 1)][Conv2D(6, 5, Stride = 0)]"), Error, "Stride = 0", "conv1 (Conv2D): Stride = 0 must be at least 1." },
        { "SN1003", Net("[Input(28, 28, 1)][Conv2D(6, 5, Padding = -1)]"), Error, "Padding = -1", "conv1 (Conv2D): Padding = -1 must be at least 0." },
        { "SN1003", Net("[Input(28, 28, 1)][MaxPool(2, Stride = -2)]"), Error, "Stride = -2", "pool1 (MaxPool): Stride = -2 must be at least 1." },
        { "SN1003", Net("[Input(0, 28, 1)][Flatten]"), Error, "0", "input (Input): height = 0 must be at least 1." },
        { "SN1003", Net("[Input(10)][Dense(units: 0)]"), Error, "units: 0", "dense1 (Dense): units = 0 must be at least 1." },
        { "SN1003", Net("[Input(10)][Dropout(1.5)]"), Error, "1.5",
            "dropout1 (Dropout): rate = 1.5 must be at least 0 and less than 1 (the fraction of values dropped in training)." },
        { "SN1003", Net("[Input(10)][LeakyReLU(-0.1)]"), Error, "-0.1", "leakyrelu1 (LeakyReLU): alpha = -0.1 must be finite and at least 0." },
        { "SN1003", Net("[Input(10)][BatchNorm(Momentum = 1.5)]"), Error, "Momentum = 1.5",
            "bn1 (BatchNorm): Momentum = 1.5 must be between 0 and 1 (the weight of a batch's statistics in the running ones)." },
        { "SN1003", Net("[Input(10)][Dense(4)][BatchNorm(Epsilon = 0)]"), Error, "Epsilon = 0",
            "bn1 (BatchNorm): Epsilon = 0 must be positive and finite as a float (it is added to the variance before its square root)." },
        { "SN1003", Net("[Input(10)][BatchNorm(Epsilon = 1e-50)]"), Error, "Epsilon = 1e-50",
            "bn1 (BatchNorm): Epsilon = 1E-50 must be positive and finite as a float (it is added to the variance before its square root)." },
        { "SN1003", Net("[Input(10)][Dense(3, L2 = double.PositiveInfinity)]"), Error, "L2 = double.PositiveInfinity",
            "dense1 (Dense): L2 = Infinity must be finite and at least 0." },
        { "SN1003", Net("[Input(10)][Dense(3, Activation = (Activation)42)]"), Error, "Activation = (Activation)42",
            "dense1 (Dense): Activation = 42 is not a value of the Activation enum. Use one of Activation.None, ReLU, LeakyReLU, GELU, Sigmoid, Tanh, Softmax or ReLU6." },
        { "SN1003", Net("[Input(28, 28)][Flatten]"), Error, "Input(28, 28)",
            "input (Input): the attribute's arguments could not be read. Fix the compiler errors on it." },

        // SN1004: the first layer attribute on a second declaration.
        { "SN1004", "using StaticNets;\n[Input(4)] public partial class N { }\n[Dense(2)] public partial class N { }\n", Error, "Dense(2)",
            "N declares layer attributes on 2 partial declarations, so the layer order would depend on the order of the files. Move every layer attribute to one declaration." },

        // SN1003: the padding options, at the second one given; Pads of the wrong length or negative.
        { "SN1003", Net("[Input(28, 28, 1)][Conv2D(6, 3, Padding = 1, PaddingMode = PaddingMode.Same)]"), Error, "PaddingMode = PaddingMode.Same",
            "conv1 (Conv2D): Padding and PaddingMode are both given, and each sets the padding. Give one of them: Padding (all four sides), Pads (per side) or PaddingMode = PaddingMode.Same." },
        { "SN1003", Net("[Input(28, 28, 1)][Conv2D(6, 3, Pads = new[] { 1, 1 })]"), Error, "Pads = new[] { 1, 1 }",
            "conv1 (Conv2D): Pads has 2 values; it takes four, in ONNX order: new[] { top, left, bottom, right }." },
        { "SN1003", Net("[Input(28, 28, 1)][Conv2D(6, 3, Pads = new[] { 1, -1, 1, 1 })]"), Error, "Pads = new[] { 1, -1, 1, 1 }",
            "conv1 (Conv2D): Pads = new[] { 1, -1, 1, 1 } has a negative value; each side's padding must be at least 0." },
        { "SN1003", Net("[Input(28, 28, 4)][Conv2D(6, 3, Groups = 4)]"), Error, "Groups = 4",
            "conv1 (Conv2D): Groups = 4 does not divide the 6 filters; each group needs the same number of filters. Use a divisor of 6." },
        { "SN1003", Net("[Input(28, 28, 3)][Conv2D(6, 3, Groups = 2)]"), Error, "Groups = 2",
            "conv1 (Conv2D 3x3, stride 1) on 28x28x3: Groups = 2 does not divide the 3 input channels; each group needs the same number of channels. Use a divisor of 3." },
        { "SN1003", Net("[Input(28, 28, 4)][DepthwiseConv2D(3, Multiplier = 0)]"), Error, "Multiplier = 0",
            "dwconv1 (DepthwiseConv2D): Multiplier = 0 must be at least 1." },
        { "SN1003", Net("[Input(8, 8, 1)][MaxPool(3, Padding = 1, PaddingMode = PaddingMode.Same)]"), Error, "PaddingMode = PaddingMode.Same",
            "pool1 (MaxPool): Padding and PaddingMode are both given, and each sets the padding. Give one of them: Padding (all four sides), Pads (per side) or PaddingMode = PaddingMode.Same." },
        { "SN1003", Net("[Input(8, 8, 1)][AvgPool(2, Padding = 2)]"), Error, "Padding = 2",
            "pool1 (AvgPool): Padding = 2 is not smaller than the 2x2 window, so a window could hold only padding. Use a padding below 2." },
        { "SN1003", Net("[Input(8, 8, 1)][MaxPool(3, 2, Pads = new[] { 0, 2, 0, 0 })]"), Error, "Pads = new[] { 0, 2, 0, 0 }",
            "pool1 (MaxPool): Pads = new[] { 0, 2, 0, 0 } is not smaller than the 3x2 window on every side, so a window could hold only padding. Use pads below 3 at the top and bottom and below 2 on the left and right." },
        { "SN1003", Net("[Input(8, 8, 1)][AvgPool(2, Pads = new[] { 1, 1 })]"), Error, "Pads = new[] { 1, 1 }",
            "pool1 (AvgPool): Pads has 2 values; it takes four, in ONNX order: new[] { top, left, bottom, right }." },
        { "SN1003", Net("[Input(8, 8, 1)][MaxPool(0, 2)]"), Error, "0",
            "pool1 (MaxPool): windowHeight = 0 must be at least 1." },
        { "SN1003", Net("[Input(28, 28, 1)][Conv2D(6, 3, 0)]"), Error, "0",
            "conv1 (Conv2D): kernelWidth = 0 must be at least 1." },

        // SN2001: Stride when written.
        { "SN2001", Net("[Input(28, 28, 1)][Conv2D(6, 5, Stride = 2)]"), Error, "Stride = 2",
            "conv1 (Conv2D 5x5, stride 2) on 28x28x1: (28 - 5 + 2*0) = 23 is not a multiple of 2; the last input column would be dropped. Use Stride = 1, or Kernel = 4 or 6." },
        { "SN2001", Net("[Input(28, 28, 1)][Conv2D(6, 5, Stride = 3)]"), Error, "Stride = 3",
            "conv1 (Conv2D 5x5, stride 3) on 28x28x1: (28 - 5 + 2*0) = 23 is not a multiple of 3; the last 2 input columns would be dropped. Use Padding = 2." },
        { "SN2001", Net("[Input(49, 10, 1)][Conv2D(6, 10, 4, Stride = 2)]"), Error, "Stride = 2",
            "conv1 (Conv2D 10x4, stride 2) on 49x10x1: (49 - 10 + 2*0) = 39 (rows) is not a multiple of 2; the last input row would be dropped. Use Pads = new[] { 0, 0, 1, 0 }." },
        { "SN2001", Net("[Input(28, 28, 1)][Conv2D(6, 3, StrideHeight = 2, StrideWidth = 3, Pads = new[] { 1, 0, 0, 0 })]"), Error, "StrideHeight = 2",
            "conv1 (Conv2D 3x3, stride 2x3) on 28x28x1: (28 - 3 + 2*0) = 25 (columns) is not a multiple of 3; the last input column would be dropped. Use Pads = new[] { 1, 0, 0, 2 }." },
        { "SN2001", Net("[Input(28, 32, 1)][Conv2D(6, 4, Stride = 3)]"), Error, "Stride = 3",
            "conv1 (Conv2D 4x4, stride 3) on 28x32x1: (32 - 4 + 2*0) = 28 (columns) is not a multiple of 3; the last input column would be dropped. Use Stride = 2." },
        { "SN2001", Net("[Input(29, 32, 1)][Conv2D(6, 4, Stride = 2)]"), Error, "Stride = 2",
            "conv1 (Conv2D 4x4, stride 2) on 29x32x1: (29 - 4 + 2*0) = 25 (rows) is not a multiple of 2; the last input row would be dropped. Use Stride = 1." },

        // SN2002: Stride when written, else the size.
        { "SN2002", Net("[Input(28, 28, 1)][MaxPool(3)]"), Error, "3",
            "pool1 (MaxPool 3x3, stride 3) on 28x28x1: (28 - 3) = 25 is not a multiple of 3; the last input column would be dropped. Use Size = 2 or 4, or Stride = 1." },
        { "SN2002", Net("[Input(28, 28, 1)][AvgPool(3, Stride = 2)]"), Error, "Stride = 2",
            "pool1 (AvgPool 3x3, stride 2) on 28x28x1: (28 - 3) = 25 is not a multiple of 2; the last input column would be dropped. Use Size = 2 or 4, or Stride = 1." },
        { "SN2002", Net("[Input(49, 10, 1)][AvgPool(2, 3)]"), Error, "2",
            "pool1 (AvgPool 2x3, stride 2x3) on 49x10x1: (49 - 2) = 47 (rows) is not a multiple of 2, and (10 - 3) = 7 (columns) is not a multiple of 3; the last input row would be dropped, and the last input column would be dropped. Use Pads = new[] { 0, 0, 1, 2 }." },
        { "SN2002", Net("[Input(9, 9, 1)][MaxPool(3, Stride = 2, Pads = new[] { 1, 1, 0, 0 })]"), Error, "Stride = 2",
            "pool1 (MaxPool 3x3, stride 2) on 9x9x1: (9 - 3 + 1 + 0) = 7 (rows) is not a multiple of 2, and (9 - 3 + 1 + 0) = 7 (columns) is not a multiple of 2; the last input row would be dropped, and the last input column would be dropped. Use Pads = new[] { 1, 1, 1, 1 }." },

        // SN2003: the kernel, or the pooling size.
        { "SN2003", Net("[Input(4, 4, 1)][Conv2D(6, 7, Pads = new[] { 1, 1, 1, 1 })]"), Error, "7",
            "conv1 (Conv2D 7x7, stride 1) on 4x4x1: the 7x7 kernel does not fit the 4x4 input padded by 1 (6x6). Use a kernel of at most 6x6, or more padding." },
        { "SN2003", Net("[Input(5, 5, 1)][Conv2D(6, 7)]"), Error, "7",
            "conv1 (Conv2D 7x7, stride 1) on 5x5x1: the 7x7 kernel does not fit the 5x5 input padded by 0 (5 + 2*0 = 5 < 7). Use Kernel = 5, or Padding = 1." },
        { "SN2003", Net("[Input(4, 4, 16)][MaxPool(2)][MaxPool(2)][MaxPool(2)]"), Error, "2",
            "pool3 (MaxPool 2x2, stride 2) on 1x1x16: the 2x2 window does not fit the 1x1 input (1 < 2). Use Size = 1, or remove the layer." },

        // SN2004: the attribute.
        { "SN2004", Net("[Input(784)][Conv2D(6, 5)]"), Error, "Conv2D(6, 5)",
            "conv1 (Conv2D 5x5, stride 1) on 784: the input is flat ([Input(features)]), and a convolution needs an image. Declare the input as [Input(height, width, channels)], or remove this layer." },
        { "SN2004", Net("[Input(784)][GlobalAvgPool]"), Error, "GlobalAvgPool",
            "pool1 (GlobalAvgPool) on 784: the input is flat ([Input(features)]), and global pooling needs an image. Declare the input as [Input(height, width, channels)], or remove this layer." },
        { "SN2004", Net("[Input(8, 8, 2)][GlobalMaxPool][MaxPool(2)]"), Error, "MaxPool(2)",
            "pool2 (MaxPool 2x2, stride 2) on 2: the shape is already flat after pool1, and pooling needs an image. Move this layer before pool1." },
        { "SN2004", Net("[Input(28, 28, 1)][Flatten][MaxPool(2)]"), Error, "MaxPool(2)",
            "pool1 (MaxPool 2x2, stride 2) on 784: the shape is already flat after flatten1, and pooling needs an image. Move this layer before flatten1." },

        // SN2005: the [Dense] attribute.
        { "SN2005", Net("[Input(4, 4, 16)][Dense(120)]"), Error, "Dense(120)",
            "dense1 (Dense 120) on 4x4x16: a dense layer needs a flat input. Insert [Flatten] before it, to feed it the 4*4*16 = 256 values." },

        // SN2006: sizes beyond int, buffers beyond 1 GiB.
        { "SN2006", Net("[Input(int.MaxValue, int.MaxValue, int.MaxValue)][Flatten]"), Error, "Input(int.MaxValue, int.MaxValue, int.MaxValue)",
            "input (Input 2147483647x2147483647x2147483647): 2147483647*2147483647*2147483647 = 9,903,520,300,447,984,150,353,281,023 values overflows a 32-bit size (at most 2,147,483,647). Use a smaller input." },
        { "SN2006", Net("[Input(28, 28, 1)][Conv2D(int.MaxValue, 1)]"), Error, "Conv2D(int.MaxValue, 1)",
            "conv1 (Conv2D 1x1, stride 1) on 28x28x1: the output 28x28x2147483647 = 1,683,627,179,248 values overflows a 32-bit size (at most 2,147,483,647). Use fewer filters, a larger stride, or less padding." },
        { "SN2006", Net("[Input(100000)][Dense(100000)]"), Error, "Dense(100000)",
            "dense1 (Dense 100000) on 100000: 100000*100000 weights + 100000 biases = 10,000,100,000 parameters, more than a 32-bit size (2,147,483,647). Use fewer units, or a smaller input to it." },
        { "SN2006", Net("[Input(20000, 20000, 1)][MaxPool(2)]"), Error, "MaxPool(2)",
            "pool1 (MaxPool 2x2, stride 2) on 20000x20000x1: with this layer an instance would need up to 2,400,000,000 bytes (parameters and gradients 0, activations up to 2,400,000,000), more than the limit of 1,073,741,824 bytes (1 GiB). Use a smaller input, fewer filters or units, or downsample earlier." },
        { "SN2006", Net("[Input(1000)][Dense(1000000)]"), Error, "Dense(1000000)",
            "dense1 (Dense 1000000) on 1000: with this layer an instance would need up to 8,048,040,000 bytes (parameters and gradients 8,008,000,000, activations up to 40,040,000), more than the limit of 1,073,741,824 bytes (1 GiB). Use a smaller input, fewer filters or units, or downsample earlier." },

        // SN3001: the Activation argument, or the [Softmax] attribute.
        { "SN3001", Net("[Input(10)][Dense(5, Activation = Activation.Softmax)][Dense(3)]"), Warning, "Activation = Activation.Softmax",
            "dense1 (Dense 5) on 10: Softmax here is not at the output (dense2 is the last layer). Softmax belongs last, where training pairs it with cross-entropy; in the middle it squashes the signal and its gradient. Remove Activation = Softmax here, or make it the last layer." },
        { "SN3001", Net("[Input(10)][Dense(5)][Softmax][Dense(3)]"), Warning, "Softmax",
            "softmax1 (Softmax) on 5: Softmax here is not at the output (dense2 is the last layer). Softmax belongs last, where training pairs it with cross-entropy; in the middle it squashes the signal and its gradient. Remove this [Softmax], or make it the last layer." },

        // SN3002: the fourth saturating activation, inline or standalone.
        { "SN3002", Net("[Input(10)][Dense(5, Activation = Activation.Sigmoid)][Tanh][Dense(5)][Sigmoid][Dense(3, Activation = Activation.Tanh)]"), Warning,
            "Activation = Activation.Tanh",
            "dense3 (Dense 3) on 5: Tanh here is the 4th saturating activation in this network (dense1, tanh1, sigmoid1 and dense3). Each scales the gradient by its slope, at most 0.25 for Sigmoid and 1 for Tanh, and near 0 where it saturates: 0.25^4 = 0.0039, so the first layers barely learn. Use ReLU, LeakyReLU or GELU (initialised with He) for the hidden layers." },
        { "SN3002", Net("[Input(10)][Sigmoid][Sigmoid][Sigmoid][Sigmoid][Sigmoid]"), Warning, "Sigmoid",
            "sigmoid4 (Sigmoid) on 10: Sigmoid here is the 4th saturating activation in this network (sigmoid1, sigmoid2, sigmoid3 and sigmoid4). Each scales the gradient by its slope, at most 0.25 for Sigmoid and 1 for Tanh, and near 0 where it saturates: 0.25^4 = 0.0039, so the first layers barely learn. Use ReLU, LeakyReLU or GELU (initialised with He) for the hidden layers." },

        // SN3005: the Bias argument, or the attribute when it is not written.
        { "SN3005", Net("[Input(32, 32, 3)][Conv2D(16, 3, Padding = 1)][BatchNorm][ReLU]"), Warning, "Conv2D(16, 3, Padding = 1)",
            "conv1 (Conv2D 3x3, stride 1) on 32x32x3: its bias is redundant: bn1 (BatchNorm) right after it subtracts each channel's mean over the batch, which the bias shifts by exactly itself, so the bias cancels (its gradient is zero) and BatchNorm's own shift (β) takes its place. Set Bias = false." },
        { "SN3005", Net("[Input(10)][Dense(8, Bias = true)][BatchNorm(Name = \"norm\")]"), Warning, "Bias = true",
            "dense1 (Dense 8) on 10: its bias is redundant: norm (BatchNorm) right after it subtracts each feature's mean over the batch, which the bias shifts by exactly itself, so the bias cancels (its gradient is zero) and BatchNorm's own shift (β) takes its place. Set Bias = false." },

        // SN1005: the Name argument.
        { "SN1005", Net("[Input(4)][Dense(3, Name = \"a\")][Dense(2, Name = \"a\")]"), Error, "Name = \"a\"",
            "dense2 (Dense 2): Name = \"a\" is already given to dense1 (Dense 3). Names are unique: choose another." },
        { "SN1005", Net("[Input(4)][Dense(3, Name = \"dense2\")][Dense(2)]"), Error, "Name = \"dense2\"",
            "dense1 (Dense 3): Name = \"dense2\" is the default name of another layer. Names are unique: choose another, or give dense2 a Name of its own." },
        { "SN1005", Net("[Input(4)][ReLU(Name = \"input\")]"), Error, "Name = \"input\"",
            "relu1 (ReLU): Name = \"input\" is taken: the network's input tensor has that name. Choose another." },
        { "SN1005", Net("[Input(4)][Dense(3, Name = \"\")]"), Error, "Name = \"\"",
            "dense1 (Dense 3): Name = \"\" is empty. Give the layer a name, or leave Name out for its default." },
        { "SN1005", Net("[Input(4)][Dense(3, Name = \"1st layer\")]"), Error, "Name = \"1st layer\"",
            "dense1 (Dense 3): Name = \"1st layer\" is not a valid name: use ASCII letters, digits and '_', not starting with a digit (like a0 or block1_out)." },

        // SN1005: an [Add]'s from names no earlier layer.
        { "SN1005", Net("[Input(4)][Dense(4, Name = \"h\")][Dense(4)][Add(\"g\")]"), Error, "\"g\"",
            "add1 (Add): from = \"g\" names no layer. The layers before it are input, h and dense2." },
        { "SN1005", Net("[Input(4)][Dense(4)][Add(\"add1\")]"), Error, "\"add1\"",
            "add1 (Add): from = \"add1\" names the Add itself; it adds the output of an earlier layer. The layers before it are input and dense1." },
        { "SN1005", Net("[Input(4)][Dense(4)][Add(\"later\")][Dense(4, Name = \"later\")]"), Error, "\"later\"",
            "add1 (Add): from = \"later\" names later, a later layer; an Add reads only outputs computed before it. The layers before it are input and dense1." },

        // SN1003: a projection [Add] does not take.
        { "SN1003", Net("[Input(4, 4, 2)][Conv2D(2, 1)][Add(\"input\", Projection = Projection.ConvBatchNorm)]"), Error, "Projection = Projection.ConvBatchNorm",
            "add1 (Add): Projection.ConvBatchNorm is not a projection [Add] takes: use Projection.None (the shapes are equal) or Projection.Conv (a learned 1x1 convolution with bias)." },

        // SN2007: the [Add] attribute.
        { "SN2007", Net("[Input(8, 8, 4)][Conv2D(8, 3, Stride = 2, Padding = 1, Name = \"c\")][Add(\"input\")]"), Error, "Add(\"input\")",
            "add1 (Add input) on 4x4x8: c's output is 4x4x8 and the network input is 8x8x4; to be added, the shapes must be equal. Projection = Projection.Conv maps 8x8x4 to 4x4x8 through a learned 1x1 convolution, stride 2." },
        { "SN2007", Net("[Input(8, 8, 4)][Conv2D(8, 3, Padding = 1)][Add(\"input\")]"), Error, "Add(\"input\")",
            "add1 (Add input) on 8x8x8: conv1's output is 8x8x8 and the network input is 8x8x4; to be added, the shapes must be equal. Projection = Projection.Conv maps 8x8x4 to 8x8x8 through a learned 1x1 convolution, stride 1." },
        { "SN2007", Net("[Input(9, 9, 4)][Conv2D(8, 3, Stride = 2)][Add(\"input\", Projection = Projection.Conv)]"), Error, "Add(\"input\", Projection = Projection.Conv)",
            "add1 (Add input through a 1x1 convolution) on 4x4x8: conv1's output is 4x4x8 and the network input is 9x9x4; a 1x1 projection with stride maps 9x9 only to sizes that divide it exactly (9/4 and 9/4 are not both whole numbers). Add the output of a layer whose size divides evenly into this one, or change the layers between them." },
        { "SN2007", Net("[Input(6)][Dense(4)][Add(\"input\")]"), Error, "Add(\"input\")",
            "add1 (Add input) on 4: dense1's output is 4 and the network input is 6; to be added, the shapes must be equal. Add tensors of the same shape (a projection needs images on both sides)." },
        { "SN2007", Net("[Input(6)][Dense(6)][Add(\"input\", Projection = Projection.Conv)]"), Error, "Add(\"input\", Projection = Projection.Conv)",
            "add1 (Add input through a 1x1 convolution) on 6: dense1's output is 6 and the network input is 6; a projection is a 1x1 convolution over an image, and dense1's output is flat. Use Projection.None with equal shapes, or a [Dense] layer that maps one to the other." },

        // SN2008: the budget's argument that is exceeded.
        { "SN2008", Net("[Budget(MaxMultiplyAdds = 250)][Input(10)][Dense(20)][Dense(5)]"), Error, "MaxMultiplyAdds = 250",
            "N needs 300 multiply-adds per sample, more than MaxMultiplyAdds = 250. The largest: dense1 200 and dense2 100. Use fewer filters or units, or downsample earlier." },
        { "SN2008", Net("[Budget(MaxBytes = 2000)][Input(10)][Dense(20, Name = \"hidden\")][Dense(5)]"), Error, "MaxBytes = 2000",
            "N needs 3,600 bytes per instance (parameters 1,300, gradients 1,300, activations 1,000), more than MaxBytes = 2,000. The largest: parameters and gradients 2,600 B, hidden tile 640 B and dense2 tile 160 B. Use fewer parameters, or smaller layers early on." },

        // SN3004: the padding as written; only trailing padding goes unread.
        { "SN3004", Net("[Input(32, 32, 3)][MaxPool(3, Stride = 2, Padding = 1)]"), Warning, "Padding = 1",
            "pool1 (MaxPool 3x3, stride 2) on 32x32x3: (32 - 3 + 2*1) = 31 is not a multiple of 2; only padding goes unread: the last padding row and the last padding column, so the padding is in effect 1 at the top, 1 on the left, 0 at the bottom and 0 on the right. State it: Pads = new[] { 1, 1, 0, 0 }." },
        { "SN3004", Net("[Input(8, 10, 3)][AvgPool(2, 3, StrideWidth = 2, Pads = new[] { 0, 1, 0, 1 })]"), Warning, "Pads = new[] { 0, 1, 0, 1 }",
            "pool1 (AvgPool 2x3, stride 2) on 8x10x3: (10 - 3 + 2*1) = 9 (columns) is not a multiple of 2; only padding goes unread: the last padding column, so the padding is in effect 0 at the top, 1 on the left, 0 at the bottom and 0 on the right. State it: Pads = new[] { 0, 1, 0, 0 }." },
        { "SN3004", Net("[Input(28, 28, 1)][Conv2D(6, 5, Stride = 2, Padding = 2)]"), Warning, "Padding = 2",
            "conv1 (Conv2D 5x5, stride 2) on 28x28x1: (28 - 5 + 2*2) = 27 is not a multiple of 2; only padding goes unread: the last padding row and the last padding column, so the padding is in effect 2 at the top, 2 on the left, 1 at the bottom and 1 on the right. State it: Pads = new[] { 2, 2, 1, 1 }." },
        { "SN3004", Net("[Input(32, 32, 3)][Conv2D(16, 3, Stride = 2, Padding = 1)]"), Warning, "Padding = 1",
            "conv1 (Conv2D 3x3, stride 2) on 32x32x3: (32 - 3 + 2*1) = 31 is not a multiple of 2; only padding goes unread: the last padding row and the last padding column, so the padding is in effect 1 at the top, 1 on the left, 0 at the bottom and 0 on the right. State it: Pads = new[] { 1, 1, 0, 0 }." },
        { "SN3004", Net("[Input(49, 10, 1)][Conv2D(6, 10, 4, Stride = 2, Pads = new[] { 4, 1, 5, 2 })]"), Warning, "Pads = new[] { 4, 1, 5, 2 }",
            "conv1 (Conv2D 10x4, stride 2) on 49x10x1: (10 - 4 + 1 + 2) = 9 (columns) is not a multiple of 2; only padding goes unread: the last padding column, so the padding is in effect 4 at the top, 1 on the left, 5 at the bottom and 1 on the right. State it: Pads = new[] { 4, 1, 5, 1 }." },

        // SN3003: the Padding argument.
        { "SN3003", Net("[Input(28, 28, 1)][Conv2D(6, 5, Padding = 5)]"), Warning, "Padding = 5",
            "conv1 (Conv2D 5x5, stride 1) on 28x28x1: Padding = 5 is not smaller than the kernel (5 >= 5), so the outermost outputs see only padding zeros. Use Padding = 2, for a 28x28 output." },
        { "SN3003", Net("[Input(28, 28, 1)][Conv2D(6, 4, Padding = 4)]"), Warning, "Padding = 4",
            "conv1 (Conv2D 4x4, stride 1) on 28x28x1: Padding = 4 is not smaller than the kernel (4 >= 4), so the outermost outputs see only padding zeros. Use Padding = 1, for a 27x27 output." },
    };

    [Theory]
    [MemberData(nameof(Positive))]
    public void Reports_the_id_with_its_severity_location_and_message(string id, string source, DiagnosticSeverity severity, string span, string message)
    {
        var diagnostics = AnalyzerHarness.Analyze(source);
        var diagnostic = AnalyzerHarness.Single(diagnostics, id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(span, AnalyzerHarness.SpanText(diagnostic));
        Assert.Equal(message, diagnostic.GetMessage());
        Assert.Equal("docs/diagnostics.md#" + id.ToLowerInvariant(), diagnostic.Descriptor.HelpLinkUri);
    }

    [Fact]
    public void A_repeated_input_is_reported_at_the_second_one()
    {
        string source = Net("[Input(8)][Dense(3)][Input(8)]");
        var diagnostic = AnalyzerHarness.Single(AnalyzerHarness.Analyze(source), "SN1002");
        Assert.Equal(source.LastIndexOf("Input(8)", StringComparison.Ordinal), diagnostic.Location.SourceSpan.Start);
    }

    [Fact]
    public void Every_descriptor_has_the_severity_of_the_design_table_and_is_supported()
    {
        var expected = new Dictionary<string, DiagnosticSeverity>
        {
            ["SN1001"] = Error, ["SN1002"] = Error, ["SN1003"] = Error, ["SN1004"] = Error, ["SN1005"] = Error,
            ["SN2001"] = Error, ["SN2002"] = Error, ["SN2003"] = Error, ["SN2004"] = Error, ["SN2005"] = Error, ["SN2006"] = Error,
            ["SN2007"] = Error, ["SN2008"] = Error,
            ["SN3001"] = Warning, ["SN3002"] = Warning, ["SN3003"] = Warning, ["SN3004"] = Warning, ["SN3005"] = Warning,
        };
        var supported = new NetworkAnalyzer().SupportedDiagnostics;
        Assert.Equal(expected.Keys.Order(), supported.Select(d => d.Id).Order());
        foreach (var descriptor in supported)
        {
            Assert.Equal(expected[descriptor.Id], descriptor.DefaultSeverity);
            Assert.True(descriptor.IsEnabledByDefault);
            Assert.Equal(descriptor.Id[2] switch { '1' => "StaticNets.Usage", '2' => "StaticNets.Shape", _ => "StaticNets.Design" }, descriptor.Category);
        }
    }

    [Fact]
    public void Every_id_of_the_design_table_is_covered_by_a_positive_case()
    {
        var covered = Positive.Select(row => (string)row[0]).Distinct();
        Assert.Equal(new NetworkAnalyzer().SupportedDiagnostics.Select(d => d.Id).Order(), covered.Order());
    }

    public static TheoryData<string, string> Negative => new()
    {
        { "SN1001", "using StaticNets;\n[Input(4)][Dense(2)]\npublic sealed partial class N { }" },
        { "SN1001", "using StaticNets;\npublic partial class O { public partial class P { [Input(4)][Dense(2)] public partial class N { } } }" },
        { "SN1002", Net("[Input(8)][Dense(3)]") },
        { "SN1003", Net("[Input(1, 1, 1)][Conv2D(1, 1, Stride = 1, Padding = 0)][Dropout(0)][LeakyReLU(0)][Flatten][Dense(1, L1 = 0, L2 = 0)][Dropout(0.999)]") },
        { "SN1003", Net("[Input(features: 10)][Dense(units: 3, Activation = Activation.Softmax, Init = Init.XavierUniform)]") },
        { "SN1003", Net("[Input(10)][Dense(4, Bias = false)][BatchNorm(Momentum = 0, Epsilon = 1e-30)][Dense(3, Bias = false)][BatchNorm(Momentum = 1)][Dense(2)]") },
        { "SN1004", "using StaticNets;\n[Input(4)][Dense(2)] public partial class N { }\npublic partial class N { }\n" },
        // A layer given another's default name, when that one is named too; names up to the limits of the rule.
        { "SN1005", Net("[Input(4)][Dense(3, Name = \"dense2\")][ReLU(Name = \"_a0\")][Dense(2, Name = \"Out_1\")][Softmax(Name = \"probabilities\")]") },
        // from names the input, a layer by its given or default name; equal shapes, or a projection that maps them.
        { "SN1005", Net("[Input(4)][Dense(4, Name = \"h\")][Dense(4)][Add(\"h\")][Add(\"dense2\")][Add(\"input\")]") },
        { "SN2007", Net("[Input(8, 8, 4)][Conv2D(8, 2, Stride = 2)][Add(\"input\", Projection = Projection.Conv)][Conv2D(8, 3, Padding = 1)][Add(\"add1\")]") },
        // Exactly at the budget (300 multiply-adds; the bytes as Summary counts them).
        { "SN2008", Net("[Budget(MaxMultiplyAdds = 300, MaxBytes = 3600)][Input(10)][Dense(20)][Dense(5)]") },
        { "SN2001", Net("[Input(28, 28, 1)][Conv2D(6, 4, Stride = 2)]") },
        { "SN2001", Net("[Input(28, 28, 1)][Conv2D(6, 5, Stride = 3, Padding = 2)]") },
        { "SN2002", Net("[Input(28, 28, 1)][MaxPool(2)][AvgPool(3, Stride = 1)]") },
        { "SN2003", Net("[Input(5, 5, 1)][Conv2D(6, 5)]") },
        { "SN2003", Net("[Input(5, 5, 1)][Conv2D(6, 7, Padding = 1)]") },
        { "SN2004", Net("[Input(28, 28, 1)][Conv2D(6, 5)][Flatten][Dense(10)]") },
        { "SN2005", Net("[Input(4, 4, 16)][Flatten][Dense(120)]") },
        { "SN2006", Net("[Input(8000)][Dense(16000)]") },
        { "SN3001", Net("[Input(10)][Dense(5, Activation = Activation.ReLU)][Dense(3)][Softmax]") },
        { "SN3002", Net("[Input(10)][Dense(5, Activation = Activation.Sigmoid)][Tanh][Dense(3, Activation = Activation.Sigmoid)]") },
        { "SN3003", Net("[Input(28, 28, 1)][Conv2D(6, 5, Padding = 4)]") },
        // No bias, an activation between, or a layer between: nothing cancels the bias.
        { "SN3005", Net("[Input(8, 8, 3)][Conv2D(4, 3, Bias = false)][BatchNorm][DepthwiseConv2D(3, Bias = false)][BatchNorm][ReLU]") },
        { "SN3005", Net("[Input(8, 8, 3)][Conv2D(4, 3, Activation = Activation.ReLU)][BatchNorm][Conv2D(4, 1)][ReLU][BatchNorm]") },
        { "SN3005", Net("[Input(10)][Dense(8)][Dropout(0.5)][BatchNorm]") },
        // LeNet-5 as the design writes it.
        { "all", Net("""
            [Input(28, 28, 1)]
            [Conv2D(6, 5, Padding = 2, Activation = Activation.ReLU)]
            [MaxPool(2)]
            [Conv2D(16, 5, Activation = Activation.ReLU)]
            [MaxPool(2)]
            [Flatten]
            [Dense(120, Activation = Activation.ReLU)]
            [Dense(84, Activation = Activation.ReLU)]
            [Dense(10, Activation = Activation.Softmax)]
            """) },
    };

    [Theory]
    [MemberData(nameof(Negative))]
    public void A_valid_network_at_the_edge_of_the_rule_gets_no_diagnostic(string id, string source)
    {
        var diagnostics = AnalyzerHarness.Analyze(source);
        Assert.True(diagnostics.IsEmpty, $"{id}: unexpected {AnalyzerHarness.Describe(diagnostics)}");
    }

    [Fact]
    public void A_class_without_StaticNets_attributes_is_not_analyzed()
    {
        var diagnostics = AnalyzerHarness.Analyze("[System.Serializable] public class N { }");
        Assert.Empty(diagnostics);
    }
}
