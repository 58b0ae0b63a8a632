using System.Globalization;
using static StaticNets.__Internals.OnnxLayout;

namespace StaticNets.__Internals;

/// <summary>A NodeProto: its operator, name, inputs, outputs and attributes.</summary>
internal sealed class OnnxNode
{
    public string OpType { get; private set; } = "";

    public string Name { get; private set; } = "";

    /// <summary>The node's position in the graph, from 0.</summary>
    public int Index { get; private init; }

    /// <summary>Where the model was read from (<c>ONNX model 'm.onnx'</c>), for messages.</summary>
    public string Source { get; private init; } = "";

    public List<string> Inputs { get; } = [];

    public List<string> Outputs { get; } = [];

    public Dictionary<string, OnnxAttribute> Attributes { get; } = new(StringComparer.Ordinal);

    /// <summary>Gemm's <c>transB</c> (0 when absent).</summary>
    public long TransB => Int("transB", 0);

    /// <summary><c>node "/conv1/Conv" (Conv)</c>, or <c>node 3 (Conv)</c> for a node without a name.</summary>
    public override string ToString() => Name.Length > 0
        ? $"node \"{Name}\" ({OpType})"
        : string.Create(CultureInfo.InvariantCulture, $"node {Index + 1} ({OpType})");

    public bool Has(string name) => Attributes.ContainsKey(name);

    /// <summary>The int attribute <paramref name="name"/>, or <paramref name="fallback"/> (ONNX's default) when the node has none.</summary>
    public long Int(string name, long fallback) => Get(name, AttributeInt) is OnnxAttribute a ? a.Int : fallback;

    /// <summary>The float attribute <paramref name="name"/>, or <paramref name="fallback"/> when the node has none.</summary>
    public float Float(string name, float fallback) => Get(name, AttributeFloat) is OnnxAttribute a ? a.Float : fallback;

    /// <summary>The string attribute <paramref name="name"/>, or <paramref name="fallback"/> when the node has none.</summary>
    public string String(string name, string fallback) => Get(name, AttributeString) is OnnxAttribute a ? a.String : fallback;

    /// <summary>The ints attribute <paramref name="name"/>, or <paramref name="fallback"/> when the node has none.</summary>
    public long[] Ints(string name, long[] fallback) => Get(name, AttributeInts) is OnnxAttribute a ? a.Ints : fallback;

    private OnnxAttribute? Get(string name, int type)
    {
        if (!Attributes.TryGetValue(name, out OnnxAttribute? attribute))
        {
            return null;
        }
        return attribute.Type == type
            ? attribute
            : throw new InvalidDataException($"{Source}: {this}: attribute {name} is {AttributeTypeName(attribute.Type)}, not {AttributeTypeName(type)}.");
    }

    private static string AttributeTypeName(int type) => type switch
    {
        AttributeFloat => "a FLOAT",
        AttributeInt => "an INT",
        AttributeString => "a STRING",
        AttributeInts => "INTS",
        _ => string.Create(CultureInfo.InvariantCulture, $"of type {type}"),
    };

    public static OnnxNode Parse(ProtoReader reader, int index, string source)
    {
        var node = new OnnxNode { Index = index, Source = source };
        while (reader.NextField())
        {
            switch (reader.Field)
            {
                case NodeInput:
                    node.Inputs.Add(reader.ReadString());
                    break;
                case NodeOutput:
                    node.Outputs.Add(reader.ReadString());
                    break;
                case NodeName:
                    node.Name = reader.ReadString();
                    break;
                case NodeOpType:
                    node.OpType = reader.ReadString();
                    break;
                case NodeAttribute:
                    OnnxAttribute attribute = OnnxAttribute.Parse(reader.ReadMessage("AttributeProto"));
                    if (!node.Attributes.TryAdd(attribute.Name, attribute))
                    {
                        throw reader.Invalid($"a node has two attributes named '{attribute.Name}'");
                    }
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        return node;
    }
}

/// <summary>An AttributeProto of one of the types the importer reads: FLOAT, INT, STRING or INTS (others keep only their name and type).</summary>
internal sealed class OnnxAttribute
{
    public string Name { get; private set; } = "";

    /// <summary>AttributeProto.AttributeType: as stated, or, when the writer left it out, by the value field present.</summary>
    public int Type { get; private set; }

    public float Float { get; private set; }

    public long Int { get; private set; }

    public string String { get; private set; } = "";

    public long[] Ints => _ints.ToArray();

    private readonly List<long> _ints = [];

    public static OnnxAttribute Parse(ProtoReader reader)
    {
        var attribute = new OnnxAttribute();
        int stated = 0, seen = 0;
        while (reader.NextField())
        {
            switch (reader.Field)
            {
                case AttributeName:
                    attribute.Name = reader.ReadString();
                    break;
                case AttributeF:
                    attribute.Float = reader.ReadFloat();
                    seen = AttributeFloat;
                    break;
                case AttributeI:
                    attribute.Int = reader.ReadInt64();
                    seen = AttributeInt;
                    break;
                case AttributeS:
                    attribute.String = reader.ReadString();
                    seen = AttributeString;
                    break;
                case AttributeIntsField when reader.WireType == WireType.LengthDelimited:
                    var packed = new ProtoReader(reader.ReadBytes(), "AttributeProto.ints");
                    while (!packed.AtEnd)
                    {
                        attribute._ints.Add((long)packed.ReadVarint());
                    }
                    seen = AttributeInts;
                    break;
                case AttributeIntsField:
                    attribute._ints.Add(reader.ReadInt64());
                    seen = AttributeInts;
                    break;
                case AttributeType:
                    stated = reader.ReadInt32();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        // An empty ints list has no value field: only its stated type tells it apart.
        attribute.Type = stated != 0 ? stated : seen;
        return attribute;
    }
}
