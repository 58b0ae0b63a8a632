namespace StaticNets.Generator.Emit;

/// <summary>
/// The Runtime types generated code calls, written once: renaming the namespace of the internals is a change here.
/// The layer bodies import <see cref="Internals"/> and name its types bare; the partial class names them in full.
/// </summary>
internal static class RuntimeNames
{
    /// <summary>The namespace of the kernels only generated code calls (Activations, DenseKernels, Guard, Rows, Simd...).</summary>
    public const string Internals = "StaticNets.__Internals";

    /// <summary>A kernel type named in full, for the partial class: <c>global::StaticNets.__Internals.Guard</c>.</summary>
    public static string Kernel(string type) => "global::" + Internals + "." + type;

    /// <summary>The training entry points (Train, Evaluate).</summary>
    public const string Trainer = "global::" + Internals + ".Trainer";

    /// <summary>Save and Load.</summary>
    public const string WeightFile = "global::" + Internals + ".WeightFile";

    /// <summary>ExportOnnx.</summary>
    public const string OnnxExporter = "global::" + Internals + ".OnnxExporter";

    /// <summary>The namespace of the file-local classes that hold the layer bodies.</summary>
    public const string LayersNamespace = "StaticNets.Generated";

    /// <summary>The <c>using</c> directives of the layer bodies' namespace, so that the bodies name types bare.</summary>
    public static readonly string[] LayerUsings =
    {
        "System",
        "System.Numerics.Tensors",
        "System.Runtime.CompilerServices",
        "System.Runtime.InteropServices",
        "System.Runtime.Intrinsics",
        Internals,
    };
}
