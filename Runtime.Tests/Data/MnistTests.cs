using System.Buffers.Binary;
using System.IO.Compression;
using StaticNets.Tests.Serialization; // TempDirectory
using StaticNets.Tests.Support;
using Xunit;

namespace StaticNets.Tests.Data;

public class MnistTests
{
    private static readonly string Shipped = TestData.MnistDirectory();

    [Fact]
    public void Loads_the_shipped_training_split()
    {
        Dataset train = Mnist.Load(Shipped, MnistSplit.Train);

        Assert.Equal(8000, train.Count);
        Assert.Equal(784, train.InputSize);
        Assert.True(train.HasLabels);
        var classes = new HashSet<int>();
        float min = float.MaxValue, max = float.MinValue;
        for (int i = 0; i < train.Count; i++)
        {
            classes.Add(train.Label(i));
            foreach (float pixel in train.Input(i))
            {
                min = Math.Min(min, pixel);
                max = Math.Max(max, pixel);
            }
        }

        Assert.Equal(Enumerable.Range(0, 10), classes.Order());
        Assert.Equal(0f, min);
        Assert.Equal(1f, max);
    }

    [Fact]
    public void Test_split_has_the_documented_digits_per_class()
    {
        Dataset test = Mnist.Load(Shipped, MnistSplit.Test);

        var perClass = new int[10];
        for (int i = 0; i < test.Count; i++)
        {
            perClass[test.Label(i)]++;
        }

        Assert.Equal(2000, test.Count);
        Assert.Equal([225, 214, 188, 205, 168, 195, 206, 215, 178, 206], perClass);
    }

    [Fact]
    public void Pixels_are_bytes_divided_by_255()
    {
        using var temp = new TempDirectory();
        WriteImages(temp.File("t10k-images-idx3-ubyte"), count: 2, rows: 2, columns: 3, payload: [0, 1, 51, 128, 254, 255, 255, 0, 17, 34, 68, 102]);
        WriteLabels(temp.File("t10k-labels-idx1-ubyte"), [7, 3]);

        Dataset data = Mnist.Load(temp.Path, MnistSplit.Test);

        Assert.Equal(6, data.InputSize);
        Assert.Equal([0f, 1 / 255f, 0.2f, 128 / 255f, 254 / 255f, 1f], data.Input(0).ToArray());
        Assert.Equal([1f, 0f, 17 / 255f, 34 / 255f, 68 / 255f, 0.4f], data.Input(1).ToArray());
        Assert.Equal(7, data.Label(0));
        Assert.Equal(3, data.Label(1));
    }

    [Fact]
    public void Limit_reads_the_first_samples()
    {
        Dataset all = Mnist.Load(Shipped, MnistSplit.Test);

        Dataset first = Mnist.Load(Shipped, MnistSplit.Test, limit: 100);

        Assert.Equal(100, first.Count);
        for (int i = 0; i < first.Count; i++)
        {
            Assert.Equal(all.Label(i), first.Label(i));
            Assert.True(all.Input(i).SequenceEqual(first.Input(i)));
        }

        Assert.Equal(2000, Mnist.Load(Shipped, MnistSplit.Test, limit: 5000).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => Mnist.Load(Shipped, MnistSplit.Test, limit: 0));
    }

