using System.ComponentModel;
using System.Runtime.Intrinsics;

namespace StaticNets.Kernels;

/// <summary>Whether generated code takes its vectorised paths (Vector256) or its scalar fallbacks.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Simd
{
    /// <summary>
    /// True where the hardware accelerates 256-bit vectors. Setting it to false forces the scalar paths on
    /// every instance (the tests do, so that both paths are checked); set it before any network runs.
    /// </summary>
    public static bool IsEnabled { get; set; } = Vector256.IsHardwareAccelerated;
}
