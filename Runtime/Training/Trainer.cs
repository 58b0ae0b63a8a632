#pragma warning disable CS1591 // shell until the training loop lands
namespace StaticNets.Training;

public static class Trainer
{
    public static TrainingReport Train<TNet>(TNet net, Dataset data, TrainingOptions options) where TNet : class, INetwork<TNet> => throw new NotSupportedException();
    public static Evaluation Evaluate<TNet>(TNet net, Dataset data) where TNet : class, INetwork<TNet> => throw new NotSupportedException();
}
