namespace StaticNets.Tests.Support;

/// <summary>2-8-2, tanh then softmax with cross-entropy: learns XOR.</summary>
public sealed class XorShape : ITinyMlpShape
{
    public static TinyMlpShape Shape { get; } = new("XorNet", 2, 8, 2, LossKind.CrossEntropy);
}

/// <summary>2-8-2, tanh then linear with mean squared error, trained on one-hot targets.</summary>
public sealed class XorMseShape : ITinyMlpShape
{
    public static TinyMlpShape Shape { get; } = new("XorMseNet", 2, 8, 2, LossKind.MeanSquaredError);
}

/// <summary>2-16-3 with dropout 0.3 after the hidden layer, so that training draws random masks.</summary>
public sealed class BlobShape : ITinyMlpShape
{
    public static TinyMlpShape Shape { get; } = new("BlobNet", 2, 16, 3, LossKind.CrossEntropy, DropoutRate: 0.3f);
}

/// <summary>2-4-2 with L1 and L2 on the hidden layer's weights and L2 on the output layer's.</summary>
public sealed class RegularisedShape : ITinyMlpShape
{
    public static TinyMlpShape Shape { get; } = new("RegularisedNet", 2, 4, 2, LossKind.CrossEntropy, HiddenL1: 0.01f, HiddenL2: 0.03f, OutputL2: 0.02f);
}

/// <summary>2-4-2 without penalties: RegularisedNet's twin.</summary>
public sealed class PlainShape : ITinyMlpShape
{
    public static TinyMlpShape Shape { get; } = new("PlainNet", 2, 4, 2, LossKind.CrossEntropy);
}

/// <summary>2-4-2 used by one test only, which counts the replicas the trainer creates.</summary>
public sealed class CountedShape : ITinyMlpShape
{
    public static TinyMlpShape Shape { get; } = new("CountedNet", 2, 4, 2, LossKind.CrossEntropy);
}

/// <summary>2-4-2 with dropout, used by one test only, which logs the random states the trainer sets.</summary>
public sealed class SpiedShape : ITinyMlpShape
{
    public static TinyMlpShape Shape { get; } = new("SpiedNet", 2, 4, 2, LossKind.CrossEntropy, DropoutRate: 0.5f);
}
