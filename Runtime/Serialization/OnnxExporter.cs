#pragma warning disable CS1591 // shell until ONNX export lands
namespace StaticNets.Serialization;

public static class OnnxExporter
{
    public static void Export<TNet>(TNet net, string path) where TNet : class, INetwork<TNet> => throw new NotSupportedException();
    public static void Export<TNet>(TNet net, Stream stream) where TNet : class, INetwork<TNet> => throw new NotSupportedException();
}
