using System.Globalization;

namespace StaticNets.__Internals;

/// <summary>
/// What the ONNX exporter and importer agree on: the protobuf field numbers of the ONNX messages
/// they use (from onnx.proto), the initializer names, and the tensor shapes of each layer's
/// weights and bias.
/// </summary>
internal static class OnnxLayout
{
    /// <summary>The IR version written (ONNX 1.10+ reads it; ONNX Runtime 1.10+ runs it).</summary>
    public const long IrVersion = 8;

    /// <summary>The opset of the default domain the graph is written against.</summary>
    public const long OpsetVersion = 17;

    /// <summary>TensorProto.DataType.FLOAT.</summary>
    public const int Float = 1;

    /// <summary>TensorProto.DataType.INT64.</summary>
    public const int Int64 = 7;

    /// <summary>AttributeProto.AttributeType values used here.</summary>
    public const int AttributeFloat = 1, AttributeInt = 2, AttributeString = 3, AttributeInts = 7;

    /// <summary>ModelProto fields.</summary>
    public const int ModelIrVersion = 1, ModelProducerName = 2, ModelProducerVersion = 3, ModelDocString = 6, ModelGraph = 7, ModelOpsetImport = 8;

    /// <summary>OperatorSetIdProto fields.</summary>
    public const int OpsetDomain = 1, OpsetVersionField = 2;

    /// <summary>GraphProto fields.</summary>
    public const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphDocString = 10, GraphInput = 11, GraphOutput = 12;

    /// <summary>NodeProto fields.</summary>
    public const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5;

    /// <summary>AttributeProto fields.</summary>
    public const int AttributeName = 1, AttributeF = 2, AttributeI = 3, AttributeS = 4, AttributeIntsField = 8, AttributeType = 20;

    /// <summary>TensorProto fields.</summary>
    public const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorName = 8, TensorRawData = 9, TensorDataLocation = 14;

    /// <summary>ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto and its Dimension fields.</summary>
    public const int ValueInfoName = 1, ValueInfoType = 2, TypeTensor = 1, TensorTypeElemType = 1, TensorTypeShape = 2, ShapeDim = 1, DimValue = 1, DimParam = 2;

    /// <summary>The ONNX operator that carries the weights of a layer with weights: <c>Conv</c> or <c>Gemm</c>.</summary>
    public static string OpType(LayerInfo layer) => layer.Kind switch
    {
        LayerKind.Conv2D => "Conv",
        LayerKind.Dense => "Gemm",
        LayerKind.Add when layer.Projection is Projection.Conv or Projection.ConvBatchNorm => "Conv",
        _ => throw new ArgumentException($"{layer.Name}: a {layer.Kind} layer has no ONNX operator with weights.", nameof(layer)),
    };

    /// <summary>
    /// The biases of a layer's <c>Conv</c> or <c>Gemm</c>: its <see cref="LayerInfo.BiasCount"/>, but none for an [Add]'s
    /// ConvBatchNorm projection, whose convolution has no bias (its biases are the BatchNorm's γ and β).
    /// </summary>
    public static int ConvBiasCount(LayerInfo layer) => OnnxBatchNormImport.NormalizesProjection(layer) ? 0 : layer.BiasCount;

    /// <summary>The operators of <see cref="OpType"/>: the nodes whose weights import matches by position.</summary>
    public static readonly string[] WeightedOpTypes = ["Conv", "Gemm"];

    /// <summary>The initializer name of a layer's weights, e.g. <c>conv1.weight</c>.</summary>
    public static string WeightName(LayerInfo layer) => layer.Name + ".weight";

    /// <summary>The initializer name of a layer's bias, e.g. <c>conv1.bias</c>.</summary>
    public static string BiasName(LayerInfo layer) => layer.Name + ".bias";

    /// <summary>
    /// The weight tensor's shape: <c>[filters, channels, kernel, kernel]</c> for a convolution,
    /// <c>[units, inputs]</c> for a dense layer, checked against the layer's weight count.
    /// </summary>
    public static long[] WeightDims(LayerInfo layer)
    {
        long[] dims = layer.Kind switch
        {
            LayerKind.Conv2D => [layer.Units, layer.InputShape.Channels / Math.Max(layer.Groups, 1), Window(layer).Kernel[0], Window(layer).Kernel[1]],
            LayerKind.Dense => [layer.Units, layer.InputShape.Size],
            // An [Add]'s projection: a 1x1 convolution from the added tensor's channels.
            LayerKind.Add when layer.Projection is Projection.Conv or Projection.ConvBatchNorm => [layer.Units, layer.WeightCount / Math.Max(layer.Units, 1), 1, 1],
            _ => throw new ArgumentException($"{layer.Name}: a {layer.Kind} layer has no ONNX weight tensor.", nameof(layer)),
        };
        long product = 1;
        foreach (long d in dims)
        {
            product *= d;
        }
        if (product != layer.WeightCount || (ConvBiasCount(layer) != 0 && ConvBiasCount(layer) != layer.Units))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{layer.Name}: the layer info is inconsistent: {layer.WeightCount} weights and {layer.BiasCount} biases, but its weight tensor is {FormatDims(dims)} with {layer.Units} units."));
        }
        return dims;
    }

    /// <summary>
    /// The window's kernel, strides and pads (top, left, bottom, right): the per-axis members where the generator set
    /// them (<see cref="LayerInfo.KernelHeight"/> above zero), else the square <see cref="LayerInfo.Kernel"/>,
    /// <see cref="LayerInfo.Stride"/> and <see cref="LayerInfo.Padding"/>.
    /// </summary>
    public static (int[] Kernel, int[] Strides, int[] Pads) Window(LayerInfo layer) => layer.KernelHeight > 0
        ? ([layer.KernelHeight, layer.KernelWidth], [layer.StrideHeight, layer.StrideWidth], [layer.PadTop, layer.PadLeft, layer.PadBottom, layer.PadRight])
        : ([layer.Kernel, layer.Kernel], [layer.Stride, layer.Stride], [layer.Padding, layer.Padding, layer.Padding, layer.Padding]);

    /// <summary><c>[16,6,5,5]</c>.</summary>
    public static string FormatDims(ReadOnlySpan<long> dims)
    {
        var parts = new string[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            parts[i] = dims[i].ToString(CultureInfo.InvariantCulture);
        }
        return "[" + string.Join(",", parts) + "]";
    }
}
