using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Shapes;

/// <summary>
/// Turns a <see cref="NetworkSpec"/> into layer shapes, parameter counts and diagnostics. Pure and
/// Roslyn-free: the generator and the analyzer both call it, so the error a user sees and the code
/// that is emitted never disagree. Output size per side, as in the lecture:
/// <c>S_out = floor((S_in - S_f + 2P) / stride) + 1</c>; a remainder is SN2001 (SN2002 for pooling),
/// and the floored shape is still computed so that a project that lowers those ids gets PyTorch's code.
/// </summary>
/// <remarks>
/// Every message names the layer (<c>conv1</c>: its kind and its index among that kind), what it is
/// (<c>Conv2D 5x5, stride 2</c>), the shape it receives where that is known, the arithmetic with the
/// numbers filled in, and ends with the repair when there is one. For a square input the rows and the
/// columns go through the same arithmetic, so a stride message states it once and speaks of columns
/// (<c>the last input column would be dropped</c>); the rows fare the same. A rectangular input names
/// each side that fails. Sizes are computed in <see cref="BigInteger"/>, so no argument, however large,
/// overflows here: it becomes SN2006.
/// </remarks>
internal static class ShapeInference
{
    /// <summary>
    /// An instance's parameters, gradients and activation buffers together may hold at most this many floats (1 GiB).
    /// Activations are counted as an upper bound: the input, every layer's output and its gradient, a convolution's
    /// padded copy of its input, wide rows and their gradients (<see cref="ConvBuffers"/>), the values before an inline
    /// activation and dropout masks; the emitter may need less (in-place layers).
    /// </summary>
    public const long MaxFloats = 1L << 28;

    /// <summary>
    /// The number of saturating activations (Sigmoid or Tanh, inline or standalone) at which SN3002 warns.
    /// Each multiplies the backward signal by its slope, at most 0.25 for Sigmoid: after four, at most
    /// 0.25^4 = 0.0039 of it reaches the first layer, the depth where plain sigmoid nets visibly stop learning
    /// (Glorot and Bengio, 2010). Three is common in textbook nets and trains; four is where to warn.
    /// </summary>
    public const int SaturatingDepth = 4;

