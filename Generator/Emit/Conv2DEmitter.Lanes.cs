namespace StaticNets.Generator.Emit;

internal sealed partial class Conv2DEmitter
{
    /// <summary>
    /// The strided forward with the filters across the lanes (<see cref="Geometry.StridedLanes"/>): on the vector paths
    /// the layer calls <c>ConvolutionLanes.ForwardVector512</c> or <c>ForwardVector256</c> in the Runtime over the padded
    /// input, with its sizes, weights, biases and scratch; the scalar path stays the strided reference loops.
    /// </summary>
    private sealed partial class ForwardWriter
    {
        /// <summary>The scratch parameter's comment.</summary>
        private string LanesScratch =>
            $"filter-lane scratch: weights [{G.C}][{G.FH}][{G.FW}][{G.K}], the weights they are of, output [{G.HO * G.WO}][{G.K}]";

        /// <summary>The dispatch: the filter-lane kernel at the widest vector path the hardware has, else the scalar loops.</summary>
        private void StridedLanesDispatch(string z)
        {
            string simd = N.Simd;
            string bias = G.Bias ? $"new {N.ReadOnlySpan}(parameters, BiasOffset, K)" : "default";
            // Outside a chain, batch training's replicas pass the network's scratch, whose weights are arranged once per batch.
            string shared = Chain is null ? "Shared" : "";
            string sizes = $"padded, C, HP, WP, {G.KH}, {G.KWN}, {G.SHN}, {G.SWN}, weights, biases, K, lanes, {(Chain is null ? "shared, " : "")}{z}";
            W.Line("// Dispatch: on the vector paths, the filters across the lanes, each output's window read from the padded input;");
            W.Line("// else the scalar reference loops.");
            W.Line($"{N.ReadOnlySpan} weights = new {N.ReadOnlySpan}(parameters, WeightOffset, K * C * {G.FF});");
            W.Line($"{N.ReadOnlySpan} biases = {bias};");
            W.Open($"if ({simd}.IsEnabled && {simd}.UseVector512)");
            W.Line($"ConvolutionLanes.Forward{shared}Vector512({sizes});");
            W.Close();
            W.Open($"else if ({simd}.IsEnabled)");
            W.Line($"ConvolutionLanes.Forward{shared}Vector256({sizes});");
            W.Close();
            W.Open("else");
            W.Line($"{Name("Forward")}Scalar(padded, parameters, {z});");
            W.Close();
        }
    }
}
