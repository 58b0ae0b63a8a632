using System.ComponentModel;
using System.Runtime.Intrinsics;

namespace StaticNets.Kernels;

/// <summary>Which paths generated code and the kernels take: Vector512, Vector256, or the scalar fallbacks.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Simd
{
    /// <summary>
    /// True where the hardware accelerates 256-bit vectors. Setting it to false forces the scalar paths on
    /// every instance (the tests do, so that every path is checked); set it before any network runs.
    /// </summary>
    public static bool IsEnabled { get; set; } = Vector256.IsHardwareAccelerated;

    /// <summary>
    /// True where the hardware accelerates 512-bit vectors: then the convolutions use Vector512 (with
    /// <see cref="IsEnabled"/> also true). Setting it to false keeps them on Vector256.
    /// </summary>
    public static bool UseVector512 { get; set; } = Vector512.IsHardwareAccelerated;
}