    /// <summary>How far repair searches look, so that absurd arguments (int.MaxValue) cost no time.</summary>
    private const int SearchLimit = 100_000;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Infers the shapes, parameter counts and diagnostics of <paramref name="spec"/>. Never throws.</summary>
    public static NetworkShape Infer(NetworkSpec spec)
    {
        var diagnostics = new List<DiagnosticInfo>();
        bool fatal = false;
        void Report(string id, string message, LocationInfo? location, bool isFatal = true, IEnumerable<Repair>? repairs = null)
        {
            diagnostics.Add(new DiagnosticInfo(id, message, location, (repairs ?? Array.Empty<Repair>()).ToEquatableArray()));
            if (isFatal && id[2] != '3') fatal = true;
        }

        ClassChecks(spec, (id, message, location) => Report(id, message, location));

        var specs = spec.Layers;

        // SN1004: layer attributes on more than one declaration.
        var declarationsUsed = specs.Select(l => l.Declaration).Distinct().ToList();
        if (declarationsUsed.Count > 1)
        {
            var second = specs.First(l => l.Declaration != specs[0].Declaration);
            Report("SN1004", $"{spec.ClassName} declares layer attributes on {declarationsUsed.Count} partial declarations, so the layer order would depend on the order of the files. Move every layer attribute to one declaration.", second.Location);
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

        // SN1002: [Input] missing, repeated or not first.
        var inputIndices = Enumerable.Range(0, specs.Count).Where(i => specs[i].Type == LayerType.Input).ToList();
        if (inputIndices.Count == 0)
        {
            Report("SN1002", $"{spec.ClassName} has layer attributes but no [Input]: declare the input shape first, e.g. [Input(28, 28, 1)] for 28x28 images with 1 channel, or [Input(784)] for 784 features.",
                specs.Count > 0 ? specs[0].Location : spec.ClassLocation);
        }
        else
        {
            for (int k = 1; k < inputIndices.Count; k++)
            {
                Report("SN1002", $"input ({Ordinal(k + 1)} of {inputIndices.Count} [Input] attributes on {spec.ClassName}): a network has exactly one input, declared first. Remove this one.",
                    specs[inputIndices[k]].Location);
            }
            int first = inputIndices[0];
            if (first > 0)
            {
                var before = Enumerable.Range(0, first).Select(i => names[i]).ToList();
                Report("SN1002", $"input (attribute {first + 1} of {spec.ClassName}): [Input] must come first, but {Join(before, "and")} {(before.Count == 1 ? "comes" : "come")} before it. Move [Input] before {names[0]}.",
                    specs[first].Location);
            }
        }

        // SN1003: argument checks on every attribute, before shapes.
        for (int i = 0; i < specs.Count; i++)
        {
            CheckArguments(specs[i], names[i], (id, message, location) => Report(id, message, location));
        }

        var layers = new List<LayerShape>();
        Shape input = default;
        var inputSpec = inputIndices.Count > 0 ? specs[inputIndices[0]] : null;
        bool shapesKnown = !fatal && inputSpec is not null;
        if (inputSpec is not null && shapesKnown)
        {
            bool flat = IsFlatInput(inputSpec);
            BigInteger values = (BigInteger)inputSpec.A * inputSpec.B * inputSpec.C;
            if (values > int.MaxValue)
            {
                Report("SN2006", $"input ({Describe(inputSpec)}): {inputSpec.A}*{inputSpec.B}*{inputSpec.C} = {Num(values)} values overflows a 32-bit size (at most {Num(int.MaxValue)}). Use a smaller input.", inputSpec.Location);
                shapesKnown = false;
            }
            else
            {
                input = new Shape(inputSpec.C, inputSpec.A, inputSpec.B, flat);
            }
        }

        if (shapesKnown)
        {
            var current = input;
            string? flattenedBy = input.Flat ? "input" : null;
            BigInteger offset = 0;
            BigInteger activationFloats = input.Size;
            for (int i = 0; i < specs.Count && shapesKnown; i++)
            {
                var l = specs[i];
                if (l.Type == LayerType.Input) continue;
                string name = names[i];
                string head = $"{name} ({Describe(l)}) on {current}";
                var next = current;
                BigInteger weights = 0, biases = 0, fanIn = 0, fanOut = 0, extra = 0;
                int units = 0, kernel = 0, stride = 0, padding = 0;
                var activation = ActivationKind.None;
                double alpha = 0, rate = 0;

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
                            string needs = conv ? "a convolution" : "pooling";
                            Report("SN2004", flattenedBy == "input"
                                ? $"{head}: the input is flat ([Input(features)]), and {needs} needs an image. Declare the input as [Input(height, width, channels)], or remove this layer."
                                : $"{head}: the shape is already flat after {flattenedBy}, and {needs} needs an image. Move this layer before the [Flatten].",
                                l.Location);
                            shapesKnown = false;
                            break;
                        }
                        long paddedH = (long)current.H + 2L * padding, paddedW = (long)current.W + 2L * padding;
                        if (kernel > paddedH || kernel > paddedW)
                        {
                            Report("SN2003", WindowMessage(head, conv, current, kernel, stride, padding), l.ArgumentOrAttribute(conv ? "kernel" : "size"));
                            shapesKnown = false;
                            break;
                        }
                        long spanH = paddedH - kernel, spanW = paddedW - kernel;
                        if (spanH % stride != 0 || spanW % stride != 0)
                        {
                            var repairs = conv ? ConvRepairs(current, l) : PoolRepairs(current, l);
                            string arithmetic = Arithmetic(current, kernel, padding, stride, spanH, spanW, conv);
                            string message = $"{head}: {arithmetic}; {Consequence(current, spanH, spanW, stride, padding)}. {RepairText(repairs)}";
                            Report(conv ? "SN2001" : "SN2002", message, l.ArgumentOrAttribute(l.StrideGiven ? "Stride" : conv ? "kernel" : "size"),
                                isFatal: false, repairs: repairs);
                        }
                        BigInteger outH = spanH / stride + 1, outW = spanW / stride + 1;
                        BigInteger channels = conv ? l.A : current.C;
                        BigInteger size = outH * outW * channels;
                        if (size > int.MaxValue)
                        {
                            Report("SN2006", $"{head}: the output {outH}x{outW}x{channels} = {Num(size)} values overflows a 32-bit size (at most {Num(int.MaxValue)}). Use fewer {(conv ? "filters" : "channels")}, a larger stride, or less padding.", l.Location);
                            shapesKnown = false;
                            break;
                        }
                        next = new Shape((int)channels, (int)outH, (int)outW, false);
                        if (conv)
                        {
                            units = l.A;
                            activation = l.Activation;
                            alpha = 0.01;
                            weights = (BigInteger)l.A * current.C * kernel * kernel;
                            biases = l.A;
                            fanIn = (BigInteger)current.C * kernel * kernel;
                            fanOut = (BigInteger)l.A * kernel * kernel;
                            extra = ConvBuffers(current, next, kernel, stride, padding);
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
                            Report("SN2005", $"{head}: a dense layer needs a flat input. Insert [Flatten] before it, to feed it the {current.H}*{current.W}*{current.C} = {Num(current.Size)} values.", l.Location);
                            shapesKnown = false;
                            break;
                        }
                        units = l.A;
                        activation = l.Activation;
                        alpha = 0.01;
                        weights = (BigInteger)l.A * current.Size;
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
                // The values before an inline activation (kept for GELU and Softmax; counted for all); dropout's mask.
                if (activation != ActivationKind.None && l.Type is LayerType.Conv2D or LayerType.Dense) extra += next.Size;
                if (l.Type == LayerType.Dropout) extra += next.Size;
                // ForwardBatch's tiles (NetworkEmitter.BatchTile samples): a dense layer's input and output, and the
                // output of any layer that may follow it in the tail; counted for all such layers, an upper bound.
                if (l.Type == LayerType.Dense) extra += BatchTile * ((BigInteger)current.Size + next.Size);
                else if (l.Type is not (LayerType.Conv2D or LayerType.MaxPool or LayerType.AvgPool or LayerType.Flatten)) extra += BatchTile * (BigInteger)next.Size;

                BigInteger parameters = weights + biases;
                if (parameters > int.MaxValue || offset + parameters > int.MaxValue)
                {
                    string arithmetic = l.Type == LayerType.Conv2D
                        ? $"{l.A}*{current.C}*{kernel}*{kernel} weights + {l.A} biases = {Num(parameters)}"
                        : $"{l.A}*{current.Size} weights + {l.A} biases = {Num(parameters)}";
                    Report("SN2006", $"{head}: {arithmetic} parameters{(offset > 0 ? $", {Num(offset + parameters)} with the layers before" : "")}, more than a 32-bit size ({Num(int.MaxValue)}). Use fewer {(l.Type == LayerType.Conv2D ? "filters or a smaller kernel" : "units, or a smaller input to it")}.", l.Location);
                    shapesKnown = false;
                    break;
                }

                activationFloats += 2 * (BigInteger)next.Size + extra;
                BigInteger parameterFloats = 2 * (offset + parameters);
                BigInteger total = parameterFloats + activationFloats;
                if (total > MaxFloats)
                {
                    Report("SN2006", $"{head}: with this layer an instance would need up to {Num(total * 4)} bytes (parameters and gradients {Num(parameterFloats * 4)}, activations up to {Num(activationFloats * 4)}), more than the limit of {Num(MaxFloats * 4)} bytes (1 GiB). Use a smaller input, fewer filters or units, or downsample earlier.", l.Location);
                    shapesKnown = false;
                    break;
                }

                layers.Add(new LayerShape(name, l.Type, current, next, units, kernel, stride, padding, activation, alpha, rate,
                    ResolveInit(specs, i, activation), l.L1, l.L2, (int)weights, (int)biases, (int)offset, (int)fanIn, (int)fanOut));
                offset += parameters;
                current = next;
            }
        }

        DesignAdvice(specs, names, layers, (id, message, location) => Report(id, message, location, isFatal: false));

        var last = layers.LastOrDefault();
        var loss = last is not null && last.Activation == ActivationKind.Softmax ? LossKind.CrossEntropy : LossKind.MeanSquaredError;
        bool canEmit = shapesKnown && !fatal && layers.Count > 0;
        return new NetworkShape(input, (canEmit ? layers : new List<LayerShape>()).ToEquatableArray(), diagnostics.ToEquatableArray(), canEmit, loss);
    }

