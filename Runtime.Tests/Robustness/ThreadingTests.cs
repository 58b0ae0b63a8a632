using Xunit;
using Xunit.Abstractions;

namespace StaticNets.Tests.Robustness;

/// <summary>
/// Separate instances are independent (docs/threading.md): used from several threads at once, each one computes
/// bit for bit what a single thread computes, for inference and for training-mode passes with dropout, while the
/// static members are read concurrently. One instance used by several threads at once is misuse; what is promised
/// then is that no pass silently returns a wrong result: it returns what one thread gets, or throws.
/// </summary>
public class ThreadingTests(ITestOutputHelper output)
{
    private const int Samples = 2000;

    private static float[][] Inputs(int size, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Samples).Select(_ => Enumerable.Range(0, size).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray()).ToArray();
    }

    /// <summary>What one sample gives: the outputs, the predicted index, the training loss and the gradients of that sample alone.</summary>
    private sealed record Result(float[] Output, int Prediction, float Loss, float[] Gradients);

    private static Result Compute<TNet>(TNet net, float[] input, int sample) where TNet : class, INetwork<TNet>
    {
        var output = new float[TNet.Info.OutputSize];
        net.Forward(input, output);
        int prediction = net.Predict(input);
        net.ZeroGradients();
        net.SetRandomState((ulong)sample + 1); // the dropout mask of a sample does not depend on who computes it
        float loss = net.ComputeGradients(input, sample % output.Length);
        return new Result(output, prediction, loss, net.Gradients.ToArray());
    }

    private static Result[] Sequential<TNet>(float[][] inputs) where TNet : class, INetwork<TNet>
    {
        var net = TNet.Create(21);
        return inputs.Select((x, i) => Compute(net, x, i)).ToArray();
    }

    /// <summary>Each of <paramref name="instances"/> instances takes every n-th sample, all of them at the same time.</summary>
    private static Result[] Parallel<TNet>(float[][] inputs, int instances) where TNet : class, INetwork<TNet>
    {
        var nets = Enumerable.Range(0, instances).Select(_ => TNet.Create(21)).ToArray();
        var results = new Result[inputs.Length];
        using var start = new Barrier(instances);
        System.Threading.Tasks.Parallel.For(0, instances, new ParallelOptions { MaxDegreeOfParallelism = instances }, k =>
        {
            start.SignalAndWait(); // all instances run together, not one after another
            for (int i = k; i < inputs.Length; i += instances)
            {
                results[i] = Compute(nets[k], inputs[i], i);
                // Static members are shared and read-only: safe to read from any thread at any time.
                Assert.Equal(TNet.Info.OutputSize, results[i].Output.Length);
            }
        });
        return results;
    }

    private static void AssertBitIdentical(Result[] expected, Result[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Bits(expected[i].Output).SequenceEqual(Bits(actual[i].Output)), $"sample {i}: outputs differ");
            Assert.Equal(expected[i].Prediction, actual[i].Prediction);
            Assert.Equal(BitConverter.SingleToInt32Bits(expected[i].Loss), BitConverter.SingleToInt32Bits(actual[i].Loss));
            Assert.True(Bits(expected[i].Gradients).SequenceEqual(Bits(actual[i].Gradients)), $"sample {i}: gradients differ");
        }
    }

    private static IEnumerable<int> Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Separate_instances_in_parallel_give_what_one_thread_gives(int instances)
    {
        var images = Inputs(ImageNet.InputSize, seed: instances);
        var vectors = Inputs(FlatNet.InputSize, seed: 100 + instances);
        var expectedImages = Sequential<ImageNet>(images);
        var expectedVectors = Sequential<FlatNet>(vectors);

        // Two network types at once too: the kernels they share are static and hold no state.
        Result[] actualImages = [], actualVectors = [];
        System.Threading.Tasks.Parallel.Invoke(
            () => actualImages = Parallel<ImageNet>(images, instances),
            () => actualVectors = Parallel<FlatNet>(vectors, instances));

        AssertBitIdentical(expectedImages, actualImages);
        AssertBitIdentical(expectedVectors, actualVectors);
        // The predictions are not all the same class, or the comparison would say little.
        Assert.True(expectedImages.Select(r => r.Prediction).Distinct().Count() > 1);
    }

    [Fact]
    public void One_instance_shared_by_threads_never_returns_a_wrong_result_silently()
    {
        // Without the check on entry, this use mixes the passes' activation buffers and returns wrong outputs
        // and gradients without a word. With it, a pass that overlaps another throws InvalidOperationException;
        // every pass that returns must give exactly what a single thread gives.
        const int Threads = 4;
        var images = Inputs(ImageNet.InputSize, seed: 7).Take(500).ToArray();
        var expected = Sequential<ImageNet>(images);
        var shared = ImageNet.Create(21);
        int collisions = 0, returned = 0;
        using var start = new Barrier(Threads);
        System.Threading.Tasks.Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, k =>
        {
            start.SignalAndWait();
            for (int round = 0; round < 4; round++)
            {
                for (int i = k; i < images.Length; i += Threads)
                {
                    try
                    {
                        var output = new float[ImageNet.OutputSize];
                        shared.Forward(images[i], output);
                        Assert.True(Bits(expected[i].Output).SequenceEqual(Bits(output)), $"sample {i}: a concurrent Forward returned a wrong output");
                        Assert.Equal(expected[i].Prediction, shared.Predict(images[i]));
                        Interlocked.Increment(ref returned);
                    }
                    catch (InvalidOperationException e) when (e.Message.Contains("another thread", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref collisions);
                    }
                }
            }
        });
        output.WriteLine($"{returned} passes returned, {collisions} were refused for overlapping another thread");
        Assert.True(returned > 0, "no pass returned");
        // The instance is usable again once the threads are done.
        Assert.Equal(expected[0].Prediction, shared.Predict(images[0]));
    }

    [Fact]
    public void Static_members_read_from_many_threads_are_the_same_objects_and_text()
    {
        var infos = new NetworkInfo[8];
        var summaries = new string[8];
        System.Threading.Tasks.Parallel.For(0, 8, i =>
        {
            infos[i] = ImageNet.Info;
            summaries[i] = ImageNet.Summary;
        });
        Assert.All(infos, info => Assert.Same(infos[0], info));
        Assert.All(summaries, s => Assert.Equal(summaries[0], s));
    }
}
