using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace StaticNets.__Internals;

/// <summary>Buffers what it writes and keeps a running CRC-32 of it.</summary>
internal sealed class WeightFileWriter(Stream stream)
{
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _used;
    private uint _crc = Crc32.Initial;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            int n = Math.Min(bytes.Length, _buffer.Length - _used);
            bytes[..n].CopyTo(_buffer.AsSpan(_used));
            _used += n;
            bytes = bytes[n..];
            if (_used == _buffer.Length)
            {
                FlushBuffer();
            }
        }
    }

    public void WriteInt32(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        Write(bytes);
    }

    public void WriteString(string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > WeightFile.MaxStringBytes)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"A string of {bytes.Length:N0} bytes is longer than the {WeightFile.MaxStringBytes:N0} a weight file allows: \"{value[..40]}...\"."));
        }
        WriteInt32(bytes.Length);
        Write(bytes);
    }

    public void WriteShape(TensorShape shape)
    {
        WriteInt32(shape.Channels);
        WriteInt32(shape.Height);
        WriteInt32(shape.Width);
    }

    public void WriteFloats(ReadOnlySpan<float> values)
    {
        Span<byte> bytes = stackalloc byte[4];
        foreach (float value in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
            Write(bytes);
        }
    }

    /// <summary>Writes the CRC-32 of everything written so far, and flushes.</summary>
    public void WriteChecksum()
    {
        FlushBuffer();
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Crc32.Finish(_crc));
        stream.Write(bytes);
        stream.Flush();
    }

    private void FlushBuffer()
    {
        _crc = Crc32.Update(_crc, _buffer.AsSpan(0, _used));
        stream.Write(_buffer, 0, _used);
        _used = 0;
    }
}
