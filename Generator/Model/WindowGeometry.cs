namespace StaticNets.Generator.Model;

/// <summary>
/// A sliding window's geometry as resolved: the kernel (or pooling window) per axis, the strides per axis and
/// the zeros added on each side of the input. What a convolution computes, and what pooling, grouped and
/// depthwise convolutions share: <c>S_out = floor((S_in + pad_begin + pad_end - kernel) / stride) + 1</c> per axis.
/// </summary>
internal readonly record struct WindowGeometry(
    int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth, int PadTop, int PadLeft, int PadBottom, int PadRight)
{
    /// <summary>A square window with equal strides and the same padding on all four sides.</summary>
    public static WindowGeometry Square(int kernel, int stride, int padding) => new(kernel, kernel, stride, stride, padding, padding, padding, padding);

    /// <summary>The kernel is square, the strides equal and the four pads equal: the lecture's geometry, described by one number each.</summary>
    public bool IsUniform => KernelHeight == KernelWidth && StrideHeight == StrideWidth
        && PadTop == PadLeft && PadTop == PadBottom && PadTop == PadRight;

    /// <summary>The same padding on all four sides.</summary>
    public bool UniformPads => PadTop == PadLeft && PadTop == PadBottom && PadTop == PadRight;

    /// <summary>Rows of the padded input.</summary>
    public long PaddedHeight(int height) => (long)height + PadTop + PadBottom;

    /// <summary>Columns of the padded input.</summary>
    public long PaddedWidth(int width) => (long)width + PadLeft + PadRight;

    /// <summary><c>5x5</c>, <c>10x4</c>.</summary>
    public string KernelText => $"{KernelHeight}x{KernelWidth}";

    /// <summary><c>2</c>, or <c>2x1</c> (rows by columns) where the axes differ.</summary>
    public string StrideText => StrideHeight == StrideWidth ? $"{StrideHeight}" : $"{StrideHeight}x{StrideWidth}";

    /// <summary><c>1</c>, or <c>(1, 1, 0, 0)</c> (top, left, bottom, right) where the sides differ.</summary>
    public string PadsText => UniformPads ? $"{PadTop}" : $"({PadTop}, {PadLeft}, {PadBottom}, {PadRight})";
}
