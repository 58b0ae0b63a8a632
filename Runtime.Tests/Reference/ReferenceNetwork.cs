using System.Globalization;

namespace StaticNets.Tests.Reference;

/// <summary>
/// A deliberately naive forward pass in double precision: the oracle that generated code, ONNX
/// export and everything else numeric is compared against. Each layer is a plain loop over the
/// formula, written to be checked by eye, with no attempt at speed.
/// </summary>
/// <remarks>
/// Layouts as in PyTorch and ONNX: values <c>[C][H][W]</c>; conv weights <c>[K][C][k][k]</c>
/// followed by bias <c>[K]</c>; dense weights <c>[units][inputs]</c> followed by bias <c>[units]</c>;
/// flatten in C-H-W order. Output sizes use PyTorch's floor. Dropout is the identity (inference).
/// Softmax is over the whole vector. LeakyReLU is <c>x &lt; 0 ? alpha*x : x</c>; GELU is the
/// exact <c>x * Phi(x)</c>. BatchNorm (and an [Add]'s ConvBatchNorm projection) is inference with the running
/// statistics: <c>γ (x - mean) / sqrt(var + ε) + β</c> per channel.
/// </remarks>
public static class ReferenceNetwork
{
    /// <summary>The network's output for <paramref name="input"/>, computed in double precision.</summary>
    /// <param name="info">The architecture; it is checked for consistency first (chained shapes, output sizes, parameter counts and offsets).</param>
    /// <param name="parameters">All weights and biases, layer by layer, each layer's weights then its bias.</param>
    /// <param name="input">One sample, <c>[C][H][W]</c>.</param>
    /// <param name="statistics">The running statistics, layer by layer, each layer's means then variances (empty without BatchNorm).</param>
    public static double[] Forward(NetworkInfo info, ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> statistics = default)
    {
        if (statistics.Length != info.StatisticsCount)
        {
            throw new ArgumentException($"{info.Name} has {info.StatisticsCount} running statistics, {statistics.Length} given.", nameof(statistics));
        }
        Validate(info);
        if (parameters.Length != info.ParameterCount)
        {
            throw new ArgumentException($"{info.Name} has {info.ParameterCount} parameters, {parameters.Length} given.", nameof(parameters));
        }
        if (input.Length != info.InputSize)
        {
            throw new ArgumentException($"{info.Name} takes {info.InputSize} inputs, {input.Length} given.", nameof(input));
        }

        double[] x = ToDouble(input);
        // Each output by layer name, for the [Add] layers that read an earlier one again.
        var outputs = new Dictionary<string, (double[] Values, TensorShape Shape)> { ["input"] = (x, info.InputShape) };
        foreach (LayerInfo layer in info.Layers)
        {
            ReadOnlySpan<float> weights = parameters.Slice(layer.ParameterOffset, layer.WeightCount);
            ReadOnlySpan<float> bias = parameters.Slice(layer.ParameterOffset + layer.WeightCount, layer.BiasCount);
            ReadOnlySpan<float> running = statistics.Slice(layer.StatisticsOffset, layer.StatisticsCount);
            x = layer.Kind switch
            {
                LayerKind.Conv2D => Activate(Conv2D(x, layer.InputShape, layer.OutputShape, Geometry(layer), weights, bias), layer.Activation, layer.Alpha),
                LayerKind.MaxPool => Pool(x, layer.InputShape, layer.OutputShape, Geometry(layer), window => window.Max()),
                LayerKind.AvgPool => Pool(x, layer.InputShape, layer.OutputShape, Geometry(layer), window => window.Sum() / window.Count),
                LayerKind.Flatten => x,
                LayerKind.Dense => Activate(Dense(x, layer.Units, weights, bias), layer.Activation, layer.Alpha),
                LayerKind.Dropout => x,
                LayerKind.Activation => Activate(x, layer.Activation, layer.Alpha),
                LayerKind.BatchNorm => BatchNorm(x, layer.OutputShape, weights, bias, running, layer.Epsilon),
                LayerKind.Add => Add(x, outputs[layer.From!], layer, weights, bias, running),
                _ => throw new ArgumentException($"{layer.Name}: unknown layer kind {layer.Kind}."),
            };
            outputs[layer.Name] = (x, layer.OutputShape);
        }
        return x;
    }

