using System;
using System.Collections.Generic;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Shapes;

/// <summary>
/// The searches behind the repairs that messages and code fixes offer: paddings, strides and window
/// sizes that make a window's division exact. Each search is bounded, so that absurd arguments
/// (<c>int.MaxValue</c>) cost no time.
/// </summary>
internal static class Repairs
{
    /// <summary>How far repair searches look.</summary>
    public const int SearchLimit = 100_000;

    /// <summary>The largest stride below <paramref name="stride"/> that divides both spans: a divisor of their gcd.</summary>
    public static int? LargestStride(Shape input, int window, int padding, int stride)
    {
        long spanH = (long)input.H - window + 2L * padding, spanW = (long)input.W - window + 2L * padding;
        long g = Gcd(spanH, spanW);
        if (g == 0) return null;
        long best = 0;
        for (long d = 1; d * d <= g; d++)
        {
            if (g % d != 0) continue;
            if (d < stride) best = Math.Max(best, d);
            if (g / d < stride) best = Math.Max(best, g / d);
        }
        return best > 0 ? (int)best : null;
    }

    /// <summary>
    /// Up to <paramref name="count"/> paddings below the kernel, other than <paramref name="exclude"/>, that let the
    /// kernel fit and make the division exact on both sides, nearest <paramref name="target"/> first (ties: the smaller).
    /// </summary>
    public static List<Repair> NearestPaddings(Shape input, int kernel, int stride, long target, long exclude, int count)
    {
        var found = new List<Repair>();
        bool Fits(long p) => p >= 0 && p < kernel && p != exclude && input.H + 2 * p >= kernel && input.W + 2 * p >= kernel
            && ((long)input.H - kernel + 2 * p) % stride == 0 && ((long)input.W - kernel + 2 * p) % stride == 0;
        for (long d = 0; d <= SearchLimit && found.Count < count; d++)
        {
            if (target - d < 0 && target + d >= kernel) break;
            if (Fits(target - d)) found.Add(new Repair("Padding", (int)(target - d)));
            if (d > 0 && found.Count < count && Fits(target + d)) found.Add(new Repair("Padding", (int)(target + d)));
        }
        return found;
    }

    /// <summary>Up to two windows within 4 of <paramref name="window"/>, nearest first, that fit and divide exactly; ascending.</summary>
    public static List<int> NearbyWindows(Shape input, int window, int padding, int stride)
    {
        var result = new List<int>();
        for (long d = 1; d <= 4 && result.Count < 2; d++)
        {
            foreach (long k in new[] { window - d, window + d })
            {
                if (result.Count == 2 || k < 1 || k > input.H + 2L * padding || k > input.W + 2L * padding) continue;
                if (((long)input.H - k + 2L * padding) % stride == 0 && ((long)input.W - k + 2L * padding) % stride == 0) result.Add((int)k);
            }
        }
        result.Sort();
        return result;
    }

    private static long Gcd(long a, long b)
    {
        a = Math.Abs(a); b = Math.Abs(b);
        while (b != 0) { long t = a % b; a = b; b = t; }
        return a;
    }
}
