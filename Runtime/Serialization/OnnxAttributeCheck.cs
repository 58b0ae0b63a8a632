using System.Globalization;

namespace StaticNets.__Internals;

/// <summary>
/// Compares an ONNX node's attributes with the declared layer it is paired with (see
/// <see cref="OnnxStructure"/>): an attribute the node leaves out takes ONNX's default, and any
/// value under which the node would compute something other than the layer is an
/// <see cref="InvalidDataException"/> naming the node, the attribute, the file's value and the
/// declared one.
/// </summary>
internal static class OnnxAttributeCheck
{
    /// <summary>Checks <paramref name="node"/> against <paramref name="layer"/>.</summary>
    public static void Check(LayerInfo layer, OnnxNode node, string source)
    {
        switch (node.OpType)
        {
            case "Conv":
                Conv(layer, node, source);
                break;
            case "MaxPool":
            case "AveragePool":
                Pool(layer, node, source);
                break;
            case "GlobalMaxPool":
            case "GlobalAveragePool":
                GlobalPool(layer, node, source);
                break;
            case "Gemm":
                Gemm(layer, node, source);
                break;
            case OnnxBatchNormImport.OpType:
                OnnxBatchNormImport.Check(layer, node, source);
                break;
        }
    }

    /// <summary><c>source: node "/conv1/Conv" (Conv): strides [2, 2] in the file, but conv1 (Conv2D 3x3) declares stride 1.</c></summary>
    public static InvalidDataException Mismatch(string source, OnnxNode node, string inFile, LayerInfo layer, string declared) =>
        new($"{source}: {node}: {inFile} in the file, but {OnnxStructure.Describe(layer)} declares {declared}.");

    private static void Conv(LayerInfo layer, OnnxNode node, string source)
    {
        var (kernel, strides, _) = OnnxLayout.Window(layer);
        long groups = Math.Max(layer.Groups, 1);
        long group = node.Int("group", 1);
        if (group != groups)
        {
            throw Mismatch(source, node, Invariant($"group {group}"), layer,
                groups == 1 ? "group 1 (every filter reads every input channel)" : Invariant($"group {groups}"));
        }
        // Without kernel_shape, ONNX takes the kernel from the weight's shape, which import compares.
        if (node.Has("kernel_shape"))
        {
            Expect(source, node, layer, "kernel_shape", node.Ints("kernel_shape", []), kernel, "kernel " + Sides(kernel));
        }
        Expect(source, node, layer, "strides", node.Ints("strides", [1, 1]), strides, StrideText(strides));
        Expect(source, node, layer, "dilations", node.Ints("dilations", [1, 1]), [1, 1], "dilation 1");
        Pads(layer, node, source);
    }

    private static void Pool(LayerInfo layer, OnnxNode node, string source)
    {
        if (!node.Has("kernel_shape"))
        {
            throw new InvalidDataException($"{source}: {node}: the required attribute kernel_shape is missing.");
        }
        var (kernel, strides, _) = OnnxLayout.Window(layer);
        Expect(source, node, layer, "kernel_shape", node.Ints("kernel_shape", []), kernel, Invariant($"a {kernel[0]}x{kernel[1]} window"));
        Expect(source, node, layer, "strides", node.Ints("strides", [1, 1]), strides, StrideText(strides));
        Expect(source, node, layer, "dilations", node.Ints("dilations", [1, 1]), [1, 1], "dilation 1");
        long[] pads = Pads(layer, node, source);

        // Ceiling rounding adds a last, partial window only where the windows do not tile the padded input.
        long ceil = node.Int("ceil_mode", 0);
        if (ceil != 0)
        {
            TensorShape input = layer.InputShape;
            bool tiles = (input.Height + pads[0] + pads[2] - kernel[0]) % strides[0] == 0
                && (input.Width + pads[1] + pads[3] - kernel[1]) % strides[1] == 0;
            if (ceil != 1 || !tiles)
            {
                throw Mismatch(source, node, Invariant($"ceil_mode {ceil}"), layer,
                    Invariant($"floor rounding (ceil_mode 0), which differs on its {input.Height}x{input.Width} input"));
            }
        }
        if (node.OpType == "MaxPool")
        {
            long order = node.Int("storage_order", 0);
            if (order != 0)
            {
                throw Mismatch(source, node, Invariant($"storage_order {order}"), layer, "row-major order (storage_order 0)");
            }
        }
        else
        {
            // StaticNets averages over the input values inside each window; counting padding changes that only where there is padding.
            long countPad = node.Int("count_include_pad", 0);
            if (countPad != 0 && (countPad != 1 || pads.Any(p => p != 0)))
            {
                throw Mismatch(source, node, Invariant($"count_include_pad {countPad} with pads {Format(pads)}"), layer,
                    "an average over the input values inside each window (count_include_pad 0)");
            }
        }
    }

    private static void GlobalPool(LayerInfo layer, OnnxNode node, string source)
    {
        TensorShape input = layer.InputShape;
        var (kernel, strides, pads) = OnnxLayout.Window(layer);
        if (kernel[0] != input.Height || kernel[1] != input.Width || pads.Any(p => p != 0))
        {
            throw Mismatch(source, node, Invariant($"one window over the whole {input.Height}x{input.Width} input"), layer,
                Invariant($"a {kernel[0]}x{kernel[1]} window with ") + StrideText(strides));
        }
    }