    /// <summary>
    /// <c>y = x + skip</c>, or <c>y = x + conv1x1(skip)</c> for <see cref="Projection.Conv"/>: a 1x1 convolution with bias and
    /// the layer's strides, weights <c>[out][in]</c>; for <see cref="Projection.ConvBatchNorm"/>, the convolution without
    /// bias, then a BatchNorm whose γ and β are the layer's biases and whose running statistics are <paramref name="statistics"/>.
    /// </summary>
    public static double[] Add(double[] x, (double[] Values, TensorShape Shape) from, LayerInfo layer, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> statistics = default)
    {
        var window = new ConvGeometry(1, 1, layer.StrideHeight, layer.StrideWidth, 0, 0, 0, 0);
        double[] skip = layer.Projection switch
        {
            Projection.Conv => Conv2D(from.Values, from.Shape, layer.OutputShape, window, weights, bias),
            Projection.ConvBatchNorm => BatchNorm(Conv2D(from.Values, from.Shape, layer.OutputShape, window, weights, []), layer.OutputShape,
                bias[..layer.Units], bias[layer.Units..], statistics, layer.Epsilon),
            _ => from.Values,
        };
        var y = new double[x.Length];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = x[i] + skip[i];
        }
        return y;
    }

    /// <summary>
    /// <c>y[c][i] = γ[c] (x[c][i] - mean[c]) / sqrt(var[c] + ε) + β[c]</c>, per channel (per feature when flat), with the
    /// running means then variances in <paramref name="statistics"/>.
    /// </summary>
    public static double[] BatchNorm(double[] x, TensorShape shape, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> statistics, double epsilon)
    {
        int channels = shape.Channels, positions = shape.Height * shape.Width;
        var y = new double[x.Length];
        for (int c = 0; c < channels; c++)
        {
            double deviation = Math.Sqrt(statistics[channels + c] + epsilon);
            for (int i = c * positions; i < (c + 1) * positions; i++)
            {
                y[i] = gamma[c] * (x[i] - statistics[c]) / deviation + beta[c];
            }
        }
        return y;
    }

    /// <summary>
    /// <c>y[k][oy][ox] = bias[k] + sum over c, i, j of w[k][c][i][j] * x[c][oy*s - p + i][ox*s - p + j]</c>,
    /// where a position outside the input is a zero of the padding.
    /// </summary>
    public static double[] Conv2D(double[] x, TensorShape input, TensorShape output, int kernel, int stride, int padding, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) =>
        Conv2D(x, input, output, new ConvGeometry(kernel, kernel, stride, stride, padding, padding, padding, padding), weights, bias);

    /// <summary>A convolution's window: kernel rows and columns, strides per axis, pads per side.</summary>
    public readonly record struct ConvGeometry(int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth, int PadTop, int PadLeft, int PadBottom, int PadRight, int Groups = 1);

    /// <summary>The layer's window: its per-axis members where set, else the square ones.</summary>
    public static ConvGeometry Geometry(LayerInfo l) => l.KernelHeight > 0
        ? new(l.KernelHeight, l.KernelWidth, l.StrideHeight, l.StrideWidth, l.PadTop, l.PadLeft, l.PadBottom, l.PadRight, Math.Max(l.Groups, 1))
        : new(l.Kernel, l.Kernel, l.Stride, l.Stride, l.Padding, l.Padding, l.Padding, l.Padding);

    /// <summary>
    /// <c>y[k][oy][ox] = bias[k] + sum over c, i, j of w[k][c][i][j] * x[c][oy*sh - pt + i][ox*sw - pl + j]</c> (no bias
    /// term when <paramref name="bias"/> is empty), where a position outside the input is a zero of the padding.
    /// </summary>
    public static double[] Conv2D(double[] x, TensorShape input, TensorShape output, ConvGeometry g, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        int channels = input.Channels, height = input.Height, width = input.Width;
        int filters = output.Channels, outHeight = output.Height, outWidth = output.Width;
        // Grouped: filter k reads the group's channels only (k / (filters / groups) is its group).
        int groupChannels = channels / g.Groups, groupFilters = filters / g.Groups;
        var y = new double[output.Size];
        for (int k = 0; k < filters; k++)
        {
            for (int oy = 0; oy < outHeight; oy++)
            {
                for (int ox = 0; ox < outWidth; ox++)
                {
                    double sum = bias.Length == 0 ? 0 : bias[k];
                    for (int gc = 0; gc < groupChannels; gc++)
                    {
                        int c = k / groupFilters * groupChannels + gc;
                        for (int i = 0; i < g.KernelHeight; i++)
                        {
                            for (int j = 0; j < g.KernelWidth; j++)
                            {
                                int iy = oy * g.StrideHeight - g.PadTop + i;
                                int ix = ox * g.StrideWidth - g.PadLeft + j;
                                if (iy < 0 || iy >= height || ix < 0 || ix >= width)
                                {
                                    continue; // zero padding
                                }
                                double w = weights[((k * groupChannels + gc) * g.KernelHeight + i) * g.KernelWidth + j];
                                sum += w * x[(c * height + iy) * width + ix];
                            }
                        }
                    }
                    y[(k * outHeight + oy) * outWidth + ox] = sum;
                }
            }
        }
        return y;
    }

    /// <summary><c>y[c][oy][ox]</c> = the largest <c>x[c][oy*s + i][ox*s + j]</c> over the window (no padding).</summary>
    public static double[] MaxPool(double[] x, TensorShape input, TensorShape output, int size, int stride) =>
        Pool(x, input, output, new ConvGeometry(size, size, stride, stride, 0, 0, 0, 0), window => window.Max());

    /// <summary><c>y[c][oy][ox]</c> = the mean of <c>x[c][oy*s + i][ox*s + j]</c> over the window (no padding).</summary>
    public static double[] AvgPool(double[] x, TensorShape input, TensorShape output, int size, int stride) =>
        Pool(x, input, output, new ConvGeometry(size, size, stride, stride, 0, 0, 0, 0), window => window.Sum() / window.Count);

    /// <summary>
    /// Each output reduces the input values inside its window: the padding is left out, which is -infinity for the
    /// maximum (it never wins) and not counted by the mean (ONNX's count_include_pad 0).
    /// </summary>
    private static double[] Pool(double[] x, TensorShape input, TensorShape output, ConvGeometry g, Func<List<double>, double> reduce)
    {
        var y = new double[output.Size];
        for (int c = 0; c < output.Channels; c++)
        {
            for (int oy = 0; oy < output.Height; oy++)
            {
                for (int ox = 0; ox < output.Width; ox++)
                {
                    var window = new List<double>(g.KernelHeight * g.KernelWidth);
                    for (int i = 0; i < g.KernelHeight; i++)
                    {
                        for (int j = 0; j < g.KernelWidth; j++)
                        {
                            int iy = oy * g.StrideHeight - g.PadTop + i, ix = ox * g.StrideWidth - g.PadLeft + j;
                            if (iy >= 0 && iy < input.Height && ix >= 0 && ix < input.Width)
                            {
                                window.Add(x[(c * input.Height + iy) * input.Width + ix]);
                            }
                        }
                    }
                    y[(c * output.Height + oy) * output.Width + ox] = reduce(window);
                }
            }
        }
        return y;
    }

    /// <summary><c>y[u] = bias[u] + sum over i of w[u][i] * x[i]</c>.</summary>
    public static double[] Dense(double[] x, int units, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        var y = new double[units];
        for (int u = 0; u < units; u++)
        {
            double sum = bias.IsEmpty ? 0 : bias[u]; // no bias: [Dense(Bias = false)]
            for (int i = 0; i < x.Length; i++)
            {
                sum += weights[u * x.Length + i] * x[i];
            }
            y[u] = sum;
        }
        return y;
    }

    /// <summary>Applies <paramref name="activation"/> to every value (Softmax: to the whole vector).</summary>
    public static double[] Activate(double[] x, Activation activation, double alpha)
    {
        if (activation == Activation.Softmax)
        {
            return Softmax(x);
        }
        return x.Select(v => activation switch
        {
            Activation.None => v,
            Activation.ReLU => Math.Max(0, v),
            Activation.ReLU6 => Math.Min(Math.Max(0, v), 6),
            Activation.LeakyReLU => v < 0 ? alpha * v : v,
            Activation.GELU => Gelu(v),
            Activation.Sigmoid => Sigmoid(v),
            Activation.Tanh => Math.Tanh(v),
            _ => throw new ArgumentException($"unknown activation {activation}"),
        }).ToArray();
    }

    /// <summary><c>exp(x_i - max) / sum_j exp(x_j - max)</c>: the same as without the max, but never overflows.</summary>
    public static double[] Softmax(double[] x)
    {
        double max = x.Max();
        double[] e = x.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    /// <summary><c>1 / (1 + e^-x)</c>, written so that neither branch overflows.</summary>
    public static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    /// <summary>The exact GELU, <c>x * Phi(x)</c> with <c>Phi(x) = erfc(-x / sqrt 2) / 2</c> (accurate for very negative x too).</summary>
    public static double Gelu(double x) => x * 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>The error function, to about 1e-15.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }
        double a = Math.Abs(x);
        double r = a < SeriesLimit ? ErfSeries(a) : 1 - ErfcContinuedFraction(a);
        return x < 0 ? -r : r;
    }

    /// <summary>The complementary error function <c>1 - erf(x)</c>, with full relative precision in both tails.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }
        if (x >= SeriesLimit)
        {
            return ErfcContinuedFraction(x);
        }
        if (x <= -SeriesLimit)
        {
            return 2 - ErfcContinuedFraction(-x);
        }
        return 1 - (x < 0 ? -ErfSeries(-x) : ErfSeries(x));
    }

    private const double SeriesLimit = 2.5;

    /// <summary>
    /// For 0 &lt;= x &lt; 2.5: <c>erf(x) = 2/sqrt(pi) * e^(-x^2) * sum_n (2x^2)^n x / (1*3*...*(2n+1))</c>
    /// (Abramowitz and Stegun 7.1.6). Every term is positive, so nothing cancels.
    /// </summary>
    private static double ErfSeries(double x)
    {
        double term = x, sum = x, twoX2 = 2 * x * x;
        for (int n = 1; n < 500 && term > 1e-18 * sum; n++)
        {
            term *= twoX2 / (2 * n + 1);
            sum += term;
        }
        return 2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x) * sum;
    }

    /// <summary>
    /// For x &gt;= 2.5: the continued fraction (Abramowitz and Stegun 7.1.14)
    /// <c>erfc(x) = e^(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))</c>,
    /// evaluated from a deep tail backwards.
    /// </summary>
    private static double ErfcContinuedFraction(double x)
    {
        double t = x;
        for (int n = 400; n >= 1; n--)
        {
            t = x + n / 2.0 / t;
        }
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / t;
    }

    /// <summary>
    /// Checks that <paramref name="info"/> describes a network this reference can compute: shapes
    /// chain, output sizes follow the floor formula, parameter counts and offsets fit the layout.
    /// </summary>
    public static void Validate(NetworkInfo info)
    {
        TensorShape shape = info.InputShape;
        int offset = 0;
        foreach (LayerInfo layer in info.Layers)
        {
            void Check(bool condition, string what)
            {
                if (!condition)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{info.Name}.{layer.Name} ({layer.Kind}): {what}."), nameof(info));
                }
            }

            TensorShape i = layer.InputShape, o = layer.OutputShape;
            Check(i == shape, $"input shape {i} is not the previous output {shape}");
            Check(layer.ParameterOffset == offset, $"parameter offset {layer.ParameterOffset}, expected {offset}");
            switch (layer.Kind)
            {
                case LayerKind.Conv2D:
                    var g = Geometry(layer);
                    int rows = (i.Height + g.PadTop + g.PadBottom - g.KernelHeight) / Math.Max(g.StrideHeight, 1) + 1;
                    int columns = (i.Width + g.PadLeft + g.PadRight - g.KernelWidth) / Math.Max(g.StrideWidth, 1) + 1;
                    Check(g.KernelHeight > 0 && g.KernelWidth > 0 && g.StrideHeight > 0 && g.StrideWidth > 0 && Math.Min(Math.Min(g.PadTop, g.PadLeft), Math.Min(g.PadBottom, g.PadRight)) >= 0,
                        "kernel and stride must be positive, padding non-negative");
                    Check(o == new TensorShape(layer.Units, rows, columns), $"output {o}, expected {rows}x{columns}x{layer.Units}");
                    Check(layer.WeightCount == layer.Units * i.Channels / g.Groups * g.KernelHeight * g.KernelWidth && (layer.BiasCount == layer.Units || layer.BiasCount == 0),
                        $"{layer.WeightCount} weights and {layer.BiasCount} biases do not fit {layer.Units}@{g.KernelHeight}x{g.KernelWidth} over {i.Channels} channels");
                    break;
                case LayerKind.MaxPool:
                case LayerKind.AvgPool:
                    var p = Geometry(layer);
                    int pooledH = (i.Height + p.PadTop + p.PadBottom - p.KernelHeight) / Math.Max(p.StrideHeight, 1) + 1;
                    int pooledW = (i.Width + p.PadLeft + p.PadRight - p.KernelWidth) / Math.Max(p.StrideWidth, 1) + 1;
                    Check(p.KernelHeight > 0 && p.KernelWidth > 0 && p.StrideHeight > 0 && p.StrideWidth > 0
                        && Math.Max(p.PadTop, p.PadBottom) < p.KernelHeight && Math.Max(p.PadLeft, p.PadRight) < p.KernelWidth
                        && Math.Min(Math.Min(p.PadTop, p.PadLeft), Math.Min(p.PadBottom, p.PadRight)) >= 0
                        && p.KernelHeight <= i.Height + p.PadTop + p.PadBottom && p.KernelWidth <= i.Width + p.PadLeft + p.PadRight,
                        "window must be positive, fit the padded input, and have pads below it");
                    Check(o == new TensorShape(i.Channels, pooledH, pooledW), $"output {o}, expected {pooledH}x{pooledW}x{i.Channels}");
                    Check(layer.ParameterCount == 0, "pooling has no parameters");
                    break;
                case LayerKind.Flatten:
                    Check(o == new TensorShape(i.Size, 1, 1), $"output {o}, expected {i.Size}");
                    Check(layer.ParameterCount == 0, "flatten has no parameters");
                    break;
                case LayerKind.Dense:
                    Check(o == new TensorShape(layer.Units, 1, 1), $"output {o}, expected {layer.Units}");
                    Check(layer.WeightCount == layer.Units * i.Size && (layer.BiasCount == layer.Units || layer.BiasCount == 0), $"{layer.WeightCount} weights and {layer.BiasCount} biases do not fit {layer.Units} units over {i.Size} inputs");
                    break;
                case LayerKind.Add:
                    Check(o == i, $"output {o} differs from input {i}");
                    Check(layer.From == "input" || info.Layers.TakeWhile(l => !ReferenceEquals(l, layer)).Any(l => l.Name == layer.From), $"from {layer.From} names no earlier layer");
                    Check(layer.Projection switch
                        {
                            Projection.Conv => layer.WeightCount % Math.Max(layer.Units, 1) == 0 && layer.BiasCount == layer.Units,
                            Projection.ConvBatchNorm => layer.WeightCount % Math.Max(layer.Units, 1) == 0 && layer.BiasCount == 2 * layer.Units
                                && layer.StatisticsCount == 2 * layer.Units,
                            _ => layer.ParameterCount == 0,
                        },
                        "a projection has 1x1 weights and a bias (ConvBatchNorm: γ and β, and two statistics per channel); an Add without one has no parameters");
                    break;
                case LayerKind.BatchNorm:
                    Check(o == i, $"output {o} differs from input {i}");
                    Check(layer.WeightCount == i.Channels && layer.BiasCount == i.Channels && layer.StatisticsCount == 2 * i.Channels,
                        "a BatchNorm has a γ, a β and two statistics per channel");
                    break;
                case LayerKind.Dropout:
                case LayerKind.Activation:
                    Check(o == i, $"output {o} differs from input {i}");
                    Check(layer.ParameterCount == 0, "no parameters expected");
                    break;
                default:
                    Check(false, "unknown layer kind");
                    break;
            }
            shape = o;
            offset += layer.ParameterCount;
        }
    }

    private static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }
        return result;
    }
}
