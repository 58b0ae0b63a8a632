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

/// <summary>Sets the vector switch for the life of a test and restores it after.</summary>
internal sealed class SimdScope : IDisposable
{
    private readonly bool _before = StaticNets.Kernels.Simd.IsEnabled;

    public SimdScope(bool enabled) => StaticNets.Kernels.Simd.IsEnabled = enabled && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated;

    public void Dispose() => StaticNets.Kernels.Simd.IsEnabled = _before;
}
