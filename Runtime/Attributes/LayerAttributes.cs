namespace StaticNets;

// The layer attributes. A network is a partial class carrying them in order, [Input] first; the
// StaticNets generator reads them at build time and writes the network's code. AllowMultiple is
// true on every one so that a repeated [Input] is the analyzer's SN1002, not a compiler error.

/// <summary>The network's input: <c>[Input(height, width, channels)]</c> for images (laid out channel, row, column), <c>[Input(features)]</c> for vectors. First, exactly once.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    /// <summary>An image input of <paramref name="height"/> x <paramref name="width"/> pixels with <paramref name="channels"/> channels.</summary>
    public InputAttribute(int height, int width, int channels) { Height = height; Width = width; Channels = channels; }

    /// <summary>A flat input of <paramref name="features"/> values.</summary>
    public InputAttribute(int features) { Height = 1; Width = 1; Channels = features; }

    /// <summary>Rows of the image (1 for a flat input).</summary>
    public int Height { get; }
    /// <summary>Columns of the image (1 for a flat input).</summary>
    public int Width { get; }
    /// <summary>Channels of the image, or the number of features of a flat input.</summary>
    public int Channels { get; }
}

/// <summary>
/// A 2-D convolution over all input channels with <c>filters</c> kernels. Output size per axis:
/// <c>floor((S_in - kernel + pad_begin + pad_end) / stride) + 1</c>; real input rows or columns left unread are
/// SN2001, unread trailing padding the warning SN3004.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv2DAttribute : Attribute
{
    /// <summary>A convolution with <paramref name="filters"/> output channels and a <paramref name="kernel"/> x <paramref name="kernel"/> window.</summary>
    public Conv2DAttribute(int filters, int kernel) { Filters = filters; KernelHeight = kernel; KernelWidth = kernel; }

    /// <summary>A convolution with <paramref name="filters"/> output channels and a <paramref name="kernelHeight"/> x <paramref name="kernelWidth"/> window.</summary>
    public Conv2DAttribute(int filters, int kernelHeight, int kernelWidth) { Filters = filters; KernelHeight = kernelHeight; KernelWidth = kernelWidth; }

    /// <summary>Output channels (number of filters).</summary>
    public int Filters { get; }
    /// <summary>Side of a square kernel; the rows of a rectangular one (see <see cref="KernelHeight"/>, <see cref="KernelWidth"/>).</summary>
    public int Kernel => KernelHeight;
    /// <summary>Rows of the kernel.</summary>
    public int KernelHeight { get; }
    /// <summary>Columns of the kernel.</summary>
    public int KernelWidth { get; }
    /// <summary>Step between windows, in pixels, on both axes. Default 1.</summary>
    public int Stride { get; set; } = 1;
    /// <summary>Step between windows down the rows; defaults to <see cref="Stride"/>.</summary>
    public int StrideHeight { get; set; }
    /// <summary>Step between windows along the columns; defaults to <see cref="Stride"/>.</summary>
    public int StrideWidth { get; set; }
    /// <summary>Zeros added on every side of the input. Default 0. Not together with <see cref="Pads"/> or <see cref="PaddingMode"/>.</summary>
    public int Padding { get; set; }
    /// <summary>Zeros added per side, in ONNX order: <c>new[] { top, left, bottom, right }</c>. Not together with <see cref="Padding"/> or <see cref="PaddingMode"/>.</summary>
    public int[]? Pads { get; set; }
    /// <summary><see cref="StaticNets.PaddingMode.Same"/>: Keras/TensorFlow "same" padding. Not together with <see cref="Padding"/> or <see cref="Pads"/>.</summary>
    public PaddingMode PaddingMode { get; set; }
    /// <summary>Whether the layer adds a bias per filter. Default true; false leaves it out of <c>Parameters</c>.</summary>
    public bool Bias { get; set; } = true;
    /// <summary>
    /// Grouped convolution: the channels and the filters are split into this many groups, each filter reading only its
    /// group's channels; both counts must be divisible by it. Weights <c>[filters][channels/groups][kh][kw]</c>. Default 1.
    /// </summary>
    public int Groups { get; set; } = 1;
    /// <summary>Activation applied to the output. Default none.</summary>
    public Activation Activation { get; set; }
    /// <summary>Weight initialisation. Default <see cref="StaticNets.Init.Auto"/>.</summary>
    public Init Init { get; set; }
    /// <summary>L1 penalty <c>L1 * sum|w|</c> on this layer's weights (not its bias), added to the training loss.</summary>
    public double L1 { get; set; }
    /// <summary>L2 penalty <c>0.5 * L2 * sum w^2</c> on this layer's weights (not its bias), added to the training loss.</summary>
    public double L2 { get; set; }
    /// <summary>The name of the layer's output (after its inline activation) in <c>Summary</c>, <c>Info</c>, weight files and ONNX node names; by default the kind's stem and index (<c>conv1</c>). Unique; ASCII letters, digits and '_', not starting with a digit; not <c>input</c> or <c>output</c> (SN1005).</summary>
    public string? Name { get; set; }
}

