using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Shapes;

/// <summary>
/// Turns a <see cref="NetworkSpec"/> into layer shapes, parameter counts and diagnostics. Pure and
/// Roslyn-free: the generator and the analyzer both call it, so the error a user sees and the code
/// that is emitted never disagree. Output size per side, as in the lecture:
/// <c>S_out = floor((S_in - S_f + 2P) / stride) + 1</c>; a remainder is SN2001 (SN2002 for pooling),
/// and the floored shape is still computed so that a project that lowers those ids gets PyTorch's code.
/// </summary>
internal static class ShapeInference
{
    /// <summary>An instance's parameters, gradients and activation buffers together may hold at most this many floats (1 GiB).</summary>
    public const long MaxFloats = 1L << 28;

    /// <summary>Sigmoid/Tanh activations from which SN3002 warns of vanishing gradients.</summary>
    public const int SaturatingDepth = 4;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static NetworkShape Infer(NetworkSpec spec)
    {
        var diagnostics = new List<DiagnosticInfo>();
        bool fatal = false;
        void Report(string id, string message, LocationInfo? location, bool isFatal = true)
        {
            diagnostics.Add(new DiagnosticInfo(id, message, location));
            if (isFatal && id[2] != '3') fatal = true;
        }

        // SN1001: the class itself.
        if (!spec.IsPartial)
        {
            Report("SN1001", $"{spec.ClassName} must be partial to become a network: add 'partial' to its declaration.", spec.ClassLocation);
        }
        else if (spec.IsGeneric)
        {
            Report("SN1001", $"{spec.ClassName} is generic; a network class cannot have type parameters, since its shapes are fixed at build time.", spec.ClassLocation);
        }
        else if (spec.ContainingTypeNotPartial)
        {
            Report("SN1001", $"{spec.ClassName} is nested in a type that is not partial (or is generic); make every containing type a non-generic partial type.", spec.ClassLocation);
        }
        else if (spec.IsStatic)
        {
            Report("SN1001", $"{spec.ClassName} is static; a network has instances holding its weights. Remove 'static'.", spec.ClassLocation);
        }

        var specs = spec.Layers;

        // SN1004: layer attributes on more than one declaration.
        var declarationsUsed = specs.Select(l => l.Declaration).Distinct().ToList();
        if (declarationsUsed.Count > 1)
        {
            var second = specs.First(l => l.Declaration != specs[0].Declaration);
            Report("SN1004", $"{spec.ClassName} declares layer attributes on {declarationsUsed.Count} partial declarations, so the layer order would depend on file order. Keep every layer attribute on one declaration.", second.Location);
        }

        // SN1002: [Input] missing, repeated or not first.
        var inputs = specs.Where(l => l.Type == LayerType.Input).ToList();
        if (inputs.Count == 0)
        {
            Report("SN1002", $"{spec.ClassName} has layer attributes but no [Input]: declare the input shape first, e.g. [Input(28, 28, 1)] or [Input(784)].",
                specs.Count > 0 ? specs[0].Location : spec.ClassLocation);
        }
        else
        {
            for (int i = 1; i < inputs.Count; i++)
            {
                Report("SN1002", $"{spec.ClassName} has {inputs.Count} [Input] attributes; a network has exactly one input, declared first. Remove this one.", inputs[i].Location);
            }
            int before = specs.ToList().IndexOf(inputs[0]);
            if (before > 0)
            {
                Report("SN1002", $"[Input] must come before every layer; {spec.ClassName} declares {Plural(before, "layer")} before it. Move [Input] first.", inputs[0].Location);
            }
        }

        // Names: one counter per stem, in order (conv1, pool1, conv2...).
        var counters = new Dictionary<string, int>();
        var names = new string[specs.Count];
        for (int i = 0; i < specs.Count; i++)
        {
            string stem = Stem(specs[i].Type);
            counters.TryGetValue(stem, out int n);
            counters[stem] = ++n;
            names[i] = specs[i].Type == LayerType.Input ? "input" : stem + n.ToString(Inv);
        }

        // SN1003: argument checks on every attribute, before shapes.
        for (int i = 0; i < specs.Count; i++)
        {
            CheckArguments(specs[i], names[i], Report);
        }

        var layers = new List<LayerShape>();
        Shape input = default;
        var inputSpec = inputs.FirstOrDefault();
        bool shapesKnown = !fatal && inputSpec is not null;
        if (inputSpec is not null)
        {
            input = new Shape(inputSpec.C, inputSpec.A, inputSpec.B, inputSpec.A == 1 && inputSpec.B == 1 && !inputSpec.Arguments.Any(a => a.Name == "height"));
            if ((long)inputSpec.A * inputSpec.B * inputSpec.C > int.MaxValue)
            {
                Report("SN2006", $"input: {inputSpec.A}x{inputSpec.B}x{inputSpec.C} = {Num((long)inputSpec.A * inputSpec.B * inputSpec.C)} values overflows a 32-bit size (at most {Num(int.MaxValue)}).", inputSpec.Location);
                shapesKnown = false;
            }
        }

        if (shapesKnown)
        {
            var current = input;
            string? flattenedBy = input.Flat ? "the input" : null;
            long offset = 0;
            long activationFloats = input.Size;
            for (int i = 0; i < specs.Count && shapesKnown; i++)
            {
                var l = specs[i];
                if (l.Type == LayerType.Input) continue;
                string name = names[i];
                var next = current;
                long weights = 0, biases = 0, fanIn = 0, fanOut = 0;
                int units = 0, kernel = 0, stride = 0, padding = 0;
                var activation = ActivationKind.None;
                double alpha = 0, rate = 0;
                string what = Describe(l);

                switch (l.Type)
                {
                    case LayerType.Conv2D:
                    case LayerType.MaxPool:
                    case LayerType.AvgPool:
                    {
                        bool conv = l.Type == LayerType.Conv2D;
                        kernel = conv ? l.B : l.A;
                        stride = l.Stride;
                        padding = conv ? l.Padding : 0;
                        if (flattenedBy is not null)
                        {
                            Report("SN2004", $"{name} ({what}) on {current}: the shape is already flat after {flattenedBy}; spatial layers must come before [Flatten].", l.Location);
                            shapesKnown = false;
                            break;
                        }
                        long paddedH = (long)current.H + 2L * padding, paddedW = (long)current.W + 2L * padding;
                        if (kernel > paddedH || kernel > paddedW)
                        {
                            string argument = conv ? "kernel" : "size";
                            long side = Math.Min(paddedH, paddedW);
                            string arithmetic = conv ? $" ({Math.Min(current.H, current.W)} + 2*{padding} = {side} < {kernel})" : "";
                            string repair = conv
                                ? $"Use Kernel = {side} or less, or Padding = {(kernel - Math.Min(current.H, current.W) + 1) / 2}."
                                : $"Use Size = {side} or less, or remove the layer.";
                            Report("SN2003", $"{name} ({what}) on {current}: the {kernel}x{kernel} {(conv ? "kernel" : "window")} does not fit the {current.H}x{current.W} input{arithmetic}. {repair}",
                                l.ArgumentOrAttribute(argument));
                            shapesKnown = false;
                            break;
                        }
                        long spanH = paddedH - kernel, spanW = paddedW - kernel;
                        if (spanH % stride != 0 || spanW % stride != 0)
                        {
                            string message = conv ? ConvStrideMessage(name, what, current, l, spanH, spanW) : PoolStrideMessage(name, what, current, l, spanH, spanW);
                            Report(conv ? "SN2001" : "SN2002", message, conv ? l.ArgumentOrAttribute(l.StrideGiven ? "Stride" : "kernel")
                                : l.ArgumentOrAttribute(l.StrideGiven ? "Stride" : "size"), isFatal: false);
                        }
                        long outH = spanH / stride + 1, outW = spanW / stride + 1;
                        long channels = conv ? l.A : current.C;
                        if (outH * outW * channels > int.MaxValue)
                        {
                            Report("SN2006", $"{name} ({what}) on {current}: the output {outH}x{outW}x{channels} = {Num(outH * outW * channels)} values overflows a 32-bit size.", l.Location);
                            shapesKnown = false;
                            break;
                        }
                        next = new Shape((int)channels, (int)outH, (int)outW, false);
                        if (conv)
                        {
                            units = l.A;
                            activation = l.Activation;
                            alpha = 0.01;
                            weights = (long)l.A * current.C * kernel * kernel;
                            biases = l.A;
                            fanIn = (long)current.C * kernel * kernel;
                            fanOut = (long)l.A * kernel * kernel;
                            if (padding > 0) activationFloats += 2 * (paddedH * paddedW * current.C);
                        }
                        break;
                    }
                    case LayerType.Flatten:
                        next = new Shape(current.Size, 1, 1, true);
                        flattenedBy ??= name;
                        break;
                    case LayerType.Dense:
                        if (flattenedBy is null)
                        {
                            Report("SN2005", $"{name} ({what}) on {current}: a dense layer needs a flat input. Insert [Flatten] before it.", l.Location);
                            shapesKnown = false;
                            break;
                        }
                        units = l.A;
                        activation = l.Activation;
                        alpha = 0.01;
                        weights = (long)l.A * current.Size;
                        biases = l.A;
                        fanIn = current.Size;
                        fanOut = l.A;
                        next = new Shape(l.A, 1, 1, true);
                        break;
                    case LayerType.Dropout:
                        rate = l.Value;
                        break;
                    default:
                        activation = ActivationOf(l.Type);
                        alpha = l.Type == LayerType.LeakyReLU ? l.Value : 0;
                        break;
                }
                if (!shapesKnown) break;

                if (weights + biases > int.MaxValue || offset + weights + biases > int.MaxValue)
                {
                    Report("SN2006", $"{name} ({what}) on {current}: {Num(weights + biases)} parameters bring the network to {Num(offset + weights + biases)}, more than a 32-bit size ({Num(int.MaxValue)}).", l.Location);
                    shapesKnown = false;
                    break;
                }

                activationFloats += 2L * next.Size;
                long total = 2 * (offset + weights + biases) + activationFloats;
                if (total > MaxFloats)
                {
                    Report("SN2006", $"{name} ({what}) on {current}: the network's buffers reach {Num(total * 4)} bytes (parameters, gradients and activations), more than the limit of {Num(MaxFloats * 4)} bytes (1 GiB) per instance.", l.Location);
                    shapesKnown = false;
                    break;
                }

                layers.Add(new LayerShape(name, l.Type, current, next, units, kernel, stride, padding, activation, alpha, rate,
                    ResolveInit(specs, i, activation), l.L1, l.L2, (int)weights, (int)biases, (int)offset, (int)fanIn, (int)fanOut));
                offset += weights + biases;
                current = next;
            }
        }

        DesignAdvice(specs, names, layers, Report);

        var last = layers.LastOrDefault();
        var loss = last is not null && last.Activation == ActivationKind.Softmax ? LossKind.CrossEntropy : LossKind.MeanSquaredError;
        bool canEmit = shapesKnown && !fatal && layers.Count > 0;
        return new NetworkShape(input, (canEmit ? layers : new List<LayerShape>()).ToEquatableArray(), diagnostics.ToEquatableArray(), canEmit, loss);
    }

