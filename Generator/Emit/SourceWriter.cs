using System;
using System.Text;

namespace StaticNets.Generator.Emit;

/// <summary>Writes indented C# text. Lines are added whole; braces open and close a level.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    /// <summary>
    /// Writes a line at the current indentation; text with line breaks is written as several lines. A doc comment line
    /// longer than <see cref="Width"/> (a long class name in its text) continues on the next <c>///</c> line, broken at
    /// a space outside any XML tag.
    /// </summary>
    public SourceWriter Line(string line = "")
    {
        foreach (var part in line.Split('\n'))
        {
            string rest = part;
            while (rest.StartsWith("/// ", StringComparison.Ordinal) && _indent * 4 + rest.Length > Width && Break(rest) is int at and > 4)
            {
                _text.Append(' ', _indent * 4).Append(rest, 0, at).Append('\n');
                rest = "/// " + rest.Substring(at + 1);
            }
            if (rest.Length > 0) _text.Append(' ', _indent * 4).Append(rest);
            _text.Append('\n');
        }
        return this;
    }

    /// <summary>The widest line this writer leaves, indentation included, where it can break one.</summary>
    public const int Width = 160;

    /// <summary>The column a line written now starts at.</summary>
    public int Column => _indent * 4;

    /// <summary>The last space outside an XML tag at which <paramref name="comment"/> fits in <see cref="Width"/>, or -1.</summary>
    private int Break(string comment)
    {
        int limit = Width - _indent * 4, found = -1, depth = 0;
        for (int i = 0; i < comment.Length && i <= limit; i++)
        {
            if (comment[i] == '<') depth++;
            else if (comment[i] == '>') depth--;
            else if (comment[i] == ' ' && depth == 0) found = i;
        }
        return found;
    }

    /// <summary>Writes <paramref name="line"/> then <c>{</c>, and indents.</summary>
    public SourceWriter Open(string line)
    {
        Line(line);
        Line("{");
        _indent++;
        return this;
    }

    /// <summary>Unindents and writes <c>}</c> followed by <paramref name="suffix"/>.</summary>
    public SourceWriter Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
        return this;
    }

    /// <summary>
    /// Writes an expression-bodied member, <c>declaration => body;</c>, on one line where it fits in
    /// <paramref name="width"/> characters, else with the body on the next line, one level further in.
    /// </summary>
    public SourceWriter Member(string declaration, string body, int width = Width)
    {
        if (_indent * 4 + declaration.Length + body.Length + 5 <= width) return Line($"{declaration} => {body};");
        Line(declaration + " =>");
        _indent++;
        Line(body + ";");
        _indent--;
        return this;
    }

    /// <summary>Appends text another writer wrote, each of its lines indented to this writer's level.</summary>
    public SourceWriter Raw(string text)
    {
        foreach (var line in text.TrimEnd('\n').Split('\n')) Line(line);
        return this;
    }

    /// <summary>Indents without writing a brace (after a <c>{</c> written by hand).</summary>
    public SourceWriter Indent()
    {
        _indent++;
        return this;
    }

    /// <summary>Unindents without writing a brace.</summary>
    public SourceWriter Unindent()
    {
        _indent--;
        return this;
    }

    public override string ToString() => _text.ToString();
}
