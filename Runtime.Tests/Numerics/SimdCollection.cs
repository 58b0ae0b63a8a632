using Xunit;

namespace StaticNets.Tests.Numerics;

/// <summary>
/// Tests that switch <see cref="StaticNets.Kernels.Simd.IsEnabled"/> run alone: the switch is process-wide,
/// and a test elsewhere that compares bits (thread-count determinism) must not see it change mid-run.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SimdCollection
{
    public const string Name = "Simd switch";
}

/// <summary>
/// Picks the vector width for the life of a test and restores the switches after: 512 (Vector512 where the
/// hardware has it), 256 (Vector256 only) or 0 (the scalar fallbacks).
/// </summary>
internal sealed class SimdScope : IDisposable
{
    private readonly bool _enabled = StaticNets.Kernels.Simd.IsEnabled;
    private readonly bool _wide = StaticNets.Kernels.Simd.UseVector512;

    public SimdScope(int width)
    {
        StaticNets.Kernels.Simd.IsEnabled = width > 0 && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated;
        StaticNets.Kernels.Simd.UseVector512 = width == 512 && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated;
    }

    public void Dispose()
    {
        StaticNets.Kernels.Simd.IsEnabled = _enabled;
        StaticNets.Kernels.Simd.UseVector512 = _wide;
    }
}
