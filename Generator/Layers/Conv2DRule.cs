using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using StaticNets.Generator.Emit;
using StaticNets.Generator.Model;
using StaticNets.Generator.Shapes;

namespace StaticNets.Generator.Layers;

/// <summary>[Conv2D(filters, kernel, Stride, Padding, Activation, Init, L1, L2)]: a square-kernel convolution.</summary>
internal sealed class Conv2DRule : LayerRule
{
    public Conv2DRule(LayerEmitter emitter)
        : base(LayerType.Conv2D, emitter)
    {
    }

    public override string Stem => "conv";

    public override bool HasWeights => true;

    public override bool Spatial => true;

    public override LayerSpec Read(LayerSpec spec, LayerArguments arguments) => Weighted.Read(spec, arguments) with
    {
        Filters = arguments.Int("filters", 0),
        Kernel = arguments.Int("kernel", 0),
        Stride = arguments.Int("Stride", 1),
        StrideGiven = arguments.Has("Stride"),
        Padding = arguments.Int("Padding", 0),
    };

    public override void Check(LayerSpec spec, ArgumentChecks checks)
    {
        checks.ShapeAtLeast("filters", spec.Filters, 1);
        checks.ShapeAtLeast("kernel", spec.Kernel, 1);
        checks.ShapeAtLeast("Stride", spec.Stride, 1);
        checks.ShapeAtLeast("Padding", spec.Padding, 0);
        checks.WeightOptions();
    }

    public override string Describe(LayerSpec spec) => $"Conv2D {spec.Kernel}x{spec.Kernel}, stride {spec.Stride}";

    public override ActivationKind ActivationOf(LayerSpec spec) => spec.Activation;

    public override LayerOutcome? Infer(LayerSpec spec, Tensor input, string head, DiagnosticSink diagnostics)
    {
        int kernel = spec.Kernel, stride = spec.Stride, padding = spec.Padding;
        if (Window.Infer(spec, input, head, conv: true, spec.Filters, kernel, stride, padding, s => Repairs(s, spec), diagnostics) is not { } output)
        {
            return null;
        }
        var c = input.Shape.C;
        // Scratch: the convolution's own buffers (the input gradient counted, an upper bound), the values before an inline activation.
        BigInteger scratch = Conv2DBuffers.Of(input.Shape, output, kernel, stride, padding, needsInputGrad: true).Total;
        if (spec.Activation != ActivationKind.None) scratch += output.Size;
        return new LayerOutcome(output)
        {
            Units = spec.Filters,
            Kernel = kernel,
            Stride = stride,
            Padding = padding,
            Activation = spec.Activation,
            Alpha = Weighted.InlineAlpha,
            Weights = (BigInteger)spec.Filters * c * kernel * kernel,
            Biases = spec.Filters,
            FanIn = (BigInteger)c * kernel * kernel,
            FanOut = (BigInteger)spec.Filters * kernel * kernel,
            Scratch = scratch,
            ParameterArithmetic = $"{spec.Filters}*{c}*{kernel}*{kernel} weights + {spec.Filters} biases",
            FewerParameters = "filters or a smaller kernel",
        };
    }

    /// <summary>SN3003: padding not smaller than the kernel, with the exact padding nearest <c>(kernel - 1) / 2</c>.</summary>
    public override void Advise(LayerSpec spec, string head, Shape? input, DiagnosticSink diagnostics)
    {
        if (spec.Kernel <= 0 || spec.Padding < spec.Kernel) return;
        diagnostics.Report(DiagnosticIds.SN3003, $"{head}: Padding = {spec.Padding} is not smaller than the kernel ({spec.Padding} >= {spec.Kernel}), so the outermost outputs see only padding zeros. {PaddingAdvice(input, spec)}",
            spec.ArgumentOrAttribute("Padding"), isFatal: false);
    }

    public override string TableText(LayerShape l) => $"Conv2D {l.Units}@{l.Kernel}x{l.Kernel} s{l.Stride} p{l.Padding}{InlineActivation(l, " ")}";

    public override string Title(LayerShape l) => $"Conv2D {l.Units}@{l.Kernel}x{l.Kernel}, stride {l.Stride}, padding {l.Padding}{InlineActivation(l, ", ")}";

    /// <summary>Each output value (rows by columns by filters) is a dot product over its window: channels by kernel by kernel.</summary>
    public override long MultiplyAdds(LayerShape l) => (long)l.Out.Size * l.FanIn;

    /// <summary>
    /// SN2001's repairs: paddings below the kernel that make the division exact on both sides, nearest the current
    /// one first (at most two); where none exists, the largest smaller stride and up to two nearby kernels.
    /// </summary>
    private static List<Repair> Repairs(Shape input, LayerSpec l)
    {
        int kernel = l.Kernel, stride = l.Stride, padding = l.Padding;
        var paddings = Shapes.Repairs.NearestPaddings(input, kernel, stride, padding, exclude: padding, count: 2);
        if (paddings.Count > 0) return paddings.OrderBy(p => p.Value).ToList();

        var repairs = new List<Repair>();
        var smaller = Shapes.Repairs.LargestStride(input, kernel, padding, stride);
        if (smaller is { } s) repairs.Add(new Repair("Stride", s));
        repairs.AddRange(Shapes.Repairs.NearbyWindows(input, kernel, padding, stride).Where(k => k > padding).Select(k => new Repair("Kernel", k)));
        return repairs;
    }

    private static string PaddingAdvice(Shape? input, LayerSpec l)
    {
        int kernel = l.Kernel, stride = Math.Max(l.Stride, 1), keep = (kernel - 1) / 2;
        if (input is not { } s) return $"Use Padding = {keep} or less.";
        // The exact padding nearest (kernel - 1) / 2, which keeps the size at stride 1 for an odd kernel.
        var p = Shapes.Repairs.NearestPaddings(s, kernel, stride, keep, exclude: -1, count: 1).FirstOrDefault();
        if (p is null) return "Use a padding smaller than the kernel.";
        long h = ((long)s.H - kernel + 2L * p.Value) / stride + 1, w = ((long)s.W - kernel + 2L * p.Value) / stride + 1;
        return $"Use Padding = {p.Value}, for a {h}x{w} output.";
    }
}
