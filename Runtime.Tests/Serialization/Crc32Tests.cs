using System.Text;
using StaticNets.__Internals;
using Xunit;

namespace StaticNets.Tests.Serialization;

public class Crc32Tests
{
    [Fact]
    public void CheckValue_MatchesTheStandard()
    {
        // The check value of CRC-32/ISO-HDLC (zip, PNG): CRC of the ASCII "123456789".
        Assert.Equal(0xCBF43926u, Crc32.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, Crc32.Compute([]));
    }

    [Fact]
    public void Update_InPieces_EqualsAllAtOnce()
    {
        byte[] data = Enumerable.Range(0, 1000).Select(i => (byte)(i * 31)).ToArray();

        uint pieces = Crc32.Finish(Crc32.Update(Crc32.Update(Crc32.Initial, data.AsSpan(0, 377)), data.AsSpan(377)));

        Assert.Equal(Crc32.Compute(data), pieces);
    }
}