    private static void CheckArguments(LayerSpec l, string name, Action<string, string, LocationInfo?, bool> report)
    {
        string what = l.Type == LayerType.Input ? "Input" : l.Type.ToString();
        void Positive(string argument, long value)
        {
            if (value <= 0) report("SN1003", $"{name} ({what}): {argument} = {value} must be positive.", l.ArgumentOrAttribute(argument), true);
        }
        void NotNegative(string argument, double value)
        {
            if (!(value >= 0)) report("SN1003", $"{name} ({what}): {argument} = {Format(value)} must not be negative.", l.ArgumentOrAttribute(argument), true);
        }

        switch (l.Type)
        {
            case LayerType.Input:
                if (l.Arguments.Any(a => a.Name == "features")) Positive("features", l.C);
                else { Positive("height", l.A); Positive("width", l.B); Positive("channels", l.C); }
                break;
            case LayerType.Conv2D:
                Positive("filters", l.A);
                Positive("kernel", l.B);
                Positive("Stride", l.Stride);
                NotNegative("Padding", l.Padding);
                break;
            case LayerType.MaxPool:
            case LayerType.AvgPool:
                Positive("size", l.A);
                if (l.StrideGiven) Positive("Stride", l.Stride);
                break;
            case LayerType.Dense:
                Positive("units", l.A);
                break;
            case LayerType.Dropout:
                if (!(l.Value >= 0 && l.Value < 1))
                {
                    report("SN1003", $"{name} (Dropout): rate = {Format(l.Value)} must be at least 0 and less than 1.", l.ArgumentOrAttribute("rate"), true);
                }
                break;
            case LayerType.LeakyReLU:
                NotNegative("alpha", l.Value);
                if (double.IsInfinity(l.Value)) report("SN1003", $"{name} (LeakyReLU): alpha must be finite.", l.ArgumentOrAttribute("alpha"), true);
                break;
        }

        if (l.Type is LayerType.Conv2D or LayerType.Dense)
        {
            NotNegative("L1", l.L1);
            NotNegative("L2", l.L2);
            if (double.IsInfinity(l.L1) || double.IsInfinity(l.L2)) report("SN1003", $"{name} ({what}): L1 and L2 must be finite.", l.Location, true);
            if (l.Activation < ActivationKind.None || l.Activation > ActivationKind.Softmax)
            {
                report("SN1003", $"{name} ({what}): Activation = {(int)l.Activation} is not a value of the Activation enum.", l.ArgumentOrAttribute("Activation"), true);
            }
            if (l.Init < InitKind.Auto || l.Init > InitKind.XavierUniform)
            {
                report("SN1003", $"{name} ({what}): Init = {(int)l.Init} is not a value of the Init enum.", l.ArgumentOrAttribute("Init"), true);
            }
        }
        if (l.HasErrors)
        {
            report("SN1003", $"{name} ({what}): the attribute's arguments could not be read; fix the compiler errors on it.", l.Location, true);
        }
    }