    /// <summary>Samples per tile of the generated <c>ForwardBatch</c> (<c>NetworkEmitter.BatchTile</c>).</summary>
    public const int BatchTile = 8;

    /// <summary>Spare floats the emitters put after a padded or wide buffer (<c>LayerEmitter.Slack</c>).</summary>
    private const int Slack = 16;

    /// <summary>More than a convolution adds when it rounds a padded plane up to whole blocks of vectors (at most 191 today).</summary>
    private const int RoundUp = 256;

    /// <summary>
    /// What a convolution holds beyond its output and output gradient, as Conv2DEmitter allocates it, as an upper
    /// bound: the zero-padded copy of its input and that copy's gradient (each plane rounded up by less than
    /// <see cref="RoundUp"/> for the vector blocks), and for stride 1 the wide rows (<c>L</c> per filter) and their
    /// gradient (the guard <c>G</c> and a rounded plane per filter), and that gradient transposed. Kept in step with the emitter: MemoryLimitTests checks that every network that gets
    /// code states in its Summary a total within the limit.
    /// </summary>
    private static BigInteger ConvBuffers(Shape input, Shape output, int kernel, int stride, int padding)
    {
        BigInteger paddedH = input.H + 2L * padding, paddedW = input.W + 2L * padding, plane = paddedH * paddedW;
        BigInteger floats = input.C * (2 * plane + RoundUp) + 2 * Slack;
        if (stride == 1)
        {
            BigInteger wide = (output.H - 1) * paddedW + output.W, guard = (kernel - 1) * paddedW + kernel - 1;
            floats += output.C * (wide + guard + plane + RoundUp) + 2 * Slack;
            floats += (BigInteger)output.C * output.H * output.W + Slack; // the output gradient transposed, for filters across the lanes
        }
        return floats;
    }

