using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace StaticNets.Benchmarks;

/// <summary>
/// One of the benchmarked networks written as a TorchSharp module, by hand, from the Keras reference form that
/// <c>MlperfTinyModels.cs</c> declares (and LeNet-5 from <c>LeNet5.cs</c>): the same layers in the same order, the same
/// shapes, Keras "same" padding (the extra row and column at the bottom and right where TensorFlow puts them),
/// BatchNorm with momentum 0.1 and epsilon 1e-5. The forward pass returns logits for the classifiers (the StaticNets
/// network ends with Softmax and trains with cross-entropy; PyTorch's cross-entropy takes the logits).
/// </summary>
internal abstract class TorchNet : nn.Module<Tensor, Tensor>
{
    private readonly List<Tensor> order = [];
    private readonly List<BatchNorm> norms = [];
    private int count;

    protected TorchNet(string name) : base(name)
    {
    }

    /// <summary>The parameters in StaticNets' order: layer by layer, weights then bias, BatchNorm γ then β, an Add's projection at the Add.</summary>
    public IReadOnlyList<Tensor> StaticNetsOrder => order;

    /// <summary>The BatchNorm layers in StaticNets' order (their running means then variances are its <c>Statistics</c>).</summary>
    public IReadOnlyList<BatchNorm> Norms => norms;

    /// <summary>Keras "same" padding of one dimension: the output is ceil(size / stride); an odd total puts the extra row at the end.</summary>
    public static (long Before, long After) SamePads(long size, long kernel, long stride)
    {
        long output = (size + stride - 1) / stride;
        long total = Math.Max((output - 1) * stride + kernel - size, 0);
        return (total / 2, total - total / 2);
    }

    /// <summary>A convolution with Keras "same" padding over an input of <paramref name="input"/> (height, width).</summary>
    protected SameConv Conv(long inputs, long filters, (long H, long W) kernel, long stride, (long H, long W) input, long groups = 1, bool bias = false)
    {
        var conv = new SameConv($"conv{++count}", inputs, filters, kernel, stride, input, groups, bias);
        register_module(conv.GetName(), conv);
        order.Add(conv.Weight);
        if (conv.Bias is { } b) order.Add(b);
        return conv;
    }

    /// <summary>A convolution with no padding (a projection shortcut, LeNet-5's second convolution).</summary>
    protected Conv2d PlainConv(long inputs, long filters, long kernel, long stride, long padding, bool bias)
    {
        Conv2d conv = nn.Conv2d(inputs, filters, kernel, stride: stride, padding: padding, bias: bias);
        register_module($"conv{++count}", conv);
        order.Add(conv.weight!);
        if (bias) order.Add(conv.bias!);
        return conv;
    }

    protected BatchNorm2d Norm2d(long channels)
    {
        BatchNorm2d bn = nn.BatchNorm2d(channels, eps: 1e-5, momentum: 0.1);
        Register(bn);
        return bn;
    }

    protected BatchNorm1d Norm1d(long features)
    {
        BatchNorm1d bn = nn.BatchNorm1d(features, eps: 1e-5, momentum: 0.1);
        Register(bn);
        return bn;
    }

    protected Linear Dense(long inputs, long outputs, bool bias = true)
    {
        Linear dense = nn.Linear(inputs, outputs, hasBias: bias);
        register_module($"dense{++count}", dense);
        order.Add(dense.weight!);
        if (bias) order.Add(dense.bias!);
        return dense;
    }

    private void Register(BatchNorm bn)
    {
        register_module($"bn{++count}", bn);
        order.Add(bn.weight!);
        order.Add(bn.bias!);
        norms.Add(bn);
    }
}

/// <summary>
/// A convolution with Keras "same" padding: PyTorch's own padding where it is symmetric, otherwise an explicit
/// <c>pad</c> of the input (left, right, top, bottom) and an unpadded convolution, as a PyTorch port of a TensorFlow
/// model writes it.
/// </summary>
internal sealed class SameConv : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly long[]? pad;

    public SameConv(string name, long inputs, long filters, (long H, long W) kernel, long stride, (long H, long W) input, long groups, bool bias)
        : base(name)
    {
        (long top, long bottom) = TorchNet.SamePads(input.H, kernel.H, stride);
        (long left, long right) = TorchNet.SamePads(input.W, kernel.W, stride);
        bool symmetric = top == bottom && left == right;
        conv = nn.Conv2d(inputs, filters, kernel, stride: (stride, stride), padding: symmetric ? (top, left) : (0, 0), groups: groups, bias: bias);
        pad = symmetric ? null : [left, right, top, bottom];
        register_module("conv", conv);
    }

    public Parameter Weight => conv.weight!;

    public Parameter? Bias => conv.bias;

    public override Tensor forward(Tensor x) => conv.forward(pad is null ? x : F.pad(x, pad));
}

