using System.Collections.Generic;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

internal sealed partial class Conv2DEmitter
{
    /// <summary>
    /// A fused inference chain's epilogue applied by the vector variants themselves, to each accumulator before its store
    /// (<see cref="StoreEpilogue"/>): the chain writes its own copies of the wide-row and whole-vector variants
    /// (<c>Conv2Bn3Relu3ForwardVector512</c>), which take the running statistics, compute BatchNorm's scale and shift
    /// per filter once on the stack, and store <c>act(a * scale + shift)</c>, the product then the shift as the Runtime's
    /// <c>Epilogue</c> rounds them, so the output has the same bits as the convolution then the epilogue over its planes.
    /// The scalar loops keep that separate pass. Where the last block of positions overlaps the one before, its stores
    /// write the same values again, computed from x, never from y.
    /// </summary>
    private sealed partial class ForwardWriter
    {
        /// <summary>The most filters whose scales and shifts the variants keep on the stack (2 x 4 KB x 2).</summary>
        internal const int MaxStackFilters = 1024;

        /// <summary>Whether the variant being written is the chain's copy, with the epilogue at its stores.</summary>
        private bool chainVariant;

        /// <summary>
        /// Whether the chain's vector variants apply its epilogue at their stores: a BatchNorm and at most an activation
        /// with a per-lane form (no residual), on the paths whose variants are the wide rows or whole vectors (not the
        /// depthwise lanes, which apply it themselves, nor Winograd, the filter lanes or subsampling); the channel lanes
        /// apply it to each sum as the epilogue's scalar loop does.
        /// </summary>
        private bool StoreEpilogue =>
            Chain is { Norm: not null, Add: null }
            && Chain.Activation?.Layer.Type is null or LayerType.ReLU or LayerType.ReLU6 or LayerType.LeakyReLU
            && !G.Depthwise(8)
            && (G.Direct || !G.Subsampled && !G.Winograd && !G.StridedLanes)
            && G.K <= MaxStackFilters;

        /// <summary>The name of a vector variant: the layer's, or the chain's copy.</summary>
        private string VariantName(int lanes) => chainVariant ? $"{Chain!.Method}Vector{lanes * 32}" : Name($"ForwardVector{lanes * 32}");

        /// <summary>
        /// The dispatch of the forward's variants: where the chain's variants apply the epilogue, theirs, with the
        /// statistics, and the scalar loops followed by the epilogue's pass; else the layer's own.
        /// </summary>
        private void ForwardDispatch(string arguments, string scalarArguments, bool vector512, bool vector256)
        {
            if (!StoreEpilogue || !vector512 && !vector256)
            {
                Dispatch("Forward", arguments, scalarArguments, vector512, vector256);
                return;
            }
            string simd = N.Simd;
            W.Line("// Dispatch: the widest vector path the hardware has, which applies the epilogue at its stores; else the scalar loops, then the epilogue.");
            string keyword = "if";
            foreach (int lanes in new[] { 16, 8 })
            {
                if (lanes == 16 ? !vector512 : !vector256) continue;
                W.Open(lanes == 16 ? $"if ({simd}.IsEnabled && {simd}.UseVector512)" : $"{keyword} ({simd}.IsEnabled)");
                W.Line($"{Chain!.Method}Vector{lanes * 32}({arguments}, statistics{(Handoff ? ", next" : "")});");
                W.Close();
                keyword = "else if";
            }
            W.Open("else");
            W.Line($"{Name("Forward")}Scalar({scalarArguments});");
            Chain!.WriteEpilogue(W, "K", G.HO * G.WO);
            W.Close();
        }

        /// <summary>The chain's copies of the vector variants.</summary>
        private void StoreEpilogueMethods(bool vector512, bool vector256)
        {
            chainVariant = true;
            VectorMethods(vector512, vector256);
            chainVariant = false;
        }

        /// <summary>A variant's parameters: the chain's copy adds the running statistics last.</summary>
        private List<(string, string, string)> WithStatistics(List<(string, string, string)> list)
        {
            if (chainVariant) list.AddRange(Chain!.EpilogueParameters());
            if (HandoffVariant) list.Add(("float[]", "next", HandoffShape));
            return list;
        }

