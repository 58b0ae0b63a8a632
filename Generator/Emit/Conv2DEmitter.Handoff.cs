using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

internal sealed partial class Conv2DEmitter
{
    /// <summary>
    /// Whether an inference chain of a convolution (a 1x1, or one on wide rows) hands its output to the depthwise chain after
    /// it in the depthwise's own layout: the convolution's vector variants (their epilogue at the stores) write each position's four filters at a time
    /// into the depthwise's staging, channels-last inside its zero border (<c>Transpose.Scatter4</c>), where the depthwise's
    /// vector variants would have transposed x, and they no longer transpose it. Both layers must run a vector variant
    /// whenever vectors are enabled, whichever the width, so that the one writes what the other reads; the scalar loops
    /// of both keep x in <c>[C][H][W]</c>. The convolution's output buffer is then not written on the vector paths: only
    /// the depthwise reads it (a chain's last output read by one layer). Wide rows have columns past the output's; their
    /// stores go to a place in the staging that the depthwise writes before it reads (where it keeps its output).
    /// </summary>
    public static bool HandsOff(FusedChain producer, FusedChain consumer)
    {
        var p = producer.Head.Layer;
        var c = consumer.Head.Layer;
        if (p.Type != LayerType.Conv2D || c.Type != LayerType.DepthwiseConv2D) return false;
        var gp = new Geometry(p);
        var gc = new Geometry(c);
        // The depthwise runs a lanes variant whenever vectors are enabled: Vector512 where it has one, else Vector256.
        if (consumer.Norm is null || consumer.Add is not null || !gc.Depthwise(8) || !gc.Depthwise(16) && ForwardWriter.VectorWidths(gc).Vector512) return false;
        // The 1x1's own layout, or wide rows (stride 1, or the phases of a stride): the paths whose stores the chain's copies make.
        bool wideRows = !gp.Direct && gp.ForwardWide && !gp.Winograd && !gp.StridedLanes && !gp.Subsampled;
        if (producer.Norm is null || producer.Add is not null || !gp.Direct && !wideRows || gp.Grouped || gp.KB != 4 || gp.K > ForwardWriter.MaxStackFilters) return false;
        if (producer.Activation?.Layer.Type is not (null or LayerType.ReLU or LayerType.ReLU6 or LayerType.LeakyReLU)) return false;
        var (v512, v256) = ForwardWriter.VectorWidths(gp);
        if (!v512 || !v256) return false;
        int hw = gp.H * gp.W;
        foreach (int lanes in new[] { 16, 8 })
        {
            // Whole vectors must cover the plane exactly: a vector running past it has no place in the staging.
            if (gp.WholeVectors(lanes) && hw % lanes != ForwardWriter.TailLanes(hw, lanes)) return false;
        }
        return true;
    }

    private sealed partial class ForwardWriter
    {
        /// <summary>Whether this chain's vector variants write its output into the next depthwise chain's staging.</summary>
        private bool Handoff => Chain?.HandsOffTo is not null;

        /// <summary>Whether the variant being written is the chain's copy that does so.</summary>
        private bool HandoffVariant => chainVariant && Handoff;

        /// <summary>The next layer's staging, as the parameter's comment gives it.</summary>
        private string HandoffShape
        {
            get
            {
                var layer = Chain!.HandsOffTo!.Head.Layer;
                var next = new Geometry(layer);
                return $"{layer.Name}'s staging: the vector variants write the output into its [{next.HP}][{next.WP}][{next.C}], inside the zero border";
            }
        }

        /// <summary>The table of where each output position stands in the next layer's staging (a static of the layers class).</summary>
        private string OffsetsField => Name("Handoff");

        /// <summary>The static table, written once before the chain's variants.</summary>
        private void HandoffOffsets()
        {
            var layer = Chain!.HandsOffTo!.Head.Layer;
            var next = new Geometry(layer);
            W.Line();
            W.Line($"/// <summary>Where each of {Layer.Name}'s output positions stands in {layer.Name}'s staging [{next.HP}][{next.WP}][{next.C}].</summary>");
            if (G.Direct || FilterLanes)
            {
                W.Line($"private static readonly int[] {OffsetsField} = Transpose.PaddedOffsets({G.HO}, {G.WO}, {next.WP}, {next.PadT}, {next.PadL}, {next.C});");
                return;
            }
            int elsewhere = (next.HP * next.WP + next.FH * next.FW) * next.C;
            W.Line($"// The wide rows' columns past the output go to {elsewhere}, where {layer.Name} keeps its output, written before it is read.");
            W.Line($"private static readonly int[] {OffsetsField} = Transpose.WideOffsets({G.HO}, {G.WO}, {(G.StridedWide ? G.WPh : G.WP)}, "
                + $"{next.WP}, {next.PadT}, {next.PadL}, {next.C}, {elsewhere});");
        }

        /// <summary>The handing-off variant, at its start: references to the next staging and to the table.</summary>
        private void HandoffRefs()
        {
            if (!HandoffVariant) return;
            W.Line($"ref float nr = ref {N.MemoryMarshal}.GetArrayDataReference(next); // written channels-last, for {Chain!.HandsOffTo!.Head.Layer.Name}");
            W.Line($"ref int nor = ref {N.MemoryMarshal}.GetArrayDataReference({OffsetsField});");
        }

        /// <summary>The four filters' vectors of positions q, from <paramref name="position"/>, stored position by position into the next staging.</summary>
        private void HandoffStore(int q, string position)
        {
            W.Line($"Transpose.Scatter4(a0{q}, a1{q}, a2{q}, a3{q}, ref {U}.Add(ref nr, k), ref {U}.Add(ref nor, {position}));");
        }
    }
}
