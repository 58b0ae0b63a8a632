using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics.Tensors;

namespace StaticNets;

/// <summary>
/// Reads MNIST and every data set stored in its IDX format (Fashion-MNIST, KMNIST, EMNIST...):
/// a file of images and a file of labels per split, gzip-compressed or raw.
/// </summary>
/// <remarks>
/// Each image becomes one sample of <c>rows * columns</c> values (784 for MNIST, laid out as the
/// 1x28x28 input of <c>[Input(28, 28, 1)]</c>), the grey levels 0-255 scaled to <c>[0, 1]</c>.
/// The headers are checked before anything large is allocated, so a corrupt or forged file fails
/// with an <see cref="InvalidDataException"/> that names it instead of exhausting memory.
/// </remarks>
public static class Mnist
{
    private const int ImageMagic = 2051;
    private const int LabelMagic = 2049;
    private const int ImageHeaderBytes = 16;
    private const int LabelHeaderBytes = 8;

    /// <summary>The largest pixel payload a header may announce: 1 GiB (the original training set holds 47 MB).</summary>
    private const long MaxPixelBytes = 1L << 30;

    /// <summary>Compressed data is read in pieces of this size and more memory is taken only as data actually arrives.</summary>
    private const int ChunkBytes = 1 << 20;

    /// <summary>Loads a whole split from <paramref name="directory"/>.</summary>
    /// <param name="directory">The folder holding the IDX files, each either raw or gzip-compressed (<c>.gz</c>).</param>
    /// <param name="split">Training or test set.</param>
    /// <returns>A dataset with class labels; inputs are the pixels scaled to <c>[0, 1]</c>.</returns>
    /// <exception cref="FileNotFoundException">An images or labels file is missing; the message lists the names looked for.</exception>
    /// <exception cref="InvalidDataException">A file is not an IDX file of the expected kind, is truncated, announces an absurd size, or the two files disagree on the number of samples.</exception>
    public static Dataset Load(string directory, MnistSplit split) => Load(directory, split, int.MaxValue);

