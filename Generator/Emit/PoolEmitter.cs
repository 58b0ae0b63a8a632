using System.Collections.Generic;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// MaxPool and AvgPool, windows unrolled. Max pooling remembers where each maximum came from, and its
/// backward sends the gradient there (adding, since windows may overlap when the stride is below the size);
/// average pooling spreads each gradient evenly over its window.
/// </summary>
internal sealed class PoolEmitter : LayerEmitter
{
    private const int MaxUnrolled = 49;

    public override IEnumerable<(string Name, string Length, string Type)> Buffers(LayerContext c)
    {
        if (c.Layer.Type == LayerType.MaxPool) yield return ("_" + c.Layer.Name + "Argmax", I(c.Layer.Out.Size), "int");
    }

    private static void Constants(SourceWriter w, LayerShape l)
    {
        w.Line($"const int C = {l.In.C}, H = {l.In.H}, W = {l.In.W}, F = {l.Kernel}, S = {l.Stride}, HO = {l.Out.H}, WO = {l.Out.W};");
    }

    private static IEnumerable<int> Offsets(LayerShape l)
    {
        for (int ky = 0; ky < l.Kernel; ky++)
            for (int kx = 0; kx < l.Kernel; kx++)
                yield return ky * l.In.W + kx;
    }

    public override void Forward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        bool max = l.Type == LayerType.MaxPool;
        bool unrolled = l.Kernel * l.Kernel <= MaxUnrolled;
        w.Line($"/// <summary>{Title(l)}</summary>");
        w.Open($"private void {l.Member}Forward(global::System.ReadOnlySpan<float> x, global::System.Span<float> y)");
        Constants(w, l);
        if (max) w.Line($"global::System.Span<int> argmax = _{l.Name}Argmax;");
        w.Open("for (int c = 0; c < C; c++)");
        w.Open("for (int oy = 0; oy < HO; oy++)");
        w.Open("for (int ox = 0; ox < WO; ox++)");
        w.Line("int at = (c * H + oy * S) * W + ox * S;");
        w.Line("int o = (c * HO + oy) * WO + ox;");
        if (max)
        {
            w.Line("float m = x[at];");
            w.Line("int a = at;");
            if (unrolled)
            {
                foreach (int off in Offsets(l))
                {
                    if (off == 0) continue;
                    w.Line($"if (x[at + {I(off)}] > m) {{ m = x[at + {I(off)}]; a = at + {I(off)}; }}");
                }
            }
            else
            {
                w.Open("for (int ky = 0; ky < F; ky++)");
                w.Open("for (int kx = 0; kx < F; kx++)");
                w.Line("if (x[at + ky * W + kx] > m) { m = x[at + ky * W + kx]; a = at + ky * W + kx; }");
                w.Close().Close();
            }
            w.Line("y[o] = m;");
            w.Line("argmax[o] = a;");
        }
        else
        {
            w.Line("float s = 0f;");
            if (unrolled)
            {
                foreach (int off in Offsets(l)) w.Line($"s += x[at + {I(off)}];");
            }
            else
            {
                w.Open("for (int ky = 0; ky < F; ky++)");
                w.Open("for (int kx = 0; kx < F; kx++)");
                w.Line("s += x[at + ky * W + kx];");
                w.Close().Close();
            }
            w.Line("y[o] = s * (1f / (F * F));");
        }
        w.Close().Close().Close();
        w.Close();
    }

    public override void Backward(SourceWriter w, LayerContext c)
    {
        var l = c.Layer;
        bool max = l.Type == LayerType.MaxPool;
        w.Line($"/// <summary>{l.Name} backward: {(max ? "each gradient goes to the input that was the maximum" : "each gradient is spread evenly over its window")}.</summary>");
        w.Open($"private void {l.Member}Backward(global::System.ReadOnlySpan<float> x, global::System.ReadOnlySpan<float> dy, global::System.Span<float> dx)");
        Constants(w, l);
        w.Line("dx.Clear();");
        if (max)
        {
            w.Line($"global::System.ReadOnlySpan<int> argmax = _{l.Name}Argmax;");
            w.Open("for (int o = 0; o < C * HO * WO; o++)");
            w.Line("dx[argmax[o]] += dy[o];");
            w.Close();
        }
        else
        {
            w.Open("for (int c = 0; c < C; c++)");
            w.Open("for (int oy = 0; oy < HO; oy++)");
            w.Open("for (int ox = 0; ox < WO; ox++)");
            w.Line("int at = (c * H + oy * S) * W + ox * S;");
            w.Line("float d = dy[(c * HO + oy) * WO + ox] * (1f / (F * F));");
            if (l.Kernel * l.Kernel <= MaxUnrolled)
            {
                foreach (int off in Offsets(l)) w.Line($"dx[at + {I(off)}] += d;");
            }
            else
            {
                w.Open("for (int ky = 0; ky < F; ky++)");
                w.Open("for (int kx = 0; kx < F; kx++)");
                w.Line("dx[at + ky * W + kx] += d;");
                w.Close().Close();
            }
            w.Close().Close().Close();
        }
        w.Close();
    }
}
