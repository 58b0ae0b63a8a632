using StaticNets.Tests.Support;
using Xunit;

namespace StaticNets.Tests.Training;

public class TrainerTests
{
    [Fact]
    public void Learns_xor_with_labels_and_cross_entropy()
    {
        var net = new TinyMlp<XorShape>(seed: 1);

        TrainingReport report = net.Train(TestData.Xor(), new TrainingOptions
        {
            Epochs = 300, BatchSize = 4, Optimizer = new Adam(0.05f), Threads = 2, Seed = 1,
        });

        Evaluation evaluation = net.Evaluate(TestData.Xor());
        Assert.Equal(1f, evaluation.Accuracy);
        Assert.Equal(1f, report.Epochs[^1].Accuracy);
        Assert.True(report.FinalLoss < 0.05f, $"final loss {report.FinalLoss}");
        Assert.True(report.Epochs[0].Loss > 0.5f, $"first loss {report.Epochs[0].Loss}");
    }

    [Fact]
    public void Learns_xor_with_targets_and_mean_squared_error()
    {
        var net = new TinyMlp<XorMseShape>(seed: 1);

        TrainingReport report = net.Train(TestData.XorTargets(), new TrainingOptions
        {
            Epochs = 300, BatchSize = 2, Optimizer = new Sgd(0.1f, momentum: 0.9f), Threads = 1,
        });

        Assert.Equal(1f, net.Evaluate(TestData.XorTargets()).Accuracy);
        Assert.True(report.FinalLoss < 0.02f, $"final loss {report.FinalLoss}");
    }

    private static (int[] Parameters, int[] Losses) TrainBlobs(int threads, int seed)
    {
        // Dropout draws masks, 240 samples in batches of 25 leave a last batch of 15, shuffled every epoch.
        var net = new TinyMlp<BlobShape>(seed: 5);
        TrainingReport report = net.Train(TestData.Blobs(240, seed: 1), new TrainingOptions
        {
            Epochs = 3, BatchSize = 25, Optimizer = new Sgd(0.1f, momentum: 0.9f), Threads = threads, Seed = seed,
        });
        return (TestData.Bits(net.Parameters), TestData.Bits([.. report.Epochs.Select(e => e.Loss)]));
    }

