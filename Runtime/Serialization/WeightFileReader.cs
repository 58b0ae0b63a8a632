using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace StaticNets.__Internals;

/// <summary>
/// Reads exactly what is asked or reports a truncated file; keeps a running CRC-32 and the
/// number of bytes read; knows, where the stream can seek, how many bytes remain.
/// </summary>
internal sealed class WeightFileReader(Stream stream, string source)
{
    private readonly byte[] _buffer = new byte[1 << 16];
    private uint _crc = Crc32.Initial;
    private long? _expectedLength;

    /// <summary>Bytes read so far.</summary>
    public long Position { get; private set; }

    /// <summary>Bytes left in the stream, or null when the stream cannot tell.</summary>
    private long? Remaining => stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : null;

    /// <summary>Records the complete file's length once the header has told it, for messages about truncation.</summary>
    public void ExpectLength(long length) => _expectedLength = length;

    public void Read(Span<byte> destination)
    {
        ReadRaw(destination);
        _crc = Crc32.Update(_crc, destination);
    }

    public int ReadInt32()
    {
        Span<byte> bytes = stackalloc byte[4];
        Read(bytes);
        return BinaryPrimitives.ReadInt32LittleEndian(bytes);
    }

    public TensorShape ReadShape()
    {
        int channels = ReadInt32();
        int height = ReadInt32();
        int width = ReadInt32();
        return new TensorShape(channels, height, width);
    }

    /// <summary>
    /// A string's length prefix and bytes. The length is checked first; a long string is then
    /// collected a buffer at a time, so that memory grows with the bytes that arrive, never
    /// with a length that a non-seekable stream cannot back.
    /// </summary>
    public string ReadString(string what)
    {
        int length = ReadCount(what + "'s length", WeightFile.MaxStringBytes, 1);
        if (length <= _buffer.Length)
        {
            Span<byte> bytes = _buffer.AsSpan(0, length);
            Read(bytes);
            return Encoding.UTF8.GetString(bytes);
        }
        var collected = new MemoryStream();
        for (int left = length; left > 0;)
        {
            Span<byte> chunk = _buffer.AsSpan(0, Math.Min(left, _buffer.Length));
            Read(chunk);
            collected.Write(chunk);
            left -= chunk.Length;
        }
        return Encoding.UTF8.GetString(collected.GetBuffer(), 0, length);
    }

    /// <summary>
    /// An int32 count of items of at least <paramref name="bytesPerItem"/> bytes each, rejected
    /// when negative, above <paramref name="limit"/>, or larger than the bytes that remain.
    /// </summary>
    public int ReadCount(string what, int limit, int bytesPerItem, long trailingBytes = 0)
    {
        int count = ReadInt32();
        if (count < 0 || count > limit)
        {
            throw new InvalidDataException(Invariant($"{source} is corrupted: {what} is {count:N0}, outside 0..{limit:N0}."));
        }
        long needed = (long)count * bytesPerItem + trailingBytes;
        if (Remaining is long remaining && needed > remaining)
        {
            throw new InvalidDataException(Invariant(
                $"{source} is truncated or corrupted: {what} is {count:N0}, which needs at least {Position + needed:N0} bytes, but the file has {Position + remaining:N0}."));
        }
        return count;
    }

    public void ReadFloats(Span<float> destination)
    {
        while (!destination.IsEmpty)
        {
            int n = Math.Min(destination.Length, _buffer.Length / sizeof(float));
            Span<byte> bytes = _buffer.AsSpan(0, n * sizeof(float));
            Read(bytes);
            for (int i = 0; i < n; i++)
            {
                destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
            }
            destination = destination[n..];
        }
    }

    /// <summary>Reads <paramref name="count"/> bytes into the checksum only, a buffer at a time.</summary>
    public void Skip(long count)
    {
        while (count > 0)
        {
            int n = (int)Math.Min(count, _buffer.Length);
            Read(_buffer.AsSpan(0, n));
            count -= n;
        }
    }

    public void VerifyChecksum()
    {
        uint computed = Crc32.Finish(_crc);
        Span<byte> bytes = stackalloc byte[4];
        ReadRaw(bytes);
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        if (stored != computed)
        {
            throw new InvalidDataException($"{source} is corrupted: checksum 0x{stored:X8} stored, 0x{computed:X8} computed from its content.");
        }
    }

    public void ExpectEnd()
    {
        if (Remaining is long remaining && remaining > 0)
        {
            throw new InvalidDataException(Invariant($"{source} has {Count(remaining, "byte")} after its checksum: the file is {Position + remaining:N0} bytes, a weight file of this header is {Position:N0}."));
        }
    }

    private void ReadRaw(Span<byte> destination)
    {
        int read = 0;
        try
        {
            while (read < destination.Length)
            {
                int n = stream.Read(destination[read..]);
                if (n == 0)
                {
                    throw Truncated(Position + read, Position + destination.Length, null);
                }
                read += n;
            }
        }
        catch (EndOfStreamException e)
        {
            throw Truncated(Position + read, Position + destination.Length, e);
        }
        Position += destination.Length;
    }

    private InvalidDataException Truncated(long actual, long needed, Exception? inner)
    {
        string expected = _expectedLength is long length
            ? Invariant($"a complete file has {length:N0}")
            : Invariant($"expected at least {needed:N0}");
        return new InvalidDataException(Invariant($"{source} is truncated: it ends after {actual:N0} bytes, {expected}."), inner);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Count(long n, string noun) => Invariant($"{n:N0} {noun}{(n == 1 ? "" : "s")}");
}