    private static void DesignAdvice(EquatableArray<LayerSpec> specs, string[] names, List<LayerShape> layers, Action<string, string, LocationInfo?, bool> report)
    {
        // Works on the specs, so that advice is given even when a shape error stopped inference.
        var real = Enumerable.Range(0, specs.Count).Where(i => specs[i].Type != LayerType.Input).ToList();
        int saturating = 0;
        for (int k = 0; k < real.Count; k++)
        {
            int i = real[k];
            var l = specs[i];
            bool isLast = k == real.Count - 1;
            var activation = l.Type is LayerType.Conv2D or LayerType.Dense ? l.Activation : ActivationOf(l.Type);
            string where = l.Type is LayerType.Conv2D or LayerType.Dense ? "Activation" : "";
            if (activation == ActivationKind.Softmax && !isLast)
            {
                report("SN3001", $"{names[i]} applies Softmax but is not the last layer: Softmax belongs at the output, where training fuses it with cross-entropy. Remove it here, or make it the last layer.",
                    where.Length > 0 ? l.ArgumentOrAttribute(where) : l.Location, false);
            }
            if (activation is ActivationKind.Sigmoid or ActivationKind.Tanh)
            {
                saturating++;
                if (saturating == SaturatingDepth)
                {
                    double shrink = Math.Pow(0.25, SaturatingDepth);
                    report("SN3002", $"{names[i]} is the {Ordinal(SaturatingDepth)} saturating activation (Sigmoid or Tanh) in this network: each scales the gradient by its slope, at most 0.25 for Sigmoid (0.25^{SaturatingDepth} = {shrink.ToString("0.####", Inv)}), so the first layers barely learn. Use ReLU (or LeakyReLU, GELU) with He initialisation.",
                        where.Length > 0 ? l.ArgumentOrAttribute(where) : l.Location, false);
                }
            }
            if (l.Type == LayerType.Conv2D && l.B > 0 && l.Padding >= l.B)
            {
                report("SN3003", $"{names[i]} (Conv2D {l.B}x{l.B}): Padding = {l.Padding} is not smaller than the kernel ({l.B}), so the outer outputs see only zeros. Use Padding = {(l.B - 1) / 2} to keep the size{(l.B % 2 == 0 ? " (for an odd kernel)" : "")}.",
                    l.ArgumentOrAttribute("Padding"), false);
            }
        }
    }