        /// <summary>The chain's copy, at its start: the scales then the shifts of the K filters on the stack.</summary>
        private void StackScaleShift()
        {
            if (!chainVariant) return;
            var n = Chain!.Norm!.Layer;
            W.Line($"// The epilogue's scale and shift per filter: {n.Name}'s γ/sqrt(var + ε) and β - mean * scale, as the Epilogue rounds them.");
            W.Line($"const int GammaOffset = {n.ParameterOffset}, BetaOffset = {n.ParameterOffset + n.WeightCount}; // {n.Name}'s γ and β");
            W.Line($"const int MeanOffset = {n.StatisticsOffset}, VarianceOffset = {n.StatisticsOffset + n.Out.C}; // its running statistics");
            W.Line($"{N.Span} scaleShift = stackalloc float[2 * K];");
            W.Line($"EpilogueLanes.ScaleShift(new {N.ReadOnlySpan}(parameters, GammaOffset, K), new {N.ReadOnlySpan}(parameters, BetaOffset, K),");
            W.Line($"    new {N.ReadOnlySpan}(statistics, MeanOffset, K), new {N.ReadOnlySpan}(statistics, VarianceOffset, K), {FusedChain.F(n.Epsilon)},");
            W.Line("    scaleShift.Slice(0, K), scaleShift.Slice(K, K));");
            W.Line($"ref float ssr = ref {N.MemoryMarshal}.GetReference(scaleShift);");
        }

        /// <summary>The chain's copy, in the loop over blocks of filters: filter k + j's scale and shift.</summary>
        private void FilterScaleShift(int filters)
        {
            if (!chainVariant) return;
            for (int j = 0; j < filters; j++)
            {
                W.Line($"float scale{j} = {U}.Add(ref ssr, k + {j}), shift{j} = {U}.Add(ref ssr, K + k + {j});");
            }
        }

        /// <summary>The chain's copy, before accumulator <paramref name="a"/> of filter <paramref name="j"/> is stored: the epilogue on it.</summary>
        private void StoreActivation(string v, string a, int j)
        {
            if (!chainVariant) return;
            W.Line($"{a} = {a} * {v}.Create(scale{j}) + {v}.Create(shift{j}); // two roundings, as the epilogue's");
            PerLaneActivation(v, a);
        }

        /// <summary>The chain's copy, before sum <paramref name="s"/> of filter <paramref name="j"/> is stored: the epilogue on it, as its scalar loop computes it.</summary>
        private void ScalarStoreActivation(string s, int j)
        {
            if (!chainVariant) return;
            W.Line($"{s} = {s} * scale{j} + shift{j}; // two roundings, as the epilogue's");
            switch (Chain!.Activation?.Layer.Type)
            {
                case LayerType.ReLU:
                    W.Line($"{s} = {N.Math}.Max({s}, 0f);");
                    break;
                case LayerType.ReLU6:
                    W.Line($"{s} = {N.Math}.Min({N.Math}.Max({s}, 0f), 6f);");
                    break;
                case LayerType.LeakyReLU:
                    W.Line($"{s} = {s} > 0f ? {s} : {FusedChain.F(Chain.Alpha)} * {s};");
                    break;
            }
        }

        /// <summary>The chain's activation on a vector, as the Runtime's <c>Epilogue</c> computes it.</summary>
        private void PerLaneActivation(string v, string a)
        {
            switch (Chain!.Activation?.Layer.Type)
            {
                case LayerType.ReLU:
                    W.Line($"{a} = {v}.Max({a}, {v}<float>.Zero);");
                    break;
                case LayerType.ReLU6:
                    W.Line($"{a} = {v}.Min({v}.Max({a}, {v}<float>.Zero), {v}.Create(6f));");
                    break;
                case LayerType.LeakyReLU:
                    W.Line($"{a} = {v}.ConditionalSelect({v}.GreaterThan({a}, {v}<float>.Zero), {a}, {a} * {v}.Create({FusedChain.F(Chain.Alpha)}));");
                    break;
                case null:
                    break;
                default:
                    throw new System.InvalidOperationException($"No per-lane form of {Chain.Activation.Layer.Type} for {Chain.Names}.");
            }
        }
    }
}
