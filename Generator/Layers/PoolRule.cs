using System;
using System.Collections.Generic;
using System.Linq;
using StaticNets.Generator.Emit;
using StaticNets.Generator.Model;
using StaticNets.Generator.Shapes;

namespace StaticNets.Generator.Layers;

/// <summary>[MaxPool(size, Stride)] and [AvgPool(size, Stride)]: a square window per channel; the stride defaults to the size.</summary>
internal sealed class PoolRule : LayerRule
{
    public override bool Spatial => true;

    public PoolRule(LayerType type, LayerEmitter emitter)
        : base(type, emitter)
    {
    }

    public override string Stem => "pool";

    public override LayerSpec Read(LayerSpec spec, LayerArguments arguments)
    {
        int size = arguments.Int("size", 0);
        bool strideGiven = arguments.Has("Stride");
        return spec with { Size = size, Stride = strideGiven ? arguments.Int("Stride", size) : size, StrideGiven = strideGiven };
    }

    public override void Check(LayerSpec spec, ArgumentChecks checks)
    {
        checks.ShapeAtLeast("size", spec.Size, 1);
        if (spec.StrideGiven) checks.ShapeAtLeast("Stride", spec.Stride, 1);
    }

    public override string Describe(LayerSpec spec) => $"{Type} {spec.Size}x{spec.Size}, stride {spec.Stride}";

    public override LayerOutcome? Infer(LayerSpec spec, Tensor input, string head, DiagnosticSink diagnostics)
    {
        var output = Window.Infer(spec, input, head, conv: false, input.Shape.C, spec.Size, spec.Stride, padding: 0, s => Repairs(s, spec), diagnostics);
        return output is { } o ? new LayerOutcome(o) { Kernel = spec.Size, Stride = spec.Stride, Geometry = WindowGeometry.Square(spec.Size, spec.Stride, 0) } : null;
    }

    public override string TableText(LayerShape l) => $"{Type} {l.Kernel}x{l.Kernel} s{l.Stride}";

    public override string Title(LayerShape l) => $"{Type} {l.Kernel}x{l.Kernel}, stride {l.Stride}";

    /// <summary>
    /// SN2002's repairs. With the default stride (the size), window sizes that tile the input, nearest first (at
    /// most two); with a given stride, nearby sizes that divide exactly. Then the largest smaller stride.
    /// </summary>
    private static List<Repair> Repairs(Shape input, LayerSpec l)
    {
        int size = l.Size, stride = l.Stride;
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
            repairs.AddRange(Shapes.Repairs.NearbyWindows(input, size, 0, stride).Where(k => k >= 2).Select(k => new Repair("Size", k)));
        }
        var smaller = Shapes.Repairs.LargestStride(input, size, 0, stride);
        if (smaller is { } st) repairs.Add(new Repair("Stride", st));
        return repairs;
    }
}
