using StaticNets.Tests.Networks;
using StaticNets.Tests.Support;
using Xunit;

namespace StaticNets.Tests.Training;

/// <summary>The trainer on networks written by the generator, through their generated Train and Evaluate.</summary>
public class GeneratedNetworkTrainingTests
{
    [Fact]
    public void Lenet5_learns_the_shipped_digits()
    {
        string directory = TestData.MnistDirectory();
        Dataset train = Mnist.Load(directory, MnistSplit.Train, limit: 1500);
        Dataset test = Mnist.Load(directory, MnistSplit.Test, limit: 400);
        var net = new LeNet5(seed: 1);

        TrainingReport report = net.Train(train, new TrainingOptions { Epochs = 1, BatchSize = 32, Optimizer = new Adam(0.002f), Seed = 1 });

        // One epoch on 1,500 digits gives about 87% on these 400 test digits.
        Evaluation evaluation = net.Evaluate(test);
        Assert.True(evaluation.Accuracy > 0.8f, $"{report}; test: {evaluation}");
        Assert.Equal(["conv1", "conv2", "dense1", "dense2", "dense3"], net.NamedLayerGradientNorms().Select(n => n.Layer));
        Assert.All(net.LayerGradientNorms(), norm => Assert.True(norm > 0 && float.IsFinite(norm)));
    }

    private static int[] TrainConvNetB(int threads)
    {
        // ConvNetB has a Dropout layer: the generated masks must follow SetRandomState, not the thread a sample runs on.
        var random = new TestRandom(7);
        const int Count = 90;
        var inputs = new float[Count * ConvNetB.InputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = random.NextFloat() * 2 - 1;
        }

        var data = new Dataset(inputs, [.. Enumerable.Range(0, Count).Select(i => i % ConvNetB.OutputSize)]);
        var net = new ConvNetB(seed: 3);
        net.Train(data, new TrainingOptions { Epochs = 2, BatchSize = 20, Optimizer = new Sgd(0.05f, momentum: 0.9f), Seed = 5, Threads = threads });
        return TestData.Bits(net.Parameters);
    }

    [Fact]
    public void Generated_network_with_dropout_trains_to_the_same_bits_on_any_thread_count()
    {
        int[] one = TrainConvNetB(threads: 1);

        Assert.NotEqual(TestData.Bits(new ConvNetB(seed: 3).Parameters), one);
        Assert.Equal(one, TrainConvNetB(threads: 2));
        Assert.Equal(one, TrainConvNetB(threads: 3));
    }
}

/// <summary>The LeNet-5 sample's recipe on all the shipped digits must reach the accuracy the README promises.</summary>
public class LeNet5AccuracyTests
{
    [Fact]
    public void Sample_recipe_reaches_98_percent_on_the_test_digits()
    {
        string directory = TestData.MnistDirectory();
        Dataset train = Mnist.Load(directory, MnistSplit.Train);
        Dataset test = Mnist.Load(directory, MnistSplit.Test);
        var net = new LeNet5(seed: 1);
        var adam = new Adam(0.001f);
        // As Samples/LeNet5 does by default: 12 epochs of Adam, the learning rate times 0.8 after each.
        net.Train(train, new TrainingOptions { Epochs = 12, BatchSize = 32, Optimizer = adam, Seed = 1, OnEpoch = _ => adam.LearningRate *= 0.8f });
        Evaluation evaluation = net.Evaluate(test);
        Assert.True(evaluation.Accuracy >= 0.98f, $"test accuracy {evaluation.Accuracy:P2}");
    }
}
