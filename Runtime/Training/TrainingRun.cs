using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.ExceptionServices;

namespace StaticNets.__Internals;

/// <summary>One call to <see cref="Trainer.Train"/>: the replicas, buffers and counters it needs, allocated once.</summary>
internal sealed class TrainingRun<TNet>
    where TNet : class, INetwork<TNet>
{
    /// <summary>The most shards a batch is cut into. A constant, not the thread count, so that the sums are the same for any thread count.</summary>
    private const int MaxShards = 8;

    /// <summary>Salt of the epoch permutation's seed, distinct from any sample index (those are below 2^31).</summary>
    private const ulong OrderStream = ulong.MaxValue;

    /// <summary>Salt of a whole batch's random state (networks with statistics), plus the batch index: distinct from sample indices and <see cref="OrderStream"/>.</summary>
    private const ulong BatchStream = 1UL << 63;

    private readonly TNet net;
    private readonly Dataset data;
    private readonly Optimizer optimizer;
    private readonly Regularization regularization;

    // The options, read once: a callback that changes them cannot upset a run under way.
    private readonly int epochs;
    private readonly int batchSizeOption;
    private readonly int threads;
    private readonly ulong seed;
    private readonly bool shuffle;
    private readonly Dataset? validation;
    private readonly Action<EpochResult>? onEpoch;
    private readonly Action<BatchProgress>? onBatch;

    // replicas[0] is net itself; replicas[s] computes shard s.
    private readonly TNet[] replicas;
    private readonly double[] shardLoss;
    private readonly int[] shardCorrect;
    private readonly int[] order;

    // Networks with running statistics (BatchNorm) compute a batch in one ComputeBatchGradients, from these.
    private readonly bool batchStatistics;
    private readonly float[] batchInputs;
    private readonly int[] batchLabels;
    private readonly float[] batchTargets;
    private readonly float[] batchOutputs;

    // The batch being computed, read by the shards.
    private int epoch;
    private int batchStart;
    private int batchSize;
    private int shardCount;

    public TrainingRun(TNet net, Dataset data, TrainingOptions options)
    {
        this.net = net;
        this.data = data;
        optimizer = options.Optimizer ?? new Adam(0.001f);
        regularization = Regularization.For(TNet.Info, options.WeightDecay);
        epochs = options.Epochs;
        batchSizeOption = options.BatchSize;
        threads = options.Threads;
        seed = (ulong)options.Seed;
        shuffle = options.Shuffle;
        validation = options.Validation;
        onEpoch = options.OnEpoch;
        onBatch = options.OnBatch;

        // With running statistics a batch is one ComputeBatchGradients on net itself, which runs its samples on
        // BatchRunner's threads: no replicas.
        NetworkInfo info = TNet.Info;
        batchStatistics = info.StatisticsCount > 0;
        // One more than the batch size: a last batch of one sample joins the batch before it (see RunEpoch).
        int batchCapacity = batchStatistics ? Math.Min(batchSizeOption + 1, data.Count) : 0;
        batchInputs = new float[batchCapacity * info.InputSize];
        batchLabels = new int[data.HasLabels ? batchCapacity : 0];
        batchTargets = new float[data.HasLabels ? 0 : batchCapacity * info.OutputSize];
        batchOutputs = new float[batchCapacity * info.OutputSize];

        int shards = batchStatistics ? 1 : Math.Min(MaxShards, Math.Min(batchSizeOption, data.Count));
        replicas = new TNet[shards];
        replicas[0] = net;
        for (int s = 1; s < shards; s++)
        {
            replicas[s] = net.CreateReplica(); // shares net's parameters: nothing to copy before a batch
            replicas[s].ZeroGradients(); // from here on, the sum of each batch leaves them zero
        }

        shardLoss = new double[shards];
        shardCorrect = new int[shards];
        order = new int[data.Count];
    }

    public TrainingReport Run()
    {
        var clock = Stopwatch.StartNew();
        var results = new List<EpochResult>(epochs);
        for (int e = 1; e <= epochs; e++)
        {
            EpochResult result = RunEpoch(e);
            results.Add(result);
            onEpoch?.Invoke(result);
        }

        return new TrainingReport(results, clock.Elapsed);
    }

    private EpochResult RunEpoch(int epochNumber)
    {
        var clock = Stopwatch.StartNew();
        epoch = epochNumber;
        FillOrder();

        int count = data.Count;
        int batches = (count - 1) / batchSizeOption + 1;
        // Batch statistics need two samples (a flat BatchNorm has one value per feature and sample): with running
        // statistics, a last batch of a single sample joins the batch before it.
        bool lastJoins = batchStatistics && batches > 1 && count % batchSizeOption == 1;
        if (lastJoins)
        {
            batches--;
        }
        double lossSum = 0;
        int correct = 0;
        int seen = 0;
        for (int batch = 0; batch < batches; batch++)
        {
            batchStart = batch * batchSizeOption;
            batchSize = lastJoins && batch == batches - 1 ? count - batchStart : Math.Min(batchSizeOption, count - batchStart);
            (double batchLossSum, int batchCorrect) = batchStatistics ? ComputeWholeBatchGradients(batch) : ComputeBatchGradients();

            Span<float> parameters = net.Parameters;
            Span<float> gradients = net.Gradients;
            double regularizationLoss = regularization.Loss(parameters);
            regularization.AddGradient(parameters, gradients);
            float batchLoss = (float)(batchLossSum / batchSize + regularizationLoss);
            using (BatchRunner.UseThreads(threads))
            {
                if (!float.IsFinite(batchLoss) || !GradientPasses.SumIsFinite(gradients))
                {
                    throw new TrainingDivergedException(epoch, batch + 1, batchLoss, optimizer.LearningRate);
                }

                optimizer.Step(parameters, gradients); // an optimizer may split a long step across the threads (Adam)
            }

            lossSum += batchLossSum + regularizationLoss * batchSize;
            correct += batchCorrect;
            seen += batchSize;
            onBatch?.Invoke(new BatchProgress(
                epoch, batch + 1, batches, (float)(lossSum / seen), (float)correct / seen, Rate(seen, clock.Elapsed)));
        }

        double samplesPerSecond = Rate(count, clock.Elapsed);
        Evaluation? evaluation = validation is null ? null : Trainer.Evaluate(net, validation);
        return new EpochResult(
            epoch, (float)(lossSum / count), (float)correct / count, evaluation?.Loss, evaluation?.Accuracy, clock.Elapsed, samplesPerSecond);
    }

    /// <summary>The identity, shuffled (when asked) by a generator seeded from the seed and the epoch alone.</summary>
    private void FillOrder()
    {
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        if (shuffle)
        {
            new SplitMix64(SplitMix64.Hash(seed, (ulong)epoch, OrderStream)).Shuffle(order);
        }
    }

    /// <summary>
    /// For a network with running statistics: the batch's samples gathered back to back and computed by one
    /// <c>ComputeBatchGradients</c> (the batch's statistics, running statistics updated once) on
    /// <see cref="BatchRunner"/>'s threads, with the random state set from the seed, the epoch and the batch index.
    /// Leaves the batch's mean gradient in net.Gradients; returns the summed loss and the correct count of the batch's
    /// training-mode outputs (normalised with the batch's statistics), which the same call hands back.
    /// </summary>
    private (double LossSum, int Correct) ComputeWholeBatchGradients(int batch)
    {
        NetworkInfo info = TNet.Info;
        Span<float> inputs = batchInputs.AsSpan(0, batchSize * info.InputSize);
        Span<float> outputs = batchOutputs.AsSpan(0, batchSize * info.OutputSize);
        for (int j = 0; j < batchSize; j++)
        {
            int sample = order[batchStart + j];
            data.Input(sample).CopyTo(inputs.Slice(j * info.InputSize, info.InputSize));
            if (data.HasLabels)
            {
                batchLabels[j] = data.Label(sample);
            }
            else
            {
                data.Target(sample).CopyTo(batchTargets.AsSpan(j * info.OutputSize, info.OutputSize));
            }
        }

        net.SetRandomState(SplitMix64.Hash(seed, (ulong)epoch, BatchStream + (ulong)batch));
        double loss;
        using (BatchRunner.UseThreads(threads))
        {
            GradientPasses.Clear(net.Gradients);
            // The training-mode outputs come back with the gradients: accuracy is counted from them, as the sharded
            // path counts it from each sample's ComputeGradients.
            loss = data.HasLabels
                ? net.ComputeBatchGradients(inputs, batchLabels.AsSpan(0, batchSize), outputs)
                : net.ComputeBatchGradients(inputs, batchTargets.AsSpan(0, batchSize * info.OutputSize), outputs);
            GradientPasses.Divide(net.Gradients, batchSize);
        }

        int correct = 0;
        for (int j = 0; j < batchSize; j++)
        {
            ReadOnlySpan<float> output = outputs.Slice(j * info.OutputSize, info.OutputSize);
            correct += data.HasLabels
                ? (Metrics.IsCorrect(output, batchLabels[j]) ? 1 : 0)
                : (Metrics.IsCorrect(output, batchTargets.AsSpan(j * info.OutputSize, info.OutputSize)) ? 1 : 0);
        }

        return (loss, correct);
    }

    /// <summary>Leaves the batch's mean gradient in net.Gradients; returns the sum of its sample losses and its correct count.</summary>
    private (double LossSum, int Correct) ComputeBatchGradients()
    {
        shardCount = Math.Min(replicas.Length, batchSize);

        if (threads == 1 || shardCount == 1)
        {
            for (int s = 0; s < shardCount; s++)
            {
                RunShard(s);
            }
        }
        else
        {
            // On the batch passes' threads (BatchRunner's kept workers), as the optimizer's step after it: a second set
            // of threads spinning beside them would take their cores.
            using (BatchRunner.UseThreads(threads))
            {
                BatchRunner.For(shardCount, this, static (run, s) => run.RunShard(s));
            }
        }

        // Shard 0 already sits in net.Gradients; the others are added in shard order, always the same, and the
        // sum divided by the batch size: one pass over all the buffers, cut into ranges that threads may share
        // (each value still sees the same additions in the same order).
        double lossSum = shardLoss[0];
        int correct = shardCorrect[0];
        for (int s = 1; s < shardCount; s++)
        {
            lossSum += shardLoss[s];
            correct += shardCorrect[s];
        }

        int ranges = (net.Gradients.Length + ReduceRange - 1) / ReduceRange;
        if (threads == 1 || ranges == 1)
        {
            for (int r = 0; r < ranges; r++)
            {
                ReduceRangeOf(r);
            }
        }
        else
        {
            using (BatchRunner.UseThreads(threads))
            {
                BatchRunner.For(ranges, this, static (run, r) => run.ReduceRangeOf(r));
            }
        }

        return (lossSum, correct);
    }

    /// <summary>Floats per range of the gradient sum: 32 kB per buffer, so a range of all eight stays in L2.</summary>
    private const int ReduceRange = 8192;

    /// <summary>
    /// Range <paramref name="range"/> of the batch gradient: the shards' gradients summed in shard order, over the batch
    /// size; each replica's range is cleared once added, so that its next shard starts from zero.
    /// </summary>
    private void ReduceRangeOf(int range)
    {
        Span<float> total = net.Gradients;
        int start = range * ReduceRange;
        int length = Math.Min(ReduceRange, total.Length - start);
        Span<float> sum = total.Slice(start, length);
        for (int s = 1; s < shardCount; s++)
        {
            Span<float> shard = replicas[s].Gradients.Slice(start, length);
            TensorPrimitives.Add(sum, shard, sum);
            shard.Clear(); // while the range is in cache: the replica starts the next batch from zero without another pass
        }

        TensorPrimitives.Divide(sum, batchSize, sum);
    }

    /// <summary>Shard <paramref name="shard"/> of the batch: a fixed contiguous slice, computed sample by sample on its replica.</summary>
    private void RunShard(int shard)
    {
        TNet replica = replicas[shard];
        int from = batchStart + (int)((long)shard * batchSize / shardCount);
        int to = batchStart + (int)((long)(shard + 1) * batchSize / shardCount);

        if (shard == 0)
        {
            replica.ZeroGradients(); // net's own gradients, which hold the previous batch's mean; the replicas' were cleared by the sum
        }

        double loss = 0;
        int correct = 0;
        for (int k = from; k < to; k++)
        {
            int sample = order[k];
            ReadOnlySpan<float> input = data.Input(sample);
            replica.SetRandomState(SplitMix64.Hash(seed, (ulong)epoch, (ulong)sample));
            // Training accuracy is read from the training-mode output (dropout active), as the loss is.
            if (data.HasLabels)
            {
                int label = data.Label(sample);
                loss += replica.ComputeGradients(input, label);
                correct += Metrics.IsCorrect(replica.Output, label) ? 1 : 0;
            }
            else
            {
                ReadOnlySpan<float> target = data.Target(sample);
                loss += replica.ComputeGradients(input, target);
                correct += Metrics.IsCorrect(replica.Output, target) ? 1 : 0;
            }
        }

        shardLoss[shard] = loss;
        shardCorrect[shard] = correct;
    }

    private static double Rate(int samples, TimeSpan elapsed) => elapsed > TimeSpan.Zero ? samples / elapsed.TotalSeconds : 0;
}
