namespace StaticNets.Generator.Model;

/// <summary>
/// A diagnostic id with its default severity: <c>SN2001</c>, an error. Report sites name ids through
/// <see cref="DiagnosticIds"/>, so that a typo is a build error and the severity decides what stops
/// inference; the descriptor catalogue is built from the same instances.
/// </summary>
internal sealed record DiagnosticId(string Id, bool IsError)
{
    public override string ToString() => Id;
}

/// <summary>Every StaticNets diagnostic id: SN1xxx usage, SN2xxx shape (errors), SN3xxx design advice (warnings).</summary>
internal static class DiagnosticIds
{
    /// <summary>The network class is not partial, is generic, static, abstract, or nested in a type that is not partial.</summary>
    public static readonly DiagnosticId SN1001 = new("SN1001", IsError: true);

    /// <summary><c>[Input]</c> is missing, repeated or not first.</summary>
    public static readonly DiagnosticId SN1002 = new("SN1002", IsError: true);

    /// <summary>An argument out of range, or unreadable.</summary>
    public static readonly DiagnosticId SN1003 = new("SN1003", IsError: true);

    /// <summary>Layer attributes on more than one partial declaration.</summary>
    public static readonly DiagnosticId SN1004 = new("SN1004", IsError: true);

    /// <summary>A layer's <c>Name</c> empty, not a valid name, taken, or repeated.</summary>
    public static readonly DiagnosticId SN1005 = new("SN1005", IsError: true);

    /// <summary>A convolution's stride does not divide its padded input.</summary>
    public static readonly DiagnosticId SN2001 = new("SN2001", IsError: true);

    /// <summary>A pooling window and stride do not tile the input.</summary>
    public static readonly DiagnosticId SN2002 = new("SN2002", IsError: true);

    /// <summary>A kernel or pooling window larger than the (padded) input.</summary>
    public static readonly DiagnosticId SN2003 = new("SN2003", IsError: true);

    /// <summary>A convolution or pooling layer after the shape became flat.</summary>
    public static readonly DiagnosticId SN2004 = new("SN2004", IsError: true);

    /// <summary><c>[Dense]</c> on an image shape without <c>[Flatten]</c>.</summary>
    public static readonly DiagnosticId SN2005 = new("SN2005", IsError: true);

    /// <summary>A size overflows a 32-bit int, or an instance's buffers exceed the limit.</summary>
    public static readonly DiagnosticId SN2006 = new("SN2006", IsError: true);

    /// <summary>An [Add]'s two tensors differ in shape, and its projection (if any) cannot map one to the other.</summary>
    public static readonly DiagnosticId SN2007 = new("SN2007", IsError: true);

    /// <summary>The network needs more multiply-adds or bytes than its <c>[Budget]</c> allows.</summary>
    public static readonly DiagnosticId SN2008 = new("SN2008", IsError: true);

    /// <summary>Softmax anywhere but last.</summary>
    public static readonly DiagnosticId SN3001 = new("SN3001", IsError: false);

    /// <summary>Saturating activations through a deep stack.</summary>
    public static readonly DiagnosticId SN3002 = new("SN3002", IsError: false);

    /// <summary>A convolution's padding not smaller than its kernel.</summary>
    public static readonly DiagnosticId SN3003 = new("SN3003", IsError: false);

    /// <summary>Only trailing padding goes unread by a convolution's last window: the padding is uneven in effect.</summary>
    public static readonly DiagnosticId SN3004 = new("SN3004", IsError: false);

    /// <summary>A bias right before a BatchNorm, which cancels it.</summary>
    public static readonly DiagnosticId SN3005 = new("SN3005", IsError: false);

    /// <summary>Every id, in catalogue order.</summary>
    public static readonly DiagnosticId[] All =
    {
        SN1001, SN1002, SN1003, SN1004, SN1005,
        SN2001, SN2002, SN2003, SN2004, SN2005, SN2006, SN2007, SN2008,
        SN3001, SN3002, SN3003, SN3004, SN3005,
    };
}
