using System.Buffers.Binary;
using System.Globalization;
using static StaticNets.__Internals.OnnxLayout;

namespace StaticNets.__Internals;

/// <summary>The parts of a ModelProto the importer needs: the default domain's opset, the graph's inputs, nodes and initializers.</summary>
internal sealed class OnnxModel
{
    /// <summary>The version of the default (<c>ai.onnx</c>) operator set the model imports; 0 when it names none.</summary>
    public long Opset { get; private set; }

    public List<OnnxNode> Nodes { get; } = [];

    public Dictionary<string, OnnxTensor> Initializers { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The graph's inputs (which older exports list with the initializers): each name with its dims, null where the file
    /// gives no shape, a null dim where it is symbolic (<c>dim_param</c>) or not given.
    /// </summary>
    public List<(string Name, long?[]? Dims)> Inputs { get; } = [];

    /// <summary>Where the model was read from, for messages.</summary>
    private readonly string _source;

    private OnnxModel(string source) => _source = source;

    public static OnnxModel Parse(ReadOnlyMemory<byte> bytes, string source)
    {
        var model = new OnnxModel(source);
        bool hasGraph = false;
        var reader = new ProtoReader(bytes, "ModelProto");
        while (reader.NextField())
        {
            if (reader.Field == ModelGraph)
            {
                if (hasGraph)
                {
                    throw reader.Invalid("the model has two graphs");
                }
                hasGraph = true;
                model.ParseGraph(reader.ReadMessage("GraphProto"));
            }
            else if (reader.Field == ModelOpsetImport)
            {
                model.ParseOpset(reader.ReadMessage("OperatorSetIdProto"));
            }
            else
            {
                reader.Skip();
            }
        }
        if (!hasGraph)
        {
            throw new InvalidDataException($"{source} is not an ONNX model: it has no graph.");
        }
        return model;
    }

    private void ParseGraph(ProtoReader reader)
    {
        while (reader.NextField())
        {
            switch (reader.Field)
            {
                case GraphNode:
                    Nodes.Add(OnnxNode.Parse(reader.ReadMessage(Invariant($"NodeProto {Nodes.Count + 1}")), Nodes.Count, _source));
                    break;
                case GraphInput:
                    Inputs.Add(ParseValueInfo(reader.ReadMessage(Invariant($"graph input {Inputs.Count + 1}"))));
                    break;
                case GraphInitializer:
                    OnnxTensor tensor = OnnxTensor.Parse(reader.ReadMessage(Invariant($"initializer {Initializers.Count + 1}")));
                    if (!Initializers.TryAdd(tensor.Name, tensor))
                    {
                        throw reader.Invalid($"two initializers are named '{tensor.Name}'");
                    }
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
    }

    /// <summary>A ValueInfoProto's name and, for a tensor type with a shape, its dims.</summary>
    private static (string Name, long?[]? Dims) ParseValueInfo(ProtoReader reader)
    {
        string name = "";
        long?[]? dims = null;
        while (reader.NextField())
        {
            if (reader.Field == ValueInfoName)
            {
                name = reader.ReadString();
            }
            else if (reader.Field == ValueInfoType)
            {
                ProtoReader type = reader.ReadMessage("TypeProto");
                while (type.NextField())
                {
                    if (type.Field != TypeTensor)
                    {
                        type.Skip();
                        continue;
                    }
                    ProtoReader tensor = type.ReadMessage("TypeProto.Tensor");
                    while (tensor.NextField())
                    {
                        if (tensor.Field == TensorTypeShape)
                        {
                            dims = ParseShape(tensor.ReadMessage("TensorShapeProto"));
                        }
                        else
                        {
                            tensor.Skip();
                        }
                    }
                }
            }
            else
            {
                reader.Skip();
            }
        }
        return (name, dims);
    }

    private static long?[] ParseShape(ProtoReader shape)
    {
        var dims = new List<long?>();
        while (shape.NextField())
        {
            if (shape.Field != ShapeDim)
            {
                shape.Skip();
                continue;
            }
            ProtoReader dim = shape.ReadMessage("TensorShapeProto.Dimension");
            long? value = null;
            while (dim.NextField())
            {
                if (dim.Field == DimValue)
                {
                    value = dim.ReadInt64();
                }
                else
                {
                    dim.Skip();
                }
            }
            dims.Add(value);
        }
        return [.. dims];
    }

    private void ParseOpset(ProtoReader reader)
    {
        string domain = "";
        long version = 0;
        while (reader.NextField())
        {
            switch (reader.Field)
            {
                case OpsetDomain:
                    domain = reader.ReadString();
                    break;
                case OpsetVersionField:
                    version = reader.ReadInt64();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (domain is "" or "ai.onnx")
        {
            Opset = version;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A TensorProto: name, dims, element type, and where its data lies.</summary>
internal sealed class OnnxTensor
{
    public string Name { get; private set; } = "";

    public List<long> Dims { get; } = [];

    public int DataType { get; private set; }

    public ReadOnlyMemory<byte>? RawData { get; private set; }

    public List<float> FloatData { get; } = [];

    public bool External { get; private set; }

    public static OnnxTensor Parse(ProtoReader reader)
    {
        var tensor = new OnnxTensor();
        while (reader.NextField())
        {
            switch (reader.Field)
            {
                case TensorDims when reader.WireType == WireType.LengthDelimited:
                    var packed = new ProtoReader(reader.ReadBytes(), "TensorProto.dims");
                    while (!packed.AtEnd)
                    {
                        tensor.Dims.Add((long)packed.ReadVarint());
                    }
                    break;
                case TensorDims:
                    tensor.Dims.Add(reader.ReadInt64());
                    break;
                case TensorDataType:
                    tensor.DataType = reader.ReadInt32();
                    break;
                case TensorFloatData when reader.WireType == WireType.LengthDelimited:
                    ReadOnlySpan<byte> floats = reader.ReadBytes().Span;
                    if (floats.Length % sizeof(float) != 0)
                    {
                        throw reader.Invalid($"packed float_data of {floats.Length} bytes is not a whole number of floats");
                    }
                    for (int i = 0; i < floats.Length; i += sizeof(float))
                    {
                        tensor.FloatData.Add(BinaryPrimitives.ReadSingleLittleEndian(floats[i..]));
                    }
                    break;
                case TensorFloatData:
                    tensor.FloatData.Add(reader.ReadFloat());
                    break;
                case TensorName:
                    tensor.Name = reader.ReadString();
                    break;
                case TensorRawData:
                    tensor.RawData = reader.ReadBytes();
                    break;
                case TensorDataLocation:
                    tensor.External = reader.ReadInt64() != 0;
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        return tensor;
    }

    /// <summary>The tensor's values, after checking its type, its shape against <paramref name="expected"/>, its size and that every value is finite.</summary>
    public float[] ReadFloats(string label, long[] expected, string network, string source)
    {
        if (!Dims.SequenceEqual(expected))
        {
            throw new InvalidDataException(Invariant($"{source}: {label}: model has {FormatDims(Dims.ToArray())}, {network} expects {FormatDims(expected)}."));
        }
        if (External)
        {
            throw new InvalidDataException($"{source}: {label}: the data is stored in an external file, which the importer does not read.");
        }
        if (DataType != OnnxLayout.Float)
        {
            throw new InvalidDataException(Invariant($"{source}: {label}: the element type is {TypeName(DataType)}, {network} needs float32."));
        }
        long count = 1;
        foreach (long d in expected)
        {
            count *= d;
        }
        float[] values = new float[count];
        if (RawData is ReadOnlyMemory<byte> raw)
        {
            if (raw.Length != count * sizeof(float) || FloatData.Count != 0)
            {
                throw new InvalidDataException(Invariant($"{source}: {label}: raw_data holds {raw.Length:N0} bytes, a {FormatDims(expected)} float tensor needs {count * sizeof(float):N0}."));
            }
            ReadOnlySpan<byte> span = raw.Span;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(span[(i * sizeof(float))..]);
            }
        }
        else
        {
            if (FloatData.Count != count)
            {
                throw new InvalidDataException(Invariant($"{source}: {label}: float_data holds {FloatData.Count:N0} values, a {FormatDims(expected)} tensor needs {count:N0}."));
            }
            FloatData.CopyTo(values);
        }
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new InvalidDataException(Invariant($"{source}: {label}: value {i:N0} is {values[i]}; weights must be finite."));
            }
        }
        return values;
    }

    private static string TypeName(int type) => type switch
    {
        0 => "undefined (0)",
        2 => "uint8 (2)",
        3 => "int8 (3)",
        6 => "int32 (6)",
        7 => "int64 (7)",
        10 => "float16 (10)",
        11 => "double (11)",
        16 => "bfloat16 (16)",
        _ => Invariant($"type {type}"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
