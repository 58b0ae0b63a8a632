using StaticNets.Tests.Support;
using Xunit;

namespace StaticNets.Tests.Training;

public class RegularizationTests
{
    /// <summary>A known parameter vector: p_i = 0.4 sin(i + 1), so weights of both signs and non-zero biases.</summary>
    private static void SetKnownParameters(Span<float> parameters)
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = 0.4f * MathF.Sin(i + 1);
        }
    }

    [Fact]
    public void Regularisation_adds_to_the_loss_and_gradient_exactly_as_documented()
    {
        const float LearningRate = 0.1f, WeightDecay = 0.05f;
        Dataset data = TestData.Xor();
        var net = new TinyMlp<RegularisedShape>(seed: 0);
        SetKnownParameters(net.Parameters);
        float[] start = net.Parameters.ToArray();

        // The data part, from the network itself at the known parameters.
        var reference = new TinyMlp<RegularisedShape>(seed: 0);
        start.CopyTo(reference.Parameters);
        reference.ZeroGradients();
        double dataLoss = 0;
        for (int i = 0; i < data.Count; i++)
        {
            dataLoss += reference.ComputeGradients(data.Input(i), data.Label(i));
        }

        // The documented terms, per layer with weights: L1 sum|w| + 0.5 (L2 + WeightDecay) sum w^2;
        // gradient L1 sign(w) + (L2 + WeightDecay) w; biases untouched.
        double penalty = 0;
        var expected = new double[start.Length];
        for (int i = 0; i < start.Length; i++)
        {
            expected[i] = start[i] - LearningRate * (reference.Gradients[i] / 4.0);
        }

        foreach (LayerInfo layer in TinyMlp<RegularisedShape>.Info.Layers)
        {
            double l1 = layer.L1, l2 = layer.L2 + WeightDecay;
            for (int i = layer.ParameterOffset; i < layer.ParameterOffset + layer.WeightCount; i++)
            {
                penalty += l1 * Math.Abs(start[i]) + 0.5 * l2 * start[i] * start[i];
                expected[i] -= LearningRate * (l1 * Math.Sign(start[i]) + l2 * start[i]);
            }
        }

        TrainingReport report = net.Train(data, new TrainingOptions
        {
            Epochs = 1, BatchSize = 4, Shuffle = false, Threads = 1, Optimizer = new Sgd(LearningRate), WeightDecay = WeightDecay,
        });

        Assert.True(penalty > 0.05, $"the penalty {penalty} should weigh in the check");
        Assert.Equal(dataLoss / 4 + penalty, report.FinalLoss, 1e-6);
        for (int i = 0; i < start.Length; i++)
        {
            Assert.Equal(expected[i], net.Parameters[i], 1e-6);
        }
    }

    [Fact]
    public void Biases_are_not_regularised()
    {
        // One step from the same start: the data gradient is the same with and without decay, so the
        // biases, which carry no penalty, come out identical while the weights differ.
        Dataset data = TestData.Xor();
        var plain = new TinyMlp<XorShape>(seed: 3);
        var decayed = new TinyMlp<XorShape>(seed: 3);
        var options = new TrainingOptions { Epochs = 1, BatchSize = 4, Shuffle = false, Threads = 1, Optimizer = new Sgd(0.1f) };

        plain.Train(data, options);
        decayed.Train(data, new TrainingOptions { Epochs = 1, BatchSize = 4, Shuffle = false, Threads = 1, Optimizer = new Sgd(0.1f), WeightDecay = 0.5f });

        TinyMlpShape shape = XorShape.Shape;
        Assert.Equal(plain.Parameters[shape.HiddenBiasOffset..shape.OutputWeightOffset].ToArray(), decayed.Parameters[shape.HiddenBiasOffset..shape.OutputWeightOffset].ToArray());
        Assert.Equal(plain.Parameters[shape.OutputBiasOffset..].ToArray(), decayed.Parameters[shape.OutputBiasOffset..].ToArray());
        Assert.NotEqual(plain.Parameters[..shape.HiddenBiasOffset].ToArray(), decayed.Parameters[..shape.HiddenBiasOffset].ToArray());
    }

    [Fact]
    public void BatchNorm_scales_are_not_regularised()
    {
        // conv1, batchnorm2, relu3, conv4, batchnorm5, relu6, pool7, dense8: weight decay reaches the conv and dense weights only.
        NetworkInfo info = Oracle.OracleBatchNormImportTests.Declared();
        var regularization = StaticNets.__Internals.Regularization.For(info, weightDecay: 0.5f);
        float[] parameters = new float[info.ParameterCount];
        SetKnownParameters(parameters);
        float[] gradients = new float[info.ParameterCount];

        regularization.AddGradient(parameters, gradients);
        double loss = regularization.Loss(parameters);

        double expected = 0;
        foreach (LayerInfo layer in info.Layers)
        {
            for (int i = layer.ParameterOffset; i < layer.ParameterOffset + layer.ParameterCount; i++)
            {
                bool regularised = layer.Kind is LayerKind.Conv2D or LayerKind.Dense && i < layer.ParameterOffset + layer.WeightCount;
                Assert.Equal(regularised ? 0.5f * parameters[i] : 0f, gradients[i]);
                expected += regularised ? 0.25 * parameters[i] * parameters[i] : 0;
            }
        }
        Assert.Equal(expected, loss, 1e-6);
        Assert.Contains(info.Layers, l => l.Kind == LayerKind.BatchNorm && l.WeightCount > 0);
    }

    private static double SumOfSquaredWeights<TShape>(TinyMlp<TShape> net)
        where TShape : ITinyMlpShape
    {
        double sum = 0;
        foreach (LayerInfo layer in TinyMlp<TShape>.Info.Layers)
        {
            foreach (float w in net.Parameters.Slice(layer.ParameterOffset, layer.WeightCount))
            {
                sum += w * w;
            }
        }

        return sum;
    }

    [Fact]
    public void Weight_decay_shrinks_the_weights()
    {
        var plain = new TinyMlp<XorShape>(seed: 1);
        var decayed = new TinyMlp<XorShape>(seed: 1);

        plain.Train(TestData.Xor(), new TrainingOptions { Epochs = 200, BatchSize = 4, Optimizer = new Adam(0.05f) });
        decayed.Train(TestData.Xor(), new TrainingOptions { Epochs = 200, BatchSize = 4, Optimizer = new Adam(0.05f), WeightDecay = 0.05f });

        double plainNorm = SumOfSquaredWeights(plain), decayedNorm = SumOfSquaredWeights(decayed);
        Assert.True(decayedNorm < 0.8 * plainNorm, $"sum w^2: {decayedNorm} with decay, {plainNorm} without");
    }

    [Fact]
    public void Layer_l1_and_l2_shrink_the_weights()
    {
        // RegularisedNet and PlainNet differ only in their penalties (2-4-2, same initialisation from the seed).
        var plain = new TinyMlp<PlainShape>(seed: 1);
        var regularised = new TinyMlp<RegularisedShape>(seed: 1);
        Assert.Equal(plain.Parameters.ToArray(), regularised.Parameters.ToArray());
        var options = () => new TrainingOptions { Epochs = 200, BatchSize = 4, Optimizer = new Adam(0.05f) };

        plain.Train(TestData.Xor(), options());
        regularised.Train(TestData.Xor(), options());

        Assert.True(SumOfSquaredWeights(regularised) < 0.8 * SumOfSquaredWeights(plain),
            $"sum w^2: {SumOfSquaredWeights(regularised)} regularised, {SumOfSquaredWeights(plain)} plain");
    }
}