/// <summary>
/// A depthwise convolution: <see cref="Multiplier"/> filters per input channel, each reading its own channel only
/// (Keras' DepthwiseConv2D, PyTorch's <c>Conv2d(c, c * multiplier, k, groups = c)</c>). Weights
/// <c>[channels*multiplier][1][kh][kw]</c>; the output has <c>channels * Multiplier</c> channels. Its geometry options
/// are the convolution's.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DepthwiseConv2DAttribute : Attribute
{
    /// <summary>A depthwise convolution with a <paramref name="kernel"/> x <paramref name="kernel"/> window.</summary>
    public DepthwiseConv2DAttribute(int kernel) { KernelHeight = kernel; KernelWidth = kernel; }

    /// <summary>A depthwise convolution with a <paramref name="kernelHeight"/> x <paramref name="kernelWidth"/> window.</summary>
    public DepthwiseConv2DAttribute(int kernelHeight, int kernelWidth) { KernelHeight = kernelHeight; KernelWidth = kernelWidth; }

    /// <summary>Rows of the kernel.</summary>
    public int KernelHeight { get; }
    /// <summary>Columns of the kernel.</summary>
    public int KernelWidth { get; }
    /// <summary>Filters per input channel. Default 1.</summary>
    public int Multiplier { get; set; } = 1;
    /// <summary>Step between windows, in pixels, on both axes. Default 1.</summary>
    public int Stride { get; set; } = 1;
    /// <summary>Step between windows down the rows; defaults to <see cref="Stride"/>.</summary>
    public int StrideHeight { get; set; }
    /// <summary>Step between windows along the columns; defaults to <see cref="Stride"/>.</summary>
    public int StrideWidth { get; set; }
    /// <summary>Zeros added on every side of the input. Default 0. Not together with <see cref="Pads"/> or <see cref="PaddingMode"/>.</summary>
    public int Padding { get; set; }
    /// <summary>Zeros added per side, in ONNX order: <c>new[] { top, left, bottom, right }</c>.</summary>
    public int[]? Pads { get; set; }
    /// <summary><see cref="StaticNets.PaddingMode.Same"/>: Keras/TensorFlow "same" padding.</summary>
    public PaddingMode PaddingMode { get; set; }
    /// <summary>Whether the layer adds a bias per filter. Default true.</summary>
    public bool Bias { get; set; } = true;
    /// <summary>Activation applied to the output. Default none.</summary>
    public Activation Activation { get; set; }
    /// <summary>Weight initialisation. Default <see cref="StaticNets.Init.Auto"/>.</summary>
    public Init Init { get; set; }
    /// <summary>L1 penalty <c>L1 * sum|w|</c> on this layer's weights, added to the training loss.</summary>
    public double L1 { get; set; }
    /// <summary>L2 penalty <c>0.5 * L2 * sum w^2</c> on this layer's weights, added to the training loss.</summary>
    public double L2 { get; set; }
    /// <summary>The name of the layer's output (after its inline activation) in <c>Summary</c>, <c>Info</c>, weight files and ONNX node names; by default the kind's stem and index (<c>dwconv1</c>). Unique; ASCII letters, digits and '_', not starting with a digit; not <c>input</c> or <c>output</c> (SN1005).</summary>
    public string? Name { get; set; }
}

