using static StaticNets.__Internals.OnnxLayout;
using Microsoft.ML.OnnxRuntime;
using StaticNets.__Internals;
using StaticNets.Tests.Reference;

namespace StaticNets.Tests.Onnx;

/// <summary>Helpers for the ONNX tests: running a model in ONNX Runtime, reading a model's outline, writing PyTorch-style models.</summary>
internal static class OnnxTestModels
{
    public static byte[] Exported<TNet>(TNet net) where TNet : class, INetwork<TNet>
    {
        var stream = new MemoryStream();
        net.ExportOnnx(stream);
        return stream.ToArray();
    }

    /// <summary>Runs <paramref name="model"/> in ONNX Runtime on a batch of samples laid one after another; returns the outputs likewise.</summary>
    public static float[] Run(byte[] model, NetworkInfo info, float[] inputs, int batch)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        TensorShape s = info.InputShape;
        long[] shape = s.Height == 1 && s.Width == 1 ? [batch, s.Channels] : [batch, s.Channels, s.Height, s.Width];
        using var input = OrtValue.CreateTensorValueFromMemory(inputs, shape);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, ["input"], [input], ["output"]);
        long[] outputShape = outputs[0].GetTensorTypeAndShape().Shape;
        if (!outputShape.SequenceEqual([batch, info.OutputSize]))
        {
            throw new InvalidOperationException($"output shape [{string.Join(",", outputShape)}], expected [{batch},{info.OutputSize}]");
        }
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>The largest absolute difference between ONNX Runtime's outputs and the double reference, sample by sample.</summary>
    public static double MaxDifference(byte[] model, NetworkInfo info, float[] parameters, float[] inputs, int batch)
    {
        float[] outputs = Run(model, info, inputs, batch);
        double max = 0;
        for (int b = 0; b < batch; b++)
        {
            double[] expected = ReferenceNetwork.Forward(info, parameters, inputs.AsSpan(b * info.InputSize, info.InputSize));
            for (int i = 0; i < expected.Length; i++)
            {
                max = Math.Max(max, Math.Abs(expected[i] - outputs[b * info.OutputSize + i]));
            }
        }
        return max;
    }

    public static float[] RandomInputs(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    /// <summary>The outline of a ModelProto: header fields, node operators, initializer names and shapes.</summary>
    public sealed record Outline(long IrVersion, long Opset, string Producer, List<string> Ops, List<(string Name, long[] Dims)> Initializers);

    public static Outline Read(byte[] model)
    {
        var outline = new Outline(0, 0, "", [], []);
        long ir = 0, opset = 0;
        string producer = "";
        var reader = new ProtoReader(model, "ModelProto");
        while (reader.NextField())
        {
            switch (reader.Field)
            {
                case 1: ir = reader.ReadInt64(); break;
                case 2: producer = reader.ReadString(); break;
                case 8:
                    var o = reader.ReadMessage("opset");
                    while (o.NextField())
                    {
                        if (o.Field == 2) { opset = o.ReadInt64(); } else { o.Skip(); }
                    }
                    break;
                case 7:
                    var g = reader.ReadMessage("graph");
                    while (g.NextField())
                    {
                        if (g.Field == 1)
                        {
                            var n = g.ReadMessage("node");
                            while (n.NextField())
                            {
                                if (n.Field == 4) { outline.Ops.Add(n.ReadString()); } else { n.Skip(); }
                            }
                        }
                        else if (g.Field == 5)
                        {
                            var t = g.ReadMessage("tensor");
                            string name = "";
                            var dims = new List<long>();
                            while (t.NextField())
                            {
                                if (t.Field == 8) { name = t.ReadString(); }
                                else if (t.Field == 1)
                                {
                                    var packed = new ProtoReader(t.ReadBytes(), "dims");
                                    while (!packed.AtEnd) { dims.Add((long)packed.ReadVarint()); }
                                }
                                else { t.Skip(); }
                            }
                            outline.Initializers.Add((name, dims.ToArray()));
                        }
                        else { g.Skip(); }
                    }
                    break;
                default: reader.Skip(); break;
            }
        }
        return outline with { IrVersion = ir, Opset = opset, Producer = producer };
    }

    /// <summary>The bytes of <see cref="TestGraph.PyTorchStyle"/>.</summary>
    public static byte[] PyTorchStyle(NetworkInfo info, float[] parameters, Style style) => TestGraph.PyTorchStyle(info, parameters, style).Build();
}