    // ---------------------------------------------------------------- SN1001

    private static void ClassChecks(NetworkSpec spec, Action<string, string, LocationInfo?> report)
    {
        string n = spec.ClassName;
        if (!spec.IsPartial)
        {
            report("SN1001", $"{n} is not partial, so the generator cannot add the network's members to it. Add 'partial' to its declaration.", spec.ClassLocation);
        }
        else if (spec.IsGeneric)
        {
            report("SN1001", $"{n} is generic, but a network's shapes and buffers are fixed at build time. Remove its type parameters.", spec.ClassLocation);
        }
        else if (spec.ContainingTypeNotPartial)
        {
            var outer = spec.ContainingTypes.Select(t => t.Substring(t.LastIndexOf(' ') + 1)).Reverse().ToList();
            report("SN1001", $"{n} is nested in {string.Join(" in ", outer)}, and the generator can add its members only if every containing type is partial and not generic. Add 'partial' to {(outer.Count == 1 ? outer[0] : "each of them")}.", spec.ClassLocation);
        }
        else if (spec.IsStatic)
        {
            report("SN1001", $"{n} is static, but a network has instances that hold its weights. Remove 'static'.", spec.ClassLocation);
        }
        else if (spec.IsAbstract)
        {
            report("SN1001", $"{n} is abstract, but a network has instances that hold its weights, made by Create and Load. Remove 'abstract'.", spec.ClassLocation);
        }
    }

    // ---------------------------------------------------------------- SN1003