/// <summary>Max pooling over <c>size</c> x <c>size</c> or <c>windowHeight</c> x <c>windowWidth</c> windows; the strides default to the window. Windows must not leave real input unread (SN2002).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPoolAttribute : Attribute
{
    /// <summary>Max pooling with a <paramref name="size"/> x <paramref name="size"/> window.</summary>
    public MaxPoolAttribute(int size) { Size = size; Stride = size; }

    /// <summary>Max pooling with a <paramref name="windowHeight"/> x <paramref name="windowWidth"/> window (rows by columns).</summary>
    public MaxPoolAttribute(int windowHeight, int windowWidth) { WindowHeight = windowHeight; WindowWidth = windowWidth; }

    /// <summary>Side of a square pooling window; 0 for a rectangular one.</summary>
    public int Size { get; }
    /// <summary>Rows of a rectangular pooling window; 0 for a square one.</summary>
    public int WindowHeight { get; }
    /// <summary>Columns of a rectangular pooling window; 0 for a square one.</summary>
    public int WindowWidth { get; }
    /// <summary>Step between windows; defaults to the window. When given, must be positive.</summary>
    public int Stride { get; set; }
    /// <summary>Step between windows down the rows; defaults to <see cref="Stride"/>, else the window's height.</summary>
    public int StrideHeight { get; set; }
    /// <summary>Step between windows along the columns; defaults to <see cref="Stride"/>, else the window's width.</summary>
    public int StrideWidth { get; set; }
    /// <summary>Padding on every side of the input, of -infinity (padding never wins). Default 0; below the window. Not together with <see cref="Pads"/> or <see cref="PaddingMode"/>.</summary>
    public int Padding { get; set; }
    /// <summary>Padding per side, in ONNX order: <c>new[] { top, left, bottom, right }</c>; each below the window. Not together with <see cref="Padding"/> or <see cref="PaddingMode"/>.</summary>
    public int[]? Pads { get; set; }
    /// <summary><see cref="StaticNets.PaddingMode.Same"/>: Keras/TensorFlow "same" padding. Not together with <see cref="Padding"/> or <see cref="Pads"/>.</summary>
    public PaddingMode PaddingMode { get; set; }
    /// <summary>The name of the layer's output in <c>Summary</c>, <c>Info</c>, weight files and ONNX node names; by default the kind's stem and index (<c>pool1</c>). Unique; ASCII letters, digits and '_', not starting with a digit; not <c>input</c> or <c>output</c> (SN1005).</summary>
    public string? Name { get; set; }
}