/// <summary>ResNet-8 (MlperfTinyModels.cs): three stacks of 16, 32, 64 filters, 1x1 stride-2 projections with bias, no BatchNorm.</summary>
internal sealed class TorchResNet8 : TorchNet
{
    private readonly SameConv c0, c1, c2, c3, c4, c5, c6;
    private readonly BatchNorm2d b0, b1, b2, b3, b4, b5, b6;
    private readonly Conv2d p4, p6;
    private readonly Linear fc;

    public TorchResNet8() : base("ResNet8")
    {
        // Registered in StaticNets' parameter order: the projection at its Add, after the block's second BatchNorm.
        c0 = Conv(3, 16, (3, 3), 1, (32, 32)); b0 = Norm2d(16);
        c1 = Conv(16, 16, (3, 3), 1, (32, 32)); b1 = Norm2d(16);
        c2 = Conv(16, 16, (3, 3), 1, (32, 32)); b2 = Norm2d(16);
        c3 = Conv(16, 32, (3, 3), 2, (32, 32)); b3 = Norm2d(32);
        c4 = Conv(32, 32, (3, 3), 1, (16, 16)); b4 = Norm2d(32);
        p4 = PlainConv(16, 32, 1, stride: 2, padding: 0, bias: true);
        c5 = Conv(32, 64, (3, 3), 2, (16, 16)); b5 = Norm2d(64);
        c6 = Conv(64, 64, (3, 3), 1, (8, 8)); b6 = Norm2d(64);
        p6 = PlainConv(32, 64, 1, stride: 2, padding: 0, bias: true);
        fc = Dense(64, 10);
    }

    public override Tensor forward(Tensor x)
    {
        Tensor s0 = F.relu(b0.forward(c0.forward(x)));
        Tensor y = F.relu(b1.forward(c1.forward(s0)));
        Tensor s1 = F.relu(b2.forward(c2.forward(y)) + s0);
        y = F.relu(b3.forward(c3.forward(s1)));
        Tensor s2 = F.relu(b4.forward(c4.forward(y)) + p4.forward(s1));
        y = F.relu(b5.forward(c5.forward(s2)));
        Tensor s3 = F.relu(b6.forward(c6.forward(y)) + p6.forward(s2));
        return fc.forward(F.adaptive_avg_pool2d(s3, 1).flatten(1));
    }
}

/// <summary>The DS-CNN (MlperfTinyModels.cs): a 10x4 stride-2 convolution, four depthwise-separable blocks, a 25x5 average pool.</summary>
internal sealed class TorchDsCnn : TorchNet
{
    private readonly SameConv c0;
    private readonly BatchNorm2d b0;
    private readonly (SameConv Dw, BatchNorm2d DwNorm, SameConv Pw, BatchNorm2d PwNorm)[] blocks = new (SameConv, BatchNorm2d, SameConv, BatchNorm2d)[4];
    private readonly Linear fc;

    public TorchDsCnn() : base("DsCnn")
    {
        c0 = Conv(1, 64, (10, 4), 2, (49, 10)); b0 = Norm2d(64);                // Keras pads 4 rows above, 5 below
        for (int i = 0; i < blocks.Length; i++)
        {
            SameConv dw = Conv(64, 64, (3, 3), 1, (25, 5), groups: 64);
            BatchNorm2d dwNorm = Norm2d(64);
            SameConv pw = Conv(64, 64, (1, 1), 1, (25, 5));
            blocks[i] = (dw, dwNorm, pw, Norm2d(64));
        }

        fc = Dense(64, 12);
    }

    public override Tensor forward(Tensor x)
    {
        x = F.relu(b0.forward(c0.forward(x)));
        foreach (var (dw, dwNorm, pw, pwNorm) in blocks)
        {
            x = F.relu(dwNorm.forward(dw.forward(x)));
            x = F.relu(pwNorm.forward(pw.forward(x)));
        }

        return fc.forward(F.avg_pool2d(x, (25, 5)).flatten(1));
    }
}