    private static void CheckArguments(LayerSpec l, string name, Action<string, string, LocationInfo?> report)
    {
        string what = l.Type.ToString();
        if (l.HasErrors)
        {
            // The values read are defaults, not what the user wrote: say only that.
            report("SN1003", $"{name} ({what}): the attribute's arguments could not be read. Fix the compiler errors on it.", l.Location);
            return;
        }
        void AtLeast(string argument, long value, long minimum)
        {
            if (value < minimum) report("SN1003", $"{name} ({what}): {argument} = {value} must be at least {minimum}.", l.ArgumentOrAttribute(argument));
        }
        void FiniteNotNegative(string argument, double value)
        {
            // The network computes in float: a double beyond float range (1e300) is infinite there.
            if (!(value >= 0) || double.IsInfinity((float)value))
            {
                string range = value > float.MaxValue && !double.IsInfinity(value) ? $" (as a float: at most {float.MaxValue.ToString("R", Inv)})" : "";
                report("SN1003", $"{name} ({what}): {argument} = {Format(value)} must be finite{range} and at least 0.", l.ArgumentOrAttribute(argument));
            }
        }

        switch (l.Type)
        {
            case LayerType.Input:
                if (l.Arguments.Any(a => a.Name == "features")) AtLeast("features", l.C, 1);
                else { AtLeast("height", l.A, 1); AtLeast("width", l.B, 1); AtLeast("channels", l.C, 1); }
                break;
            case LayerType.Conv2D:
                AtLeast("filters", l.A, 1);
                AtLeast("kernel", l.B, 1);
                AtLeast("Stride", l.Stride, 1);
                AtLeast("Padding", l.Padding, 0);
                break;
            case LayerType.MaxPool:
            case LayerType.AvgPool:
                AtLeast("size", l.A, 1);
                if (l.StrideGiven) AtLeast("Stride", l.Stride, 1);
                break;
            case LayerType.Dense:
                AtLeast("units", l.A, 1);
                break;
            case LayerType.Dropout:
                if (!(l.Value >= 0 && l.Value < 1))
                {
                    report("SN1003", $"{name} (Dropout): rate = {Format(l.Value)} must be at least 0 and less than 1 (the fraction of values dropped in training).", l.ArgumentOrAttribute("rate"));
                }
                break;
            case LayerType.LeakyReLU:
                FiniteNotNegative("alpha", l.Value);
                break;
        }

        if (l.Type is LayerType.Conv2D or LayerType.Dense)
        {
            FiniteNotNegative("L1", l.L1);
            FiniteNotNegative("L2", l.L2);
            if (l.Activation < ActivationKind.None || l.Activation > ActivationKind.Softmax)
            {
                report("SN1003", $"{name} ({what}): Activation = {(int)l.Activation} is not a value of the Activation enum. Use one of Activation.None, ReLU, LeakyReLU, GELU, Sigmoid, Tanh or Softmax.", l.ArgumentOrAttribute("Activation"));
            }
            if (l.Init < InitKind.Auto || l.Init > InitKind.XavierUniform)
            {
                report("SN1003", $"{name} ({what}): Init = {(int)l.Init} is not a value of the Init enum. Use one of Init.Auto, HeNormal, HeUniform, XavierNormal or XavierUniform.", l.ArgumentOrAttribute("Init"));
            }
        }
    }

    // ---------------------------------------------------------------- SN3001-SN3003

