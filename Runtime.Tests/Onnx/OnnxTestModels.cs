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

    /// <summary>Options for <see cref="PyTorchStyle"/>.</summary>
    public sealed record Style(bool TransposeGemm = false, bool FloatData = false, bool OmitBias = false, int DataType = 1);

    /// <summary>
    /// A model shaped like a PyTorch export of <paramref name="info"/>: the weighted layers as Conv
    /// and Gemm nodes in order, with ReLU nodes between them, their weights under other names
    /// (<c>features.{i}.weight</c>, <c>onnx::Gemm_{i}</c>), and the initializers listed in reverse.
    /// Only what the importer reads is written; it is not meant to run.
    /// </summary>
    public static byte[] PyTorchStyle(NetworkInfo info, float[] parameters, Style style)
    {
        var weighted = info.Layers.Where(l => l.HasWeights).ToList();
        var initializers = new List<Action<ProtoWriter>>();
        var nodes = new List<Action<ProtoWriter>>();
        string x = "input";
        for (int i = 0; i < weighted.Count; i++)
        {
            LayerInfo layer = weighted[i];
            bool conv = layer.Kind == LayerKind.Conv2D;
            long[] dims = conv ? [layer.Units, layer.InputShape.Channels, Window(layer).Kernel[0], Window(layer).Kernel[1]] : [layer.Units, layer.InputShape.Size];
            float[] weights = parameters.AsSpan(layer.ParameterOffset, layer.WeightCount).ToArray();
            bool transpose = !conv && style.TransposeGemm;
            if (transpose)
            {
                weights = Enumerable.Range(0, weights.Length).Select(k => weights[(k % (int)dims[0]) * (int)dims[1] + k / (int)dims[0]]).ToArray();
                dims = [dims[1], dims[0]];
            }
            string weightName = conv ? $"features.{2 * i}.weight" : $"onnx::Gemm_{100 + i}";
            string biasName = conv ? $"features.{2 * i}.bias" : $"onnx::Gemm_{200 + i}";
            initializers.Add(Tensor(weightName, dims, weights, style));
            if (!style.OmitBias)
            {
                initializers.Add(Tensor(biasName, [layer.BiasCount], parameters.AsSpan(layer.ParameterOffset + layer.WeightCount, layer.BiasCount).ToArray(), style));
            }
            string output = $"/{i}/out";
            string input = x;
            nodes.Add(w =>
            {
                w.WriteString(1, input);
                w.WriteString(1, weightName);
                if (!style.OmitBias)
                {
                    w.WriteString(1, biasName);
                }
                w.WriteString(2, output);
                w.WriteString(3, $"/{(conv ? "Conv" : "Gemm")}_{i}");
                w.WriteString(4, conv ? "Conv" : "Gemm");
                if (!conv)
                {
                    w.WriteMessage(5, a => { a.WriteString(1, "transB"); a.WriteInt64(20, 2); a.WriteInt64(3, transpose ? 0 : 1); });
                }
            });
            nodes.Add(w => { w.WriteString(1, output); w.WriteString(2, output + "/relu"); w.WriteString(4, "Relu"); });
            x = output + "/relu";
        }
        initializers.Reverse();

        var model = new ProtoWriter();
        model.WriteInt64(1, 8);
        model.WriteString(2, "pytorch");
        model.WriteString(3, "2.10.0");
        model.WriteMessage(7, g =>
        {
            foreach (var node in nodes) { g.WriteMessage(1, node); }
            g.WriteString(2, "main_graph");
            foreach (var initializer in initializers) { g.WriteMessage(5, initializer); }
        });
        model.WriteMessage(8, o => o.WriteInt64(2, 17));
        return model.WrittenSpan.ToArray();
    }

    private static Action<ProtoWriter> Tensor(string name, long[] dims, float[] values, Style style) => w =>
    {
        foreach (long d in dims)
        {
            w.WriteInt64(1, d); // unpacked, as some writers do
        }
        w.WriteInt64(2, style.DataType);
        w.WriteString(8, name);
        if (style.FloatData)
        {
            foreach (float v in values)
            {
                w.WriteFloat(4, v); // unpacked float_data
            }
        }
        else
        {
            w.WriteRawFloats(9, values);
        }
    };
}
