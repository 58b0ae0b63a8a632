namespace StaticNets;

/// <summary>
/// What every generated network implements. A class <c>N</c> with layer attributes gets these
/// members from the StaticNets generator; the Runtime's training loop, weight files and ONNX
/// export work on any <c>N</c> through this interface.
/// </summary>
/// <typeparam name="TSelf">The network class itself.</typeparam>
public interface INetwork<TSelf> where TSelf : class, INetwork<TSelf>
{
    /// <summary>The network's layers, shapes and parameter layout, fixed at build time.</summary>
    static abstract NetworkInfo Info { get; }

    /// <summary>A new instance with weights initialised from <paramref name="seed"/> (the same as <c>new N(seed)</c>).</summary>
    static abstract TSelf Create(int seed);

    /// <summary>
    /// A new instance that shares this one's <see cref="Parameters"/> (the same memory, not a copy) and has
    /// gradients and activation buffers of its own. Training runs one per worker; the replicas see every
    /// update of the parameters at once.
    /// </summary>
    TSelf CreateReplica();

    /// <summary>Reads a weight file written by <see cref="Save(string)"/>.</summary>
    static abstract TSelf Load(string path);

    /// <summary>Reads a weight file written by <see cref="Save(Stream)"/>.</summary>
    static abstract TSelf Load(Stream stream);

    /// <summary>All weights and biases, flat, layer by layer, each layer's weights then its bias.</summary>
    Span<float> Parameters { get; }

    /// <summary>The gradient of the loss with respect to <see cref="Parameters"/>, in the same layout.</summary>
    Span<float> Gradients { get; }

    /// <summary>
    /// BatchNorm running means then variances, layer by layer (an Add's projection at its place): what inference
    /// normalises with. Empty for a network without BatchNorm.
    /// </summary>
    /// <remarks>Generated networks implement it; this default, for a hand-written implementation, is empty.</remarks>
    Span<float> Statistics => Span<float>.Empty;

    /// <summary>Inference: writes the network's output for <paramref name="input"/> (dropout off).</summary>
    void Forward(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>
    /// The output of the most recent <see cref="Forward"/>, <see cref="Predict"/> or <see cref="ComputeGradients(ReadOnlySpan{float}, int)"/>
    /// (in training mode for the latter: dropout active). A view of the instance's buffer, valid until its next pass.
    /// </summary>
    ReadOnlySpan<float> Output { get; }

    /// <summary>The index of the largest output for <paramref name="input"/>.</summary>
    int Predict(ReadOnlySpan<float> input);

    /// <summary>
    /// Inference over a batch: <paramref name="inputs"/> holds samples back to back, <c>InputSize</c> values each, and
    /// <paramref name="outputs"/> receives theirs, <c>OutputSize</c> each, in the same order. The outputs have the same
    /// bits as <see cref="Forward"/>'s; the dense layers read each weight once per few samples instead of once per sample.
    /// </summary>
    /// <remarks>Generated networks implement it; this default, for a hand-written implementation, calls <see cref="Forward"/> once per sample.</remarks>
    void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        NetworkInfo info = TSelf.Info;
        int count = __Internals.Guard.Batch(inputs.Length, info.InputSize, info.Name, info.InputSize.ToString(System.Globalization.CultureInfo.InvariantCulture), nameof(inputs));
        __Internals.Guard.BatchLength(outputs.Length, count, info.OutputSize, info.Name, "outputs", nameof(outputs));
        for (int s = 0; s < count; s++)
        {
            Forward(inputs.Slice(s * info.InputSize, info.InputSize), outputs.Slice(s * info.OutputSize, info.OutputSize));
        }
    }

    /// <summary><see cref="Predict"/> over a batch: <paramref name="inputs"/> as for <see cref="ForwardBatch"/>, one prediction per sample.</summary>
    /// <remarks>Generated networks implement it; this default, for a hand-written implementation, calls <see cref="Predict"/> once per sample.</remarks>
    void PredictBatch(ReadOnlySpan<float> inputs, Span<int> predictions)
    {
        NetworkInfo info = TSelf.Info;
        int count = __Internals.Guard.Batch(inputs.Length, info.InputSize, info.Name, info.InputSize.ToString(System.Globalization.CultureInfo.InvariantCulture), nameof(inputs));
        __Internals.Guard.BatchLength(predictions.Length, count, 1, info.Name, "prediction", nameof(predictions));
        for (int s = 0; s < count; s++)
        {
            predictions[s] = Predict(inputs.Slice(s * info.InputSize, info.InputSize));
        }
    }

    /// <summary>Sets every entry of <see cref="Gradients"/> to zero.</summary>
    void ZeroGradients();

    /// <summary>Training-mode forward and backward pass of one sample with a class label; adds its gradient into <see cref="Gradients"/> and returns its loss.</summary>
    float ComputeGradients(ReadOnlySpan<float> input, int label);

    /// <summary>Training-mode forward and backward pass of one sample with a target vector; adds its gradient into <see cref="Gradients"/> and returns its loss.</summary>
    float ComputeGradients(ReadOnlySpan<float> input, ReadOnlySpan<float> target);

