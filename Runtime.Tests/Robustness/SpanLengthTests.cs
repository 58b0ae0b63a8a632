using Xunit;

namespace StaticNets.Tests.Robustness;

/// <summary>
/// Every generated entry point that takes a span rejects a wrong length with an <see cref="ArgumentException"/>
/// naming the parameter and the expected size (and the image layout), and every label outside [0, OutputSize)
/// with an <see cref="ArgumentOutOfRangeException"/>; a rejected call changes nothing (parameters, gradients,
/// the dropout generator), so the next valid call gives what an untouched twin gives.
/// </summary>
public class SpanLengthTests
{
    [Fact]
    public void Image_network_rejects_wrong_lengths_with_the_expected_size_and_layout() =>
        AssertRejectsWrongLengths<ImageNet>("ImageNet", inputShape: "[2][6][5]", inputSize: 60, outputSize: 4);

    [Fact]
    public void Flat_network_rejects_wrong_lengths_with_the_expected_size() =>
        AssertRejectsWrongLengths<FlatNet>("FlatNet", inputShape: "7", inputSize: 7, outputSize: 3);

    [Fact]
    public void Constants_are_the_sizes_the_checks_expect()
    {
        Assert.Equal((60, 4), (ImageNet.InputSize, ImageNet.OutputSize));
        Assert.Equal((7, 3), (FlatNet.InputSize, FlatNet.OutputSize));
    }

    private static void AssertRejectsWrongLengths<TNet>(string name, string inputShape, int inputSize, int outputSize)
        where TNet : class, INetwork<TNet>
    {
        var net = TNet.Create(3);
        var twin = TNet.Create(3);
        var input = Enumerable.Range(0, inputSize).Select(i => MathF.Sin(i + 0.5f)).ToArray();
        var target = Enumerable.Range(0, outputSize).Select(i => i == 1 ? 1f : 0f).ToArray();
        // Gradients that are not all zero, so that a stray write would show.
        net.SetRandomState(11);
        twin.SetRandomState(11);
        net.ComputeGradients(input, 1);
        twin.ComputeGradients(input, 1);
        var parameters = net.Parameters.ToArray();
        var gradients = net.Gradients.ToArray();
        net.SetRandomState(5);

        int[] badInputs = [0, 1, inputSize - 1, inputSize + 1, 2 * inputSize];
        int[] badOutputs = [0, outputSize - 1, outputSize + 1, 2 * outputSize];
        foreach (int length in badInputs.Where(l => l != inputSize).Distinct())
        {
            var wrong = new float[length];
            AssertLength(() => net.Forward(wrong, new float[outputSize]), "input", inputSize, inputShape, length, name);
            AssertLength(() => net.Predict(wrong), "input", inputSize, inputShape, length, name);
            AssertLength(() => net.ComputeGradients(wrong, 0), "input", inputSize, inputShape, length, name);
            AssertLength(() => net.ComputeGradients(wrong, target), "input", inputSize, inputShape, length, name);
        }
        foreach (int length in badOutputs.Where(l => l != outputSize).Distinct())
        {
            AssertLength(() => net.Forward(input, new float[length]), "output", outputSize, outputSize.ToString(), length, name);
            AssertLength(() => net.ComputeGradients(input, new float[length]), "target", outputSize, outputSize.ToString(), length, name);
        }
        foreach (int label in new[] { -1, outputSize, outputSize + 1, int.MaxValue, int.MinValue })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => net.ComputeGradients(input, label));
            Assert.Equal("label", e.ParamName);
            Assert.Equal(label, e.ActualValue);
            Assert.Contains($"{name} has {outputSize} outputs, so a label must be in [0, {outputSize - 1}]; got {label}.", e.Message);
        }

        // Nothing was touched: parameters, gradients, and the state dropout draws from.
        Assert.Equal(parameters, net.Parameters.ToArray());
        Assert.Equal(gradients, net.Gradients.ToArray());
        twin.SetRandomState(5);
        Assert.Equal(twin.ComputeGradients(input, target), net.ComputeGradients(input, target));
        Assert.Equal(twin.Gradients.ToArray(), net.Gradients.ToArray());
        var a = new float[outputSize];
        var b = new float[outputSize];
        net.Forward(input, a);
        twin.Forward(input, b);
        Assert.Equal(b, a);
    }

    private static void AssertLength(Action call, string parameter, int expected, string shape, int actual, string name)
    {
        var e = Assert.Throws<ArgumentException>(call);
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains($"{name} expects {parameter} of {expected} values ({shape}); got {actual}.", e.Message);
    }
}
