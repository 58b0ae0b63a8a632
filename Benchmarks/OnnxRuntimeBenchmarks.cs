using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace StaticNets.Benchmarks;

/// <summary>
/// ONNX Runtime on the same network and weights as <see cref="InferenceBenchmarks"/>: the generated
/// LeNet-5's <c>ExportOnnx</c>, loaded from memory, with every optimisation on and every input and output
/// bound once to preallocated, pinned buffers (IOBinding), so that a call is only ORT's own work.
/// </summary>
/// <remarks>
/// <see cref="Batch1"/> steps through <see cref="Digits.LatencyDigits"/> digits, each with its own binding, as
/// <see cref="InferenceBenchmarks.Forward"/> does. The batch benchmarks report the time per digit
/// (<c>OperationsPerInvoke</c>). Setup checks that ORT's outputs are the generated network's, so a
/// wrong export cannot pass for a fast one.
/// </remarks>
[MemoryDiagnoser]
public class OnnxRuntimeBenchmarks
{
    /// <summary>Digits per call of the batch benchmarks.</summary>
    public const int Batch = 64;

    private const string InputName = "input";
    private const string OutputName = "output";

    private readonly List<IDisposable> owned = [];
    private readonly float[] output = new float[LeNet5.OutputSize];
    private readonly float[] batchOutput = new float[Batch * LeNet5.OutputSize];
    private float[] digits = [];
    private RunOptions runOptions = null!;
    private InferenceSession oneThread = null!;
    private InferenceSession twoThreads = null!;
    private OrtIoBinding[] digitBindings = [];
    private OrtIoBinding batchOneThread = null!;
    private OrtIoBinding batchTwoThreads = null!;
    private int next;

    [GlobalSetup]
    public void Setup()
    {
        digits = Digits.LoadInputs(Math.Max(Batch, Digits.LatencyDigits));
        var net = new LeNet5(Digits.Seed);
        byte[] model = Export(net);

        runOptions = Own(new RunOptions());
        oneThread = CreateSession(model, threads: 1);
        twoThreads = CreateSession(model, threads: 2);

        OrtValue outputValue = Own(OrtValue.CreateTensorValueFromMemory(output, [1, LeNet5.OutputSize]));
        digitBindings = new OrtIoBinding[Digits.LatencyDigits];
        for (int i = 0; i < Digits.LatencyDigits; i++)
        {
            var digit = new Memory<float>(digits, i * LeNet5.InputSize, LeNet5.InputSize);
            OrtValue input = Own(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, digit, [1, 1, 28, 28]));
            digitBindings[i] = Bind(oneThread, input, outputValue);
        }

        OrtValue batchInput = Own(OrtValue.CreateTensorValueFromMemory(digits, [Batch, 1, 28, 28]));
        OrtValue batchOutputValue = Own(OrtValue.CreateTensorValueFromMemory(batchOutput, [Batch, LeNet5.OutputSize]));
        batchOneThread = Bind(oneThread, batchInput, batchOutputValue);
        batchTwoThreads = Bind(twoThreads, batchInput, batchOutputValue);

        CheckAgainst(net);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        for (int i = owned.Count - 1; i >= 0; i--)
        {
            owned[i].Dispose();
        }

        owned.Clear();
    }

    /// <summary>One digit, one intra-op thread: ORT's latency.</summary>
    [Benchmark]
    public float Batch1()
    {
        int index = next;
        next = index + 1 == Digits.LatencyDigits ? 0 : index + 1;
        oneThread.RunWithBinding(runOptions, digitBindings[index]);
        return output[0];
    }

    /// <summary>Per digit: a batch of <see cref="Batch"/> digits on one intra-op thread.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public float Batch64OneThread()
    {
        oneThread.RunWithBinding(runOptions, batchOneThread);
        return batchOutput[0];
    }

    /// <summary>Per digit: a batch of <see cref="Batch"/> digits on two intra-op threads.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public float Batch64TwoThreads()
    {
        twoThreads.RunWithBinding(runOptions, batchTwoThreads);
        return batchOutput[0];
    }

    private static byte[] Export(LeNet5 net)
    {
        using var stream = new MemoryStream();
        net.ExportOnnx(stream);
        return stream.ToArray();
    }

    private InferenceSession CreateSession(byte[] model, int threads)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
        };
        return Own(new InferenceSession(model, options));
    }

    private OrtIoBinding Bind(InferenceSession session, OrtValue input, OrtValue outputValue)
    {
        OrtIoBinding binding = Own(session.CreateIoBinding());
        binding.BindInput(InputName, input);
        binding.BindOutput(OutputName, outputValue);
        return binding;
    }

    /// <summary>Throws unless every binding gives the generated network's outputs (to 1e-4; the two differ only in summation order).</summary>
    private void CheckAgainst(LeNet5 net)
    {
        var expected = new float[LeNet5.OutputSize];
        Batch64OneThread();
        Span<float> fromOneThread = batchOutput.ToArray();
        Batch64TwoThreads();
        for (int i = 0; i < Digits.LatencyDigits; i++)
        {
            net.Forward(digits.AsSpan(i * LeNet5.InputSize, LeNet5.InputSize), expected);
            next = i;
            Batch1();
            Check(expected, output, $"digit {i}, batch 1");
        }

        for (int i = 0; i < Batch; i++)
        {
            net.Forward(digits.AsSpan(i * LeNet5.InputSize, LeNet5.InputSize), expected);
            Check(expected, fromOneThread.Slice(i * LeNet5.OutputSize, LeNet5.OutputSize), $"digit {i}, batch {Batch}, one thread");
            Check(expected, batchOutput.AsSpan(i * LeNet5.OutputSize, LeNet5.OutputSize), $"digit {i}, batch {Batch}, two threads");
        }

        next = 0;
    }

    private static void Check(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        for (int j = 0; j < expected.Length; j++)
        {
            if (!(Math.Abs(expected[j] - actual[j]) <= 1e-4f))
            {
                throw new InvalidOperationException(
                    $"ONNX Runtime's output {j} for {what} is {actual[j]}, but the generated network's Forward gives {expected[j]}: the export does not match.");
            }
        }
    }

    private T Own<T>(T resource) where T : IDisposable
    {
        owned.Add(resource);
        return resource;
    }
}