    /// <summary>
    /// Training-mode forward and backward pass of the samples in <paramref name="inputs"/> (back to back) with class
    /// labels, normalising with the batch's statistics: adds the gradient of the summed loss into <see cref="Gradients"/>,
    /// updates the running statistics once and returns the summed loss. Without BatchNorm it equals one
    /// <see cref="ComputeGradients(ReadOnlySpan{float}, int)"/> per sample.
    /// </summary>
    /// <remarks>Generated networks implement it; this default, for a hand-written implementation, calls <see cref="ComputeGradients(ReadOnlySpan{float}, int)"/> per sample.</remarks>
    float ComputeBatchGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        NetworkInfo info = TSelf.Info;
        int count = __Internals.Guard.Batch(inputs.Length, info.InputSize, info.Name, info.InputSize.ToString(System.Globalization.CultureInfo.InvariantCulture), nameof(inputs));
        __Internals.Guard.BatchLength(labels.Length, count, 1, info.Name, "label", nameof(labels));
        float loss = 0;
        for (int s = 0; s < count; s++)
        {
            loss += ComputeGradients(inputs.Slice(s * info.InputSize, info.InputSize), labels[s]);
        }

        return loss;
    }

    /// <summary>The same as <see cref="ComputeBatchGradients(ReadOnlySpan{float}, ReadOnlySpan{int})"/> with target vectors, <c>OutputSize</c> each, back to back.</summary>
    /// <remarks>Generated networks implement it; this default, for a hand-written implementation, calls <see cref="ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{float})"/> per sample.</remarks>
    float ComputeBatchGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets)
    {
        NetworkInfo info = TSelf.Info;
        int count = __Internals.Guard.Batch(inputs.Length, info.InputSize, info.Name, info.InputSize.ToString(System.Globalization.CultureInfo.InvariantCulture), nameof(inputs));
        __Internals.Guard.BatchLength(targets.Length, count, info.OutputSize, info.Name, "target", nameof(targets));
        float loss = 0;
        for (int s = 0; s < count; s++)
        {
            loss += ComputeGradients(inputs.Slice(s * info.InputSize, info.InputSize), targets.Slice(s * info.OutputSize, info.OutputSize));
        }

        return loss;
    }

    /// <summary>
    /// The same as <see cref="ComputeBatchGradients(ReadOnlySpan{float}, ReadOnlySpan{int})"/>, and
    /// <paramref name="outputs"/> receives each sample's training-mode output, <c>OutputSize</c> each, in the order of
    /// the samples (the outputs the loss was computed from: with BatchNorm, normalised with the batch's statistics).
    /// </summary>
    /// <remarks>Generated networks implement it; this default, for a hand-written implementation, calls <see cref="ComputeGradients(ReadOnlySpan{float}, int)"/> per sample and copies <see cref="Output"/>.</remarks>
    float ComputeBatchGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> outputs)
    {
        NetworkInfo info = TSelf.Info;
        int count = __Internals.Guard.Batch(inputs.Length, info.InputSize, info.Name, info.InputSize.ToString(System.Globalization.CultureInfo.InvariantCulture), nameof(inputs));
        __Internals.Guard.BatchLength(labels.Length, count, 1, info.Name, "label", nameof(labels));
        __Internals.Guard.BatchLength(outputs.Length, count, info.OutputSize, info.Name, "output", nameof(outputs));
        float loss = 0;
        for (int s = 0; s < count; s++)
        {
            loss += ComputeGradients(inputs.Slice(s * info.InputSize, info.InputSize), labels[s]);
            Output.CopyTo(outputs.Slice(s * info.OutputSize, info.OutputSize));
        }

        return loss;
    }

    /// <summary>The same as <see cref="ComputeBatchGradients(ReadOnlySpan{float}, ReadOnlySpan{float})"/>, and <paramref name="outputs"/> receives each sample's training-mode output, <c>OutputSize</c> each.</summary>
    /// <remarks>Generated networks implement it; this default, for a hand-written implementation, calls <see cref="ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{float})"/> per sample and copies <see cref="Output"/>.</remarks>
    float ComputeBatchGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> outputs)
    {
        NetworkInfo info = TSelf.Info;
        int count = __Internals.Guard.Batch(inputs.Length, info.InputSize, info.Name, info.InputSize.ToString(System.Globalization.CultureInfo.InvariantCulture), nameof(inputs));
        __Internals.Guard.BatchLength(targets.Length, count, info.OutputSize, info.Name, "target", nameof(targets));
        __Internals.Guard.BatchLength(outputs.Length, count, info.OutputSize, info.Name, "output", nameof(outputs));
        float loss = 0;
        for (int s = 0; s < count; s++)
        {
            loss += ComputeGradients(inputs.Slice(s * info.InputSize, info.InputSize), targets.Slice(s * info.OutputSize, info.OutputSize));
            Output.CopyTo(outputs.Slice(s * info.OutputSize, info.OutputSize));
        }

        return loss;
    }

    /// <summary>Sets the state of the generator that dropout masks are drawn from, so that training is reproducible.</summary>
    void SetRandomState(ulong state);

    /// <summary>Mini-batch training on <paramref name="data"/>.</summary>
    TrainingReport Train(Dataset data, TrainingOptions options);

    /// <summary>Mean loss and accuracy on <paramref name="data"/>, in inference mode.</summary>
    Evaluation Evaluate(Dataset data);

    /// <summary>Writes the weights to a file, through a temporary file and a rename.</summary>
    void Save(string path);

    /// <summary>Writes the weights to a stream.</summary>
    void Save(Stream stream);

    /// <summary>Writes the network and its weights as an ONNX model whose output is <see cref="Forward"/>'s.</summary>
    void ExportOnnx(string path);

    /// <summary>Writes the network and its weights as an ONNX model to a stream.</summary>
    void ExportOnnx(Stream stream);
}