    private static string ConvStrideMessage(string name, string what, Shape input, LayerSpec l, long spanH, long spanW)
    {
        int kernel = l.B, stride = l.Stride, padding = l.Padding;
        string arithmetic = Arithmetic(input, kernel, padding, stride, spanH, spanW, true);
        // Repairs: paddings below the kernel that make both sides exact; else strides and kernels that fit.
        var paddings = Enumerable.Range(0, Math.Max(kernel, 1)).Where(p => p != padding
            && ((long)input.H - kernel + 2L * p) % stride == 0 && ((long)input.W - kernel + 2L * p) % stride == 0).Take(2).ToList();
        string repair;
        if (paddings.Count > 0)
        {
            repair = $"Use Padding = {string.Join(" or ", paddings)}.";
        }
        else
        {
            var strides = Enumerable.Range(1, Math.Max(stride - 1, 1)).Where(s => s < stride && spanH % s == 0 && spanW % s == 0).Reverse().Take(1);
            var kernels = NearbyKernels(input, kernel, padding, stride);
            var parts = strides.Select(s => $"Stride = {s}").ToList();
            if (kernels.Count > 0) parts.Add($"Kernel = {string.Join(" or ", kernels)}");
            repair = parts.Count == 0 ? "No padding below the kernel fits; change the kernel or stride." : $"Use {string.Join(", or ", parts)}.";
        }
        return $"{name} ({what}) on {input}: {arithmetic}; {Dropped(input, spanH, spanW, stride)}. {repair}";
    }

