using StaticNets.__Internals;

namespace StaticNets;

/// <summary>ONNX import as a method of every network: <c>net.ImportOnnx("lenet5.onnx")</c>.</summary>
public static class OnnxExtensions
{
    /// <summary>
    /// Replaces <paramref name="net"/>'s parameters with the weights of the ONNX model in the file
    /// <paramref name="path"/>: one written by <c>ExportOnnx</c>, or one of the same architecture
    /// exported from PyTorch. See <see cref="OnnxImporter"/>.
    /// </summary>
    /// <typeparam name="TNet">The network class.</typeparam>
    /// <param name="net">The network whose parameters are replaced.</param>
    /// <param name="path">An ONNX model file.</param>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed ONNX model, or its nodes or weights do not fit the network (docs/onnx.md says what is compared); the message names the first mismatch.</exception>
    public static void ImportOnnx<TNet>(this TNet net, string path) where TNet : class, INetwork<TNet> =>
        OnnxImporter.ImportWeights(net, path);

    /// <summary>Replaces <paramref name="net"/>'s parameters with the weights of the ONNX model in <paramref name="stream"/>. See <see cref="OnnxImporter"/>.</summary>
    /// <typeparam name="TNet">The network class.</typeparam>
    /// <param name="net">The network whose parameters are replaced.</param>
    /// <param name="stream">A readable stream holding an ONNX model, read to its end; it is left open.</param>
    /// <exception cref="InvalidDataException">The data is not a well-formed ONNX model, or its nodes or weights do not fit the network (docs/onnx.md says what is compared); the message names the first mismatch.</exception>
    public static void ImportOnnx<TNet>(this TNet net, Stream stream) where TNet : class, INetwork<TNet> =>
        OnnxImporter.ImportWeights(net, stream);
}
