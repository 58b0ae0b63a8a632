// Shells of the training types so that the solution builds; the training issue fills them in.
#pragma warning disable CS1591 // shells, documented when filled in
namespace StaticNets;

public sealed class TrainingOptions
{
    public int Epochs { get; init; } = 1;
}

public sealed class TrainingReport
{
}

public sealed class Evaluation
{
    public float Loss { get; init; }
    public float Accuracy { get; init; }
}
