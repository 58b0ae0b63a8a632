using System.Globalization;
using System.Text;

namespace StaticNets.Generator.Emit;

/// <summary>Numbers and strings as the generated code writes them.</summary>
internal static class Text
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>A count with thousands separators: <c>61,706</c>.</summary>
    public static string Num(long n) => n.ToString("N0", Inv);

    /// <summary>A float literal that reads back to the same float: <c>0.25f</c>, <c>1.0f</c>.</summary>
    public static string Float(double value)
    {
        string s = ((float)value).ToString("R", Inv);
        if (s.IndexOf('.') < 0 && s.IndexOf('E') < 0) s += ".0";
        return s + "f";
    }

    public static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>A C# string literal.</summary>
    public static string Literal(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (char ch in text)
        {
            sb.Append(ch switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => ch.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }

    /// <summary>A C# string literal over several lines (<c>"line\n" +</c>), so that no line of code is long.</summary>
    public static void MultilineLiteral(SourceWriter w, string prefix, string text, string suffix)
    {
        var lines = text.Split('\n');
        if (lines.Length == 1)
        {
            w.Line(prefix + Literal(text) + suffix);
            return;
        }
        w.Line(prefix.TrimEnd());
        w.Indent();
        for (int i = 0; i < lines.Length; i++)
        {
            bool last = i == lines.Length - 1;
            w.Line(Literal(last ? lines[i] : lines[i] + "\n") + (last ? suffix : " +"));
        }
        w.Unindent();
    }
}