/// <summary>Average pooling over <c>size</c> x <c>size</c> or <c>windowHeight</c> x <c>windowWidth</c> windows; the strides default to the window. Windows must not leave real input unread (SN2002).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPoolAttribute : Attribute
{
    /// <summary>Average pooling with a <paramref name="size"/> x <paramref name="size"/> window.</summary>
    public AvgPoolAttribute(int size) { Size = size; Stride = size; }

    /// <summary>Average pooling with a <paramref name="windowHeight"/> x <paramref name="windowWidth"/> window (rows by columns).</summary>
    public AvgPoolAttribute(int windowHeight, int windowWidth) { WindowHeight = windowHeight; WindowWidth = windowWidth; }

    /// <summary>Side of a square pooling window; 0 for a rectangular one.</summary>
    public int Size { get; }
    /// <summary>Rows of a rectangular pooling window; 0 for a square one.</summary>
    public int WindowHeight { get; }
    /// <summary>Columns of a rectangular pooling window; 0 for a square one.</summary>
    public int WindowWidth { get; }
    /// <summary>Step between windows; defaults to the window. When given, must be positive.</summary>
    public int Stride { get; set; }
    /// <summary>Step between windows down the rows; defaults to <see cref="Stride"/>, else the window's height.</summary>
    public int StrideHeight { get; set; }
    /// <summary>Step between windows along the columns; defaults to <see cref="Stride"/>, else the window's width.</summary>
    public int StrideWidth { get; set; }
    /// <summary>Padding on every side of the input, of nothing: the average is over the input values inside the window. Default 0; below the window. Not together with <see cref="Pads"/> or <see cref="PaddingMode"/>.</summary>
    public int Padding { get; set; }
    /// <summary>Padding per side, in ONNX order: <c>new[] { top, left, bottom, right }</c>; each below the window. Not together with <see cref="Padding"/> or <see cref="PaddingMode"/>.</summary>
    public int[]? Pads { get; set; }
    /// <summary><see cref="StaticNets.PaddingMode.Same"/>: Keras/TensorFlow "same" padding. Not together with <see cref="Padding"/> or <see cref="Pads"/>.</summary>
    public PaddingMode PaddingMode { get; set; }
    /// <summary>The name of the layer's output in <c>Summary</c>, <c>Info</c>, weight files and ONNX node names; by default the kind's stem and index (<c>pool1</c>). Unique; ASCII letters, digits and '_', not starting with a digit; not <c>input</c> or <c>output</c> (SN1005).</summary>
    public string? Name { get; set; }
}

/// <summary>Max pooling over each channel's whole image: the output is flat, one value per channel, so [Dense] may follow directly.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalMaxPoolAttribute : Attribute
{
    /// <summary>The name of the layer's output in <c>Summary</c>, <c>Info</c>, weight files and ONNX node names; by default the kind's stem and index (<c>pool1</c>). Unique; ASCII letters, digits and '_', not starting with a digit; not <c>input</c> or <c>output</c> (SN1005).</summary>
    public string? Name { get; set; }
}

/// <summary>Average pooling over each channel's whole image: the output is flat, one value per channel, so [Dense] may follow directly.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalAvgPoolAttribute : Attribute
{
    /// <summary>The name of the layer's output in <c>Summary</c>, <c>Info</c>, weight files and ONNX node names; by default the kind's stem and index (<c>pool1</c>). Unique; ASCII letters, digits and '_', not starting with a digit; not <c>input</c> or <c>output</c> (SN1005).</summary>
    public string? Name { get; set; }
}

/// <summary>Turns an image shape into a flat vector, in channel, row, column order. Required between spatial layers and <see cref="DenseAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : Attribute
{
    /// <summary>The name of the layer's output (after its inline activation) in <c>Summary</c>, <c>Info</c>, weight files and ONNX node names; by default the kind's stem and index (<c>conv1</c>). Unique; ASCII letters, digits and '_', not starting with a digit; not <c>input</c> or <c>output</c> (SN1005).</summary>
    public string? Name { get; set; }
}

/// <summary>A fully connected layer of <c>units</c> outputs over a flat input; weights laid out <c>[units][inputs]</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : Attribute
{
    /// <summary>A fully connected layer with <paramref name="units"/> outputs.</summary>
    public DenseAttribute(int units) { Units = units; }

    /// <summary>Whether the layer adds a bias; default true. <c>false</c>: <c>y = W x</c>, no bias parameters (ONNX <c>Gemm</c> without <c>C</c>).</summary>
    public bool Bias { get; set; } = true;

    /// <summary>Number of outputs.</summary>
    public int Units { get; }
    /// <summary>Activation applied to the output. Default none.</summary>
    public Activation Activation { get; set; }
    /// <summary>Weight initialisation. Default <see cref="StaticNets.Init.Auto"/>.</summary>
    public Init Init { get; set; }
    /// <summary>L1 penalty <c>L1 * sum|w|</c> on this layer's weights (not its bias), added to the training loss.</summary>
    public double L1 { get; set; }
    /// <summary>L2 penalty <c>0.5 * L2 * sum w^2</c> on this layer's weights (not its bias), added to the training loss.</summary>
    public double L2 { get; set; }
    /// <summary>The name of the layer's output (after its inline activation) in <c>Summary</c>, <c>Info</c>, weight files and ONNX node names; by default the kind's stem and index (<c>conv1</c>). Unique; ASCII letters, digits and '_', not starting with a digit; not <c>input</c> or <c>output</c> (SN1005).</summary>
    public string? Name { get; set; }
}

