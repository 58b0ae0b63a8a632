using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using StaticNets.__Internals;
using Xunit;
using Xunit.Sdk;

namespace StaticNets.Tests.Numerics;

/// <summary>
/// The vector path this test process runs: 512 (Vector512), 256 (Vector256 only) or 0 (the scalar fallbacks).
/// <see cref="Simd"/> fixes it when it initialises, from the hardware and two <see cref="AppContext"/> switches; this
/// assembly's module initializer sets those switches from <see cref="Variable"/> before anything reads
/// <see cref="Simd"/>. A plain test run takes the machine's widest path; <see cref="VectorPathTests"/> runs the tests
/// marked with this trait again in child processes, one per other path.
/// </summary>
public static class VectorPath
{
    /// <summary>The trait that marks a test whose code depends on the vector path.</summary>
    public const string Trait = "Category";

    /// <summary>Its value, for <c>--filter Category=VectorPath</c>.</summary>
    public const string Value = "VectorPath";

    /// <summary>The environment variable that picks the path of a child process: <c>512</c>, <c>256</c> or <c>0</c>.</summary>
    public const string Variable = "STATICNETS_TEST_VECTOR_PATH";

    /// <summary>The environment variable naming the file where the child writes the <see cref="Simd"/> values it ran with.</summary>
    public const string ReportVariable = "STATICNETS_TEST_VECTOR_PATH_REPORT";

    /// <summary>The three paths, widest first.</summary>
    public static readonly int[] Widths = [512, 256, 0];

    /// <summary>The path <see cref="Variable"/> asks for, or null where it is not set (a plain test run).</summary>
    public static int? Requested =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } text
            ? int.TryParse(text, out int width) && Widths.Contains(width)
                ? width
                : throw new InvalidOperationException($"{Variable} is '{text}'; it must be 512, 256 or 0.")
            : null;

    /// <summary>The path <see cref="Simd"/> takes in this process.</summary>
    public static int Current => Simd.UseVector512 ? 512 : Simd.IsEnabled ? 256 : 0;

    /// <summary>The widest path the hardware accelerates: what a plain run takes.</summary>
    public static int Widest => Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 0;

    /// <summary>What <see cref="Simd"/> reports on a path, as the child writes it to its report file.</summary>
    public static string Describe(bool isEnabled, bool useVector512) => $"Simd.IsEnabled={isEnabled} Simd.UseVector512={useVector512}";

    /// <summary>What <see cref="Simd"/> must report on the path <paramref name="width"/>.</summary>
    public static string Describe(int width) => Describe(width > 0, width == 512);

    /// <summary>
    /// Sets the switches for <see cref="Requested"/> before any test runs. <see cref="Simd"/> initialises at the
    /// Runtime's first use, which only this assembly's code can cause, so it always sees them. An invalid value is
    /// left for <see cref="VectorPathReport"/> to report.
    /// </summary>
#pragma warning disable CA2255 // a test assembly is the application here: its initializer must run before Simd's
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void SetSwitches()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(Variable), out int width)) return;
        AppContext.SetSwitch(Simd.DisableVectorsSwitch, width == 0);
        AppContext.SetSwitch(Simd.DisableVector512Switch, width != 512);
    }

    /// <summary>
    /// The number of test cases marked with the trait in this assembly: one per fact, one per row of a theory's
    /// data. A child run on another path must pass exactly these.
    /// </summary>
    public static int CountCases()
    {
        int count = 0;
        foreach (Type type in typeof(VectorPath).Assembly.GetTypes())
        {
            if (!IsMarked(type)) continue;
            foreach (MethodInfo method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            {
                if (method.GetCustomAttribute<FactAttribute>() is null) continue;
                var data = method.GetCustomAttributes<DataAttribute>().ToList();
                count += data.Count == 0 ? 1 : data.Sum(d => d.GetData(method).Count());
            }
        }
        return count;
    }

    // xunit's TraitAttribute keeps its name and value only as constructor arguments.
    private static bool IsMarked(Type type) => type.GetCustomAttributesData().Any(a =>
        a.AttributeType == typeof(TraitAttribute)
        && a.ConstructorArguments is [{ Value: Trait }, { Value: Value }]);
}