    private static string PoolStrideMessage(string name, string what, Shape input, LayerSpec l, long spanH, long spanW)
    {
        int size = l.A, stride = l.Stride;
        string arithmetic = Arithmetic(input, size, 0, stride, spanH, spanW, false);
        var parts = new List<string>();
        if (!l.StrideGiven)
        {
            var sizes = Enumerable.Range(2, Math.Max(0, Math.Min(input.H, input.W) - 1)).Where(s => input.H % s == 0 && input.W % s == 0)
                .OrderBy(s => Math.Abs(s - size)).Take(2).OrderBy(s => s).ToList();
            if (sizes.Count > 0) parts.Add($"Size = {string.Join(" or ", sizes)}");
        }
        var strides = Enumerable.Range(1, Math.Max(stride, 1)).Where(s => s != stride && spanH % s == 0 && spanW % s == 0).Reverse().Take(1);
        parts.AddRange(strides.Select(s => $"Stride = {s}"));
        string repair = parts.Count == 0 ? "Change the window or the stride." : $"Use {string.Join(", or ", parts)}.";
        return $"{name} ({what}) on {input}: {arithmetic}; {Dropped(input, spanH, spanW, stride)}. {repair}";
    }

    private static List<int> NearbyKernels(Shape input, int kernel, int padding, int stride)
    {
        var result = new List<int>();
        for (int d = 1; d <= 4 && result.Count < 2; d++)
        {
            foreach (int k in new[] { kernel - d, kernel + d })
            {
                if (k < 1 || k > input.H + 2 * padding || k > input.W + 2 * padding) continue;
                if (((long)input.H - k + 2L * padding) % stride == 0 && ((long)input.W - k + 2L * padding) % stride == 0) result.Add(k);
            }
        }
        result.Sort();
        return result.Take(2).ToList();
    }

