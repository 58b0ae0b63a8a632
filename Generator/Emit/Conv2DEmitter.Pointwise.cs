using System.Collections.Generic;
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

        /// <summary>Planes of at most this many positions take all of them per block on Vector512 (two filters: 18 accumulators).</summary>
        private const int WholePlanePositions = 9;

        /// <summary>What the scalar loops read: x itself where the forward is direct, else the padded input.</summary>
        private string Source => G.ReadsX ? "x" : "padded";

        /// <summary>The wide buffer: the wide rows, or where the direct forward computes whole vectors, rows of each filter's plane rounded up to them.</summary>
        private string WideShape => G.Direct ? $"rows [{G.K}][LR] of the planes rounded up to whole vectors" : $"wide rows [{G.K}][{G.L}]";

        private string StagingShape => $"x transposed [{G.H * G.W}][{G.C}]";

        private string PhasesShape => $"the padded input's phases [{G.C}][{G.Phases}][{G.HPh}][{G.WPh}]";

        /// <summary>The direct forward's dispatch: no copy; the backward copies x into the padded input for its loops.</summary>
        private void DirectDispatch(string z, bool vector512, bool vector256)
        {
            W.Line("// 1x1, stride 1, no padding: the output's layout is the wide rows', so x is read and the output written directly.");
            string staging = G.Staging ? "staging, " : "";
            ForwardDispatch($"x, parameters, {staging}{z}", $"x, parameters, {z}", vector512, vector256);
        }

        /// <summary>
        /// The dispatch where a variant computes whole vectors past the planes: x copied into the padded input (the same
        /// layout, with slack after it) in one piece.
        /// </summary>
        private void CopiedDispatch(string z, bool vector512, bool vector256)
        {
            W.Line("// 1x1, stride 1, no padding: the padded input is x itself, copied in one piece (a vector path reads past its planes).");
            W.Line("x.Slice(0, C * H * W).CopyTo(padded);");
            string buffers = (G.WideBuffer ? "wide, " : "") + (G.Staging ? "staging, " : "");
            ForwardDispatch($"padded, parameters, {buffers}{z}", $"padded, parameters, {z}", vector512, vector256);
        }

        /// <summary>
        /// Each filter's plane in one block of whole vectors, KB filters at a time: the last vector runs past the plane
        /// (reading the next channel, or the padded copy's slack after the last), into rows of <c>LR</c> in the wide
        /// buffer, whose first <c>HW</c> floats are then copied out.
        /// </summary>
        private void WholeVectorMethod(int lanes)
        {
            string v = N.Vector(lanes);
            int hw = G.H * G.W, rv = (hw + lanes - 1) / lanes, kb = G.KB;
            // The last vector narrower where the plane leaves at most a quarter or half of it: 36 positions are two
            // Vector512 and a Vector128 (5 multiply-adds of 256 bits where 3 Vector512 take 6).
            int tail = TailLanes(hw, lanes);
            string Vec(int q) => tail > 0 && q == rv - 1 ? N.Vector(tail) : v;
            string Lower(int q) => Vec(q) == v ? "" : string.Concat(Enumerable.Repeat(".GetLower()", tail == lanes / 2 ? 1 : 2));
            W.Line($"/// <summary>{Layer.Name} forward on Vector{lanes * 32}: each filter's plane in {rv} whole vectors, then copied out of the wide rows.</summary>");
            SpatialNames.Signature(W, Context, VariantName(lanes), WithStatistics(VariantParameters(wide: true)));
            Constants(backward: false);
            StackScaleShift();
            HandoffRefs();
            W.Line($"const int HW = H * W, LR = {rv * lanes}; // LR: a filter's row in the wide buffer, the plane rounded up to whole vectors");
            W.Line($"ref float xr = ref {N.MemoryMarshal}.GetArrayDataReference(padded);");
            W.Line($"ref float wr = ref {N.MemoryMarshal}.GetArrayDataReference(parameters);");
            W.Line($"ref float zr = ref {N.MemoryMarshal}.GetArrayDataReference(wide);");
            W.Line(tail > 0
                ? $"// {kb} filters by {rv} vectors of positions ({rv - 1} of {lanes}, the last of {tail}): each input vector loaded once feeds {kb} accumulators, each weight {rv}."
                : $"// {kb} filters by {rv} vectors of {lanes} positions: each input vector loaded once feeds {kb} accumulators, each weight {rv}.");
            W.Open($"for (int k = 0; k < K; k += {kb})");
            for (int j = 0; j < kb; j++) W.Line($"ref float w{j} = ref {U}.Add(ref wr, WeightOffset + (k + {j}) * C);");
            FilterScaleShift(kb);
            for (int j = 0; j < kb; j++)
            {
                if (tail == 0)
                {
                    W.Line(G.Bias ? $"var b{j} = {v}.Create({U}.Add(ref wr, BiasOffset + k + {j}));" : $"var b{j} = {v}<float>.Zero;");
                    W.Line($"{v}<float> {string.Join(", ", Enumerable.Range(0, rv).Select(q => $"a{j}{q} = b{j}"))};");
                    continue;
                }
                string bias = G.Bias ? $"{U}.Add(ref wr, BiasOffset + k + {j})" : "0f";
                for (int q = 0; q < rv; q++) W.Line($"var a{j}{q} = {Vec(q)}.Create({bias});");
            }
            W.Open("for (int c = 0; c < C; c++)");
            W.Line($"ref float xc = ref {U}.Add(ref xr, c * HW);");
            for (int q = 0; q < rv; q++) W.Line($"var x{q} = {Vec(q)}.LoadUnsafe(ref xc{(q == 0 ? "" : ", " + I(lanes * q))});");
            for (int j = 0; j < kb; j++)
            {
                W.Line($"var wk{j} = {v}.Create({U}.Add(ref w{j}, c));");
                for (int q = 0; q < rv; q++) W.Line($"a{j}{q} = {Vec(q)}.MultiplyAddEstimate(x{q}, wk{j}{Lower(q)}, a{j}{q});");
            }
            W.Close();
            if (HandoffVariant)
            {
                for (int q = 0; q < rv; q++)
                {
                    for (int j = 0; j < kb; j++) StoreActivation(Vec(q), $"a{j}{q}", j);
                    HandoffStore(q, I(lanes * q));
                }
                W.Close();
                W.Close();
                return;
            }
            for (int j = 0; j < kb; j++)
            {
                for (int q = 0; q < rv; q++)
                {
                    StoreActivation(Vec(q), $"a{j}{q}", j);
                    W.Line($"{Vec(q)}.StoreUnsafe(a{j}{q}, ref zr, (nuint)((k + {j}) * LR + {lanes * q}));");
                }
            }
            W.Close();
            W.Line("// Copy each filter's plane out of its row.");
            W.Line($"{N.Rows}.Copy(new {N.ReadOnlySpan}(wide, 0, K * LR), LR, {Z}.Slice(0, K * HW), HW, K, HW);");
            W.Close();
        }

        /// <summary>
        /// The lanes of the narrower last vector of a plane of <paramref name="hw"/> positions at a width, or 0 where the
        /// plane takes whole vectors or leaves more than half of the last one.
        /// </summary>
        internal static int TailLanes(int hw, int lanes)
        {
            int rest = hw % lanes;
            if (rest == 0) return 0;
            for (int tail = 4; tail <= lanes / 2; tail *= 2)
            {
                if (rest <= tail) return tail;
            }
            return 0;
        }

        /// <summary>The channel-lane kernel at a width: the transpose, then KB x PQ dot products over C at a time.</summary>
        private void ChannelLaneMethod(int lanes)
        {
            string v = N.Vector(lanes);
            int hw = G.H * G.W, pq = System.Math.Min(ChannelLanePositions, hw), kb = G.KB;
            if (lanes == 16 && hw <= WholePlanePositions && G.K % 2 == 0)
            {
                // The whole plane at once, two filters at a time: each weight vector is loaded once per call, not once per
                // block of positions (a 3x3 plane of 256 filters over 256 channels: 256 KB of weights, read from L2).
                pq = hw;
                kb = 2;
            }
            bool tail = G.C % lanes != 0;
            W.Line($"/// <summary>{Layer.Name} forward on Vector{lanes * 32}, across the channels: x transposed to [HW][C], then dot products over C.</summary>");
            SpatialNames.Signature(W, Context, VariantName(lanes), WithStatistics(VariantParameters(wide: true)));
            Constants(backward: false);
            StackScaleShift();
            HandoffRefs();
            W.Line($"const int HW = H * W, CV = C / {lanes} * {lanes}; // CV: the channels in whole vectors" + (tail ? "; the rest one by one" : ""));
            W.Line("// Transpose x [C][HW] into the staging buffer [HW][C].");
            W.Line($"Transpose.Matrix({(G.ReadsX ? "x" : $"new {N.ReadOnlySpan}(padded)")}.Slice(0, C * HW), HW, C, HW, staging, C);");
            W.Line($"ref float sr = ref {N.MemoryMarshal}.GetArrayDataReference(staging);");
            W.Line($"ref float wr = ref {N.MemoryMarshal}.GetArrayDataReference(parameters);");
            W.Line($"// {kb} filters by {pq} positions: {kb * pq} accumulators of {lanes} channels, each weight vector feeding {pq} and each input vector {kb}.");
            if (WholePlaneVector(lanes, pq, kb, tail))
            {
                W.Line($"var upper = LaneSums.From({pq}); // the lanes of filter k + 1's sums");
                if (HandoffVariant)
                {
                    W.Line($"{N.Span} sixteenSums = stackalloc float[16];");
                    W.Line($"ref float sixteen = ref {N.MemoryMarshal}.GetReference(sixteenSums);");
                }
            }
            W.Open($"for (int k = 0; k < K; k += {kb})");
            for (int j = 0; j < kb; j++) W.Line($"ref float w{j} = ref {U}.Add(ref wr, WeightOffset + (k + {j}) * C);");
            FilterScaleShift(kb);
            W.Open($"for (int p0 = 0; p0 < HW; p0 += {pq})");
            W.Line($"int p = {N.Math}.Min(p0, HW - {pq}); // the last block overlaps the one before");
            W.Line($"ref float xp = ref {U}.Add(ref sr, p * C); // position p + q's channels at q * C");
            for (int j = 0; j < kb; j++)
            {
                // At most three accumulators a line (a whole plane of 9 positions takes three lines a filter).
                for (int q0 = 0; q0 < pq; q0 += 3)
                {
                    W.Line($"{v}<float> {string.Join(", ", Enumerable.Range(q0, System.Math.Min(3, pq - q0)).Select(q => $"a{j}{q} = {v}<float>.Zero"))};");
                }
            }
            W.Line($"// The {kb} weight vectors, then each position's input vector loaded once for its {kb} accumulators: {kb * pq + kb + 1} registers.");
            W.Open($"for (int c = 0; c < CV; c += {lanes})");
            for (int j = 0; j < kb; j++) W.Line($"var wk{j} = {v}.LoadUnsafe(ref w{j}, (nuint)c);");
            for (int q = 0; q < pq; q++)
            {
                W.Line($"{(q == 0 ? "var " : "")}xq = {v}.LoadUnsafe(ref {(q == 0 ? "xp" : $"{U}.Add(ref xp, {I(q * G.C)})")}, (nuint)c);");
                for (int j = 0; j < kb; j++) W.Line($"a{j}{q} = {v}.MultiplyAddEstimate(xq, wk{j}, a{j}{q});");
            }
            W.Close();
            var sums = Enumerable.Range(0, kb).SelectMany(j => Enumerable.Range(0, pq).Select(q => (J: j, Q: q))).ToList();
            string Bias(int j) => G.Bias ? $"{U}.Add(ref wr, BiasOffset + k + {j}) + " : "";
            if (WholePlaneVector(lanes, pq, kb, tail))
            {
                WholePlaneStore(v, pq, sums.Take(16).Select(a => $"a{a.J}{a.Q}"));
                sums = sums.Skip(16).ToList();
            }
            // The sums of the lanes four accumulators at a time (LaneSums.Sum4), the rest one by one.
            int grouped = sums.Count / 4 * 4;
            for (int i = 0; i < grouped; i += 4)
            {
                W.Line($"var t{i / 4} = LaneSums.Sum4({string.Join(", ", sums.Skip(i).Take(4).Select(a => $"a{a.J}{a.Q}"))});");
                for (int e = 0; e < 4; e++) W.Line($"float s{sums[i + e].J}{sums[i + e].Q} = {Bias(sums[i + e].J)}t{i / 4}.GetElement({e});");
            }
            foreach (var (j, q) in sums.Skip(grouped)) W.Line($"float s{j}{q} = {Bias(j)}{v}.Sum(a{j}{q});");
            if (tail)
            {
                W.Open("for (int c = CV; c < C; c++)");
                for (int j = 0; j < kb; j++)
                {
                    for (int q = 0; q < pq; q++) W.Line($"s{j}{q} += {U}.Add(ref w{j}, c) * {U}.Add(ref xp, {I(q * G.C)} + c);");
                }
                W.Close();
            }
            foreach (var (j, q) in sums)
            {
                ScalarStoreActivation($"s{j}{q}", j);
                W.Line(HandoffVariant
                    ? $"{U}.Add(ref nr, {U}.Add(ref nor, p + {q}) + k + {j}) = s{j}{q};"
                    : $"{Z}[(k + {j}) * HW + p + {q}] = s{j}{q};");
            }
            W.Close().Close();
            W.Close();
        }

        /// <summary>
        /// Whether a whole plane's first sixteen sums are reduced together and stored as one vector: two filters over
        /// a plane of 8 or 9 positions (its outputs <c>k * HW</c> on are contiguous), on Vector512, the channels in whole
        /// vectors. An output handed to a depthwise's staging is stored from the vector one value at a time.
        /// </summary>
        private bool WholePlaneVector(int lanes, int pq, int kb, bool tail) => lanes == 16 && kb == 2 && pq == G.H * G.W && pq >= 8 && !tail;

        /// <summary>
        /// The sixteen sums of <paramref name="accumulators"/> at once (<c>LaneSums.Sum16</c>, the bits of <c>Sum4</c>'s),
        /// filter k + 1's from lane <paramref name="pq"/> on (<c>upper</c>); the bias, a chain's epilogue per lane (the
        /// scalar stores' operations); one store at <c>k * HW</c>.
        /// </summary>
        private void WholePlaneStore(string v, int pq, IEnumerable<string> accumulators)
        {
            string Pick(string name) => $"{v}.ConditionalSelect(upper, {v}.Create({name}1), {v}.Create({name}0))";
            W.Line($"// The first 16 sums at once, outputs k * HW to k * HW + 15: filter k's in lanes 0 to {pq - 1}, filter k + 1's from lane {pq}.");
            W.Line($"var r = LaneSums.Sum16({string.Join(", ", accumulators)});");
            if (G.Bias)
            {
                W.Line($"float bias0 = {U}.Add(ref wr, BiasOffset + k), bias1 = {U}.Add(ref wr, BiasOffset + k + 1);");
                W.Line($"r = {Pick("bias")} + r;");
            }
            if (chainVariant)
            {
                W.Line($"var scales = {Pick("scale")};");
                W.Line($"var shifts = {Pick("shift")};");
                W.Line("r = r * scales + shifts; // two roundings, as the epilogue's");
                PerLaneActivation(v, "r");
            }
            if (!HandoffVariant)
            {
                W.Line($"{v}.StoreUnsafe(r, ref {N.MemoryMarshal}.GetReference({Z}), (nuint)(k * HW));");
                return;
            }
            W.Line($"{v}.StoreUnsafe(r, ref sixteen); // then each to its place in the staging");
            for (int i = 0; i < 16; i++)
            {
                W.Line($"{U}.Add(ref nr, {U}.Add(ref nor, p + {i % pq}) + k + {i / pq}) = {U}.Add(ref sixteen, {i});");
            }
        }
    }
}
