using BenchmarkDotNet.Attributes;

namespace StaticNets.Benchmarks;

/// <summary>
/// Training the generated LeNet-5 on real digits: batch 1 on one thread (a forward and backward pass and
/// an Adam step per sample, and each of those pieces alone, for their time and allocations), and
/// <c>Train</c> with mini-batches of 32 on one thread and on two.
/// </summary>
/// <remarks>
/// The weights keep changing from call to call, as in training, but go back to their first values after every
/// pass over the <see cref="Samples"/> digits (each <c>Train</c> call, every 2,048 batch-1 steps): a run takes
/// millions of steps, and a network trained that long on the same 2,048 digits learns them all, its loss
/// falls towards zero and its gradients into the subnormal floats, where every multiplication costs many
/// times more. That is not the training this measures (the sample's twelve epochs stay clear of it).
/// The <c>Train</c> benchmarks report the time per sample (<c>OperationsPerInvoke</c>), the optimizer
/// steps and the data-parallel reduction included.
/// </remarks>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    /// <summary>Digits per <c>Train</c> call (one epoch), and the digits batch 1 steps through.</summary>
    public const int Samples = 2048;

    /// <summary>Mini-batch size of the <c>Train</c> benchmarks.</summary>
    public const int BatchSize = 32;

    private Dataset data = null!;
    private LeNet5 net = null!;
    private Adam adam = null!;
    private TrainingOptions oneThread = null!;
    private TrainingOptions twoThreads = null!;
    private float[] initial = [];
    private int next;

    [GlobalSetup]
    public void Setup()
    {
        data = Digits.Load(Samples);
        net = new LeNet5(Digits.Seed);
        adam = new Adam(0.001f);
        oneThread = Options(threads: 1);
        twoThreads = Options(threads: 2);

        // Adam sizes its moments at its first step: take it here, so the benchmarks see the steady state.
        TrainStep();
        initial = net.Parameters.ToArray();
    }

    /// <summary>One sample's training-mode forward and backward pass (the gradient is added into <c>Gradients</c>).</summary>
    [Benchmark]
    public float ComputeGradients()
    {
        int index = NextSample();
        return net.ComputeGradients(data.Input(index), data.Label(index));
    }

    /// <summary>One Adam step over the 61,706 parameters.</summary>
    [Benchmark]
    public void AdamStep() => adam.Step(net.Parameters, net.Gradients);

    /// <summary>Batch-1 training of one sample: zero the gradients, forward and backward, Adam step.</summary>
    [Benchmark]
    public float TrainStep()
    {
        int index = NextSample();
        if (index == 0) initial.CopyTo(net.Parameters); // a new pass over the digits: back to the first weights
        net.ZeroGradients();
        float loss = net.ComputeGradients(data.Input(index), data.Label(index));
        adam.Step(net.Parameters, net.Gradients);
        return loss;
    }

    /// <summary>Per sample: one epoch of <see cref="Samples"/> digits in batches of <see cref="BatchSize"/> on one thread.</summary>
    [Benchmark(OperationsPerInvoke = Samples)]
    public TrainingReport TrainBatch32OneThread()
    {
        initial.CopyTo(net.Parameters);
        return net.Train(data, oneThread);
    }

    /// <summary>Per sample: one epoch of <see cref="Samples"/> digits in batches of <see cref="BatchSize"/> on two threads.</summary>
    [Benchmark(OperationsPerInvoke = Samples)]
    public TrainingReport TrainBatch32TwoThreads()
    {
        initial.CopyTo(net.Parameters);
        return net.Train(data, twoThreads);
    }

    private TrainingOptions Options(int threads) => new()
    {
        Epochs = 1,
        BatchSize = BatchSize,
        Threads = threads,
        Optimizer = adam,
        Seed = Digits.Seed,
    };

    private int NextSample()
    {
        int index = next;
        next = index + 1 == Samples ? 0 : index + 1;
        return index;
    }
}
