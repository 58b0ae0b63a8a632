using StaticNets.__Internals;
using Xunit;

namespace StaticNets.Tests.Onnx;

/// <summary>The hand-written protobuf encoder and decoder, against the wire format's own examples and edges.</summary>
public class ProtoTests
{
    [Theory]
    [InlineData(0UL, new byte[] { 0x00 })]
    [InlineData(1UL, new byte[] { 0x01 })]
    [InlineData(127UL, new byte[] { 0x7F })]
    [InlineData(128UL, new byte[] { 0x80, 0x01 })]
    [InlineData(150UL, new byte[] { 0x96, 0x01 })] // the protobuf documentation's example
    [InlineData(ulong.MaxValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void Varint_EncodesAndDecodes(ulong value, byte[] encoded)
    {
        var writer = new ProtoWriter();
        writer.WriteVarint(value);
        var reader = new ProtoReader(encoded, "test");

        Assert.Equal(encoded, writer.WrittenSpan.ToArray());
        Assert.Equal(value, reader.ReadVarint());
        Assert.True(reader.AtEnd);
    }

    [Fact]
    public void Fields_RoundTrip_AndUnknownOnesAreSkipped()
    {
        var writer = new ProtoWriter();
        writer.WriteInt64(1, -1);
        writer.WriteFloat(2, 1.5f);
        writer.WriteString(3, "conv1.weight");
        writer.WriteMessage(4, m => m.WriteInt64(1, 42));
        writer.WriteTag(9, WireType.Fixed64);
        for (int i = 0; i < 8; i++)
        {
            writer.WriteVarint(0); // eight zero bytes: the fixed64 field's value, to be skipped
        }
        writer.WritePackedInt64(5, [3, 300, 0]);

        var reader = new ProtoReader(writer.WrittenSpan.ToArray(), "test");
        Assert.True(reader.NextField());
        Assert.Equal((1, WireType.Varint), (reader.Field, reader.WireType));
        Assert.Equal(-1, reader.ReadInt64());
        Assert.True(reader.NextField());
        Assert.Equal(1.5f, reader.ReadFloat());
        Assert.True(reader.NextField());
        Assert.Equal("conv1.weight", reader.ReadString());
        Assert.True(reader.NextField());
        ProtoReader inner = reader.ReadMessage("inner");
        Assert.True(inner.NextField());
        Assert.Equal(42, inner.ReadInt32());
        Assert.False(inner.NextField());
        Assert.True(reader.NextField());
        Assert.Equal(9, reader.Field);
        reader.Skip();
        Assert.True(reader.NextField());
        var packed = new ProtoReader(reader.ReadBytes(), "packed");
        Assert.Equal([3UL, 300UL, 0UL], new[] { packed.ReadVarint(), packed.ReadVarint(), packed.ReadVarint() });
        Assert.False(reader.NextField());
    }

    [Theory]
    [InlineData("a varint of eleven bytes", new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    [InlineData("a varint over 64 bits", new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02 })]
    [InlineData("a varint cut short", new byte[] { 0x08, 0xFF })]
    [InlineData("a length past the end", new byte[] { 0x1A, 0x05, 0x61, 0x62 })]
    [InlineData("a length of 2^63", new byte[] { 0x1A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 })]
    [InlineData("a fixed32 cut short", new byte[] { 0x15, 0x00, 0x00 })]
    [InlineData("a start-group wire type", new byte[] { 0x0B })]
    [InlineData("wire type 7", new byte[] { 0x0F })]
    [InlineData("field number 0", new byte[] { 0x00, 0x00 })]
    public void Malformed_IsInvalidData(string what, byte[] bytes)
    {
        Exception? error = Record.Exception(() =>
        {
            var reader = new ProtoReader(bytes, "test");
            while (reader.NextField())
            {
                reader.Skip();
            }
        });

        Assert.True(error is InvalidDataException, $"{what}: {error?.ToString() ?? "accepted"}");
        Assert.StartsWith("Malformed ONNX model: in test", error!.Message);
    }

    [Fact]
    public void WrongWireTypeForAField_IsInvalidData()
    {
        var reader = new ProtoReader(new byte[] { 0x08, 0x01 }, "test");
        Assert.True(reader.NextField());

        var error = Assert.Throws<InvalidDataException>(() => reader.ReadString());

        Assert.Contains("field 1 has wire type Varint, expected LengthDelimited", error.Message);
    }

    [Fact]
    public void Int32_OutOfRange_IsInvalidData()
    {
        var writer = new ProtoWriter();
        writer.WriteInt64(1, 1L << 40);
        var reader = new ProtoReader(writer.WrittenSpan.ToArray(), "test");
        Assert.True(reader.NextField());

        Assert.Throws<InvalidDataException>(() => reader.ReadInt32());
    }
}
