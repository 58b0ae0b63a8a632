using System.ComponentModel;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace StaticNets.__Internals;

/// <summary>
/// Weight files: a network's parameters with a header that recognises its architecture, and a
/// checksum. Generated networks call this from their <c>Save</c> and <c>Load</c> members.
/// </summary>
/// <remarks>
/// <para>The format (version 2), all integers and floats little-endian, described for people in
/// <c>docs/weight-files.md</c>:</para>
/// <code>
/// magic           4 bytes   "SNW1"
/// version         int32     2
/// name            string    the network's name (NetworkInfo.Name)
/// signature       string    NetworkInfo.Signature
/// layer count     int32
/// per layer       string name, string kind (LayerKind's name),
///                 int32 x 3 input shape (channels, height, width),
///                 int32 x 3 output shape (channels, height, width),
///                 int32 parameter count
/// parameter count int32
/// statistics count int32   NetworkInfo.StatisticsCount (BatchNorm running means and variances)
/// parameters      float32 x parameter count, in the layout of INetwork.Parameters
/// statistics      float32 x statistics count, in the layout of INetwork.Statistics
/// checksum        uint32    CRC-32 (as in zip) of every byte before it
/// </code>
/// <para>Version 1, the same without the statistics count and the statistics, still loads: such a file
/// holds a network without running statistics (BatchNorm did not exist), and is refused, naming the
/// missing statistics, for a network that has some.</para>
/// <para>A string is an int32 byte length followed by that many bytes of UTF-8. Every length and
/// count is checked against a limit and, where the stream can tell, against the bytes that remain,
/// before anything is allocated for it.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static class WeightFile
{
    /// <summary>The format version this Runtime writes; it reads this one and <see cref="FirstVersion"/>.</summary>
    public const int FormatVersion = 2;

    /// <summary>The first format version, without statistics; still read.</summary>
    internal const int FirstVersion = 1;

    /// <summary>The longest string (name, signature, layer name or kind) a weight file may hold, in bytes.</summary>
    internal const int MaxStringBytes = 1 << 20;

    /// <summary>The most layers a weight file may describe.</summary>
    internal const int MaxLayers = 100_000;

    // The smallest layer record: two empty strings, six shape ints, one count.
    private const int MinLayerRecordBytes = 4 + 4 + 6 * 4 + 4;

    private static ReadOnlySpan<byte> Magic => "SNW1"u8;

    /// <summary>
    /// Writes <paramref name="net"/>'s parameters to the file <paramref name="path"/>. The file is
    /// written under a temporary name in the same directory, flushed to the disk and then renamed,
    /// so a failure or a crash never leaves half a file under <paramref name="path"/>, and an existing
    /// file there is replaced only by a complete one.
    /// </summary>
    /// <typeparam name="TNet">The network class.</typeparam>
    /// <param name="net">The network to save.</param>
    /// <param name="path">The file to write; its directory must exist.</param>
    /// <exception cref="InvalidOperationException">A parameter is NaN or infinite (a file could never be loaded again).</exception>
    public static void Save<TNet>(TNet net, string path) where TNet : class, INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, stream => Save(net, stream));
    }

    /// <summary>Writes <paramref name="net"/>'s parameters to <paramref name="stream"/>, from its current position.</summary>
    /// <typeparam name="TNet">The network class.</typeparam>
    /// <param name="net">The network to save.</param>
    /// <param name="stream">A writable stream; it is left open.</param>
    /// <exception cref="InvalidOperationException">A parameter is NaN or infinite (a file could never be loaded again).</exception>
    public static void Save<TNet>(TNet net, Stream stream) where TNet : class, INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(stream);
        NetworkInfo info = TNet.Info;
        ReadOnlySpan<float> parameters = net.Parameters;
        if (parameters.Length != info.ParameterCount)
        {
            throw new ArgumentException(Invariant($"{info.Name}.Parameters holds {parameters.Length:N0} values, but its architecture has {info.ParameterCount:N0}."), nameof(net));
        }
        ReadOnlySpan<float> statistics = net.Statistics;
        if (statistics.Length != info.StatisticsCount)
        {
            throw new ArgumentException(Invariant($"{info.Name}.Statistics holds {statistics.Length:N0} values, but its architecture has {info.StatisticsCount:N0}."), nameof(net));
        }
        int bad = FirstNonFinite(parameters);
        if (bad >= 0)
        {
            throw new InvalidOperationException(Invariant($"Cannot save {info.Name}: parameter {bad:N0} ({DescribeParameter(info, bad)}) is {parameters[bad]}. Training has diverged; a weight file holds finite numbers only."));
        }
        bad = FirstNonFinite(statistics);
        if (bad >= 0)
        {
            throw new InvalidOperationException(Invariant($"Cannot save {info.Name}: statistic {bad:N0} ({DescribeStatistic(info, bad)}) is {statistics[bad]}. Training has diverged; a weight file holds finite numbers only."));
        }

        var writer = new WeightFileWriter(stream);
        writer.Write(Magic);
        writer.WriteInt32(FormatVersion);
        writer.WriteString(info.Name);
        writer.WriteString(info.Signature);
        writer.WriteInt32(info.Layers.Count);
        foreach (LayerInfo layer in info.Layers)
        {
            writer.WriteString(layer.Name);
            writer.WriteString(layer.Kind.ToString());
            writer.WriteShape(layer.InputShape);
            writer.WriteShape(layer.OutputShape);
            writer.WriteInt32(layer.ParameterCount);
        }
        writer.WriteInt32(parameters.Length);
        writer.WriteInt32(statistics.Length);
        writer.WriteFloats(parameters);
        writer.WriteFloats(statistics);
        writer.WriteChecksum();
    }

    /// <summary>Reads a weight file written by <see cref="Save{TNet}(TNet, string)"/> into a new <typeparamref name="TNet"/>.</summary>
    /// <typeparam name="TNet">The network class the file must have been saved from (same layers and shapes).</typeparam>
    /// <param name="path">The file to read.</param>
    /// <returns>A new network holding the file's parameters.</returns>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a weight file, has another format version, holds another architecture, is
    /// truncated, has bytes after its end, is corrupted (checksum) or holds a NaN or infinity. The
    /// message names the file and says what differs.
    /// </exception>
    public static TNet Load<TNet>(string path) where TNet : class, INetwork<TNet>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Weight file not found: '{path}'.", path);
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return Load<TNet>(stream, $"Weight file '{path}'", wholeStream: true);
    }

    /// <summary>Reads a weight file written by <see cref="Save{TNet}(TNet, Stream)"/> from <paramref name="stream"/>'s current position, up to the end of the checksum.</summary>
    /// <typeparam name="TNet">The network class the file must have been saved from (same layers and shapes).</typeparam>
    /// <param name="stream">A readable stream; it is left open.</param>
    /// <returns>A new network holding the file's parameters.</returns>
    /// <exception cref="InvalidDataException">
    /// The data is not a weight file, has another format version, holds another architecture, is
    /// truncated, is corrupted (checksum) or holds a NaN or infinity. The message says what differs.
    /// </exception>
    public static TNet Load<TNet>(Stream stream) where TNet : class, INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Load<TNet>(stream, "Weight stream", wholeStream: false);
    }

    private static TNet Load<TNet>(Stream stream, string source, bool wholeStream) where TNet : class, INetwork<TNet>
    {
        NetworkInfo info = TNet.Info;
        var reader = new WeightFileReader(stream, source);

        Span<byte> magic = stackalloc byte[4];
        reader.Read(magic);
        if (!magic.SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{source} is not a StaticNets weight file: it starts with {Convert.ToHexString(magic)}, not \"SNW1\".");
        }
        int version = reader.ReadInt32();
        if (version != FormatVersion && version != FirstVersion)
        {
            throw new InvalidDataException(Invariant($"{source} has weight file format version {version}; this StaticNets reads versions {FirstVersion} and {FormatVersion} only."));
        }

        string name = reader.ReadString("the network name");
        string signature = reader.ReadString("the architecture signature");
        int layerCount = reader.ReadCount("the layer count", MaxLayers, MinLayerRecordBytes);
        var layers = new List<FileLayer>(Math.Min(layerCount, 256));
        for (int i = 0; i < layerCount; i++)
        {
            string layerName = reader.ReadString(Invariant($"the name of layer {i + 1}"));
            string kind = reader.ReadString(Invariant($"the kind of layer {i + 1}"));
            TensorShape input = reader.ReadShape();
            TensorShape output = reader.ReadShape();
            int count = reader.ReadInt32();
            layers.Add(new FileLayer(layerName, kind, input, output, count));
        }

        // Version 1 has no statistics count: the parameters follow their count directly.
        bool hasStatistics = version != FirstVersion;
        int parameterCount = reader.ReadCount("the parameter count", Array.MaxLength / sizeof(float), sizeof(float), trailingBytes: hasStatistics ? 2 * sizeof(uint) : sizeof(uint));
        int statisticsCount = hasStatistics
            ? reader.ReadCount("the statistics count", Array.MaxLength / sizeof(float), sizeof(float), trailingBytes: (long)parameterCount * sizeof(float) + sizeof(uint))
            : 0;
        reader.ExpectLength(reader.Position + ((long)parameterCount + statisticsCount) * sizeof(float) + sizeof(uint));

        // Read the parameters and statistics straight into a new network when they can belong to it;
        // otherwise only run them through the checksum, so that a corrupted header is reported as
        // corruption rather than as another architecture.
        TNet? net = null;
        if (parameterCount == info.ParameterCount && statisticsCount == info.StatisticsCount)
        {
            net = TNet.Create(0);
            reader.ReadFloats(net.Parameters);
            reader.ReadFloats(net.Statistics);
        }
        else
        {
            reader.Skip(((long)parameterCount + statisticsCount) * sizeof(float));
        }
        reader.VerifyChecksum();
        if (wholeStream)
        {
            reader.ExpectEnd();
        }

        // Throws unless the file's layers, signature, parameter and statistics counts are the
        // network's, so from here on the parameters and statistics were read into a network.
        CompareArchitecture(info, source, name, signature, layers, parameterCount);
        if (statisticsCount != info.StatisticsCount)
        {
            throw new InvalidDataException(hasStatistics
                ? Invariant($"{source}: statistics count mismatch: file has {statisticsCount:N0} running statistics, {info.Name} has {info.StatisticsCount:N0}.")
                : Invariant($"{source} has format version {FirstVersion}, which holds no running statistics, but {info.Name} has {info.StatisticsCount:N0}."));
        }
        ReadOnlySpan<float> parameters = net!.Parameters;
        int bad = FirstNonFinite(parameters);
        if (bad >= 0)
        {
            throw new InvalidDataException(Invariant($"{source}: parameter {bad:N0} ({DescribeParameter(info, bad)}) is {parameters[bad]}; a weight file holds finite numbers only."));
        }
        ReadOnlySpan<float> statistics = net.Statistics;
        bad = FirstNonFinite(statistics);
        if (bad >= 0)
        {
            throw new InvalidDataException(Invariant($"{source}: statistic {bad:N0} ({DescribeStatistic(info, bad)}) is {statistics[bad]}; a weight file holds finite numbers only."));
        }
        return net;
    }

    private sealed record FileLayer(string Name, string Kind, TensorShape Input, TensorShape Output, int ParameterCount);

    private static void CompareArchitecture(NetworkInfo info, string source, string fileName, string fileSignature, List<FileLayer> fileLayers, int fileParameterCount)
    {
        string prefix = $"{source} holds another architecture ({fileName}) than {info.Name}: ";
        int common = Math.Min(fileLayers.Count, info.Layers.Count);
        for (int i = 0; i < common; i++)
        {
            FileLayer f = fileLayers[i];
            LayerInfo n = info.Layers[i];
            if (f.Name == n.Name && f.Kind == n.Kind.ToString())
            {
                if (f.Input != n.InputShape || f.Output != n.OutputShape || f.ParameterCount != n.ParameterCount)
                {
                    bool sameInput = f.Input == n.InputShape;
                    throw new InvalidDataException(prefix + Invariant(
                        $"{n.Name}: file has {Describe(f.Input, f.Output, f.ParameterCount, sameInput)}, {info.Name} has {Describe(n.InputShape, n.OutputShape, n.ParameterCount, sameInput)}."));
                }
            }
            else
            {
                throw new InvalidDataException(prefix + Invariant(
                    $"layer {i + 1}: file has {f.Name} ({f.Kind}, {Describe(f.Input, f.Output, f.ParameterCount, false)}), {info.Name} has {n.Name} ({n.Kind}, {Describe(n.InputShape, n.OutputShape, n.ParameterCount, false)})."));
            }
        }
        if (fileLayers.Count > common)
        {
            FileLayer extra = fileLayers[common];
            throw new InvalidDataException(prefix + Invariant($"file has {Count(fileLayers.Count, "layer")}, {info.Name} has {info.Layers.Count}; the file's layer {common + 1}, {extra.Name} ({extra.Kind}, {extra.Output}), is not in {info.Name}."));
        }
        if (info.Layers.Count > common)
        {
            LayerInfo missing = info.Layers[common];
            throw new InvalidDataException(prefix + Invariant($"file has {Count(fileLayers.Count, "layer")}, {info.Name} has {info.Layers.Count}; {info.Name}'s layer {common + 1}, {missing.Name} ({missing.Kind}, {missing.OutputShape}), is not in the file."));
        }
        if (fileSignature != info.Signature)
        {
            throw new InvalidDataException(prefix + $"the architecture signature differs: file has \"{fileSignature}\", {info.Name} has \"{info.Signature}\".");
        }
        if (fileParameterCount != info.ParameterCount)
        {
            throw new InvalidDataException(Invariant($"{source}: parameter count mismatch: file has {fileParameterCount:N0} parameters, {info.Name} has {info.ParameterCount:N0}."));
        }
    }

    private static string Describe(TensorShape input, TensorShape output, int parameters, bool outputOnly) =>
        outputOnly
            ? Invariant($"{output} ({parameters:N0} parameters)")
            : Invariant($"{input} -> {output} ({parameters:N0} parameters)");

    private static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Which layer a flat parameter index belongs to, e.g. <c>conv2 weight 17</c> or <c>dense3 bias 4</c>.</summary>
    internal static string DescribeParameter(NetworkInfo info, int index)
    {
        foreach (LayerInfo layer in info.Layers)
        {
            int local = index - layer.ParameterOffset;
            if (local >= 0 && local < layer.ParameterCount)
            {
                return local < layer.WeightCount
                    ? Invariant($"{layer.Name} weight {local}")
                    : Invariant($"{layer.Name} bias {local - layer.WeightCount}");
            }
        }
        return "outside every layer";
    }

    /// <summary>Which layer a flat statistics index belongs to, e.g. <c>bn2 running mean 3</c> or <c>bn2 running variance 0</c>.</summary>
    internal static string DescribeStatistic(NetworkInfo info, int index)
    {
        foreach (LayerInfo layer in info.Layers)
        {
            int local = index - layer.StatisticsOffset;
            if (layer.StatisticsCount > 0 && local >= 0 && local < layer.StatisticsCount)
            {
                int channels = layer.StatisticsCount / 2;
                return local < channels
                    ? Invariant($"{layer.Name} running mean {local}")
                    : Invariant($"{layer.Name} running variance {local - channels}");
            }
        }
        return "outside every layer";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Count(long n, string noun) => Invariant($"{n:N0} {noun}{(n == 1 ? "" : "s")}");
}