/// <summary>Dropout: in training, each value is zeroed with probability <c>rate</c> and the kept ones are scaled by <c>1/(1 - rate)</c>; in <c>Forward</c> and <c>Predict</c> it is the identity (all neurons used).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : Attribute
{
    /// <summary>Dropout with drop probability <paramref name="rate"/>, <c>0 &lt;= rate &lt; 1</c>.</summary>
    public DropoutAttribute(double rate) { Rate = rate; }

    /// <summary>Probability that a value is dropped in training.</summary>
    public double Rate { get; }
    /// <summary>The name of the layer's output (after its inline activation) in <c>Summary</c>, <c>Info</c>, weight files and ONNX node names; by default the kind's stem and index (<c>conv1</c>). Unique; ASCII letters, digits and '_', not starting with a digit; not <c>input</c> or <c>output</c> (SN1005).</summary>
    public string? Name { get; set; }
}

/// <summary>The activation <c>max(0, x)</c> as a layer of its own.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ReLUAttribute : Attribute
{
    /// <summary>The name of the layer's output (after its inline activation) in <c>Summary</c>, <c>Info</c>, weight files and ONNX node names; by default the kind's stem and index (<c>conv1</c>). Unique; ASCII letters, digits and '_', not starting with a digit; not <c>input</c> or <c>output</c> (SN1005).</summary>
    public string? Name { get; set; }
}

/// <summary>The activation <c>min(max(x, 0), 6)</c> (MobileNet's ReLU6) as a layer of its own.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ReLU6Attribute : Attribute
{
    /// <summary>The name of the layer's output (after its inline activation) in <c>Summary</c>, <c>Info</c>, weight files and ONNX node names; by default the kind's stem and index (<c>conv1</c>). Unique; ASCII letters, digits and '_', not starting with a digit; not <c>input</c> or <c>output</c> (SN1005).</summary>
    public string? Name { get; set; }
}

/// <summary>The activation <c>max(alpha*x, x)</c> as a layer of its own; alpha defaults to 0.01.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LeakyReLUAttribute : Attribute
{
    /// <summary>Leaky ReLU with slope 0.01 for negative inputs.</summary>
    public LeakyReLUAttribute() : this(0.01) { }

    /// <summary>Leaky ReLU with slope <paramref name="alpha"/> (non-negative) for negative inputs.</summary>
    public LeakyReLUAttribute(double alpha) { Alpha = alpha; }

    /// <summary>Slope for negative inputs.</summary>
    public double Alpha { get; }
    /// <summary>The name of the layer's output (after its inline activation) in <c>Summary</c>, <c>Info</c>, weight files and ONNX node names; by default the kind's stem and index (<c>conv1</c>). Unique; ASCII letters, digits and '_', not starting with a digit; not <c>input</c> or <c>output</c> (SN1005).</summary>
    public string? Name { get; set; }
}

/// <summary>The exact GELU <c>x * Phi(x)</c> as a layer of its own.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GELUAttribute : Attribute
{
    /// <summary>The name of the layer's output (after its inline activation) in <c>Summary</c>, <c>Info</c>, weight files and ONNX node names; by default the kind's stem and index (<c>conv1</c>). Unique; ASCII letters, digits and '_', not starting with a digit; not <c>input</c> or <c>output</c> (SN1005).</summary>
    public string? Name { get; set; }
}

/// <summary>The logistic sigmoid as a layer of its own.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SigmoidAttribute : Attribute
{
    /// <summary>The name of the layer's output (after its inline activation) in <c>Summary</c>, <c>Info</c>, weight files and ONNX node names; by default the kind's stem and index (<c>conv1</c>). Unique; ASCII letters, digits and '_', not starting with a digit; not <c>input</c> or <c>output</c> (SN1005).</summary>
    public string? Name { get; set; }
}

