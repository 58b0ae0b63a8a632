using System.Linq;

namespace StaticNets.Generator.Emit;

internal sealed partial class Conv2DEmitter
{
    /// <summary>
    /// The forward of a 1x1 convolution of stride 1 without padding (<see cref="Geometry.Direct"/>): its wide rows are
    /// the output's layout, so the variants read x and write the output directly, with no padded copy and no gather.
    /// On planes too short for whole vectors of positions (<see cref="Geometry.ChannelLanes"/>), the vector variant
    /// runs across the input channels instead: x transposed to <c>[HW][C]</c> once, then each output a dot product of
    /// a weight row with a position's row, KB filters by PQ positions at a time, summed across the lanes at the end.
    /// </summary>
    private sealed partial class ForwardWriter
    {
        /// <summary>Positions per block of the channel-lane kernel: with KB = 4, twelve accumulators.</summary>
        private const int ChannelLanePositions = 3;

        /// <summary>What the scalar loops read: x itself where the forward is direct, else the padded input.</summary>
        private string Source => G.Direct ? "x" : "padded";

        private string StagingShape => $"x transposed [{G.H * G.W}][{G.C}]";

        /// <summary>The direct forward's dispatch: no copy; the backward copies x into the padded input for its loops.</summary>
        private void DirectDispatch(string z, bool vector512, bool vector256)
        {
            W.Line("// 1x1, stride 1, no padding: the output's layout is the wide rows', so x is read and the output written directly.");
            string staging = G.Staging ? "staging, " : "";
            Dispatch("Forward", $"x, parameters, {staging}{z}", $"x, parameters, {z}", vector512, vector256);
        }

        /// <summary>The channel-lane kernel at a width: the transpose, then KB x PQ dot products over C at a time.</summary>
        private void ChannelLaneMethod(int lanes)
        {
            string v = N.Vector(lanes);
            int hw = G.H * G.W, pq = System.Math.Min(ChannelLanePositions, hw), kb = G.KB;
            bool tail = G.C % lanes != 0;
            W.Line($"/// <summary>{Layer.Name} forward on Vector{lanes * 32}, across the channels: x transposed to [HW][C], then dot products over C.</summary>");
            SpatialNames.Signature(W, Context, Name($"ForwardVector{lanes * 32}"), VariantParameters(wide: true));
            Constants(backward: false);
            W.Line($"const int HW = H * W, CV = C / {lanes} * {lanes}; // CV: the channels in whole vectors" + (tail ? "; the rest one by one" : ""));
            W.Line("// Transpose x [C][HW] into the staging buffer [HW][C].");
            W.Open("for (int c = 0; c < C; c++)");
            W.Open("for (int p = 0; p < HW; p++)");
            W.Line("staging[p * C + c] = x[c * HW + p];");
            W.Close().Close();
            W.Line($"ref float sr = ref {N.MemoryMarshal}.GetArrayDataReference(staging);");
            W.Line($"ref float wr = ref {N.MemoryMarshal}.GetArrayDataReference(parameters);");
            W.Line($"// {kb} filters by {pq} positions: {kb * pq} accumulators of {lanes} channels, each weight vector feeding {pq} and each input vector {kb}.");
            W.Open($"for (int k = 0; k < K; k += {kb})");
            for (int j = 0; j < kb; j++) W.Line($"ref float w{j} = ref {U}.Add(ref wr, WeightOffset + (k + {j}) * C);");
            W.Open($"for (int p0 = 0; p0 < HW; p0 += {pq})");
            W.Line($"int p = {N.Math}.Min(p0, HW - {pq}); // the last block overlaps the one before");
            for (int q = 0; q < pq; q++) W.Line($"ref float x{q} = ref {U}.Add(ref sr, (p + {q}) * C);");
            for (int j = 0; j < kb; j++)
            {
                W.Line($"{v}<float> {string.Join(", ", Enumerable.Range(0, pq).Select(q => $"a{j}{q} = {v}<float>.Zero"))};");
            }
            W.Open($"for (int c = 0; c < CV; c += {lanes})");
            for (int q = 0; q < pq; q++) W.Line($"var v{q} = {v}.LoadUnsafe(ref x{q}, (nuint)c);");
            for (int j = 0; j < kb; j++)
            {
                W.Line($"var wk{j} = {v}.LoadUnsafe(ref w{j}, (nuint)c);");
                for (int q = 0; q < pq; q++) W.Line($"a{j}{q} = {v}.MultiplyAddEstimate(v{q}, wk{j}, a{j}{q});");
            }
            W.Close();
            for (int j = 0; j < kb; j++)
            {
                string bias = G.Bias ? $"{U}.Add(ref wr, BiasOffset + k + {j}) + " : "";
                for (int q = 0; q < pq; q++) W.Line($"float s{j}{q} = {bias}{v}.Sum(a{j}{q});");
            }
            if (tail)
            {
                W.Open("for (int c = CV; c < C; c++)");
                for (int j = 0; j < kb; j++)
                {
                    for (int q = 0; q < pq; q++) W.Line($"s{j}{q} += {U}.Add(ref w{j}, c) * {U}.Add(ref x{q}, c);");
                }
                W.Close();
            }
            for (int j = 0; j < kb; j++)
            {
                for (int q = 0; q < pq; q++) W.Line($"{Z}[(k + {j}) * HW + p + {q}] = s{j}{q};");
            }
            W.Close().Close();
            W.Close();
        }
    }
}
