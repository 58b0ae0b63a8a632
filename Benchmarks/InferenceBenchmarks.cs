using BenchmarkDotNet.Attributes;

namespace StaticNets.Benchmarks;

/// <summary>
/// Inference of the generated LeNet-5: latency of one digit on one thread (<see cref="Forward"/>,
/// <see cref="Predict"/>), and throughput over a block of digits on one thread and on two (one network
/// instance per thread, as a server would hold them), digit by digit with <c>Predict</c> and in one
/// <c>PredictBatch</c> call.
/// </summary>
/// <remarks>
/// The latency benchmarks step through <see cref="Digits.LatencyDigits"/> digits, one per call. The
/// throughput benchmarks report the time per digit (<c>OperationsPerInvoke</c>), so samples/s is
/// 1e9 / median.
/// </remarks>
[MemoryDiagnoser]
public class InferenceBenchmarks
{
    /// <summary>Digits each thread predicts per call of a throughput benchmark.</summary>
    public const int Block = 256;

    private readonly float[] output = new float[LeNet5.OutputSize];
    private float[] digits = [];
    private LeNet5 first = null!;
    private LeNet5 second = null!;
    private readonly int[] firstPredictions = new int[Block];
    private readonly int[] secondPredictions = new int[Block];
    private Action predictFirstHalf = null!;
    private Action predictSecondHalf = null!;
    private Action batchFirstHalf = null!;
    private Action batchSecondHalf = null!;
    private int next;
    private int firstSum;
    private int secondSum;

    [GlobalSetup]
    public void Setup()
    {
        digits = Digits.LoadInputs(2 * Block);
        first = new LeNet5(Digits.Seed);
        second = new LeNet5(Digits.Seed);
        predictFirstHalf = () => firstSum = PredictBlock(first, 0);
        predictSecondHalf = () => secondSum = PredictBlock(second, Block);
        batchFirstHalf = () => firstSum = PredictBatch(first, 0, firstPredictions);
        batchSecondHalf = () => secondSum = PredictBatch(second, Block, secondPredictions);
    }

    /// <summary>One digit's output vector, on one thread.</summary>
    [Benchmark]
    public float Forward()
    {
        first.Forward(NextDigit(), output);
        return output[0];
    }

    /// <summary>One digit's class, on one thread.</summary>
    [Benchmark]
    public int Predict() => first.Predict(NextDigit());

    /// <summary>Per digit: <see cref="Block"/> digits predicted one after the other on one thread.</summary>
    [Benchmark(OperationsPerInvoke = Block)]
    public int PredictBlockOneThread() => PredictBlock(first, 0);

    /// <summary>Per digit: two threads, each with its own network, each predicting <see cref="Block"/> digits.</summary>
    [Benchmark(OperationsPerInvoke = 2 * Block)]
    public int PredictBlockTwoThreads()
    {
        Parallel.Invoke(predictFirstHalf, predictSecondHalf);
        return firstSum + secondSum;
    }

    /// <summary>Per digit: <see cref="Block"/> digits in one <c>PredictBatch</c> call on one thread.</summary>
    [Benchmark(OperationsPerInvoke = Block)]
    public int PredictBatchOneThread() => PredictBatch(first, 0, firstPredictions);

    /// <summary>Per digit: two threads, each with its own network, each predicting <see cref="Block"/> digits in one <c>PredictBatch</c> call.</summary>
    [Benchmark(OperationsPerInvoke = 2 * Block)]
    public int PredictBatchTwoThreads()
    {
        Parallel.Invoke(batchFirstHalf, batchSecondHalf);
        return firstSum + secondSum;
    }

    private ReadOnlySpan<float> NextDigit()
    {
        int index = next;
        next = index + 1 == Digits.LatencyDigits ? 0 : index + 1;
        return digits.AsSpan(index * LeNet5.InputSize, LeNet5.InputSize);
    }

    private int PredictBlock(LeNet5 net, int start)
    {
        int sum = 0;
        for (int i = start; i < start + Block; i++)
        {
            sum += net.Predict(digits.AsSpan(i * LeNet5.InputSize, LeNet5.InputSize));
        }

        return sum;
    }

    private int PredictBatch(LeNet5 net, int start, int[] predictions)
    {
        net.PredictBatch(digits.AsSpan(start * LeNet5.InputSize, Block * LeNet5.InputSize), predictions);
        int sum = 0;
        foreach (int p in predictions) sum += p;
        return sum;
    }
}