    [Fact]
    public void Weights_are_bit_identical_for_any_thread_count()
    {
        (int[] oneThread, int[] oneThreadLosses) = TrainBlobs(threads: 1, seed: 4);

        Assert.NotEqual(TestData.Bits(new TinyMlp<BlobShape>(seed: 5).Parameters), oneThread);
        foreach (int threads in new[] { 2, 3, 16 })
        {
            (int[] parameters, int[] losses) = TrainBlobs(threads, seed: 4);
            Assert.True(oneThread.SequenceEqual(parameters), $"{threads} threads give other weights than one");
            Assert.Equal(oneThreadLosses, losses);
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_weights_and_another_seed_other_weights()
    {
        Assert.Equal(TrainBlobs(threads: 2, seed: 9).Parameters, TrainBlobs(threads: 2, seed: 9).Parameters);
        Assert.NotEqual(TrainBlobs(threads: 2, seed: 9).Parameters, TrainBlobs(threads: 2, seed: 10).Parameters);
    }

    [Fact]
    public void Without_shuffling_the_seed_still_drives_dropout()
    {
        static int[] Train(int seed)
        {
            var net = new TinyMlp<BlobShape>(seed: 5);
            net.Train(TestData.Blobs(60, seed: 1), new TrainingOptions { Epochs = 1, BatchSize = 10, Shuffle = false, Seed = seed, Threads = 1 });
            return TestData.Bits(net.Parameters);
        }

        Assert.Equal(Train(1), Train(1));
        Assert.NotEqual(Train(1), Train(2));
    }

    [Fact]
    public void Dropout_state_depends_on_the_seed_and_the_sample_not_on_batching()
    {
        // Sample i has input (i, 0): the log maps each sample to the random state its ComputeGradients started from.
        var data = new Dataset([.. Enumerable.Range(0, 30).SelectMany(i => new[] { (float)i, 0f })], [.. Enumerable.Range(0, 30).Select(i => i % 2)]);
        static Dictionary<float, ulong> States(Dataset data, int batchSize, bool shuffle, int seed)
        {
            var log = new System.Collections.Concurrent.ConcurrentQueue<(float[] Input, ulong RandomState)>();
            TinyMlp<SpiedShape>.RandomStateLog = log;
            try
            {
                new TinyMlp<SpiedShape>(seed: 1).Train(data, new TrainingOptions { Epochs = 1, BatchSize = batchSize, Shuffle = shuffle, Seed = seed, Threads = 2 });
            }
            finally
            {
                TinyMlp<SpiedShape>.RandomStateLog = null;
            }

            return log.ToDictionary(entry => entry.Input[0], entry => entry.RandomState);
        }

        Dictionary<float, ulong> states = States(data, batchSize: 4, shuffle: true, seed: 3);

        Assert.Equal(30, states.Count);
        Assert.Equal(30, states.Values.Distinct().Count());
        Assert.Equal(states, States(data, batchSize: 7, shuffle: false, seed: 3));
        Assert.NotEqual(states, States(data, batchSize: 4, shuffle: true, seed: 4));
    }

    [Fact]
    public void One_step_is_the_mean_gradient_of_the_batch()
    {
        Dataset data = TestData.Xor();
        var net = new TinyMlp<XorShape>(seed: 2);
        var reference = new TinyMlp<XorShape>(seed: 2);
        reference.ZeroGradients();
        double lossSum = 0;
        for (int i = 0; i < data.Count; i++)
        {
            lossSum += reference.ComputeGradients(data.Input(i), data.Label(i));
        }

        TrainingReport report = net.Train(data, new TrainingOptions
        {
            Epochs = 1, BatchSize = 4, Optimizer = new Sgd(0.5f), Shuffle = false, Threads = 1,
        });

        for (int i = 0; i < net.Parameters.Length; i++)
        {
            float expected = reference.Parameters[i] - 0.5f * (reference.Gradients[i] / 4);
            Assert.Equal(expected, net.Parameters[i], 1e-6f);
        }

        Assert.Equal(lossSum / 4, report.FinalLoss, 1e-6);
    }

    [Fact]
    public void Replicas_are_created_once_per_shard_when_training_starts()
    {
        var net = new TinyMlp<CountedShape>(seed: 0);
        int before = TinyMlp<CountedShape>.CreateCount;

        var data = new Dataset(new float[2 * 20], [.. Enumerable.Range(0, 20).Select(i => i % 2)]);

        net.Train(data, new TrainingOptions { Epochs = 3, BatchSize = 32, Threads = 2 });

        // min(8 shards, batch 32, 20 samples) = 8 shards; shard 0 is the network itself.
        Assert.Equal(7, TinyMlp<CountedShape>.CreateCount - before);
    }

    [Fact]
    public void Default_optimizer_is_adam()
    {
        var net = new TinyMlp<XorShape>(seed: 1);
        var reference = new TinyMlp<XorShape>(seed: 1);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 2, Shuffle = false, Threads = 1 };

        net.Train(TestData.Xor(), options);
        reference.Train(TestData.Xor(), new TrainingOptions { Epochs = 3, BatchSize = 2, Shuffle = false, Threads = 1, Optimizer = new Adam(0.001f) });

        Assert.Null(options.Optimizer);
        Assert.Equal(TestData.Bits(reference.Parameters), TestData.Bits(net.Parameters));
        Assert.NotEqual(TestData.Bits(new TinyMlp<XorShape>(seed: 1).Parameters), TestData.Bits(net.Parameters));
    }

    [Fact]
    public void A_given_optimizer_continues_across_calls()
    {
        // Two calls of one epoch with one Adam equal one call of two epochs when nothing else differs (no shuffling).
        var twice = new TinyMlp<XorShape>(seed: 1);
        var adam = new Adam(0.01f);
        var once = new TinyMlp<XorShape>(seed: 1);

        twice.Train(TestData.Xor(), new TrainingOptions { Epochs = 1, BatchSize = 2, Shuffle = false, Optimizer = adam });
        twice.Train(TestData.Xor(), new TrainingOptions { Epochs = 1, BatchSize = 2, Shuffle = false, Optimizer = adam });
        once.Train(TestData.Xor(), new TrainingOptions { Epochs = 2, BatchSize = 2, Shuffle = false, Optimizer = new Adam(0.01f) });

        Assert.Equal(TestData.Bits(once.Parameters), TestData.Bits(twice.Parameters));
    }

    [Fact]
    public void Nan_input_stops_training_naming_epoch_and_batch()
    {
        float[] inputs = [.. TestData.Blobs(8, seed: 3).Input(0).ToArray(), .. new float[14]];
        inputs[11] = float.NaN; // sample 5: batch 3 when batches of 2 are taken in order
        var data = new Dataset(inputs, [0, 1, 2, 0, 1, 2, 0, 1]);
        var net = new TinyMlp<BlobShape>(seed: 1);

        var e = Assert.Throws<TrainingDivergedException>(() =>
            net.Train(data, new TrainingOptions { Epochs = 2, BatchSize = 2, Shuffle = false, Threads = 2 }));

        Assert.Equal(1, e.Epoch);
        Assert.Equal(3, e.Batch);
        Assert.True(float.IsNaN(e.Loss));
        Assert.Contains("epoch 1, batch 3", e.Message);
        Assert.Contains("lower learning rate", e.Message);
        Assert.All(net.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
        Assert.IsAssignableFrom<ArithmeticException>(e);
    }

    [Fact]
    public void Exploding_learning_rate_stops_training()
    {
        var net = new TinyMlp<XorMseShape>(seed: 1);

        var e = Assert.Throws<TrainingDivergedException>(() =>
            net.Train(TestData.XorTargets(), new TrainingOptions { Epochs = 100, BatchSize = 1, Optimizer = new Sgd(1e6f), Threads = 1 }));

        Assert.Contains("Try a lower learning rate (it is 1000000)", e.Message);
        Assert.Contains($"epoch {e.Epoch}, batch {e.Batch}", e.Message);
        Assert.All(net.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
    }

    [Fact]
    public void Divergence_of_the_gradient_alone_is_told_apart()
    {
        Assert.Equal(
            "Training diverged in epoch 2, batch 5: the loss is 0.5 but its gradient is not finite. Try a lower learning rate (it is 0.1), and check the data for NaN or infinite values.",
            new TrainingDivergedException(2, 5, 0.5f, 0.1f).Message);
        Assert.Contains("the loss is Infinity.", new TrainingDivergedException(1, 1, float.PositiveInfinity, 0.1f).Message);
    }

    [Fact]
    public void Batch_size_beyond_the_data_makes_one_batch()
    {
        var batches = new List<BatchProgress>();
        var net = new TinyMlp<XorShape>(seed: 1);

        net.Train(TestData.Xor(), new TrainingOptions { Epochs = 2, BatchSize = int.MaxValue, OnBatch = batches.Add });

        Assert.Equal([1, 1], batches.Select(b => b.Batch));
        Assert.All(batches, b => Assert.Equal(1, b.Batches));
    }

    [Fact]
    public void Options_changed_by_a_callback_do_not_affect_the_run_under_way()
    {
        var options = new TrainingOptions { Epochs = 3, BatchSize = 2 };
        options.OnEpoch = _ =>
        {
            options.Epochs = 1;
            options.BatchSize = 1;
        };
        int batches = 0;
        options.OnBatch = _ => batches++;

        TrainingReport report = new TinyMlp<XorShape>(seed: 1).Train(TestData.Xor(), options);

        Assert.Equal(3, report.Epochs.Count);
        Assert.Equal(6, batches);
    }

    public static TheoryData<string, Action<TrainingOptions>, string> InvalidOptions => new()
    {
        { "TrainingOptions.Epochs", o => o.Epochs = 0, "must be at least 1, but it is 0" },
        { "TrainingOptions.BatchSize", o => o.BatchSize = -4, "must be at least 1, but it is -4" },
        { "TrainingOptions.Threads", o => o.Threads = 0, "must be at least 1, but it is 0" },
        { "TrainingOptions.WeightDecay", o => o.WeightDecay = -0.5f, "must be 0 or more and finite, but it is -0.5" },
        { "TrainingOptions.WeightDecay", o => o.WeightDecay = float.NaN, "must be 0 or more and finite, but it is NaN" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Options_are_checked_when_training_starts(string name, Action<TrainingOptions> spoil, string message)
    {
        var options = new TrainingOptions();
        spoil(options);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TinyMlp<XorShape>(1).Train(TestData.Xor(), options));

        Assert.Equal(name, e.ParamName);
        Assert.Contains($"{name} {message}", e.Message);
    }

    [Fact]
    public void Options_have_the_documented_defaults()
    {
        var options = new TrainingOptions();

        Assert.Equal(10, options.Epochs);
        Assert.Equal(32, options.BatchSize);
        Assert.Null(options.Optimizer);
        Assert.Equal(0f, options.WeightDecay);
        Assert.Equal(0, options.Seed);
        Assert.Equal(Environment.ProcessorCount, options.Threads);
        Assert.Null(options.Validation);
        Assert.True(options.Shuffle);
    }

    [Fact]
    public void Input_size_must_match_the_network()
    {
        var data = new Dataset([1, 2, 3, 4, 5, 6], [0, 1]);

        var e = Assert.Throws<ArgumentException>(() => new TinyMlp<XorShape>(1).Train(data, new TrainingOptions()));

        Assert.Equal("data", e.ParamName);
        Assert.Contains("data has 3 input values per sample, but XorNet takes 2", e.Message);
        Assert.Throws<ArgumentException>(() => new TinyMlp<XorShape>(1).Evaluate(data));
    }

    [Fact]
    public void Label_beyond_the_outputs_names_the_sample_and_value()
    {
        var data = new Dataset([0, 0, 0, 1, 1, 0], [0, 1, 2]);

        var e = Assert.Throws<ArgumentException>(() => new TinyMlp<XorShape>(1).Train(data, new TrainingOptions()));

        Assert.Contains("sample 2 has label 2, but XorNet has 2 outputs, so labels must be in 0..1", e.Message);
        Assert.Contains("sample 2 has label 2", Assert.Throws<ArgumentException>(() => new TinyMlp<XorShape>(1).Evaluate(data)).Message);
    }

    [Fact]
    public void Target_size_must_match_the_outputs()
    {
        var data = new Dataset([0, 0, 0, 1], [1, 0, 0, 0, 1, 0], 3);

        var e = Assert.Throws<ArgumentException>(() => new TinyMlp<XorShape>(1).Train(data, new TrainingOptions()));

        Assert.Contains("target vectors of 3 values, but XorNet has 2 outputs", e.Message);
    }

    [Fact]
    public void Validation_data_is_checked_when_training_starts()
    {
        var options = new TrainingOptions { Validation = new Dataset([1, 2, 3], [0]) };

        var e = Assert.Throws<ArgumentException>(() => new TinyMlp<XorShape>(1).Train(TestData.Xor(), options));

        Assert.Equal("TrainingOptions.Validation", e.ParamName);
        Assert.Contains("3 input values per sample", e.Message);
    }

    [Fact]
    public void OnEpoch_and_OnBatch_report_every_epoch_and_batch()
    {
        var epochs = new List<EpochResult>();
        var batches = new List<BatchProgress>();
        var net = new TinyMlp<BlobShape>(seed: 1);

        TrainingReport report = net.Train(TestData.Blobs(30, seed: 1), new TrainingOptions
        {
            Epochs = 4, BatchSize = 8, Optimizer = new Adam(0.02f), OnEpoch = epochs.Add, OnBatch = batches.Add,
        });

        Assert.Equal([1, 2, 3, 4], epochs.Select(e => e.Epoch));
        Assert.Equal(report.Epochs, epochs);
        Assert.Equal(epochs[^1].Loss, report.FinalLoss);
        Assert.True(epochs[^1].Loss < epochs[0].Loss, "the loss should fall");
        Assert.All(epochs, e =>
        {
            Assert.InRange(e.Loss, 0.01f, 5f);
            Assert.InRange(e.Accuracy, 0f, 1f);
            Assert.Equal(0f, e.Accuracy * 30 % 1, 1e-4f); // a whole number of the 30 samples
            Assert.Null(e.ValidationLoss);
            Assert.Null(e.ValidationAccuracy);
            Assert.True(e.Time > TimeSpan.Zero);
            Assert.True(e.SamplesPerSecond > 0);
        });
        Assert.True(report.Time >= epochs[^1].Time);

        Assert.Equal(16, batches.Count); // 30 samples in batches of 8: 4 per epoch
        Assert.Equal(Enumerable.Repeat<int[]>([1, 2, 3, 4], 4).SelectMany(b => b), batches.Select(b => b.Batch));
        Assert.All(batches, b => Assert.Equal(4, b.Batches));
        BatchProgress last = batches[^1];
        Assert.Equal(4, last.Epoch);
        Assert.Equal(epochs[^1].Loss, last.Loss);
        Assert.Equal(epochs[^1].Accuracy, last.Accuracy);
    }

    [Fact]
    public void Validation_fills_the_validation_results()
    {
        (Dataset train, Dataset validation) = TestData.Blobs(120, seed: 7).Split(0.75, seed: 1);
        var net = new TinyMlp<BlobShape>(seed: 1);

        TrainingReport report = net.Train(train, new TrainingOptions
        {
            Epochs = 5, BatchSize = 10, Optimizer = new Adam(0.02f), Validation = validation,
        });

        Evaluation after = net.Evaluate(validation);
        Assert.All(report.Epochs, e => Assert.NotNull(e.ValidationAccuracy));
        Assert.Equal(after.Accuracy, report.Epochs[^1].ValidationAccuracy);
        Assert.Equal(after.Loss, report.Epochs[^1].ValidationLoss);
        Assert.True(after.Accuracy > 0.8f, $"validation accuracy {after.Accuracy}");
    }

    [Fact]
    public void Layer_gradient_norms_cover_the_layers_with_weights()
    {
        var net = new TinyMlp<BlobShape>(seed: 1);
        net.ZeroGradients();
        net.SetRandomState(1);
        net.ComputeGradients([0.3f, -0.2f], 1);
        LayerInfo dense1 = TinyMlp<BlobShape>.Info.Layers[0];
        LayerInfo dense3 = TinyMlp<BlobShape>.Info.Layers[2];
        static float Norm(ReadOnlySpan<float> values) => (float)Math.Sqrt(values.ToArray().Sum(v => (double)v * v));

        float[] norms = net.LayerGradientNorms();
        (string Layer, float Norm)[] named = net.NamedLayerGradientNorms();

        Assert.Equal(2, norms.Length); // the dropout layer has no weights
        Assert.Equal(Norm(net.Gradients.Slice(dense1.ParameterOffset, dense1.WeightCount)), norms[0], 1e-6f);
        Assert.Equal(Norm(net.Gradients.Slice(dense3.ParameterOffset, dense3.WeightCount)), norms[1], 1e-6f);
        Assert.True(norms[0] > 0);
        Assert.Equal([("dense1", norms[0]), ("dense3", norms[1])], named);
    }
}
