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
    /// <summary>The namespace of the runtime's kernels (<c>Simd</c>, <c>Rows</c>, <c>Activations</c>), among the layers class's usings.</summary>
    public const string Internals = RuntimeNames.Internals;

    private static readonly SpatialNames Short = new();

    private SpatialNames()
    {
        // The namespace says where each type comes from; the usings of the layers class import them all.
        static string Name(string ns, string type) => type;
        Unsafe = Name("System.Runtime.CompilerServices", "Unsafe");
        MemoryMarshal = Name("System.Runtime.InteropServices", "MemoryMarshal");
        Vector128 = Name("System.Runtime.Intrinsics", "Vector128");
        Vector256 = Name("System.Runtime.Intrinsics", "Vector256");
        Vector512 = Name("System.Runtime.Intrinsics", "Vector512");
        Simd = Name(Internals, "Simd");
        Rows = Name(Internals, "Rows");
        Math = Name("System", "Math");
        BitConverter = Name("System", "BitConverter");
        Array = Name("System", "Array");
        TensorPrimitives = Name("System.Numerics.Tensors", "TensorPrimitives");
        Hot = LayerEmitter.Hot;
        Span = Name("System", "Span") + "<float>";
        ReadOnlySpan = Name("System", "ReadOnlySpan") + "<float>";
    }

    public static SpatialNames For(LayerContext c) => Short;


    public string Unsafe { get; }
    public string MemoryMarshal { get; }
    public string Vector128 { get; }
    public string Vector256 { get; }
    public string Vector512 { get; }
    public string Simd { get; }
    public string Rows { get; }
    public string Math { get; }
    public string BitConverter { get; }
    public string Array { get; }
    public string TensorPrimitives { get; }

    /// <summary>The <c>MethodImpl</c> attribute of every layer method, in the same form as the other names.</summary>
    public string Hot { get; }

    /// <summary><c>Span&lt;float&gt;</c>.</summary>
    public string Span { get; }

    /// <summary><c>ReadOnlySpan&lt;float&gt;</c>.</summary>
    public string ReadOnlySpan { get; }

    /// <summary>The vector type of a width in floats: 4, 8 or 16.</summary>
    public string Vector(int lanes) => lanes switch { 4 => Vector128, 8 => Vector256, _ => Vector512 };

    /// <summary>The call of a layer method: qualified by the layers class where the bodies sit there.</summary>
    public static string Member(LayerContext c, string name) => c.LayersClass.Length > 0 ? c.LayersClass + "." + name : name;

    /// <summary>
    /// Writes a static layer method's signature, one parameter a line with its comment, and opens its body. The method
    /// is internal in the file-local layers class (the network's passes call it from outside that class), else private.
    /// </summary>
    public static void Signature(SourceWriter w, LayerContext c, string name, IReadOnlyList<(string Type, string Name, string Comment)> parameters)
    {
        string access = c.LayersClass.Length > 0 ? "internal" : "private";
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
