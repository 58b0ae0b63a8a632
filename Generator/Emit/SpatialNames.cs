using System.Collections.Generic;
using System.Linq;

namespace StaticNets.Generator.Emit;

/// <summary>
/// The type names the convolution and pooling bodies write, in one place. The bodies sit in the file-local layers
/// class, under the usings of <see cref="RuntimeNames.LayerUsings"/>, so the names are short (<c>Unsafe</c>,
/// <c>Vector256</c>, <c>Simd</c>).
/// </summary>
internal sealed class SpatialNames
{
    private static readonly SpatialNames Short = new();

    public static SpatialNames For(LayerContext c) => Short;

    public string Unsafe => "Unsafe";
    public string MemoryMarshal => "MemoryMarshal";
    public string Vector128 => "Vector128";
    public string Vector256 => "Vector256";
    public string Vector512 => "Vector512";
    public string Simd => "Simd";
    public string Rows => "Rows";
    public string Math => "Math";
    public string BitConverter => "BitConverter";
    public string Array => "Array";
    public string TensorPrimitives => "TensorPrimitives";

    /// <summary>The <c>MethodImpl</c> attribute of every layer method, in the same form as the other names.</summary>
    public string Hot => LayerEmitter.Hot;

    /// <summary><c>Span&lt;float&gt;</c>.</summary>
    public string Span => "Span<float>";

    /// <summary><c>ReadOnlySpan&lt;float&gt;</c>.</summary>
    public string ReadOnlySpan => "ReadOnlySpan<float>";

    /// <summary>The vector type of a width in floats: 4, 8 or 16.</summary>
    public string Vector(int lanes) => lanes switch { 4 => Vector128, 8 => Vector256, _ => Vector512 };

    /// <summary>
    /// Writes a static layer method's signature, one parameter a line with its comment, and opens its body. The method
    /// is internal in the file-local layers class: the network's passes call it from outside that class.
    /// </summary>
    public static void Signature(SourceWriter w, LayerContext c, string name, IReadOnlyList<(string Type, string Name, string Comment)> parameters)
    {
        const string access = "internal";
        w.Line(For(c).Hot);
        if (parameters.Count == 0)
        {
            w.Open($"{access} static void {name}()");
            return;
        }
        w.Line($"{access} static void {name}(");
        int width = parameters.Max(p => p.Type.Length + p.Name.Length) + 6;
        for (int i = 0; i < parameters.Count; i++)
        {
            var (type, pname, comment) = parameters[i];
            bool last = i == parameters.Count - 1;
            string text = $"    {type} {pname}{(last ? ")" : ",")}";
            if (comment.Length > 0) text = text.PadRight(width) + " // " + comment;
            if (last) w.Open(text);
            else w.Line(text);
        }
    }

    /// <summary>The argument list of a call: the parameters' names.</summary>
    public static string Arguments(IEnumerable<(string Type, string Name, string Comment)> parameters) => string.Join(", ", parameters.Select(p => p.Name));
}
