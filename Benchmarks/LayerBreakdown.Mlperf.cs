using System.Globalization;
using System.Reflection;

namespace StaticNets.Benchmarks;

/// <summary>
/// The forward pass of each MLPerf Tiny model, layer by layer: every generated layer method (BatchNorm, Add and its
/// projection, depthwise convolution included) timed alone on the buffers <c>Forward</c> left, with the layer's
/// multiply-adds from the generated <c>Summary</c> and its share of the one-core FMA peak.
/// </summary>
/// <remarks>
/// The generated methods and buffers are named after each layer's default name (<c>relu1</c>, <c>_relu1Output</c>),
/// not the <c>Name</c> the declaration gives it (<c>s0</c>); the defaults are the generator's rule (one counter per
/// stem, in order) applied to the kinds in <c>Summary</c>. An Add with a projection is two methods: the projection
/// (<c>Add2ProjectionForward</c>, which has the multiply-adds) and the sum, each on its own row. A chain that inference
/// runs as one call (<c>Conv1Bn1Relu1Forward</c>: producer, BatchNorm, Add, activation) is timed as that call, on one row
/// (<c>conv1 + bn1 + relu1 forward, fused</c>), followed by a row without a time for each layer it took in; the rows then
/// add up to what <c>Forward</c> runs.
/// </remarks>
internal static partial class LayerBreakdown
{
    private static void MlperfLayers(MlperfModel model, Clock clock, double peak, double peak512)
    {
        NetworkInfo info = model.Info;
        (string Kind, long MultiplyAdds)[] rows = SummaryRows(model.Summary);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model.Name}: {model.MultiplyAdds:N0} multiply-adds per sample; {model.Memory}"));
        Console.WriteLine();
        if (rows.Length != info.Layers.Count)
        {
            Console.WriteLine($"Summary lists {rows.Length} layers and Info {info.Layers.Count}: the layer methods cannot be matched, no breakdown.");
            return;
        }

        var target = new Target(model.Network.GetType(), model.Network, info, DefaultNames(rows));
        float[] input = model.Inputs[..model.InputSize];
        var output = new float[model.OutputSize];
        model.Forward(0, output);

        Console.WriteLine("| part | µs | share | multiply-adds | GFLOP/s | % of peak (V256 / V512) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        double forward = clock.Nanoseconds(() => model.Forward(0, output));
        PrintMlperf("Forward", forward, forward, model.MultiplyAdds, peak, peak512);
        double parts = 0;
        for (int i = 0; i < info.Layers.Count; i++)
        {
            int fused = FusedLength(target, i);
            if (fused > 1)
            {
                parts += FusedRows(target, rows, i, fused, input, clock, forward, peak, peak512);
                i += fused - 1;
                continue;
            }

            LayerInfo layer = info.Layers[i];
            string name = target.Defaults[i];
            string label = Label(target, i);
            long multiplyAdds = rows[i].MultiplyAdds;
            float[]? skip = null;
            if (layer.Kind == LayerKind.Add)
            {
                parts += AddTerm(target, i, input, clock, forward, multiplyAdds, peak, peak512, out skip);
                if (layer.Projection != Projection.None) multiplyAdds = 0;
            }

            MethodInfo[] methods = FindLayerMethods(target, Pascal(name) + "Forward");
            Action? call = methods.Length == 0 ? null : Bind(methods, target, name, InputOf(target, i, input), dx: null, skip);
            if (call is null)
            {
                PrintMissing($"  {label} forward", methods.Length == 0 ? "no method (no code of its own)" : "buffers not found");
                continue;
            }

            double ns = clock.Nanoseconds(call);
            parts += ns;
            PrintMlperf($"  {label} forward", ns, forward, multiplyAdds, peak, peak512);
        }

        PrintMlperf("  sum of the layers", parts, forward, model.MultiplyAdds, peak, peak512);
    }

    private static string Label(Target target, int i) =>
        target.Info.Layers[i].Name == target.Defaults[i] ? target.Defaults[i] : $"{target.Defaults[i]} ({target.Info.Layers[i].Name})";

    /// <summary>
    /// What Add <paramref name="i"/> adds: the output of the layer its from names, or its projection's output, the
    /// projection timed on a row of its own (its time returned, with its multiply-adds).
    /// </summary>
    private static double AddTerm(Target target, int i, float[] input, Clock clock, double forward, long multiplyAdds, double peak, double peak512, out float[]? skip)
    {
        LayerInfo layer = target.Info.Layers[i];
        string name = target.Defaults[i];
        float[]? from = OutputOfLabel(target, layer.From ?? "input", input);
        skip = from;
        if (layer.Projection == Projection.None) return 0;
        skip = Buffer(target, name + "ProjectionOutput");
        Action? projection = Bind(FindLayerMethods(target, Pascal(name) + "ProjectionForward"), target, name + "Projection", from, dx: null);
        if (projection is null)
        {
            PrintMissing($"  {Label(target, i)} forward, projection", "method or buffers not found");
            return 0;
        }

        double ns = clock.Nanoseconds(projection);
        PrintMlperf($"  {Label(target, i)} forward, projection", ns, forward, multiplyAdds, peak, peak512);
        return ns;
    }

