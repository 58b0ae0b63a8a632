using StaticNets.Generator.Layers;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

internal sealed partial class Conv2DEmitter
{
    /// <summary>
    /// The sizes and block shapes of one convolution: its dimensions (named as in the generated constants), the
    /// wide-row lengths, and how many filters, channels and vectors each vector loop takes at once.
    /// </summary>
    private sealed class Geometry
    {
        public Geometry(LayerShape l)
        {
            C = l.In.C; H = l.In.H; W = l.In.W; K = l.Units; Fk = l.Kernel; P = l.Padding; S = l.Stride;
            HP = H + 2 * P; WP = W + 2 * P; HO = l.Out.H; WO = l.Out.W;
            L = (HO - 1) * WP + WO;
            LV = (L + 15) / 16 * 16;
            KB = Block(K);
            CB = Block(C);
            QV = (int)Conv2DBuffers.RoundedPlane(C, HP * WP);
            G = (Fk - 1) * WP + (Fk - 1);
            DS = G + QV;
            KW = Fk <= 5 && K % 2 == 0 ? 2 : 1;
        }

        /// <summary>Floats in a Vector256; the Vector512 path takes twice as many.</summary>
        public const int Lanes = Conv2DBuffers.Lanes;

        /// <summary>
        /// Vectors of positions per forward block at a width: from the usual count (about 8 accumulators) up to 12
        /// accumulators, the count that computes the fewest vectors in all, since the last block of a filter's
        /// wide row overlaps the one before (LeNet-5's conv2: 3 vectors of 16 cover its 136 positions in 144,
        /// 2 vectors in 160).
        /// </summary>
        public int PB(int lanes)
        {
            int best = System.Math.Max(1, System.Math.Min(Vectors(KB), L / lanes));
            int most = System.Math.Min(12 / KB, L / lanes);
            for (int v = best + 1; v <= most; v++)
            {
                if (Work(v, lanes) < Work(best, lanes)) best = v;
            }
            return best;
        }

        private int Work(int vectors, int lanes) => (L + lanes * vectors - 1) / (lanes * vectors) * vectors;

        /// <summary>Vectors of positions per input-gradient block at a width.</summary>
        public int QB(int lanes) => Conv2DBuffers.InputGradientVectors(C, HP * WP, lanes);

        private static int Block(int n) => Conv2DBuffers.Block(n);

        private static int Vectors(int block) => Conv2DBuffers.Vectors(block);

        public int C, H, W, K, Fk, P, S, HP, WP, HO, WO, L, LV, QV, G, DS;

        /// <summary>Forward: KB filters by PB vectors of positions. Input gradient: CB channels by QB vectors. Weight gradient: KW filters.</summary>
        public int KB, CB, KW;

        public bool Wide => S == 1;

        /// <summary>
        /// Whether the vector paths compute the weight gradient with the filters across the lanes (a whole number
        /// of Vector256s of filters, a window unrolled): the output gradient is transposed to <c>[position][filter]</c>
        /// first, and no horizontal sum is needed.
        /// </summary>
        public bool FilterLanes => Conv2DBuffers.FilterLanes(S, Fk, K);
    }
}
