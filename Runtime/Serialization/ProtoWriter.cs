using System.Buffers.Binary;
using System.Text;

namespace StaticNets.__Internals;

/// <summary>Protocol buffer wire types (the low three bits of a field's tag).</summary>
internal enum WireType
{
    /// <summary>int32, int64, uint64, bool, enum: a base-128 varint.</summary>
    Varint = 0,
    /// <summary>fixed64, double.</summary>
    Fixed64 = 1,
    /// <summary>string, bytes, embedded messages, packed repeated fields: a varint length, then the bytes.</summary>
    LengthDelimited = 2,
    /// <summary>fixed32, float.</summary>
    Fixed32 = 5,
}

/// <summary>
/// A minimal protocol buffer encoder, enough to write an ONNX model: varints, tags, strings,
/// bytes, fixed32 floats and embedded messages. An embedded message is built in its own writer
/// and copied in with its length, which keeps the code plain; ONNX models of the sizes
/// StaticNets produces are small.
/// </summary>
internal sealed class ProtoWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>A field's tag: its number and wire type.</summary>
    public void WriteTag(int field, WireType type) => WriteVarint(((ulong)(uint)field << 3) | (ulong)type);

    /// <summary>An unsigned base-128 varint, least significant group first.</summary>
    public void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        WriteByte((byte)value);
    }

    /// <summary>An int64 (or int32, or enum) field; negative values take ten bytes, as protobuf specifies.</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, WireType.Varint);
        WriteVarint((ulong)value);
    }

    /// <summary>A float field (fixed32, little-endian).</summary>
    public void WriteFloat(int field, float value)
    {
        WriteTag(field, WireType.Fixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        WriteRaw(bytes);
    }

    /// <summary>A string field, UTF-8.</summary>
    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A bytes field.</summary>
    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)value.Length);
        WriteRaw(value);
    }

    /// <summary>A packed repeated int64 field.</summary>
    public void WritePackedInt64(int field, ReadOnlySpan<long> values)
    {
        var packed = new ProtoWriter();
        foreach (long value in values)
        {
            packed.WriteVarint((ulong)value);
        }
        WriteBytes(field, packed.WrittenSpan);
    }

    /// <summary>A bytes field holding <paramref name="values"/> as little-endian float32 (ONNX's <c>raw_data</c>).</summary>
    public void WriteRawFloats(int field, ReadOnlySpan<float> values)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)values.Length * sizeof(float));
        Span<byte> bytes = stackalloc byte[4];
        foreach (float value in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
            WriteRaw(bytes);
        }
    }

    /// <summary>A bytes field holding <paramref name="values"/> as little-endian int64 (ONNX's <c>raw_data</c>).</summary>
    public void WriteRawInt64s(int field, ReadOnlySpan<long> values)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)values.Length * sizeof(long));
        Span<byte> bytes = stackalloc byte[8];
        foreach (long value in values)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
            WriteRaw(bytes);
        }
    }

    /// <summary>An embedded message, written by <paramref name="body"/> into a writer of its own.</summary>
    public void WriteMessage(int field, Action<ProtoWriter> body)
    {
        var message = new ProtoWriter();
        body(message);
        WriteBytes(field, message.WrittenSpan);
    }

    private void WriteByte(byte value)
    {
        EnsureCapacity(1);
        _buffer[_length++] = value;
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        EnsureCapacity(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void EnsureCapacity(int extra)
    {
        if (_length + extra > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_length + extra, _buffer.Length * 2));
        }
    }
}
