using StaticNets.Tests.Support;
using Xunit;

namespace StaticNets.Tests.Training;

public class MnistTrainingTests
{
    [Fact]
    public void A_small_mlp_learns_the_shipped_digits()
    {
        string directory = TestData.MnistDirectory();
        Dataset train = Mnist.Load(directory, MnistSplit.Train);
        Dataset test = Mnist.Load(directory, MnistSplit.Test);
        var net = new TinyMlp<MnistMlpShape>(seed: 1);

        TrainingReport report = net.Train(train, new TrainingOptions
        {
            Epochs = 2, BatchSize = 32, Optimizer = new Adam(0.002f), Seed = 1, Validation = test,
        });

        // An MLP of 32 tanh units reaches about 92% on these 8,000 digits in two epochs; 88% leaves room for the seed.
        Assert.True(report.Epochs[^1].ValidationAccuracy > 0.88f, report.ToString());
        Assert.True(report.Epochs[^1].Accuracy > report.Epochs[0].Accuracy, report.ToString());
    }
}
