using System.Runtime.CompilerServices;

namespace StaticNets.__Internals;

/// <summary>
/// Fixes <see cref="Simd"/>'s values when the Runtime is first used: a network's constructor or <c>Load</c> calls
/// into it before any pass runs, so every kernel and generated pass is compiled after <see cref="Simd"/> has
/// initialised, and the JIT folds its tests. Without this, the first passes to be compiled (they are
/// <c>AggressiveOptimization</c>, compiled once, never recompiled) would still read the fields and test that the
/// class is initialised on every call.
/// </summary>
internal static class RuntimeInitializer
{
#pragma warning disable CA2255 // the one purpose: initialise Simd before the first pass is compiled
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void InitializeSimd() => RuntimeHelpers.RunClassConstructor(typeof(Simd).TypeHandle);
}
