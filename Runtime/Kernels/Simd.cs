using System.ComponentModel;
using System.Runtime.Intrinsics;

namespace StaticNets.__Internals;

/// <summary>
/// Which paths generated code and the kernels take: Vector512, Vector256, or the scalar fallbacks. Both values are
/// fixed when the type initialises, so the JIT folds every test of them and keeps only the path taken.
/// </summary>
/// <remarks>
/// They follow the hardware, lowered by two <see cref="AppContext"/> switches set before the Runtime is first used
/// (in the application's <c>runtimeconfig.json</c>, or by <see cref="AppContext.SetSwitch"/> at startup;
/// <see cref="RuntimeInitializer"/> initialises this class then):
/// <c>StaticNets.Simd.DisableVectors</c> takes the scalar paths, <c>StaticNets.Simd.DisableVector512</c> keeps the
/// convolutions on Vector256.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
[Obsolete(InternalUse.Message)]
public static class Simd
{
    /// <summary>The <see cref="AppContext"/> switch that, when true, makes <see cref="IsEnabled"/> false.</summary>
    public const string DisableVectorsSwitch = "StaticNets.Simd.DisableVectors";

    /// <summary>The <see cref="AppContext"/> switch that, when true, makes <see cref="UseVector512"/> false.</summary>
    public const string DisableVector512Switch = "StaticNets.Simd.DisableVector512";

    /// <summary>True where the hardware accelerates 256-bit vectors and <see cref="DisableVectorsSwitch"/> is not set.</summary>
    public static readonly bool IsEnabled = Vector256.IsHardwareAccelerated && !IsSet(DisableVectorsSwitch);

    /// <summary>
    /// True where <see cref="IsEnabled"/> is, the hardware accelerates 512-bit vectors, and
    /// <see cref="DisableVector512Switch"/> is not set: then the convolutions and Adam use Vector512.
    /// </summary>
    public static readonly bool UseVector512 = IsEnabled && Vector512.IsHardwareAccelerated && !IsSet(DisableVector512Switch);

    private static bool IsSet(string name) => AppContext.TryGetSwitch(name, out bool value) && value;
}
