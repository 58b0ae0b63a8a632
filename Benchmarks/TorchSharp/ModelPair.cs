using System.Diagnostics;
using System.Globalization;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace StaticNets.Benchmarks;

/// <summary>
/// One network twice: the generated StaticNets class and its TorchSharp module, with the same weights and running
/// statistics (copied from StaticNets into TorchSharp, then checked), the same seeded random training data in
/// batches of <see cref="BatchSize"/>, and one timed training round of each.
/// </summary>
internal abstract class ModelPair : IDisposable
{
    /// <summary>Samples per mini-batch, both sides.</summary>
    public const int BatchSize = 32;

    /// <summary>The seed of the StaticNets weights, the BatchNorm values and the data.</summary>
    public const int Seed = 15;

    /// <summary>The models in the order they are measured and reported.</summary>
    public static readonly string[] Names = ["LeNet5", "ResNet8", "DsCnn", "MobileNetV1", "AutoEncoder"];

    public abstract string Name { get; }

    /// <summary>Samples per round: a whole number of batches, chosen so that a round takes a fraction of a second on one thread.</summary>
    public abstract int Samples { get; }

    /// <summary>
    /// Checks that the two are the same network: equal parameter and statistics counts, and eval-mode outputs within
    /// 1e-4 of <c>Forward</c>'s on a few inputs. Returns a line saying what agreed; throws if anything does not.
    /// </summary>
    public abstract string CheckSameNetwork();

    /// <summary>StaticNets <c>Train</c>: one epoch over the round's samples, batch 32, Adam(0.001), no shuffling; samples per second.</summary>
    public abstract double StaticNetsRound(int threads);

    /// <summary>
    /// For a network with BatchNorm: what <c>Train</c> does per batch without its bookkeeping and its extra
    /// <c>ForwardBatch</c> for the accuracy: <c>ZeroGradients</c>, <c>ComputeBatchGradients</c> on
    /// <paramref name="threads"/> threads, the mean, the Adam step; samples per second. Null for a network without
    /// BatchNorm (its <c>Train</c> runs shards on replicas instead).
    /// </summary>
    public abstract double? StaticNetsCoreRound(int threads);

    /// <summary>TorchSharp in training mode: the same batches in the same order, zero_grad, forward, loss, backward, Adam step; samples per second.</summary>
    public abstract double TorchRound(int threads);

    public abstract void Dispose();

    public static ModelPair Create(string name) => name switch
    {
        "LeNet5" => new Of<LeNet5>(name, new TorchLeNet5(), batches: 32),
        "ResNet8" => new Of<ResNet8>(name, new TorchResNet8(), batches: 4),
        "DsCnn" => new Of<DsCnn>(name, new TorchDsCnn(), batches: 8),
        "MobileNetV1" => new Of<MobileNetV1>(name, new TorchMobileNetV1(), batches: 4),
        "AutoEncoder" => new Of<AutoEncoder>(name, new TorchAutoEncoder(), batches: 32),
        _ => throw new ArgumentException($"No model named '{name}': one of {string.Join(", ", Names)}.", nameof(name)),
    };

    private sealed class Of<TNet> : ModelPair where TNet : class, INetwork<TNet>
    {
        private const int CheckedInputs = 4;
        private const float Tolerance = 1e-4f;

        private readonly TNet net;
        private readonly TorchNet module;
        private readonly bool classifier = TNet.Info.Loss == LossKind.CrossEntropy;
        private readonly float[] inputs;
        private readonly int[] labels;
        private readonly Adam adam = new(0.001f);
        private readonly Dataset data;
        private readonly TrainingOptions oneThread;
        private readonly TrainingOptions twoThreads;
        private readonly Tensor[] batchInputs;
        private readonly Tensor[] batchTargets;
        private readonly optim.Optimizer torchAdam;

