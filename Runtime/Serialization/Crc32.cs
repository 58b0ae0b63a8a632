namespace StaticNets.__Internals;

/// <summary>
/// CRC-32 as in zip, PNG and gzip (IEEE 802.3, reflected polynomial 0xEDB88320, initial value and
/// final xor 0xFFFFFFFF). It detects every change confined to 32 consecutive bits, so every
/// single-byte corruption of a weight file. Written here so that the Runtime needs no package.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] Table = CreateTable();

    /// <summary>The state before any byte: pass it to <see cref="Update"/>, finish with <see cref="Finish"/>.</summary>
    public const uint Initial = 0xFFFFFFFFu;

    /// <summary>Adds <paramref name="bytes"/> to the running state <paramref name="crc"/>.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return crc;
    }

    /// <summary>The checksum of everything added to the running state <paramref name="crc"/>.</summary>
    public static uint Finish(uint crc) => crc ^ 0xFFFFFFFFu;

    /// <summary>The checksum of <paramref name="bytes"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> bytes) => Finish(Update(Initial, bytes));

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }
}
