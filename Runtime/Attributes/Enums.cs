namespace StaticNets;

/// <summary>An activation function applied after a layer (inline, as <c>Activation = ...</c>) or as a layer of its own.</summary>
public enum Activation
{
    /// <summary>No activation: the layer's output is its linear result.</summary>
    None,
    /// <summary><c>max(0, x)</c>.</summary>
    ReLU,
    /// <summary><c>max(alpha*x, x)</c> with alpha = 0.01 when used inline.</summary>
    LeakyReLU,
    /// <summary>The exact Gaussian error linear unit <c>x * Phi(x)</c>, Phi the standard normal CDF.</summary>
    GELU,
    /// <summary><c>1 / (1 + e^-x)</c>. Saturates: deep stacks of it suffer vanishing gradients.</summary>
    Sigmoid,
    /// <summary><c>tanh(x)</c>. Saturates: deep stacks of it suffer vanishing gradients.</summary>
    Tanh,
    /// <summary>Normalised exponentials over the layer's outputs. As the last layer, training uses cross-entropy.</summary>
    Softmax,
    /// <summary><c>min(max(x, 0), 6)</c> (MobileNet). Its derivative is 0 at and beyond 0 and 6.</summary>
    ReLU6,
}

/// <summary>How a layer's weights are initialised. Biases always start at zero.</summary>
public enum Init
{
    /// <summary>He (Kaiming) normal for ReLU, ReLU6, LeakyReLU and GELU; Xavier (Glorot) uniform for the others.</summary>
    Auto,
    /// <summary>He (2015): normal with standard deviation <c>sqrt(2 / fanIn)</c>.</summary>
    HeNormal,
    /// <summary>He (2015): uniform on <c>[-sqrt(6 / fanIn), sqrt(6 / fanIn)]</c>.</summary>
    HeUniform,
    /// <summary>Glorot and Bengio (2010): normal with standard deviation <c>sqrt(2 / (fanIn + fanOut))</c>.</summary>
    XavierNormal,
    /// <summary>Glorot and Bengio (2010): uniform on <c>[-sqrt(6 / (fanIn + fanOut)), sqrt(6 / (fanIn + fanOut))]</c>.</summary>
    XavierUniform,
}

/// <summary>How a convolution's padding is chosen when it is not given per side.</summary>
public enum PaddingMode
{
    /// <summary>As written: <c>Padding</c> on every side, or <c>Pads</c> per side (none given: no padding).</summary>
    Explicit,
    /// <summary>
    /// Keras/TensorFlow "same": the output has <c>ceil(in / stride)</c> rows and columns, and the padding that takes is
    /// split with the smaller half at the top and left.
    /// </summary>
    Same,
}

/// <summary>How <see cref="AddAttribute"/> maps the added layer's output to its own shape.</summary>
public enum Projection
{
    /// <summary>No mapping: the two shapes must be equal.</summary>
    None,
    /// <summary>A learned 1x1 convolution with bias, its stride the ratio of the sizes (ResNet's shortcut).</summary>
    Conv,
    /// <summary>A 1x1 convolution without bias, then batch normalisation (torchvision's shortcut).</summary>
    ConvBatchNorm,
}
