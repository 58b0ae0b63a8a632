using StaticNets.Tests.Support;
using Xunit;

namespace StaticNets.Tests.Training;

/// <summary>A small batch-normalised digits network: conv, BatchNorm, ReLU, pool, conv, BatchNorm, ReLU, pool, dense.</summary>
[Input(28, 28, 1)]
[Conv2D(6, 5, Padding = 2, Bias = false)]
[BatchNorm]
[ReLU]
[MaxPool(2)]
[Conv2D(12, 3, Bias = false)]
[BatchNorm]
[ReLU]
[MaxPool(2)]
[Flatten]
[Dense(10, Activation = Activation.Softmax)]
public partial class BatchNormDigits { }

/// <summary>
/// Training a network with BatchNorm: each mini-batch is one ComputeBatchGradients (the batch's statistics, the running
/// statistics updated once), on any thread count with the same bits.
/// </summary>
public class BatchTrainingTests
{
    private static Dataset Digits(MnistSplit split, int count) => Mnist.Load(TestData.MnistDirectory(), split, limit: count);

    private static BatchNormDigits Trained(int threads)
    {
        var net = new BatchNormDigits(seed: 2);
        net.Train(Digits(MnistSplit.Train, 300), new TrainingOptions { Epochs = 1, BatchSize = 32, Optimizer = new Adam(0.003f), Seed = 4, Threads = threads });
        return net;
    }

    [Fact]
    public void One_and_two_threads_give_the_same_parameters_and_statistics_bit_for_bit()
    {
        BatchNormDigits one = Trained(threads: 1);
        BatchNormDigits two = Trained(threads: 2);

        var fresh = new BatchNormDigits(seed: 2);
        Assert.NotEqual(TestData.Bits(fresh.Parameters), TestData.Bits(one.Parameters));
        Assert.NotEqual(TestData.Bits(fresh.Statistics), TestData.Bits(one.Statistics));
        Assert.Equal(TestData.Bits(one.Parameters), TestData.Bits(two.Parameters));
        Assert.Equal(TestData.Bits(one.Statistics), TestData.Bits(two.Statistics));
    }

    [Fact]
    public void A_batch_is_one_ComputeBatchGradients_and_one_step()
    {
        // One epoch of one batch, in order, with plain SGD: the step is the batch gradient over the batch size,
        // and the running statistics are updated once, as one ComputeBatchGradients over the same samples.
        const float LearningRate = 0.05f;
        Dataset data = Digits(MnistSplit.Train, 24);
        var trained = new BatchNormDigits(seed: 5);
        var reference = new BatchNormDigits(seed: 5);
        float[] inputs = new float[data.Count * BatchNormDigits.InputSize];
        int[] labels = new int[data.Count];
        for (int i = 0; i < data.Count; i++)
        {
            data.Input(i).CopyTo(inputs.AsSpan(i * BatchNormDigits.InputSize));
            labels[i] = data.Label(i);
        }

        trained.Train(data, new TrainingOptions { Epochs = 1, BatchSize = data.Count, Shuffle = false, Optimizer = new Sgd(LearningRate), Threads = 2 });
        reference.ZeroGradients();
        float loss = reference.ComputeBatchGradients(inputs, labels);

        Assert.True(float.IsFinite(loss) && loss > 0);
        Assert.Equal(TestData.Bits(reference.Statistics), TestData.Bits(trained.Statistics));
        float[] before = new BatchNormDigits(seed: 5).Parameters.ToArray();
        for (int i = 0; i < before.Length; i++)
        {
            float expected = before[i] - LearningRate * (reference.Gradients[i] / data.Count);
            Assert.True(Math.Abs(expected - trained.Parameters[i]) <= 1e-6f * Math.Max(1f, Math.Abs(expected)),
                $"parameter {i}: {trained.Parameters[i]} trained, {expected} from ComputeBatchGradients");
        }
    }

    [Fact]
    public void A_short_run_learns_the_digits_and_Evaluate_uses_the_running_statistics()
    {
        var net = new BatchNormDigits(seed: 1);
        TrainingReport report = net.Train(Digits(MnistSplit.Train, 1000), new TrainingOptions { Epochs = 2, BatchSize = 32, Optimizer = new Adam(0.003f), Seed = 1 });
        Dataset test = Digits(MnistSplit.Test, 300);

        Evaluation evaluation = net.Evaluate(test);

        // Chance is 10%; two epochs on 1,000 digits give about 89% on these 300 test digits.
        Assert.True(evaluation.Accuracy > 0.8f, $"{report}; test: {evaluation}");
        // Evaluate reads the running statistics: with the initial ones (means 0, variances 1) it scores otherwise.
        var initial = BatchNormDigits.Create(0);
        net.Parameters.CopyTo(initial.Parameters);
        Assert.NotEqual(evaluation.Loss, initial.Evaluate(test).Loss);
        // And it is Forward's: the loss of the outputs Forward gives, sample by sample.
        double loss = 0;
        float[] output = new float[BatchNormDigits.OutputSize];
        for (int i = 0; i < test.Count; i++)
        {
            net.Forward(test.Input(i), output);
            loss += StaticNets.__Internals.Metrics.Loss(LossKind.CrossEntropy, output, test.Label(i));
        }
        Assert.Equal(loss / test.Count, evaluation.Loss, 1e-3);
    }

    [Fact]
    public void A_last_batch_of_one_sample_joins_the_batch_before_it()
    {
        // BatchNormFileNet's bn2 normalises a flat layer: one sample alone has no batch variance.
        var random = new TestRandom(3);
        int size = Serialization.BatchNormFileNet.InputSize;
        float[] inputs = new float[33 * size];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = random.NextFloat() * 2 - 1;
        }
        var data = new Dataset(inputs, [.. Enumerable.Range(0, 33).Select(i => i % 4)]);
        var net = new Serialization.BatchNormFileNet(seed: 1);
        var batches = new List<int>();

        net.Train(data, new TrainingOptions { Epochs = 1, BatchSize = 32, Optimizer = new Sgd(0.01f), OnBatch = b => batches.Add(b.Batch) });

        Assert.Equal([1], batches);
        Assert.All(net.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
        var one = new Dataset(inputs[..size], [0]);
        var error = Assert.Throws<ArgumentException>(() => net.Train(one, new TrainingOptions { Epochs = 1, BatchSize = 32 }));
        Assert.Contains("bn2", error.Message);
    }
}
