using System.Text;

namespace StaticNets.Generator.Emit;

/// <summary>Writes indented C# text. Lines are added whole; braces open and close a level.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    /// <summary>Writes a line at the current indentation; text with line breaks is written as several lines.</summary>
    public SourceWriter Line(string line = "")
    {
        foreach (var part in line.Split('\n'))
        {
            if (part.Length > 0) _text.Append(' ', _indent * 4).Append(part);
            _text.Append('\n');
        }
        return this;
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
