#pragma warning disable CS1591 // shell until weight files land
namespace StaticNets.Serialization;

public static class WeightFile
{
    public static void Save<TNet>(TNet net, string path) where TNet : class, INetwork<TNet> => throw new NotSupportedException();
    public static void Save<TNet>(TNet net, Stream stream) where TNet : class, INetwork<TNet> => throw new NotSupportedException();
    public static TNet Load<TNet>(string path) where TNet : class, INetwork<TNet> => throw new NotSupportedException();
    public static TNet Load<TNet>(Stream stream) where TNet : class, INetwork<TNet> => throw new NotSupportedException();
}
