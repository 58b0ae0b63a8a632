using Microsoft.CodeAnalysis;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Diagnostics;

/// <summary>
/// The catalogue of every StaticNets diagnostic. Ids are stable: SN1xxx usage, SN2xxx shape,
/// SN3xxx design advice; each is built from its <see cref="DiagnosticId"/>, which carries its severity.
/// Each message is a single format argument: the complete sentence built
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

    /// <summary>SN1001: the network class is not partial, is generic, static, or nested in a type that is not partial.</summary>
    public static readonly DiagnosticDescriptor NotPartial = Create(DiagnosticIds.SN1001, "Network class must be a non-generic partial class", Usage);

    /// <summary>SN1002: <c>[Input]</c> is missing, repeated or not first.</summary>
    public static readonly DiagnosticDescriptor InputMisplaced = Create(DiagnosticIds.SN1002, "[Input] missing, repeated or not first", Usage);

    /// <summary>SN1003: an argument out of range (filters, units, kernel, stride, padding, rate, alpha, L1, L2, enums) or unreadable.</summary>
    public static readonly DiagnosticDescriptor InvalidArgument = Create(DiagnosticIds.SN1003, "Invalid layer argument", Usage);

    /// <summary>SN1004: layer attributes on more than one partial declaration.</summary>
    public static readonly DiagnosticDescriptor SplitDeclaration = Create(DiagnosticIds.SN1004, "Layer attributes on more than one partial declaration", Usage);

    /// <summary>SN1005: a layer's Name empty, not a valid name, taken or repeated.</summary>
    public static readonly DiagnosticDescriptor BadName = Create(DiagnosticIds.SN1005, "Layer name empty, invalid, taken or repeated", Usage);

    /// <summary>SN2001: a convolution's <c>(S_in - S_f + 2P)</c> is not a multiple of its stride.</summary>
    public static readonly DiagnosticDescriptor ConvStride = Create(DiagnosticIds.SN2001, "Convolution stride does not divide the padded input", Shape);

    /// <summary>SN2002: a pooling window and stride do not tile the input.</summary>
    public static readonly DiagnosticDescriptor PoolTiling = Create(DiagnosticIds.SN2002, "Pooling window and stride do not tile the input", Shape);

    /// <summary>SN2003: a kernel or pooling window larger than the (padded) input.</summary>
    public static readonly DiagnosticDescriptor WindowTooLarge = Create(DiagnosticIds.SN2003, "Window larger than the input", Shape);

    /// <summary>SN2004: a convolution or pooling layer after the shape became flat.</summary>
    public static readonly DiagnosticDescriptor SpatialAfterFlat = Create(DiagnosticIds.SN2004, "Spatial layer after the shape became flat", Shape);

    /// <summary>SN2005: <c>[Dense]</c> on an image shape without <c>[Flatten]</c> before it.</summary>
    public static readonly DiagnosticDescriptor DenseWithoutFlatten = Create(DiagnosticIds.SN2005, "[Dense] on a spatial shape without [Flatten]", Shape);

    /// <summary>SN2006: a size overflows a 32-bit int, or an instance's buffers exceed 1 GiB.</summary>
    public static readonly DiagnosticDescriptor TooLarge = Create(DiagnosticIds.SN2006, "A size overflows or the buffers exceed the limit", Shape);

    /// <summary>SN2007: an [Add]'s two tensors differ in shape (or its projection cannot map them).</summary>
    public static readonly DiagnosticDescriptor AddShapes = Create(DiagnosticIds.SN2007, "[Add] shapes differ", Shape);

    /// <summary>SN2008: the network needs more multiply-adds or bytes than its [Budget] allows.</summary>
    public static readonly DiagnosticDescriptor OverBudget = Create(DiagnosticIds.SN2008, "The network exceeds its budget", Shape);

    /// <summary>SN3001: Softmax (inline or as a layer) anywhere but last.</summary>
    public static readonly DiagnosticDescriptor SoftmaxNotLast = Create(DiagnosticIds.SN3001, "Softmax before the last layer", Design);

    /// <summary>SN3002: four or more saturating activations (Sigmoid, Tanh): vanishing gradient.</summary>
    public static readonly DiagnosticDescriptor VanishingGradient = Create(DiagnosticIds.SN3002, "Saturating activations through a deep stack", Design);

    /// <summary>SN3003: a convolution's padding not smaller than its kernel.</summary>
    public static readonly DiagnosticDescriptor PaddingTooLarge = Create(DiagnosticIds.SN3003, "Padding not smaller than the kernel", Design);

    /// <summary>SN3004: a convolution's last window leaves only trailing padding unread.</summary>
    public static readonly DiagnosticDescriptor TrailingPaddingUnread = Create(DiagnosticIds.SN3004, "Only trailing padding is unread: the padding is uneven in effect", Design);

    /// <summary>SN3005: a convolution or dense layer with a bias right before a BatchNorm, which cancels the bias.</summary>
    public static readonly DiagnosticDescriptor BiasBeforeBatchNorm = Create(DiagnosticIds.SN3005, "A bias right before [BatchNorm] is redundant", Design);

    /// <summary>Every descriptor, for <c>SupportedDiagnostics</c>.</summary>
    public static readonly DiagnosticDescriptor[] All =
    {
        NotPartial, InputMisplaced, InvalidArgument, SplitDeclaration, BadName,
        ConvStride, PoolTiling, WindowTooLarge, SpatialAfterFlat, DenseWithoutFlatten, TooLarge, AddShapes, OverBudget,
        SoftmaxNotLast, VanishingGradient, PaddingTooLarge, TrailingPaddingUnread, BiasBeforeBatchNorm,
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

    private static DiagnosticDescriptor Create(DiagnosticId id, string title, string category) =>
        new(id.Id, title, "{0}", category, id.IsError ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, isEnabledByDefault: true,
            helpLinkUri: HelpBase + id.Id.ToLowerInvariant());
}
