using System.Collections.Generic;
using System.Linq;

namespace StaticNets.Generator.Emit;

internal sealed partial class Conv2DEmitter
{
    /// <summary>
    /// A chain that hands its output to a depthwise chain (<see cref="HandsOff"/>) from a convolution of few input
    /// channels and few filters (the keyword spotter's first layer: one channel, 64 filters of 10x4, stride 2): its
    /// vector variants run with the filters across the lanes instead of wide rows, and so write the depthwise's
    /// channels-last staging with whole vectors, no wide rows to waste and no transpose. Each output position's filters
    /// are the bias plus its window's taps in the scalar loops' order (channel, row, column), each input broadcast
    /// against a vector of filters' weights, the weights arranged <c>[C][FH][FW][K]</c> on the stack at each call; then the
    /// epilogue per lane and the stores at the position's place in the staging. Filters in whole Vector512s only: with 8
    /// (MobileNet's first layer, in Vector256s) each broadcast input feeds one multiply-add, and the layer measured slower
    /// than its wide rows and phases (about 16.5 µs against 13.5 in a profile of MobileNet's Forward).
    /// </summary>
    private sealed partial class ForwardWriter
    {
        /// <summary>Most filters (four Vector512s) and most weights (32 KB on the stack) of <see cref="FilterLanes"/>.</summary>
        private const int FilterLanesMaxFilters = 64, FilterLanesMaxWeights = 8192;

        /// <summary>Whether the chain's vector variants run with the filters across the lanes (see the class).</summary>
        private bool FilterLanes =>
            Handoff && !G.Direct && !G.Grouped && G.K % 16 == 0 && G.K <= FilterLanesMaxFilters && G.K * G.C * G.FH * G.FW <= FilterLanesMaxWeights;

        /// <summary>Output positions per block at a width: with the filters' vectors, at most 16 accumulators on Vector512, 8 on Vector256.</summary>
        private int FilterLanesPositions(int lanes) => System.Math.Max(1, (lanes == 16 ? 16 : 8) / (G.K / lanes));

        private void FilterLanesMethod(int lanes)
        {
            string v = N.Vector(lanes);
            int vectors = G.K / lanes, positions = FilterLanesPositions(lanes);
            var parameters = new List<(string, string, string)>
            {
                ("float[]", "padded", $"the input with a zero border {PaddedShape}"),
                ("float[]", "parameters", WeightShape),
                (N.Span, "y", $"the output {OutShape}: not written (the output goes to the next layer's staging)"),
            };
            W.Line($"/// <summary>Inference: {Chain!.Names} on Vector{lanes * 32}, the filters across the lanes, written into {Chain.HandsOffTo!.Head.Layer.Name}'s staging.</summary>");
            SpatialNames.Signature(W, Context, VariantName(lanes), WithStatistics(parameters));
            Constants(backward: false);
            StackScaleShift();
            HandoffRefs();
            W.Line($"const int PO = HO * WO, T = C * {G.FF}; // the output's positions; the taps of all channels");
            W.Line("// The weights [K][C][FH][FW] arranged [C][FH][FW][K] on the stack: a tap's filters side by side.");
            W.Line($"{N.Span} wt = stackalloc float[T * K];");
            W.Line($"Transpose.Matrix(new {N.ReadOnlySpan}(parameters, WeightOffset, K * T), T, K, T, wt, K);");
            W.Line($"ref float wr = ref {N.MemoryMarshal}.GetReference(wt);");
            W.Line($"ref float xr = ref {N.MemoryMarshal}.GetArrayDataReference(padded);");
            for (int q = 0; q < vectors; q++)
            {
                W.Line(G.Bias
                    ? $"var b{q} = {v}.LoadUnsafe(ref {N.MemoryMarshal}.GetArrayDataReference(parameters), (nuint)(BiasOffset + {q * lanes}));"
                    : $"var b{q} = {v}<float>.Zero;");
                W.Line($"var scale{q} = {v}.LoadUnsafe(ref ssr, {I(q * lanes)});");
                W.Line($"var shift{q} = {v}.LoadUnsafe(ref ssr, (nuint)(K + {q * lanes}));");
            }
            W.Line($"// {positions} positions by {vectors} vectors of {lanes} filters: each weight vector loaded once feeds {positions} accumulators.");
            W.Open($"for (int p0 = 0; p0 < PO; p0 += {positions})");
            W.Line($"int p = {N.Math}.Min(p0, PO - {positions}); // the last block overlaps the one before");
            for (int j = 0; j < positions; j++)
            {
                W.Line($"int oy{j} = (p + {j}) / WO, ox{j} = (p + {j}) - oy{j} * WO;");
                W.Line($"ref float x{j} = ref {U}.Add(ref xr, oy{j} * {G.SHN} * WP + ox{j} * {G.SWN});");
            }
            for (int j = 0; j < positions; j++)
            {
                W.Line($"{v}<float> {string.Join(", ", Enumerable.Range(0, vectors).Select(q => $"a{j}{q} = b{q}"))};");
            }
            W.Open("for (int c = 0; c < C; c++)");
            W.Open($"for (int ky = 0; ky < {G.KH}; ky++)");
            W.Line($"int row = c * HP * WP + ky * WP, tap = (c * {G.KH} + ky) * {G.KWN};");
            W.Open($"for (int kx = 0; kx < {G.KWN}; kx++)");
            W.Line($"ref float wk = ref {U}.Add(ref wr, (tap + kx) * K);");
            for (int q = 0; q < vectors; q++) W.Line($"var w{q} = {v}.LoadUnsafe(ref wk{(q == 0 ? "" : $", {I(q * lanes)}")});");
            for (int j = 0; j < positions; j++)
            {
                W.Line($"var x{j}v = {v}.Create({U}.Add(ref x{j}, row + kx));");
                for (int q = 0; q < vectors; q++) W.Line($"a{j}{q} = {v}.MultiplyAddEstimate(x{j}v, w{q}, a{j}{q});");
            }
            W.Close().Close().Close();
            for (int j = 0; j < positions; j++)
            {
                W.Line($"ref float n{j} = ref {U}.Add(ref nr, {U}.Add(ref nor, p + {j})); // position p + {j} in the staging");
                for (int q = 0; q < vectors; q++)
                {
                    W.Line($"a{j}{q} = a{j}{q} * scale{q} + shift{q}; // two roundings, as the epilogue's");
                    PerLaneActivation(v, $"a{j}{q}");
                    W.Line($"{v}.StoreUnsafe(a{j}{q}, ref n{j}{(q == 0 ? "" : $", {I(q * lanes)}")});");
                }
            }
            W.Close();
            W.Close();
        }
    }
}