        public Of(string name, TorchNet module, int batches)
        {
            Name = name;
            Samples = batches * BatchSize;
            this.module = module;
            net = TNet.Create(Seed);
            var random = new Random(Seed);
            RandomiseBatchNorm(net, random);

            NetworkInfo info = TNet.Info;
            inputs = new float[Samples * info.InputSize];
            for (int i = 0; i < inputs.Length; i++) inputs[i] = 2 * random.NextSingle() - 1;
            labels = new int[Samples];
            for (int i = 0; i < labels.Length; i++) labels[i] = random.Next(info.OutputSize);
            // The autoencoder reconstructs its input: the targets are the inputs.
            data = classifier ? new Dataset(inputs, labels) : new Dataset(inputs, inputs, info.OutputSize);

            oneThread = new TrainingOptions { Epochs = 1, BatchSize = BatchSize, Threads = 1, Optimizer = adam, Shuffle = false, Seed = Seed };
            twoThreads = new TrainingOptions { Epochs = 1, BatchSize = BatchSize, Threads = 2, Optimizer = adam, Shuffle = false, Seed = Seed };

            CopyWeights();
            batchInputs = new Tensor[batches];
            batchTargets = new Tensor[batches];
            for (int b = 0; b < batches; b++)
            {
                batchInputs[b] = InputTensor(inputs.AsSpan(b * BatchSize * info.InputSize, BatchSize * info.InputSize), BatchSize);
                batchTargets[b] = classifier
                    ? tensor(labels.AsSpan(b * BatchSize, BatchSize).ToArray().Select(l => (long)l).ToArray(), dtype: int64)
                    : batchInputs[b];
            }

            torchAdam = optim.Adam(module.parameters(), lr: 0.001);
        }

        public override string Name { get; }

        public override int Samples { get; }

        public override string CheckSameNetwork()
        {
            NetworkInfo info = TNet.Info;
            long torchParameters = module.parameters().Sum(p => p.numel());
            long torchStatistics = module.Norms.Sum(bn => bn.running_mean!.numel() + bn.running_var!.numel());
            if (torchParameters != info.ParameterCount || torchStatistics != info.StatisticsCount)
            {
                throw new InvalidOperationException(
                    $"{Name}: TorchSharp has {torchParameters} parameters and {torchStatistics} statistics, StaticNets {info.ParameterCount} and {info.StatisticsCount}.");
            }

            module.eval();
            float[] torchOutputs;
            using (NewDisposeScope())
            using (no_grad())
            {
                Tensor output = module.forward(InputTensor(inputs.AsSpan(0, CheckedInputs * info.InputSize), CheckedInputs));
                torchOutputs = (classifier ? F.softmax(output, 1) : output).contiguous().data<float>().ToArray();
            }

            float[] outputs = new float[info.OutputSize];
            float worst = 0;
            for (int s = 0; s < CheckedInputs; s++)
            {
                net.Forward(inputs.AsSpan(s * info.InputSize, info.InputSize), outputs);
                for (int o = 0; o < outputs.Length; o++) worst = Math.Max(worst, Math.Abs(outputs[o] - torchOutputs[s * outputs.Length + o]));
            }

            if (!(worst <= Tolerance))
            {
                throw new InvalidOperationException($"{Name}: eval-mode outputs differ by up to {worst:G3} (more than {Tolerance:G1}) from Forward's.");
            }

            return string.Create(CultureInfo.InvariantCulture,
                $"{Name}: {info.ParameterCount:N0} parameters and {info.StatisticsCount:N0} statistics on both sides; eval-mode outputs of {CheckedInputs} inputs within {worst:G2} of Forward's");
        }

        public override double StaticNetsRound(int threads)
        {
            var clock = Stopwatch.StartNew();
            net.Train(data, threads == 1 ? oneThread : twoThreads);
            return Samples / clock.Elapsed.TotalSeconds;
        }