/// <summary>MobileNetV1 0.25 on 96x96x3 (MlperfTinyModels.cs): thirteen depthwise-separable blocks, global average pooling.</summary>
internal sealed class TorchMobileNetV1 : TorchNet
{
    /// <summary>Each block's pointwise filters and depthwise stride.</summary>
    private static readonly (int Filters, int Stride)[] Plan =
        [(16, 1), (32, 2), (32, 1), (64, 2), (64, 1), (128, 2), (128, 1), (128, 1), (128, 1), (128, 1), (128, 1), (256, 2), (256, 1)];

    private readonly SameConv c0;
    private readonly BatchNorm2d b0;
    private readonly (SameConv Dw, BatchNorm2d DwNorm, SameConv Pw, BatchNorm2d PwNorm)[] blocks = new (SameConv, BatchNorm2d, SameConv, BatchNorm2d)[Plan.Length];
    private readonly Linear fc;

    public TorchMobileNetV1() : base("MobileNetV1")
    {
        c0 = Conv(3, 8, (3, 3), 2, (96, 96)); b0 = Norm2d(8);                     // 48x48x8
        long channels = 8, size = 48;
        for (int i = 0; i < Plan.Length; i++)
        {
            (int filters, int stride) = Plan[i];
            SameConv dw = Conv(channels, channels, (3, 3), stride, (size, size), groups: channels);
            BatchNorm2d dwNorm = Norm2d(channels);
            size = (size + stride - 1) / stride;
            SameConv pw = Conv(channels, filters, (1, 1), 1, (size, size));
            blocks[i] = (dw, dwNorm, pw, Norm2d(filters));
            channels = filters;
        }

        fc = Dense(256, 2);
    }

    public override Tensor forward(Tensor x)
    {
        x = F.relu(b0.forward(c0.forward(x)));
        foreach (var (dw, dwNorm, pw, pwNorm) in blocks)
        {
            x = F.relu(dwNorm.forward(dw.forward(x)));
            x = F.relu(pwNorm.forward(pw.forward(x)));
        }

        return fc.forward(F.adaptive_avg_pool2d(x, 1).flatten(1));
    }
}

/// <summary>The dense autoencoder (MlperfTinyModels.cs): 640-128x4-8-128x4, each Dense without bias, BatchNorm, ReLU; a linear 640 out.</summary>
internal sealed class TorchAutoEncoder : TorchNet
{
    private static readonly int[] Sizes = [640, 128, 128, 128, 128, 8, 128, 128, 128, 128];

    private readonly (Linear Dense, BatchNorm1d Norm)[] layers = new (Linear, BatchNorm1d)[Sizes.Length - 1];
    private readonly Linear output;

    public TorchAutoEncoder() : base("AutoEncoder")
    {
        for (int i = 0; i < layers.Length; i++)
        {
            Linear dense = Dense(Sizes[i], Sizes[i + 1], bias: false);
            layers[i] = (dense, Norm1d(Sizes[i + 1]));
        }

        output = Dense(128, 640);
    }

    public override Tensor forward(Tensor x)
    {
        foreach (var (dense, norm) in layers)
        {
            x = F.relu(norm.forward(dense.forward(x)));
        }

        return output.forward(x);
    }
}

/// <summary>LeNet-5 (LeNet5.cs), the sanity anchor: TOOLCHAIN.md's TorchSharp figures were measured on it.</summary>
internal sealed class TorchLeNet5 : TorchNet
{
    private readonly Conv2d conv1, conv2;
    private readonly Linear dense1, dense2, dense3;

    public TorchLeNet5() : base("LeNet5")
    {
        conv1 = PlainConv(1, 6, 5, stride: 1, padding: 2, bias: true);
        conv2 = PlainConv(6, 16, 5, stride: 1, padding: 0, bias: true);
        dense1 = Dense(400, 120);
        dense2 = Dense(120, 84);
        dense3 = Dense(84, 10);
    }

    public override Tensor forward(Tensor x)
    {
        x = F.max_pool2d(F.relu(conv1.forward(x)), 2);
        x = F.max_pool2d(F.relu(conv2.forward(x)), 2).flatten(1);
        x = F.relu(dense1.forward(x));
        x = F.relu(dense2.forward(x));
        return dense3.forward(x);
    }
}
