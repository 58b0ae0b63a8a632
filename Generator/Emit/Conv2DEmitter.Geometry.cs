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
            // A padded plane, rounded up so that whole input-gradient blocks of either width fit.
            int step = Lcm(Lanes * QB(Lanes), 2 * Lanes * QB(2 * Lanes));
            QV = (HP * WP + step - 1) / step * step;
            G = (Fk - 1) * WP + (Fk - 1);
            DS = G + QV;
            KW = Fk <= 5 && K % 2 == 0 ? 2 : 1;
        }

        /// <summary>Floats in a Vector256; the Vector512 path takes twice as many.</summary>
        public const int Lanes = 8;

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
        public int QB(int lanes) => System.Math.Max(1, System.Math.Min(Vectors(CB), (HP * WP + lanes - 1) / lanes));

        private static int Lcm(int a, int b)
        {
            int x = a, y = b;
            while (y != 0) (x, y) = (y, x % y);
            return a / x * b;
        }

        /// <summary>Filters (or channels) computed together: the largest of 4, 3, 2, 1 that divides the count.</summary>
        private static int Block(int n) => n % 4 == 0 ? 4 : n % 3 == 0 ? 3 : n % 2 == 0 ? 2 : 1;

        /// <summary>Vectors of positions per block, so that about 8 accumulators stay in registers.</summary>
        private static int Vectors(int block) => block == 4 ? 2 : block == 3 ? 3 : 4;

        public int C, H, W, K, Fk, P, S, HP, WP, HO, WO, L, LV, QV, G, DS;

        /// <summary>Forward: KB filters by PB vectors of positions. Input gradient: CB channels by QB vectors. Weight gradient: KW filters.</summary>
        public int KB, CB, KW;

        public bool Wide => S == 1;

        /// <summary>
        /// Whether the vector paths compute the weight gradient with the filters across the lanes (a whole number
        /// of Vector256s of filters, a window unrolled): the output gradient is transposed to <c>[position][filter]</c>
        /// first, and no horizontal sum is needed.
        /// </summary>
        public bool FilterLanes => Wide && Fk <= 7 && K % Lanes == 0;
    }
}