        public override double? StaticNetsCoreRound(int threads)
        {
            NetworkInfo info = TNet.Info;
            if (info.StatisticsCount == 0) return null;
            var clock = Stopwatch.StartNew();
#pragma warning disable CS0618 // BatchRunner (StaticNets.__Internals): how Train gives ComputeBatchGradients its threads
            using (StaticNets.__Internals.BatchRunner.UseThreads(threads))
#pragma warning restore CS0618
            {
                for (int b = 0; b < Samples / BatchSize; b++)
                {
                    ReadOnlySpan<float> x = inputs.AsSpan(b * BatchSize * info.InputSize, BatchSize * info.InputSize);
                    net.ZeroGradients();
                    if (classifier) net.ComputeBatchGradients(x, labels.AsSpan(b * BatchSize, BatchSize));
                    else net.ComputeBatchGradients(x, x);
                    TensorPrimitives.Divide(net.Gradients, BatchSize, net.Gradients);
                    adam.Step(net.Parameters, net.Gradients);
                }
            }

            return Samples / clock.Elapsed.TotalSeconds;
        }

        public override double TorchRound(int threads)
        {
            set_num_threads(threads);
            module.train();
            var clock = Stopwatch.StartNew();
            for (int b = 0; b < batchInputs.Length; b++)
            {
                using DisposeScope scope = NewDisposeScope();
                torchAdam.zero_grad();
                Tensor output = module.forward(batchInputs[b]);
                Tensor loss = classifier ? F.cross_entropy(output, batchTargets[b]) : F.mse_loss(output, batchTargets[b]);
                loss.backward();
                torchAdam.step();
            }

            return Samples / clock.Elapsed.TotalSeconds;
        }

        public override void Dispose()
        {
            torchAdam.Dispose();
            foreach (Tensor t in batchInputs) t.Dispose();
            if (classifier)
            {
                foreach (Tensor t in batchTargets) t.Dispose();
            }

            module.Dispose();
        }

        /// <summary>Samples back to back as a [n, C, H, W] tensor, or [n, features] for a flat input (StaticNets' layout is PyTorch's).</summary>
        private static Tensor InputTensor(ReadOnlySpan<float> values, int count)
        {
            TensorShape s = TNet.Info.InputShape;
            long[] shape = s.Height == 1 && s.Width == 1 ? [count, s.Channels] : [count, s.Channels, s.Height, s.Width];
            return tensor(values.ToArray(), shape);
        }

        /// <summary>StaticNets' parameters and statistics into the module: the layouts are the same, the order is StaticNets'.</summary>
        private void CopyWeights()
        {
            int copied = Copy(module.StaticNetsOrder, net.Parameters);
            if (copied != TNet.Info.ParameterCount || module.StaticNetsOrder.Count != module.parameters().Count())
            {
                throw new InvalidOperationException($"{Name}: the TorchSharp module's parameter list does not cover StaticNets' {TNet.Info.ParameterCount} parameters.");
            }

            Copy([.. module.Norms.SelectMany(bn => new[] { bn.running_mean!, bn.running_var! })], net.Statistics);
        }

        private static int Copy(IReadOnlyList<Tensor> targets, ReadOnlySpan<float> values)
        {
            int offset = 0;
            using (no_grad())
            {
                foreach (Tensor t in targets)
                {
                    int n = (int)t.numel();
                    using Tensor source = tensor(values.Slice(offset, n).ToArray(), t.shape);
                    t.copy_(source);
                    offset += n;
                }
            }

            return offset;
        }

        /// <summary>
        /// γ in [0.5, 1.5], β in [-0.2, 0.2], running means in [-0.3, 0.3] and variances in [0.5, 1.5], as the main
        /// harness sets them (MlperfModel), so that BatchNorm is not the identity in the eval-mode check.
        /// </summary>
        private static void RandomiseBatchNorm(TNet net, Random random)
        {
            Span<float> parameters = net.Parameters;
            Span<float> statistics = net.Statistics;
            foreach (LayerInfo layer in TNet.Info.Layers.Where(l => l.Kind == LayerKind.BatchNorm))
            {
                int channels = layer.WeightCount;
                for (int c = 0; c < channels; c++)
                {
                    parameters[layer.ParameterOffset + c] = 0.5f + random.NextSingle();
                    parameters[layer.ParameterOffset + channels + c] = 0.4f * random.NextSingle() - 0.2f;
                    statistics[layer.StatisticsOffset + c] = 0.6f * random.NextSingle() - 0.3f;
                    statistics[layer.StatisticsOffset + channels + c] = 0.5f + random.NextSingle();
                }
            }
        }
    }
}