    /// <summary>Loads the first <paramref name="limit"/> samples of a split from <paramref name="directory"/> (all of them when the split holds fewer).</summary>
    /// <param name="directory">The folder holding the IDX files, each either raw or gzip-compressed (<c>.gz</c>).</param>
    /// <param name="split">Training or test set.</param>
    /// <param name="limit">The most samples to read; only these must be present in the files.</param>
    /// <returns>A dataset with class labels; inputs are the pixels scaled to <c>[0, 1]</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is not positive.</exception>
    /// <exception cref="FileNotFoundException">An images or labels file is missing; the message lists the names looked for.</exception>
    /// <exception cref="InvalidDataException">A file is not an IDX file of the expected kind, is truncated, announces an absurd size, or the two files disagree on the number of samples.</exception>
    public static Dataset Load(string directory, MnistSplit split, int limit)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (limit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"limit must be at least 1, but it is {limit}.");
        }

        string prefix = split switch
        {
            MnistSplit.Train => "train",
            MnistSplit.Test => "t10k",
            _ => throw new ArgumentOutOfRangeException(nameof(split), split, $"Unknown MNIST split {split}."),
        };

        string imagesPath = Find(directory, $"{prefix}-images-idx3-ubyte", split, "images");
        string labelsPath = Find(directory, $"{prefix}-labels-idx1-ubyte", split, "labels");

        using Stream images = OpenDecompressed(imagesPath);
        using Stream labels = OpenDecompressed(labelsPath);

        Span<byte> imageHeader = stackalloc byte[ImageHeaderBytes];
        ReadHeader(images, imagesPath, imageHeader, ImageMagic, "image (idx3)");
        int imageCount = ReadCount(imageHeader, 4, imagesPath, "image count");
        int rows = ReadCount(imageHeader, 8, imagesPath, "row count");
        int columns = ReadCount(imageHeader, 12, imagesPath, "column count");
        if (rows == 0 || columns == 0)
        {
            throw new InvalidDataException($"{imagesPath} announces images of {rows}x{columns} pixels; both sides must be positive.");
        }

        long announcedBytes = (long)imageCount * rows * columns;
        if (announcedBytes > MaxPixelBytes)
        {
            throw new InvalidDataException(
                $"{imagesPath} announces {imageCount} images of {rows}x{columns} pixels = {announcedBytes} bytes, more than the {MaxPixelBytes} bytes (1 GiB) this reader accepts; the header is corrupt or forged.");
        }

        Span<byte> labelHeader = stackalloc byte[LabelHeaderBytes];
        ReadHeader(labels, labelsPath, labelHeader, LabelMagic, "label (idx1)");
        int labelCount = ReadCount(labelHeader, 4, labelsPath, "label count");
        if (labelCount != imageCount)
        {
            throw new InvalidDataException(
                $"{imagesPath} holds {imageCount} images but {labelsPath} holds {labelCount} labels; the two files must describe the same samples.");
        }

        int count = Math.Min(imageCount, limit);
        if (count == 0)
        {
            throw new InvalidDataException($"{imagesPath} and {labelsPath} hold no samples.");
        }

        int sampleSize = rows * columns;
        byte[] pixels = ReadPayload(images, imagesPath, ImageHeaderBytes, (long)count * sampleSize);
        byte[] labelBytes = ReadPayload(labels, labelsPath, LabelHeaderBytes, count);

        var inputs = new float[pixels.Length];
        TensorPrimitives.ConvertTruncating<byte, float>(pixels, inputs);
        TensorPrimitives.Divide(inputs, 255f, inputs);

        var classLabels = new int[count];
        for (int i = 0; i < count; i++)
        {
            classLabels[i] = labelBytes[i];
        }

        return new Dataset(inputs, classLabels);
    }

    /// <summary>The raw file when it exists, else its <c>.gz</c> sibling.</summary>
    private static string Find(string directory, string name, MnistSplit split, string what)
    {
        string raw = Path.Combine(directory, name);
        if (File.Exists(raw))
        {
            return raw;
        }

        string gzip = raw + ".gz";
        if (File.Exists(gzip))
        {
            return gzip;
        }

        throw new FileNotFoundException(
            $"MNIST {split} {what} not found in {Path.GetFullPath(directory)}: looked for {name} and {name}.gz.", raw);
    }

    /// <summary>Opens <paramref name="path"/>, decompressing when it starts with the gzip magic bytes 1f 8b (whatever its name).</summary>
    private static Stream OpenDecompressed(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        int read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        if (read == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        {
            return new GZipStream(file, CompressionMode.Decompress, leaveOpen: false);
        }

        return file;
    }

    private static void ReadHeader(Stream stream, string path, Span<byte> header, int expectedMagic, string kind)
    {
        // The magic number is checked first: a file of the wrong kind is reported as such, even when shorter than a header.
        int read = ReadFully(stream, path, header);
        int magic = read >= 4 ? BinaryPrimitives.ReadInt32BigEndian(header) : expectedMagic;
        if (magic != expectedMagic)
        {
            string hint = magic == ImageMagic ? " (that of an image file)" : magic == LabelMagic ? " (that of a label file)" : "";
            throw new InvalidDataException(
                $"{path} is not an IDX {kind} file: its magic number is {magic} (0x{magic:X8}){hint}, expected {expectedMagic} (0x{expectedMagic:X8}).");
        }

        if (read < header.Length)
        {
            throw new InvalidDataException(
                $"{path} is truncated: an IDX {kind} file starts with a {header.Length}-byte header, but it holds only {read} bytes.");
        }
    }

    private static int ReadCount(ReadOnlySpan<byte> header, int offset, string path, string what)
    {
        int value = BinaryPrimitives.ReadInt32BigEndian(header[offset..]);
        if (value < 0)
        {
            throw new InvalidDataException($"{path} announces a negative {what}, {value}; the header is corrupt.");
        }

        return value;
    }

    /// <summary>
    /// Reads the <paramref name="length"/> bytes after the header. A raw file's size is checked up
    /// front; compressed data is read in chunks, so memory grows only with the data actually present.
    /// </summary>
    private static byte[] ReadPayload(Stream stream, string path, int headerBytes, long length)
    {
        if (stream is FileStream file && file.Length - headerBytes < length)
        {
            throw Truncated(path, headerBytes + length, file.Length, compressed: false);
        }

        var buffer = new byte[stream is FileStream ? length : Math.Min(length, ChunkBytes)];
        long filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
            }

            int read = ReadFully(stream, path, buffer.AsSpan((int)filled));
            if (read == 0)
            {
                throw Truncated(path, headerBytes + length, headerBytes + filled, compressed: stream is GZipStream);
            }

            filled += read;
        }

        return buffer;
    }

    private static InvalidDataException Truncated(string path, long expected, long actual, bool compressed) => new(
        $"{path} is truncated: its header announces {expected} bytes (header included), but it holds only {actual}{(compressed ? " once decompressed" : "")}.");

    /// <summary>Reads until <paramref name="buffer"/> is full or the data ends; a corrupt gzip stream is reported with the file's name.</summary>
    private static int ReadFully(Stream stream, string path, Span<byte> buffer)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: the gzip data is corrupt ({e.Message}).", e);
        }
    }
}
