using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Shapes;

/// <summary>How diagnostic messages write numbers, lists and repairs, the same in every message.</summary>
internal static class Messages
{
    public static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>An integer with thousands separators, <c>1,073,741,824</c>, at any size.</summary>
    public static string Num(BigInteger n)
    {
        string digits = BigInteger.Abs(n).ToString(Inv);
        var sb = new System.Text.StringBuilder(digits.Length + digits.Length / 3 + 1);
        if (n.Sign < 0) sb.Append('-');
        for (int i = 0; i < digits.Length; i++)
        {
            if (i > 0 && (digits.Length - i) % 3 == 0) sb.Append(',');
            sb.Append(digits[i]);
        }
        return sb.ToString();
    }

    /// <summary>A double as it round-trips: <c>0.5</c>, <c>1E+300</c>.</summary>
    public static string Format(double value) => value.ToString("R", Inv);

    /// <summary><c>1 column</c>, <c>2 columns</c>.</summary>
    public static string Count(long n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    /// <summary><c>conv1, pool1 and conv2</c>.</summary>
    public static string Join(List<string> items, string conjunction) => items.Count <= 1
        ? string.Join("", items)
        : $"{string.Join(", ", items.Take(items.Count - 1))} {conjunction} {items[items.Count - 1]}";

    /// <summary><c>1st</c>, <c>2nd</c>, <c>11th</c>.</summary>
    public static string Ordinal(int n) => (n % 100) switch
    {
        11 or 12 or 13 => $"{n}th",
        _ => (n % 10) switch { 1 => $"{n}st", 2 => $"{n}nd", 3 => $"{n}rd", _ => $"{n}th" },
    };

    /// <summary><c>Use Padding = 1 or 3.</c>, <c>Use Stride = 1, or Kernel = 4 or 6.</c></summary>
    public static string RepairText(List<Repair> repairs)
    {
        if (repairs.Count == 0) return "Change the window or the stride.";
        var groups = repairs.GroupBy(r => r.Argument).Select(g => $"{g.Key} = {string.Join(" or ", g.Select(r => r.ValueText))}");
        return $"Use {string.Join(", or ", groups)}.";
    }
}
