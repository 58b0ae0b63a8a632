using System.Buffers.Binary;
using System.IO.Compression;
using Xunit;

namespace StaticNets.Tests.Robustness;

/// <summary>
/// The IDX reader against hostile files: thousands of seeded byte flips and truncations of a small MNIST
/// pair, raw and gzip'd. Whatever the damage, loading either succeeds or throws an
/// <see cref="InvalidDataException"/> naming a file; never another exception, a hang, or a huge allocation.
/// </summary>
public class IdxFuzzTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("staticnets-idx-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static byte[] Images(int count, int rows, int columns)
    {
        var bytes = new byte[16 + count * rows * columns];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 2051);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        for (int i = 16; i < bytes.Length; i++) bytes[i] = (byte)(i * 37);
        return bytes;
    }

    private static byte[] Labels(int count)
    {
        var bytes = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 2049);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        for (int i = 8; i < bytes.Length; i++) bytes[i] = (byte)(i % 10);
        return bytes;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest)) gzip.Write(data);
        return memory.ToArray();
    }

    private void Write(byte[] images, byte[] labels, bool gzip)
    {
        foreach (var file in Directory.GetFiles(_directory)) File.Delete(file);
        string suffix = gzip ? ".gz" : "";
        File.WriteAllBytes(Path.Combine(_directory, "t10k-images-idx3-ubyte" + suffix), images);
        File.WriteAllBytes(Path.Combine(_directory, "t10k-labels-idx1-ubyte" + suffix), labels);
    }

    /// <summary>Loads, and fails the test on any exception but <see cref="InvalidDataException"/>.</summary>
    private bool LoadsOrRejects(string what)
    {
        try
        {
            Mnist.Load(_directory, MnistSplit.Test);
            return true;
        }
        catch (InvalidDataException e)
        {
            Assert.Contains(_directory, e.Message);
            return false;
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().Name} instead of InvalidDataException: {e.Message}");
            return false;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Byte_flips_and_truncations_only_ever_give_InvalidDataException(bool gzip)
    {
        var random = new Random(gzip ? 2 : 1);
        byte[] images = Images(12, 6, 5), labels = Labels(12);
        if (gzip)
        {
            images = Gzip(images);
            labels = Gzip(labels);
        }
        Write(images, labels, gzip);
        Assert.True(LoadsOrRejects("the intact files"));

        int rejected = 0;
        const int Cases = 1500;
        for (int trial = 0; trial < Cases; trial++)
        {
            byte[] badImages = (byte[])images.Clone(), badLabels = (byte[])labels.Clone();
            byte[] target = random.Next(2) == 0 ? badImages : badLabels;
            string what;
            switch (random.Next(3))
            {
                case 0:
                    int at = random.Next(Math.Min(target.Length, 24)); // the headers, where lengths live
                    target[at] ^= (byte)(1 << random.Next(8));
                    what = $"header bit flip at {at}";
                    break;
                case 1:
                    int anywhere = random.Next(target.Length);
                    target[anywhere] = (byte)random.Next(256);
                    what = $"byte {anywhere} replaced";
                    break;
                default:
                    int length = random.Next(target.Length);
                    if (target == badImages) badImages = badImages[..length];
                    else badLabels = badLabels[..length];
                    what = $"truncated to {length} bytes";
                    break;
            }
            Write(badImages, badLabels, gzip);
            if (!LoadsOrRejects($"{(gzip ? "gzip" : "raw")}, case {trial}: {what}")) rejected++;
        }
        Assert.True(rejected > Cases / 3, $"only {rejected} of {Cases} damaged pairs were rejected");
    }

    [Fact]
    public void Forged_counts_are_rejected_before_any_large_allocation()
    {
        byte[] images = Images(2, 28, 28), labels = Labels(2);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), int.MaxValue);
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), int.MaxValue);
        Write(images, labels, gzip: false);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(_directory, MnistSplit.Test));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "a forged count made the reader allocate");
        Assert.Contains("t10k-images-idx3-ubyte", e.Message);
    }
}