/// <summary>The hyperbolic tangent as a layer of its own.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TanhAttribute : Attribute
{
    /// <summary>The name of the layer's output (after its inline activation) in <c>Summary</c>, <c>Info</c>, weight files and ONNX node names; by default the kind's stem and index (<c>conv1</c>). Unique; ASCII letters, digits and '_', not starting with a digit; not <c>input</c> or <c>output</c> (SN1005).</summary>
    public string? Name { get; set; }
}

/// <summary>Softmax over all values as a layer of its own. As the last layer, training uses cross-entropy.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SoftmaxAttribute : Attribute
{
    /// <summary>The name of the layer's output (after its inline activation) in <c>Summary</c>, <c>Info</c>, weight files and ONNX node names; by default the kind's stem and index (<c>conv1</c>). Unique; ASCII letters, digits and '_', not starting with a digit; not <c>input</c> or <c>output</c> (SN1005).</summary>
    public string? Name { get; set; }
}

/// <summary>
/// Limits the network must stay within, checked at build time (SN2008): <see cref="MaxMultiplyAdds"/> for one sample's
/// forward pass (the generated <c>MultiplyAdds</c>), <see cref="MaxBytes"/> for what an instance holds (parameters,
/// gradients and activation buffers: the total of <c>Summary</c>'s memory line). 0 is no limit.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class BudgetAttribute : Attribute
{
    /// <summary>The most multiply-adds one sample's forward pass may take; 0 (the default): no limit.</summary>
    public long MaxMultiplyAdds { get; set; }
    /// <summary>The most bytes an instance may hold (parameters, gradients, activation buffers); 0 (the default): no limit.</summary>
    public long MaxBytes { get; set; }
}

/// <summary>
/// Batch normalisation: per channel after a spatial layer, per feature after a flat one. Training normalises with the
/// mean and (biased) variance of the whole mini-batch, then scales by γ and shifts by β (its parameters, γ then β);
/// inference uses the running mean and variance (<c>Statistics</c>), which training updates once per batch with
/// <see cref="Momentum"/> and the batch's unbiased variance, as PyTorch's <c>BatchNorm2d</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BatchNormAttribute : Attribute
{
    /// <summary>Weight of a batch's statistics in the running ones: <c>running = (1 - Momentum) * running + Momentum * batch</c>. Default 0.1, in [0, 1].</summary>
    public double Momentum { get; set; } = 0.1;
    /// <summary>Added to the variance before its square root. Default 1e-5; positive.</summary>
    public double Epsilon { get; set; } = 1e-5;
    /// <summary>The name of the layer's output in <c>Summary</c>, <c>Info</c>, weight files and ONNX node names; by default the kind's stem and index (<c>bn1</c>). Unique; ASCII letters, digits and '_', not starting with a digit; not <c>input</c> or <c>output</c> (SN1005).</summary>
    public string? Name { get; set; }
}

/// <summary>
/// A residual connection: the previous layer's output plus the output of the earlier layer named <c>from</c>
/// (<c>"input"</c> for the network's input), through the <see cref="Projection"/> that maps its shape where the shapes differ.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AddAttribute : Attribute
{
    /// <summary>Adds the output of the earlier layer named <paramref name="from"/> to the previous layer's output.</summary>
    public AddAttribute(string from) { From = from; }

    /// <summary>The name of the earlier layer whose output is added.</summary>
    public string From { get; }
    /// <summary>How the added output is mapped to this layer's shape. Default <see cref="StaticNets.Projection.None"/> (the shapes must match, SN2007).</summary>
    public Projection Projection { get; set; }
    /// <summary>The name of the layer's output in <c>Summary</c>, <c>Info</c>, weight files and ONNX node names; by default the kind's stem and index (<c>add1</c>). Unique; ASCII letters, digits and '_', not starting with a digit; not <c>input</c> or <c>output</c> (SN1005).</summary>
    public string? Name { get; set; }
}
