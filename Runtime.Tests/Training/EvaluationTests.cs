using StaticNets.Tests.Support;
using Xunit;

namespace StaticNets.Tests.Training;

public class EvaluationTests
{
    /// <summary>The network's output worked out in double from its parameters: tanh hidden layer, then softmax or identity.</summary>
    private static double[] Output<TShape>(TinyMlp<TShape> net, ReadOnlySpan<float> x)
        where TShape : ITinyMlpShape
    {
        TinyMlpShape s = TShape.Shape;
        ReadOnlySpan<float> p = net.Parameters;
        var h = new double[s.Hidden];
        for (int j = 0; j < s.Hidden; j++)
        {
            double z = p[s.HiddenBiasOffset + j];
            for (int i = 0; i < s.Inputs; i++)
            {
                z += p[j * s.Inputs + i] * (double)x[i];
            }

            h[j] = Math.Tanh(z);
        }

        var y = new double[s.Outputs];
        for (int o = 0; o < s.Outputs; o++)
        {
            y[o] = p[s.OutputBiasOffset + o];
            for (int j = 0; j < s.Hidden; j++)
            {
                y[o] += p[s.OutputWeightOffset + o * s.Hidden + j] * h[j];
            }
        }

        if (s.Loss == LossKind.CrossEntropy)
        {
            double max = y.Max();
            double sum = y.Sum(v => Math.Exp(v - max));
            y = [.. y.Select(v => Math.Exp(v - max) / sum)];
        }

        return y;
    }

    private static int ArgMax(IReadOnlyList<double> values) => values.Select((v, i) => (v, i)).MaxBy(t => t.v).i;

    [Fact]
    public void Cross_entropy_with_labels_matches_a_hand_computation()
    {
        var net = new TinyMlp<XorShape>(seed: 11);
        Dataset data = TestData.Xor();
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            double[] y = Output(net, data.Input(i));
            loss -= Math.Log(y[data.Label(i)]);
            correct += ArgMax(y) == data.Label(i) ? 1 : 0;
        }

        Evaluation evaluation = net.Evaluate(data);

        Assert.Equal(loss / 4, evaluation.Loss, 1e-5);
        Assert.Equal(correct / 4f, evaluation.Accuracy);
        Assert.Equal(4, evaluation.Count);
    }

    [Fact]
    public void Cross_entropy_with_soft_targets_matches_a_hand_computation()
    {
        var net = new TinyMlp<XorShape>(seed: 11);
        var data = new Dataset([0.2f, -0.4f, 0.9f, 0.1f], [0.3f, 0.7f, 1f, 0f], 2);
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            double[] y = Output(net, data.Input(i));
            ReadOnlySpan<float> t = data.Target(i);
            loss -= t[0] * Math.Log(y[0]) + t[1] * Math.Log(y[1]);
            correct += ArgMax(y) == (t[1] > t[0] ? 1 : 0) ? 1 : 0;
        }

        Evaluation evaluation = net.Evaluate(data);

        Assert.Equal(loss / 2, evaluation.Loss, 1e-5);
        Assert.Equal(correct / 2f, evaluation.Accuracy);
    }

    [Fact]
    public void Mean_squared_error_with_targets_and_with_labels_matches_a_hand_computation()
    {
        var net = new TinyMlp<XorMseShape>(seed: 11);
        Dataset targets = TestData.XorTargets();
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < targets.Count; i++)
        {
            double[] y = Output(net, targets.Input(i));
            ReadOnlySpan<float> t = targets.Target(i);
            loss += ((y[0] - t[0]) * (y[0] - t[0]) + (y[1] - t[1]) * (y[1] - t[1])) / 2;
            correct += ArgMax(y) == (t[1] > t[0] ? 1 : 0) ? 1 : 0;
        }

        Evaluation withTargets = net.Evaluate(targets);
        Evaluation withLabels = net.Evaluate(TestData.Xor()); // the same samples, labels as one-hot targets

        Assert.Equal(loss / 4, withTargets.Loss, 1e-5);
        Assert.Equal(correct / 4f, withTargets.Accuracy);
        Assert.Equal(withTargets.Loss, withLabels.Loss, 1e-7);
        Assert.Equal(withTargets.Accuracy, withLabels.Accuracy);
    }

    [Fact]
    public void A_confident_mistake_costs_log_of_1e12_not_infinity()
    {
        var net = new TinyMlp<XorShape>(seed: 0);
        net.Parameters.Clear();
        net.Parameters[XorShape.Shape.OutputBiasOffset] = 100f; // output 0 wins with probability 1 - e^-100

        Evaluation evaluation = net.Evaluate(new Dataset([0f, 0f], [1]));

        Assert.Equal(-Math.Log(1e-12), evaluation.Loss, 1e-4);
        Assert.Equal(0f, evaluation.Accuracy);
    }
}
