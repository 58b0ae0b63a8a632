using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace StaticNets.__Internals;

/// <summary>
/// A minimal, bounds-checked protocol buffer decoder over bytes in memory. Every length is checked
/// against the bytes that remain before anything is sliced or allocated, a varint longer than ten
/// bytes or a field of a wire type it does not know is rejected, and every failure is an
/// <see cref="InvalidDataException"/> that names the message being read.
/// </summary>
internal struct ProtoReader
{
    private readonly ReadOnlyMemory<byte> _data;
    private readonly string _message;
    private int _position;

    /// <summary>A reader over <paramref name="data"/>, an encoded <paramref name="message"/> (named in errors).</summary>
    public ProtoReader(ReadOnlyMemory<byte> data, string message)
    {
        _data = data;
        _message = message;
        _position = 0;
    }

    /// <summary>The wire type of the field whose tag was read last.</summary>
    public WireType WireType { get; private set; }

    /// <summary>The number of the field whose tag was read last.</summary>
    public int Field { get; private set; }

    /// <summary>Whether every byte has been read (for packed repeated fields, read as a message of varints).</summary>
    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Reads the next field's tag; false at the end of the message.</summary>
    public bool NextField()
    {
        if (_position >= _data.Length)
        {
            return false;
        }
        ulong tag = ReadVarint();
        int type = (int)(tag & 7);
        ulong field = tag >> 3;
        if (field == 0 || field > int.MaxValue)
        {
            throw Invalid($"field number {field} is not valid");
        }
        if (type is not ((int)WireType.Varint or (int)WireType.Fixed64 or (int)WireType.LengthDelimited or (int)WireType.Fixed32))
        {
            throw Invalid($"field {field} has wire type {type}, which is not supported (groups are deprecated)");
        }
        Field = (int)field;
        WireType = (WireType)type;
        return true;
    }

    /// <summary>A base-128 varint of at most ten bytes.</summary>
    public ulong ReadVarint()
    {
        ReadOnlySpan<byte> span = _data.Span;
        ulong value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_position >= span.Length)
            {
                throw Invalid("a varint runs past the end");
            }
            byte b = span[_position++];
            if (shift == 63 && b > 1)
            {
                throw Invalid("a varint overflows 64 bits");
            }
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw Invalid("a varint is longer than ten bytes");
    }

    /// <summary>The current field as an int64 (wire type varint).</summary>
    public long ReadInt64()
    {
        Expect(WireType.Varint);
        return (long)ReadVarint();
    }

    /// <summary>The current field as an int32 (wire type varint), rejected when it does not fit.</summary>
    public int ReadInt32()
    {
        long value = ReadInt64();
        if (value is < int.MinValue or > int.MaxValue)
        {
            throw Invalid($"field {Field} holds {value}, which is not an int32");
        }
        return (int)value;
    }

    /// <summary>The current field as a float (wire type fixed32).</summary>
    public float ReadFloat()
    {
        Expect(WireType.Fixed32);
        return BinaryPrimitives.ReadSingleLittleEndian(Take(4).Span);
    }

    /// <summary>The current field's bytes (wire type length-delimited), without copying.</summary>
    public ReadOnlyMemory<byte> ReadBytes()
    {
        Expect(WireType.LengthDelimited);
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw Invalid($"field {Field} claims {length} bytes, but only {_data.Length - _position} remain");
        }
        return Take((int)length);
    }

    /// <summary>The current field as a UTF-8 string.</summary>
    public string ReadString() => Encoding.UTF8.GetString(ReadBytes().Span);

    /// <summary>The current field as an embedded message, read by a reader of its own.</summary>
    public ProtoReader ReadMessage(string name) => new(ReadBytes(), name);

    /// <summary>Skips the current field, whatever its wire type.</summary>
    public void Skip()
    {
        switch (WireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Take(8);
                break;
            case WireType.LengthDelimited:
                ReadBytes();
                break;
            case WireType.Fixed32:
                Take(4);
                break;
        }
    }

    /// <summary>An error that names the message being read and where in it.</summary>
    public readonly InvalidDataException Invalid(string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Malformed ONNX model: in {_message}, at byte {_position}: {what}."));

    private readonly void Expect(WireType type)
    {
        if (WireType != type)
        {
            throw Invalid($"field {Field} has wire type {WireType}, expected {type}");
        }
    }

    private ReadOnlyMemory<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw Invalid($"{count} bytes are needed, but only {_data.Length - _position} remain");
        }
        ReadOnlyMemory<byte> slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