    private static string Arithmetic(Shape input, int window, int padding, int stride, long spanH, long spanW, bool conv)
    {
        string One(int side, long span) => conv ? $"({side} - {window} + 2*{padding}) = {span}" : $"({side} - {window}) = {span}";
        if (input.H == input.W) return $"{One(input.H, spanH)} is not a multiple of {stride}";
        var parts = new List<string>();
        if (spanH % stride != 0) parts.Add($"{One(input.H, spanH)} (rows)");
        if (spanW % stride != 0) parts.Add($"{One(input.W, spanW)} (columns)");
        return $"{string.Join(" and ", parts)} {(parts.Count > 1 ? "are not multiples" : "is not a multiple")} of {stride}";
    }

    private static string Dropped(Shape input, long spanH, long spanW, int stride)
    {
        long rows = spanH % stride, columns = spanW % stride;
        string Count(long n, string noun) => n == 1 ? $"the last input {noun}" : $"the last {n} input {noun}s";
        if (rows > 0 && columns > 0)
        {
            return rows == columns
                ? (rows == 1 ? "the last input row and column would be dropped" : $"the last {rows} input rows and columns would be dropped")
                : $"{Count(rows, "row")} and {Count(columns, "column").Replace("the last ", "")} would be dropped";
        }
        return rows > 0 ? $"{Count(rows, "row")} would be dropped" : $"{Count(columns, "column")} would be dropped";
    }

    private static InitKind ResolveInit(EquatableArray<LayerSpec> specs, int index, ActivationKind activation)
    {
        var l = specs[index];
        if (l.Type is not (LayerType.Conv2D or LayerType.Dense)) return InitKind.Auto;
        if (l.Init != InitKind.Auto) return l.Init;
        // The activation that follows: inline, else the next standalone activation layer (past dropout).
        var next = activation;
        for (int i = index + 1; next == ActivationKind.None && i < specs.Count; i++)
        {
            if (specs[i].Type == LayerType.Dropout) continue;
            next = ActivationOf(specs[i].Type);
            break;
        }
        return next is ActivationKind.ReLU or ActivationKind.LeakyReLU or ActivationKind.GELU ? InitKind.HeNormal : InitKind.XavierUniform;
    }

    public static ActivationKind ActivationOf(LayerType type) => type switch
    {
        LayerType.ReLU => ActivationKind.ReLU,
        LayerType.LeakyReLU => ActivationKind.LeakyReLU,
        LayerType.GELU => ActivationKind.GELU,
        LayerType.Sigmoid => ActivationKind.Sigmoid,
        LayerType.Tanh => ActivationKind.Tanh,
        LayerType.Softmax => ActivationKind.Softmax,
        _ => ActivationKind.None,
    };

    public static string Stem(LayerType type) => type switch
    {
        LayerType.Conv2D => "conv",
        LayerType.MaxPool or LayerType.AvgPool => "pool",
        LayerType.LeakyReLU => "leakyrelu",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary><c>Conv2D 5x5, stride 2</c>, <c>MaxPool 2x2, stride 2</c>, <c>Dense 120</c>: how messages name a layer.</summary>
    public static string Describe(LayerSpec l) => l.Type switch
    {
        LayerType.Conv2D => $"Conv2D {l.B}x{l.B}, stride {l.Stride}",
        LayerType.MaxPool or LayerType.AvgPool => $"{l.Type} {l.A}x{l.A}, stride {l.Stride}",
        LayerType.Dense => $"Dense {l.A}",
        LayerType.Dropout => $"Dropout {Format(l.Value)}",
        _ => l.Type.ToString(),
    };

    private static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string Ordinal(int n) => n switch { 1 => "1st", 2 => "2nd", 3 => "3rd", _ => $"{n}th" };

    private static string Num(long n) => n.ToString("N0", Inv);

    private static string Format(double value) => value.ToString("R", Inv);
}
