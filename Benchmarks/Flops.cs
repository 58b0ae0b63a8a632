namespace StaticNets.Benchmarks;

/// <summary>
/// Floating-point operations per sample, counted from a network's layer shapes: a multiply-add is two
/// operations. Biases, activations, pooling, softmax and the loss are left out (for LeNet-5 they are
/// about 1% of the total), so GFLOP/s here is the rate of useful multiply-adds.
/// </summary>
/// <remarks>
/// LeNet-5, forward:
/// <code>
/// conv1   28x28x6 outputs x (1x5x5) taps x 2  = 235,200
/// conv2   10x10x16 outputs x (6x5x5) taps x 2 = 480,000
/// dense1  120 units x 400 inputs x 2          =  96,000
/// dense2   84 units x 120 inputs x 2          =  20,160
/// dense3   10 units x  84 inputs x 2          =   1,680
/// forward                                       833,040   (0.83 MFLOP)
/// </code>
/// Training (one sample, forward and backward): every layer with weights computes its weight gradient,
/// as many operations as its forward, and, unless it is the first layer, its input gradient, as many again:
/// <code>
/// 833,040 forward + 833,040 weight gradients + (833,040 - 235,200) input gradients = 2,263,920 (2.26 MFLOP)
/// </code>
/// An optimizer step is a few operations per parameter (Adam: about 12 x 61,706 = 0.74 MFLOP per batch);
/// it is not counted, so batch-1 training is measured against the same 2.26 MFLOP as batch 32.
/// </remarks>
internal static class Flops
{
    /// <summary>Operations of one sample's forward pass.</summary>
    public static long Forward(NetworkInfo info) => info.Layers.Sum(LayerForward);

    /// <summary>Operations of one sample's forward and backward pass.</summary>
    public static long Training(NetworkInfo info) =>
        info.Layers.Select((layer, index) => LayerForward(layer) + LayerBackward(layer, index == 0)).Sum();

    /// <summary>Multiply-adds of a layer's forward pass, times two.</summary>
    public static long LayerForward(LayerInfo layer) => layer.Kind switch
    {
        LayerKind.Conv2D => 2L * layer.OutputShape.Size * layer.InputShape.Channels * layer.Kernel * layer.Kernel,
        LayerKind.Dense => 2L * layer.OutputShape.Size * layer.InputShape.Size,
        _ => 0,
    };

    /// <summary>Multiply-adds of a layer's backward pass, times two: the weight gradient, and the input gradient unless <paramref name="first"/>.</summary>
    public static long LayerBackward(LayerInfo layer, bool first) => LayerForward(layer) * (first ? 1 : 2);
}
