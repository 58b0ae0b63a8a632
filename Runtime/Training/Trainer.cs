using System.ComponentModel;

namespace StaticNets.__Internals;

/// <summary>
/// The training loop and evaluation behind every generated network's <c>Train</c> and
/// <c>Evaluate</c>; it works on any <see cref="INetwork{TSelf}"/> through that interface and
/// <c>TNet.Info</c>.
/// </summary>
/// <remarks>
/// <para>
/// Each epoch visits the samples in an order drawn from <see cref="TrainingOptions.Seed"/> and the
/// epoch number, in mini-batches of <see cref="TrainingOptions.BatchSize"/>. A batch is cut into
/// at most 8 shards, a fixed contiguous slice each, however many threads there are; each shard is
/// computed by its own replica of the network (the network itself for shard 0), one sample after
/// the other, with the dropout generator set from the seed, the epoch and the sample's index.
/// The shard gradients are summed in shard order and divided by the batch size. Thread count
/// only decides which thread runs which shard, so the weights come out the same, bit for bit,
/// for any <see cref="TrainingOptions.Threads"/>.
/// </para>
/// <para>
/// A network with running statistics (<see cref="NetworkInfo.StatisticsCount"/> above zero: BatchNorm) normalises
/// with the statistics of the whole mini-batch, so a batch cannot be cut into independent shards. Its samples are
/// gathered back to back and computed by one <c>ComputeBatchGradients</c> on the network itself, with the random
/// state set from the seed, the epoch and the batch index, inside <see cref="BatchRunner.UseThreads"/>
/// (<see cref="TrainingOptions.Threads"/>): the per-sample work runs on those threads, every sum across samples is
/// taken in sample order, and the running statistics are updated once per batch; so weights and statistics are again
/// the same, bit for bit, for any thread count. The summed gradient is divided by the batch size. Batch statistics
/// need more than one sample, so a last batch of a single sample joins the batch before it (a data set of one sample
/// with a BatchNorm after a flat layer is an <see cref="ArgumentException"/> from the network, naming the layer). The training
/// accuracy of such a network is that of the training-mode outputs the same call returns (normalised with the
/// batch's statistics), as for every other network. Networks without running statistics keep the sharded procedure above.
/// </para>
/// <para>
/// The loss minimised, and reported, is the mean sample loss of the batch plus the regularisation
/// terms, on weights only (never biases, nor BatchNorm's scales and shifts): for each layer <c>L1 * sum|w| + 0.5 * L2 * sum w^2</c>
/// with the layer's <c>L1</c> and <c>L2</c>, and <c>0.5 * WeightDecay * sum w^2</c> on every
/// layer (<see cref="TrainingOptions.WeightDecay"/>). Their gradients
/// <c>L1 * sign(w) + (L2 + WeightDecay) * w</c> are added to the batch's mean gradient before the
/// optimizer's step. A batch whose loss or gradient is NaN or infinite stops training with a
/// <see cref="TrainingDivergedException"/> before the weights are touched.
/// </para>
/// <para>
/// After training, the network's <c>Gradients</c> hold the last batch's mean gradient,
/// regularisation included (what <see cref="NetworkExtensions.LayerGradientNorms"/> reads).
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static class Trainer
{
    /// <summary>Mini-batch training of <paramref name="net"/> on <paramref name="data"/>; see the class remarks for the exact procedure.</summary>
    /// <typeparam name="TNet">The network class.</typeparam>
    /// <param name="net">The network, trained in place.</param>
    /// <param name="data">Training samples, with labels below the network's output count or target vectors of its output size.</param>
    /// <param name="options">Epochs, batch size, optimizer, regularisation, threads, validation data and callbacks.</param>
    /// <returns>One result per epoch.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">The data (or the validation data) does not fit the network.</exception>
    /// <exception cref="TrainingDivergedException">A batch's loss or gradient became NaN or infinite.</exception>
    public static TrainingReport Train<TNet>(TNet net, Dataset data, TrainingOptions options)
        where TNet : class, INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckData(TNet.Info, data, nameof(data));
        if (options.Validation is { } validation)
        {
            CheckData(TNet.Info, validation, $"{nameof(TrainingOptions)}.{nameof(TrainingOptions.Validation)}");
        }

        return new TrainingRun<TNet>(net, data, options).Run();
    }

    /// <summary>Samples per <c>ForwardBatch</c> call of <see cref="Evaluate"/>.</summary>
    private const int EvaluationBlock = 64;

    /// <summary>Mean loss and accuracy of <paramref name="net"/> on <paramref name="data"/>, in inference mode (see <see cref="Evaluation"/>).</summary>
    /// <typeparam name="TNet">The network class.</typeparam>
    /// <param name="net">The network; its <c>ForwardBatch</c> is used, so it must not be in use on another thread.</param>
    /// <param name="data">Samples, with labels below the network's output count or target vectors of its output size.</param>
    /// <exception cref="ArgumentException">The data does not fit the network.</exception>
    public static Evaluation Evaluate<TNet>(TNet net, Dataset data)
        where TNet : class, INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(data);
        NetworkInfo info = TNet.Info;
        CheckData(info, data, nameof(data));

        // Blocks of samples copied back to back for ForwardBatch (the same outputs as Forward, fewer weight reads).
        int block = Math.Max(1, Math.Min(EvaluationBlock, data.Count));
        var inputs = new float[block * info.InputSize];
        var outputs = new float[block * info.OutputSize];
        double loss = 0;
        int correct = 0;
        for (int start = 0; start < data.Count; start += block)
        {
            int count = Math.Min(block, data.Count - start);
            for (int j = 0; j < count; j++)
            {
                data.Input(start + j).CopyTo(inputs.AsSpan(j * info.InputSize));
            }

            net.ForwardBatch(inputs.AsSpan(0, count * info.InputSize), outputs.AsSpan(0, count * info.OutputSize));
            for (int j = 0; j < count; j++)
            {
                ReadOnlySpan<float> output = outputs.AsSpan(j * info.OutputSize, info.OutputSize);
                if (data.HasLabels)
                {
                    int label = data.Label(start + j);
                    loss += Metrics.Loss(info.Loss, output, label);
                    correct += Metrics.IsCorrect(output, label) ? 1 : 0;
                }
                else
                {
                    ReadOnlySpan<float> target = data.Target(start + j);
                    loss += Metrics.Loss(info.Loss, output, target);
                    correct += Metrics.IsCorrect(output, target) ? 1 : 0;
                }
            }
        }

        return new Evaluation((float)(loss / data.Count), (float)correct / data.Count, data.Count);
    }

    /// <summary>Throws unless <paramref name="data"/>'s inputs, labels or targets fit a network described by <paramref name="info"/>.</summary>
    internal static void CheckData(NetworkInfo info, Dataset data, string name)
    {
        if (data.InputSize != info.InputSize)
        {
            throw new ArgumentException(
                $"{name} has {data.InputSize} input values per sample, but {info.Name} takes {info.InputSize} (input shape {info.InputShape}).", name);
        }

        if (!data.HasLabels)
        {
            if (data.TargetSize != info.OutputSize)
            {
                throw new ArgumentException(
                    $"{name} has target vectors of {data.TargetSize} values, but {info.Name} has {info.OutputSize} outputs.", name);
            }

            return;
        }

        for (int i = 0; i < data.Count; i++)
        {
            int label = data.Label(i);
            if (label >= info.OutputSize)
            {
                throw new ArgumentException(
                    $"{name}: sample {i} has label {label}, but {info.Name} has {info.OutputSize} outputs, so labels must be in 0..{info.OutputSize - 1}.", name);
            }
        }
    }
}
