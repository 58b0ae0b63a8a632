using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace StaticNets.Samples.AotPredict;

/// <summary>
/// Reads single digits from MNIST's IDX files, gzip'd (<c>t10k-images-idx3-ubyte.gz</c>) or raw: a
/// big-endian header (magic number, count, then rows and columns for images), then one byte per
/// pixel or label. Pixels become floats in [0, 1], row by row: the network's [1][28][28] input.
/// </summary>
internal static class MnistFiles
{
    private const int ImageMagic = 0x00000803;
    private const int LabelMagic = 0x00000801;
    private const int Side = 28;

    /// <summary>The shipped <c>Samples/data/mnist</c>, looked for above the current folder and above the executable.</summary>
    public static string FindShippedFolder()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "Samples", "data", "mnist");
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        throw new DirectoryNotFoundException(
            "Samples/data/mnist was not found above the current folder or the executable: pass the MNIST folder as the first argument.");
    }

    /// <summary>Test digit number <paramref name="index"/> (from 0) and its label.</summary>
    public static (float[] Image, int Label) ReadTestDigit(string folder, int index)
    {
        using var images = Open(folder, "t10k-images-idx3-ubyte");
        int count = ReadHeader(images, ImageMagic, "t10k-images-idx3-ubyte");
        int rows = ReadInt32(images), columns = ReadInt32(images);
        if (rows != Side || columns != Side) throw new InvalidDataException($"images are {rows}x{columns}, not {Side}x{Side}");
        if ((uint)index >= (uint)count) throw new ArgumentOutOfRangeException(nameof(index), index, $"the test set holds digits 0 to {count - 1}");

        Skip(images, (long)index * Side * Side);
        var pixels = new byte[Side * Side];
        images.ReadExactly(pixels);
        var image = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++) image[i] = pixels[i] / 255f;

        using var labels = Open(folder, "t10k-labels-idx1-ubyte");
        int labelCount = ReadHeader(labels, LabelMagic, "t10k-labels-idx1-ubyte");
        if (labelCount != count) throw new InvalidDataException($"{count} images but {labelCount} labels");
        Skip(labels, index);
        int label = labels.ReadByte();
        if (label < 0) throw new EndOfStreamException("the labels file ends early");
        return (image, label);
    }

    /// <summary>The digit in characters, darker pixels denser, one text line per pixel row.</summary>
    public static string Render(ReadOnlySpan<float> image)
    {
        const string Shades = " .:-=+*#%@";
        var text = new StringBuilder((Side + 1) * Side);
        for (int y = 0; y < Side; y++)
        {
            for (int x = 0; x < Side; x++) text.Append(Shades[(int)(image[y * Side + x] * (Shades.Length - 1) + 0.5f)]);
            text.Append('\n');
        }
        return text.ToString();
    }

    private static Stream Open(string folder, string name)
    {
        string gz = Path.Combine(folder, name + ".gz");
        if (File.Exists(gz)) return new GZipStream(File.OpenRead(gz), CompressionMode.Decompress);
        string raw = Path.Combine(folder, name);
        if (File.Exists(raw)) return File.OpenRead(raw);
        throw new FileNotFoundException($"neither {gz} nor {raw} exists", gz);
    }

    private static int ReadHeader(Stream stream, int magic, string name)
    {
        int found = ReadInt32(stream);
        if (found != magic) throw new InvalidDataException($"{name}: magic number 0x{found:x8}, expected 0x{magic:x8}");
        return ReadInt32(stream);
    }

    private static int ReadInt32(Stream stream)
    {
        Span<byte> bytes = stackalloc byte[4];
        stream.ReadExactly(bytes);
        return BinaryPrimitives.ReadInt32BigEndian(bytes);
    }

    private static void Skip(Stream stream, long count)
    {
        var buffer = new byte[4096];
        while (count > 0)
        {
            int read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (read == 0) throw new EndOfStreamException("the file ends before the requested digit");
            count -= read;
        }
    }
}