    [Fact]
    public void Raw_and_gzip_files_give_identical_data()
    {
        using var temp = new TempDirectory();
        foreach (string name in new[] { "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
        {
            using var compressed = new GZipStream(File.OpenRead(Path.Combine(Shipped, name + ".gz")), CompressionMode.Decompress);
            using FileStream raw = File.Create(temp.File(name));
            compressed.CopyTo(raw);
        }

        Dataset fromGzip = Mnist.Load(Shipped, MnistSplit.Test);
        Dataset fromRaw = Mnist.Load(temp.Path, MnistSplit.Test);

        Assert.Equal(fromGzip.Count, fromRaw.Count);
        for (int i = 0; i < fromGzip.Count; i++)
        {
            Assert.Equal(fromGzip.Label(i), fromRaw.Label(i));
            Assert.True(fromGzip.Input(i).SequenceEqual(fromRaw.Input(i)), $"sample {i} differs");
        }
    }

    [Fact]
    public void Gzip_is_recognised_by_its_magic_bytes_not_its_name()
    {
        using var temp = new TempDirectory();
        File.Copy(Path.Combine(Shipped, "t10k-images-idx3-ubyte.gz"), temp.File("t10k-images-idx3-ubyte"));
        File.Copy(Path.Combine(Shipped, "t10k-labels-idx1-ubyte.gz"), temp.File("t10k-labels-idx1-ubyte"));

        Dataset data = Mnist.Load(temp.Path, MnistSplit.Test);

        Assert.Equal(2000, data.Count);
        Assert.Equal(Mnist.Load(Shipped, MnistSplit.Test).Label(1999), data.Label(1999));
    }

    [Fact]
    public void Raw_file_is_preferred_when_both_exist()
    {
        using var temp = new TempDirectory();
        File.Copy(Path.Combine(Shipped, "train-images-idx3-ubyte.gz"), temp.File("train-images-idx3-ubyte.gz"));
        File.Copy(Path.Combine(Shipped, "train-labels-idx1-ubyte.gz"), temp.File("train-labels-idx1-ubyte.gz"));
        WriteImages(temp.File("train-images-idx3-ubyte"), count: 3, rows: 1, columns: 1, payload: [0, 255, 0]);
        WriteLabels(temp.File("train-labels-idx1-ubyte"), [4, 5, 6]);

        Dataset data = Mnist.Load(temp.Path, MnistSplit.Train);

        Assert.Equal(3, data.Count);
        Assert.Equal(6, data.Label(2));
    }

    [Fact]
    public void Missing_files_name_the_path_and_the_names_looked_for()
    {
        using var temp = new TempDirectory();

        var e = Assert.Throws<FileNotFoundException>(() => Mnist.Load(temp.Path, MnistSplit.Train));

        Assert.Contains("train-images-idx3-ubyte and train-images-idx3-ubyte.gz", e.Message);
        Assert.Contains(temp.Path, e.Message);
        Assert.Equal(temp.File("train-images-idx3-ubyte"), e.FileName);

        WriteImages(temp.File("train-images-idx3-ubyte"), 1, 1, 1, [0]);
        var labels = Assert.Throws<FileNotFoundException>(() => Mnist.Load(temp.Path, MnistSplit.Train));
        Assert.Contains("train-labels-idx1-ubyte and train-labels-idx1-ubyte.gz", labels.Message);
    }

    [Fact]
    public void Wrong_magic_number_names_the_file_and_the_number_found()
    {
        using var temp = new TempDirectory();
        string images = temp.File("t10k-images-idx3-ubyte");
        string labels = temp.File("t10k-labels-idx1-ubyte");
        WriteLabels(images, [1, 2]); // a label file under the images' name
        WriteLabels(labels, [1, 2]);

        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(temp.Path, MnistSplit.Test));

        Assert.Contains(images, e.Message);
        Assert.Contains("magic number is 2049", e.Message);
        Assert.Contains("expected 2051", e.Message);

        WriteImages(images, 2, 1, 1, [0, 0]);
        WriteFile(labels, Header(1234, 2), [1, 2], gzip: true);
        var labelError = Assert.Throws<InvalidDataException>(() => Mnist.Load(temp.Path, MnistSplit.Test));
        Assert.Contains(labels, labelError.Message);
        Assert.Contains("magic number is 1234", labelError.Message);
        Assert.Contains("expected 2049", labelError.Message);
    }

    [Theory]
    [InlineData(false, "")]
    [InlineData(true, " once decompressed")]
    public void Truncated_data_names_the_file_and_the_expected_and_actual_bytes(bool gzip, string suffix)
    {
        using var temp = new TempDirectory();
        string images = temp.File("t10k-images-idx3-ubyte");
        WriteFile(images, Header(2051, 5, 28, 28), new byte[2 * 784], gzip);
        WriteLabels(temp.File("t10k-labels-idx1-ubyte"), [0, 1, 2, 3, 4]);

        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(temp.Path, MnistSplit.Test));

        Assert.Contains(images, e.Message);
        Assert.Contains($"announces {16 + 5 * 784} bytes (header included), but it holds only {16 + 2 * 784}{suffix}.", e.Message);
    }

