using StaticNets.Tests.Oracle;
using StaticNets.Tests.Support;
using Xunit;

namespace StaticNets.Tests.Training;

/// <summary>
/// Train on two of the MLPerf Tiny models (declared in <c>MlperfTinyOracleTests.cs</c>): the DS-CNN (depthwise
/// convolutions, BatchNorm per channel, cross-entropy on labels) and the dense autoencoder (BatchNorm per feature, MSE
/// against targets), one short epoch on random data, give the same parameters and running statistics bit for bit on
/// one and on two threads.
/// </summary>
public class MlperfTinyTrainingTests
{
    private static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    private static TNet Trained<TNet>(Dataset data, int threads) where TNet : class, INetwork<TNet>
    {
        TNet net = TNet.Create(seed: 3);
        net.Train(data, new TrainingOptions { Epochs = 1, BatchSize = 8, Optimizer = new Adam(0.001f), Seed = 5, Threads = threads });
        return net;
    }

    private static void SameOnOneAndTwoThreads<TNet>(Dataset data) where TNet : class, INetwork<TNet>
    {
        TNet one = Trained<TNet>(data, threads: 1);
        TNet two = Trained<TNet>(data, threads: 2);

        TNet fresh = TNet.Create(seed: 3);
        Assert.NotEqual(TestData.Bits(fresh.Parameters), TestData.Bits(one.Parameters));
        Assert.NotEqual(TestData.Bits(fresh.Statistics), TestData.Bits(one.Statistics));
        Assert.Equal(TestData.Bits(one.Parameters), TestData.Bits(two.Parameters));
        Assert.Equal(TestData.Bits(one.Statistics), TestData.Bits(two.Statistics));
    }

    [Fact]
    public void DsCnn_trains_to_the_same_bits_on_one_and_two_threads()
    {
        const int Samples = 20; // two batches of 8 and one of 4
        int[] labels = Enumerable.Range(0, Samples).Select(i => i * 7 % 12).ToArray();
        SameOnOneAndTwoThreads<OracleDsCnn>(new Dataset(Random(Samples * OracleDsCnn.Info.InputSize, seed: 1), labels));
    }

    [Fact]
    public void AutoEncoder_trains_to_the_same_bits_on_one_and_two_threads()
    {
        const int Samples = 20;
        int size = OracleAutoEncoder.Info.InputSize;
        float[] inputs = Random(Samples * size, seed: 2);
        SameOnOneAndTwoThreads<OracleAutoEncoder>(new Dataset(inputs, inputs, size));
    }
}
