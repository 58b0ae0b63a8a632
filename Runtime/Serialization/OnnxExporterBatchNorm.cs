namespace StaticNets.__Internals;

public static partial class OnnxExporter
{
    /// <summary>
    /// A BatchNorm as ONNX's <c>BatchNormalization</c> (inference: <c>training_mode</c> 0) on the tensor as it is,
    /// <c>[N, C, H, W]</c> per channel or <c>[N, C]</c> per feature: inputs X, scale (γ), B (β), input_mean and
    /// input_var (the running statistics), as initializers named as PyTorch names them (<c>bn1.weight</c>,
    /// <c>bn1.bias</c>, <c>bn1.running_mean</c>, <c>bn1.running_var</c>); attributes <c>epsilon</c> and
    /// <c>momentum</c>, the latter in ONNX's convention (the weight of the running value: 1 − PyTorch's momentum).
    /// </summary>
    private static string AddBatchNorm(Graph graph, string x, LayerInfo layer, ReadOnlySpan<float> parameters, ReadOnlySpan<float> statistics)
    {
        int channels = layer.WeightCount;
        string scale = graph.AddFloatInitializer(OnnxLayout.WeightName(layer), [channels], parameters.Slice(layer.ParameterOffset, channels));
        string bias = graph.AddFloatInitializer(OnnxLayout.BiasName(layer), [channels], parameters.Slice(layer.ParameterOffset + channels, channels));
        string mean = graph.AddFloatInitializer(RunningMeanName(layer), [channels], statistics.Slice(layer.StatisticsOffset, channels));
        string variance = graph.AddFloatInitializer(RunningVarianceName(layer), [channels], statistics.Slice(layer.StatisticsOffset + channels, channels));
        return graph.Add("BatchNormalization", layer.Name, [x, scale, bias, mean, variance],
            new Attribute("epsilon", Float: layer.Epsilon),
            new Attribute("momentum", Float: 1 - layer.Momentum));
    }

    /// <summary>The running means' initializer, as PyTorch names it: <c>bn1.running_mean</c>.</summary>
    internal static string RunningMeanName(LayerInfo layer) => layer.Name + ".running_mean";

    /// <summary>The running variances' initializer, as PyTorch names it: <c>bn1.running_var</c>.</summary>
    internal static string RunningVarianceName(LayerInfo layer) => layer.Name + ".running_var";
}