    private static void Gemm(LayerInfo layer, OnnxNode node, string source)
    {
        long transA = node.Int("transA", 0);
        if (transA != 0)
        {
            throw Mismatch(source, node, Invariant($"transA {transA}"), layer, "W x + b over one sample a row (transA 0)");
        }
        long transB = node.TransB;
        if (transB is not (0 or 1))
        {
            throw Mismatch(source, node, Invariant($"transB {transB}"), layer, "a weight matrix read as it is or transposed (transB 0 or 1)");
        }
        float alpha = node.Float("alpha", 1f);
        if (alpha != 1f)
        {
            throw Mismatch(source, node, Invariant($"alpha {alpha}"), layer, "W x + b (alpha 1)");
        }
        bool hasBias = node.Inputs.Count > 2 && node.Inputs[2].Length > 0;
        float beta = node.Float("beta", 1f);
        if (hasBias && beta != 1f)
        {
            throw Mismatch(source, node, Invariant($"beta {beta}"), layer, "W x + b (beta 1)");
        }
    }

    /// <summary>
    /// The node's padding as ONNX orders it, <c>[top, left, bottom, right]</c>, from <c>pads</c> or
    /// <c>auto_pad</c>, after checking that every side is the layer's padding.
    /// </summary>
    private static long[] Pads(LayerInfo layer, OnnxNode node, string source)
    {
        var (kernel, strides, sides) = OnnxLayout.Window(layer);
        long[] declared = sides.Select(v => (long)v).ToArray();
        string autoPad = node.String("auto_pad", "NOTSET");
        long[] pads;
        string inFile;
        switch (autoPad)
        {
            case "NOTSET":
            case "":
                pads = node.Ints("pads", [0, 0, 0, 0]);
                inFile = "pads " + Format(pads);
                break;
            case "VALID":
                pads = [0, 0, 0, 0];
                inFile = "auto_pad VALID";
                break;
            case "SAME_UPPER":
            case "SAME_LOWER":
            {
                // The output is ceil(input / stride) on each axis; the padding it takes goes to the end first (UPPER) or the beginning (LOWER).
                // Kernel and stride were compared with the layer's before this.
                TensorShape input = layer.InputShape;
                long[] total = [SamePadding(input.Height, kernel[0], strides[0]), SamePadding(input.Width, kernel[1], strides[1])];
                bool upper = autoPad == "SAME_UPPER";
                long[] begin = total.Select(t => upper ? t / 2 : t - t / 2).ToArray();
                pads = [begin[0], begin[1], total[0] - begin[0], total[1] - begin[1]];
                inFile = Invariant($"auto_pad {autoPad} (pads {Format(pads)} on its {input.Height}x{input.Width} input)");
                break;
            }
            default:
                throw new InvalidDataException($"{source}: {node}: auto_pad '{autoPad}' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID.");
        }
        if (!pads.SequenceEqual(declared) && !SameWindows(layer.InputShape, kernel, strides, pads, declared))
        {
            long p = declared[0];
            string text = declared.All(v => v == p)
                ? Invariant($"padding {p}") + (p == 0 ? "" : Invariant($" on every side, pads {Format(declared)}"))
                : "pads " + Format(declared);
            throw Mismatch(source, node, inFile, layer, text);
        }
        return pads;
    }

    /// <summary>
    /// Whether two paddings place the same windows: the same padding before each axis and the same number of windows
    /// along it. They then differ only in trailing padding that no window reaches (PyTorch's <c>padding=1</c> against
    /// the exact <c>Pads</c> that SN3004's fix writes), and every window reads the same values.
    /// </summary>
    private static bool SameWindows(TensorShape input, int[] kernel, int[] strides, long[] a, long[] b)
    {
        if (a.Length != 4 || b.Length != 4) return false;
        long[] sizes = [input.Height, input.Width];
        for (int axis = 0; axis < 2; axis++)
        {
            long Windows(long[] pads) => (sizes[axis] + pads[axis] + pads[axis + 2] - kernel[axis]) / strides[axis] + 1;
            if (a[axis] != b[axis] || Windows(a) != Windows(b) || Windows(a) < 1) return false;
        }
        return true;
    }

    private static long SamePadding(long size, long kernel, long stride)
    {
        long output = (size + stride - 1) / stride;
        return Math.Max((output - 1) * stride + kernel - size, 0);
    }

    /// <summary><c>3</c> for a square kernel, <c>10x4</c> otherwise.</summary>
    private static string Sides(int[] values) => values[0] == values[1]
        ? values[0].ToString(CultureInfo.InvariantCulture)
        : Invariant($"{values[0]}x{values[1]}");

    /// <summary><c>stride 2</c> where both axes step alike, <c>strides [2, 1]</c> otherwise.</summary>
    private static string StrideText(int[] strides) => strides[0] == strides[1]
        ? Invariant($"stride {strides[0]}")
        : "strides " + Format(strides.Select(v => (long)v).ToArray());

    /// <summary>Checks that the two-axis attribute <paramref name="name"/> is <paramref name="expected"/> (rows, then columns).</summary>
    private static void Expect(string source, OnnxNode node, LayerInfo layer, string name, long[] actual, int[] expected, string declared)
    {
        if (actual.Length != 2 || actual[0] != expected[0] || actual[1] != expected[1])
        {
            throw Mismatch(source, node, $"{name} {Format(actual)}", layer, declared);
        }
    }

    /// <summary><c>[2, 2]</c>.</summary>
    public static string Format(long[] values) => "[" + string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