    [Fact]
    public void Truncated_header_is_reported()
    {
        using var temp = new TempDirectory();
        string images = temp.File("t10k-images-idx3-ubyte");
        File.WriteAllBytes(images, [0, 0, 8, 3, 0, 0]);
        WriteLabels(temp.File("t10k-labels-idx1-ubyte"), [0]);

        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(temp.Path, MnistSplit.Test));

        Assert.Contains(images, e.Message);
        Assert.Contains("16-byte header, but it holds only 6 bytes", e.Message);
    }

    [Fact]
    public void Image_and_label_counts_that_disagree_name_both_files_and_counts()
    {
        using var temp = new TempDirectory();
        string images = temp.File("t10k-images-idx3-ubyte");
        string labels = temp.File("t10k-labels-idx1-ubyte.gz");
        WriteImages(images, 3, 1, 1, [0, 1, 2]);
        WriteFile(labels, Header(2049, 4), [0, 1, 2, 3], gzip: true);

        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(temp.Path, MnistSplit.Test));

        Assert.Contains($"{images} holds 3 images", e.Message);
        Assert.Contains($"{labels} holds 4 labels", e.Message);
    }

    [Fact]
    public void Header_announcing_more_than_a_gibibyte_is_rejected_before_reading()
    {
        using var temp = new TempDirectory();
        string images = temp.File("t10k-images-idx3-ubyte");
        WriteFile(images, Header(2051, 2_000_000, 28, 28), new byte[784], gzip: false);
        WriteFile(temp.File("t10k-labels-idx1-ubyte"), Header(2049, 2_000_000), [0], gzip: false);

        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(temp.Path, MnistSplit.Test));

        Assert.Contains(images, e.Message);
        Assert.Contains("announces 2000000 images of 28x28 pixels = 1568000000 bytes", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Forged_sample_count_does_not_allocate_what_it_announces(bool gzip)
    {
        // 1,000,000 images of 28x28 announce 784 MB (under the 1 GiB limit); the files hold ten.
        using var temp = new TempDirectory();
        string images = temp.File("t10k-images-idx3-ubyte");
        WriteFile(images, Header(2051, 1_000_000, 28, 28), new byte[10 * 784], gzip);
        WriteFile(temp.File("t10k-labels-idx1-ubyte"), Header(2049, 1_000_000), new byte[10], gzip);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(temp.Path, MnistSplit.Test));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains(images, e.Message);
        Assert.Contains("is truncated", e.Message);
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes for a forged header");
    }

    [Fact]
    public void Corrupt_gzip_data_names_the_file()
    {
        using var temp = new TempDirectory();
        string images = temp.File("t10k-images-idx3-ubyte.gz");
        byte[] valid = Gzip([.. Header(2051, 100, 28, 28), .. new byte[100 * 784]]);
        for (int i = 20; i < valid.Length - 8; i++)
        {
            valid[i] ^= 0x5a;
        }

        File.WriteAllBytes(images, valid);
        WriteLabels(temp.File("t10k-labels-idx1-ubyte"), new byte[100]);

        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(temp.Path, MnistSplit.Test));

        Assert.Contains(images, e.Message);
    }

    private static void WriteImages(string path, int count, int rows, int columns, byte[] payload) =>
        WriteFile(path, Header(2051, count, rows, columns), payload, gzip: false);

    private static void WriteLabels(string path, byte[] labels) =>
        WriteFile(path, Header(2049, labels.Length), labels, gzip: false);

    private static byte[] Header(params int[] values)
    {
        var header = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 * i), values[i]);
        }

        return header;
    }

    private static void WriteFile(string path, byte[] header, byte[] payload, bool gzip)
    {
        byte[] content = [.. header, .. payload];
        File.WriteAllBytes(path, gzip ? Gzip(content) : content);
    }

    private static byte[] Gzip(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var compressor = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            compressor.Write(content);
        }

        return buffer.ToArray();
    }
}