    /// <summary>
    /// How many layers from <paramref name="i"/> inference runs as one fused call (<c>Conv1Bn1Relu1Forward</c>, named after
    /// each of them), or 1.
    /// </summary>
    private static int FusedLength(Target target, int i)
    {
        for (int m = Math.Min(4, target.Defaults.Length - i); m > 1; m--)
        {
            string method = string.Concat(target.Defaults.Skip(i).Take(m).Select(Pascal)) + "Forward";
            if (FindLayerMethods(target, method).Length > 0) return m;
        }

        return 1;
    }

    /// <summary>
    /// A fused chain as Forward runs it: one row with the producer's multiply-adds (an [Add]'s projection on its own row
    /// before it), then a row per layer it took in, without a time of its own.
    /// </summary>
    private static double FusedRows(
        Target target, (string Kind, long MultiplyAdds)[] rows, int i, int count, float[] input, Clock clock, double forward, double peak, double peak512)
    {
        double parts = 0;
        float[]? skip = null;
        long multiplyAdds = 0;
        for (int j = i; j < i + count; j++)
        {
            if (target.Info.Layers[j].Kind == LayerKind.Add)
            {
                parts += AddTerm(target, j, input, clock, forward, rows[j].MultiplyAdds, peak, peak512, out skip);
                if (target.Info.Layers[j].Projection != Projection.None) continue;
            }

            multiplyAdds += rows[j].MultiplyAdds;
        }

        string names = string.Join(" + ", Enumerable.Range(i, count).Select(j => Label(target, j)));
        string method = string.Concat(target.Defaults.Skip(i).Take(count).Select(Pascal)) + "Forward";
        float[]? y = Buffer(target, target.Defaults[i + count - 1] + "Output");
        float[]? next = i + count < target.Defaults.Length ? Buffer(target, target.Defaults[i + count] + "Staging") : null; // a handoff's
        Action? call = Bind(FindLayerMethods(target, method), target, target.Defaults[i], InputOf(target, i, input), dx: null, skip, residual: skip, y: y, next: next);
        if (call is null)
        {
            PrintMissing($"  {names} forward, fused", "buffers not found");
            return parts;
        }

        double ns = clock.Nanoseconds(call);
        PrintMlperf($"  {names} forward, fused", ns, forward, multiplyAdds, peak, peak512);
        for (int j = i + 1; j < i + count; j++) PrintMissing($"    {Label(target, j)}", $"in {target.Defaults[i]}'s fused pass");
        return parts + ns;
    }

    /// <summary>The output of the layer labelled <paramref name="label"/> (or of the nearest earlier layer with a buffer), or the network input.</summary>
    private static float[]? OutputOfLabel(Target target, string label, float[] input)
    {
        int index = target.Info.Layers.ToList().FindIndex(l => l.Name == label);
        return index < 0 ? input : InputOf(target, index + 1, input);
    }

    /// <summary>The kind and multiply-adds of each layer row of a generated <c>Summary</c> (the rows between the header and "total", without the input's).</summary>
    private static (string Kind, long MultiplyAdds)[] SummaryRows(string summary)
    {
        var rows = new List<(string, long)>();
        bool inTable = false;
        foreach (string line in summary.Split('\n'))
        {
            string[] cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cells.Length < 2) continue;
            if (cells[0] == "layer") { inTable = true; continue; }
            if (!inTable || cells[1] == "Input") continue;
            if (cells[0] == "total") break;
            rows.Add((cells[1], long.Parse(cells[^1], NumberStyles.AllowThousands, CultureInfo.InvariantCulture)));
        }

        return [.. rows];
    }

    /// <summary>The generator's default names: the stem of each kind (Generator/Layers' <c>Stem</c>), one counter per stem.</summary>
    private static string[] DefaultNames((string Kind, long MultiplyAdds)[] rows)
    {
        var counters = new Dictionary<string, int>();
        var names = new string[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            string kind = rows[i].Kind;
            string stem = kind switch
            {
                "Conv2D" => "conv",
                "DepthwiseConv2D" => "dwconv",
                "BatchNorm" => "bn",
                _ when kind.Contains("Pool", StringComparison.Ordinal) => "pool",
                _ => char.IsDigit(kind[^1]) ? kind.ToLowerInvariant() + "_" : kind.ToLowerInvariant(),
            };
            counters[stem] = counters.GetValueOrDefault(stem) + 1;
            names[i] = stem + counters[stem].ToString(CultureInfo.InvariantCulture);
        }

        return names;
    }

    private static void PrintMlperf(string part, double ns, double whole, long multiplyAdds, double peak, double peak512)
    {
        double gflops = 2 * multiplyAdds / ns;
        string rate = multiplyAdds == 0 ? "—" : gflops.ToString("F1", CultureInfo.InvariantCulture);
        string percent = multiplyAdds == 0 ? "—" : string.Create(CultureInfo.InvariantCulture, $"{100 * gflops / peak:F0}% / {100 * gflops / peak512:F0}%");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {part} | {ns / 1e3:F2} | {100 * ns / whole:F0}% | {multiplyAdds:N0} | {rate} | {percent} |"));
    }
}