    private static void DesignAdvice(EquatableArray<LayerSpec> specs, string[] names, List<LayerShape> layers, Action<string, string, LocationInfo?> report)
    {
        // Works on the specs, so that advice is given even when a shape error stopped inference;
        // the input shape is named where inference got that far.
        string Head(int i)
        {
            var shape = layers.FirstOrDefault(s => s.Name == names[i]);
            return $"{names[i]} ({Describe(specs[i])}){(shape is null ? "" : $" on {shape.In}")}";
        }
        var real = Enumerable.Range(0, specs.Count).Where(i => specs[i].Type != LayerType.Input).ToList();
        int saturating = 0;
        var saturatingNames = new List<string>();
        for (int k = 0; k < real.Count; k++)
        {
            int i = real[k];
            var l = specs[i];
            bool inline = l.Type is LayerType.Conv2D or LayerType.Dense;
            var activation = inline ? l.Activation : ActivationOf(l.Type);
            LocationInfo? at = inline ? l.ArgumentOrAttribute("Activation") : l.Location;
            if (activation == ActivationKind.Softmax && k != real.Count - 1)
            {
                string lastName = names[real[real.Count - 1]];
                report("SN3001", $"{Head(i)}: Softmax here is not at the output ({lastName} is the last layer). Softmax belongs last, where training pairs it with cross-entropy; in the middle it squashes the signal and its gradient. {(inline ? "Remove Activation = Softmax here" : "Remove this [Softmax]")}, or make it the last layer.", at);
            }
            if (activation is ActivationKind.Sigmoid or ActivationKind.Tanh)
            {
                saturating++;
                saturatingNames.Add(names[i]);
                if (saturating == SaturatingDepth)
                {
                    double shrink = Math.Pow(0.25, SaturatingDepth);
                    report("SN3002", $"{Head(i)}: {activation} here is the {Ordinal(SaturatingDepth)} saturating activation in this network ({Join(saturatingNames, "and")}). Each scales the gradient by its slope, at most 0.25 for Sigmoid and 1 for Tanh, and near 0 where it saturates: 0.25^{SaturatingDepth} = {shrink.ToString("0.####", Inv)}, so the first layers barely learn. Use ReLU, LeakyReLU or GELU (initialised with He) for the hidden layers.", at);
                }
            }
            if (l.Type == LayerType.Conv2D && l.B > 0 && l.Padding >= l.B)
            {
                var shape = layers.FirstOrDefault(s => s.Name == names[i]);
                report("SN3003", $"{Head(i)}: Padding = {l.Padding} is not smaller than the kernel ({l.Padding} >= {l.B}), so the outermost outputs see only padding zeros. {PaddingAdvice(shape?.In, l)}",
                    l.ArgumentOrAttribute("Padding"));
            }
        }
    }

    private static string PaddingAdvice(Shape? input, LayerSpec l)
    {
        int kernel = l.B, stride = Math.Max(l.Stride, 1), keep = (kernel - 1) / 2;
        if (input is not { } s) return $"Use Padding = {keep} or less.";
        // The exact padding nearest (kernel - 1) / 2, which keeps the size at stride 1 for an odd kernel.
        var p = NearestPaddings(s, kernel, stride, keep, exclude: -1, count: 1).FirstOrDefault();
        if (p is null) return "Use a padding smaller than the kernel.";
        long h = ((long)s.H - kernel + 2L * p.Value) / stride + 1, w = ((long)s.W - kernel + 2L * p.Value) / stride + 1;
        return $"Use Padding = {p.Value}, for a {h}x{w} output.";
    }

    // ---------------------------------------------------------------- SN2003

    private static string WindowMessage(string head, bool conv, Shape input, int kernel, int stride, int padding)
    {
        int side = Math.Min(input.H, input.W);
        long padded = side + 2L * padding;
        string noun = conv ? "kernel" : "window";
        string arithmetic = conv ? $"{side} + 2*{padding} = {padded} < {kernel}" : $"{side} < {kernel}";
        var repairs = new List<string>();
        // The largest window that fits and divides exactly (periodic in k with period stride).
        long largest = Math.Min(padded, kernel - 1L);
        for (long k = largest; k >= 1 && k > largest - Math.Min(stride, SearchLimit); k--)
        {
            if (((long)input.H + 2L * padding - k) % stride == 0 && ((long)input.W + 2L * padding - k) % stride == 0)
            {
                repairs.Add($"{(conv ? "Kernel" : "Size")} = {k}");
                break;
            }
        }
        if (conv)
        {
            // The smallest padding (below the kernel) that makes it fit and divides exactly (periodic in p).
            long needed = (kernel - side + 1L) / 2;
            for (long p = needed; p < kernel && p < needed + Math.Min(stride, SearchLimit); p++)
            {
                if (p > padding && ((long)input.H + 2 * p - kernel) % stride == 0 && ((long)input.W + 2 * p - kernel) % stride == 0)
                {
                    repairs.Add($"Padding = {p}");
                    break;
                }
            }
        }
        string repair = repairs.Count > 0 ? $"Use {string.Join(", or ", repairs)}{(conv ? "" : ", or remove the layer")}." : "Remove the layer.";
        return $"{head}: the {kernel}x{kernel} {noun} does not fit the {input.H}x{input.W} input{(conv ? $" padded by {padding}" : "")} ({arithmetic}). {repair}";
    }

    // ---------------------------------------------------------------- SN2001, SN2002

    /// <summary>
    /// Paddings below the kernel that make the division exact on both sides, nearest the current one
    /// first (at most two); where none exists, the largest smaller stride and up to two nearby kernels.
    /// </summary>
    private static List<Repair> ConvRepairs(Shape input, LayerSpec l)
    {
        int kernel = l.B, stride = l.Stride, padding = l.Padding;
        var paddings = NearestPaddings(input, kernel, stride, padding, exclude: padding, count: 2);
        if (paddings.Count > 0) return paddings.OrderBy(p => p.Value).ToList();

        var repairs = new List<Repair>();
        var smaller = LargestStride(input, kernel, padding, stride);
        if (smaller is { } s) repairs.Add(new Repair("Stride", s));
        repairs.AddRange(NearbyWindows(input, kernel, padding, stride).Where(k => k > padding).Select(k => new Repair("Kernel", k)));
        return repairs;
    }

    /// <summary>
    /// With the default stride (the size), window sizes that tile the input, nearest first (at most two);
    /// with a given stride, nearby sizes that divide exactly. Then the largest smaller stride.
    /// </summary>
    private static List<Repair> PoolRepairs(Shape input, LayerSpec l)
    {
        int size = l.A, stride = l.Stride;
        var repairs = new List<Repair>();
        if (!l.StrideGiven)
        {
            // Shapes hold at most int.MaxValue values, so the smaller side is at most 46,340.
            int limit = Math.Min(input.H, input.W);
            repairs.AddRange(Enumerable.Range(2, Math.Max(0, limit - 1))
                .Where(s => s != size && input.H % s == 0 && input.W % s == 0)
                .OrderBy(s => Math.Abs(s - size)).ThenBy(s => s).Take(2).OrderBy(s => s)
                .Select(s => new Repair("Size", s)));
        }
        else
        {
            repairs.AddRange(NearbyWindows(input, size, 0, stride).Where(k => k >= 2).Select(k => new Repair("Size", k)));
        }
        var smaller = LargestStride(input, size, 0, stride);
        if (smaller is { } st) repairs.Add(new Repair("Stride", st));
        return repairs;
    }

    /// <summary>The largest stride below <paramref name="stride"/> that divides both spans: a divisor of their gcd.</summary>
    private static int? LargestStride(Shape input, int window, int padding, int stride)
    {
        long spanH = (long)input.H - window + 2L * padding, spanW = (long)input.W - window + 2L * padding;
        long g = Gcd(spanH, spanW);
        if (g == 0) return null;
        long best = 0;
        for (long d = 1; d * d <= g; d++)
        {
            if (g % d != 0) continue;
            if (d < stride) best = Math.Max(best, d);
            if (g / d < stride) best = Math.Max(best, g / d);
        }
        return best > 0 ? (int)best : null;
    }

    private static long Gcd(long a, long b)
    {
        a = Math.Abs(a); b = Math.Abs(b);
        while (b != 0) { long t = a % b; a = b; b = t; }
        return a;
    }

    /// <summary>
    /// Up to <paramref name="count"/> paddings below the kernel, other than <paramref name="exclude"/>, that let the
    /// kernel fit and make the division exact on both sides, nearest <paramref name="target"/> first (ties: the smaller).
    /// </summary>
    private static List<Repair> NearestPaddings(Shape input, int kernel, int stride, long target, long exclude, int count)
    {
        var found = new List<Repair>();
        bool Fits(long p) => p >= 0 && p < kernel && p != exclude && input.H + 2 * p >= kernel && input.W + 2 * p >= kernel
            && ((long)input.H - kernel + 2 * p) % stride == 0 && ((long)input.W - kernel + 2 * p) % stride == 0;
        for (long d = 0; d <= SearchLimit && found.Count < count; d++)
        {
            if (target - d < 0 && target + d >= kernel) break;
            if (Fits(target - d)) found.Add(new Repair("Padding", (int)(target - d)));
            if (d > 0 && found.Count < count && Fits(target + d)) found.Add(new Repair("Padding", (int)(target + d)));
        }
        return found;
    }

    /// <summary>Up to two windows within 4 of <paramref name="window"/>, nearest first, that fit and divide exactly; ascending.</summary>
    private static List<int> NearbyWindows(Shape input, int window, int padding, int stride)
    {
        var result = new List<int>();
        for (long d = 1; d <= 4 && result.Count < 2; d++)
        {
            foreach (long k in new[] { window - d, window + d })
            {
                if (result.Count == 2 || k < 1 || k > input.H + 2L * padding || k > input.W + 2L * padding) continue;
                if (((long)input.H - k + 2L * padding) % stride == 0 && ((long)input.W - k + 2L * padding) % stride == 0) result.Add((int)k);
            }
        }
        result.Sort();
        return result;
    }

    /// <summary><c>Use Padding = 1 or 3.</c>, <c>Use Stride = 1, or Kernel = 4 or 6.</c></summary>
    private static string RepairText(List<Repair> repairs)
    {
        if (repairs.Count == 0) return "Change the window or the stride.";
        var groups = repairs.GroupBy(r => r.Argument).Select(g => $"{g.Key} = {string.Join(" or ", g.Select(r => r.Value.ToString(Inv)))}");
        return $"Use {string.Join(", or ", groups)}.";
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

    /// <summary>
    /// What the floor would do. The last <c>span % stride</c> padded rows or columns are never covered by a
    /// window: past the padding they are input rows or columns dropped; within it, the padding ends up uneven.
    /// A square input is described once, by its columns.
    /// </summary>
    private static string Consequence(Shape input, long spanH, long spanW, int stride, int padding)
    {
        string Side(long remainder, string noun, string near, string far)
        {
            long dropped = remainder - padding;
            if (dropped > 0) return dropped == 1 ? $"the last input {noun} would be dropped" : $"the last {dropped} input {noun}s would be dropped";
            return $"the padding would be uneven: {Count(padding, noun)} {near}, {padding - remainder} {far}";
        }
        long rows = spanH % stride, columns = spanW % stride;
        if (input.H == input.W) return Side(columns, "column", "on the left", "on the right");
        var parts = new List<string>();
        if (rows > 0) parts.Add(Side(rows, "row", "at the top", "at the bottom"));
        if (columns > 0) parts.Add(Side(columns, "column", "on the left", "on the right"));
        return string.Join(", and ", parts);
    }

    // ---------------------------------------------------------------- helpers

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

    /// <summary>The activation a standalone activation layer applies; <see cref="ActivationKind.None"/> for other layers.</summary>
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

    /// <summary>The stem of a layer's name: <c>conv</c>, <c>pool</c>, <c>dense</c>...; the index follows it.</summary>
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
        LayerType.Input => IsFlatInput(l) ? $"Input {l.C}" : $"Input {l.A}x{l.B}x{l.C}",
        LayerType.Conv2D => $"Conv2D {l.B}x{l.B}, stride {l.Stride}",
        LayerType.MaxPool or LayerType.AvgPool => $"{l.Type} {l.A}x{l.A}, stride {l.Stride}",
        LayerType.Dense => $"Dense {l.A}",
        LayerType.Dropout => $"Dropout {Format(l.Value)}",
        LayerType.LeakyReLU => $"LeakyReLU {Format(l.Value)}",
        _ => l.Type.ToString(),
    };

    /// <summary>[Input(features)]: the parser reads it as 1x1 with <c>features</c> channels and no <c>height</c> argument.</summary>
    private static bool IsFlatInput(LayerSpec l) => l.A == 1 && l.B == 1 && !l.Arguments.Any(a => a.Name == "height");

    private static string Count(long n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string Join(List<string> items, string conjunction) => items.Count <= 1
        ? string.Join("", items)
        : $"{string.Join(", ", items.Take(items.Count - 1))} {conjunction} {items[items.Count - 1]}";

    private static string Ordinal(int n) => (n % 100) switch
    {
        11 or 12 or 13 => $"{n}th",
        _ => (n % 10) switch { 1 => $"{n}st", 2 => $"{n}nd", 3 => $"{n}rd", _ => $"{n}th" },
    };

    /// <summary>An integer with thousands separators, <c>1,073,741,824</c>, at any size.</summary>
    private static string Num(BigInteger n)
    {
        string digits = BigInteger.Abs(n).ToString(Inv);
        var sb = new System.Text.StringBuilder(digits.Length + digits.Length / 3 + 1);
        if (n.Sign < 0) sb.Append('-');
        for (int i = 0; i < digits.Length; i++)
        {
            if (i > 0 && (digits.Length - i) % 3 == 0) sb.Append(',');
            sb.Append(digits[i]);
        }
        return sb.ToString();
    }

    private static string Format(double value) => value.ToString("R", Inv);
}
