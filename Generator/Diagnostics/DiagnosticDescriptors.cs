using Microsoft.CodeAnalysis;

namespace StaticNets.Generator.Diagnostics;

/// <summary>
/// The catalogue of every StaticNets diagnostic. Ids are stable: SN1xxx usage, SN2xxx shape,
/// SN3xxx design advice. Each message is a single format argument: the complete sentence built
/// by shape inference (layer, shapes, arithmetic, repair), so that the analyzer and the tests see
/// the same text.
/// </summary>
public static class DiagnosticDescriptors
{
    private const string Usage = "StaticNets.Usage";
    private const string Shape = "StaticNets.Shape";
    private const string Design = "StaticNets.Design";

    /// <summary>Where each id is explained: <c>docs/diagnostics.md#sn1001</c> and so on.</summary>
    public const string HelpBase = "docs/diagnostics.md#";

    public static readonly DiagnosticDescriptor NotPartial = Create("SN1001", "Network class must be partial and not generic", Usage, DiagnosticSeverity.Error);
    public static readonly DiagnosticDescriptor InputMisplaced = Create("SN1002", "[Input] missing, repeated or not first", Usage, DiagnosticSeverity.Error);
    public static readonly DiagnosticDescriptor InvalidArgument = Create("SN1003", "Invalid layer argument", Usage, DiagnosticSeverity.Error);
    public static readonly DiagnosticDescriptor SplitDeclaration = Create("SN1004", "Layer attributes on more than one partial declaration", Usage, DiagnosticSeverity.Error);
    public static readonly DiagnosticDescriptor ConvStride = Create("SN2001", "Convolution drops input rows or columns", Shape, DiagnosticSeverity.Error);
    public static readonly DiagnosticDescriptor PoolTiling = Create("SN2002", "Pooling window and stride do not tile the input", Shape, DiagnosticSeverity.Error);
    public static readonly DiagnosticDescriptor WindowTooLarge = Create("SN2003", "Window larger than the input", Shape, DiagnosticSeverity.Error);
    public static readonly DiagnosticDescriptor SpatialAfterFlat = Create("SN2004", "Spatial layer after the shape became flat", Shape, DiagnosticSeverity.Error);
    public static readonly DiagnosticDescriptor DenseWithoutFlatten = Create("SN2005", "[Dense] on a spatial shape without [Flatten]", Shape, DiagnosticSeverity.Error);
    public static readonly DiagnosticDescriptor TooLarge = Create("SN2006", "A size overflows or a buffer exceeds the limit", Shape, DiagnosticSeverity.Error);
    public static readonly DiagnosticDescriptor SoftmaxNotLast = Create("SN3001", "Softmax before the last layer", Design, DiagnosticSeverity.Warning);
    public static readonly DiagnosticDescriptor VanishingGradient = Create("SN3002", "Saturating activations through a deep stack", Design, DiagnosticSeverity.Warning);
    public static readonly DiagnosticDescriptor PaddingTooLarge = Create("SN3003", "Padding not smaller than the kernel", Design, DiagnosticSeverity.Warning);

    /// <summary>Every descriptor, for <c>SupportedDiagnostics</c>.</summary>
    public static readonly DiagnosticDescriptor[] All =
    {
        NotPartial, InputMisplaced, InvalidArgument, SplitDeclaration,
        ConvStride, PoolTiling, WindowTooLarge, SpatialAfterFlat, DenseWithoutFlatten, TooLarge,
        SoftmaxNotLast, VanishingGradient, PaddingTooLarge,
    };

    /// <summary>The descriptor of an id, or null.</summary>
    public static DiagnosticDescriptor? ById(string id)
    {
        foreach (var d in All)
        {
            if (d.Id == id) return d;
        }
        return null;
    }

    private static DiagnosticDescriptor Create(string id, string title, string category, DiagnosticSeverity severity) =>
        new(id, title, "{0}", category, severity, isEnabledByDefault: true,
            helpLinkUri: HelpBase + id.ToLowerInvariant());
}
