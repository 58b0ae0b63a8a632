using System.Runtime.CompilerServices;

namespace StaticNets.Generator.Tests.Support;

/// <summary>
/// The project's own snapshot check (Verify is not available here). <c>Match("LeNet5", text)</c> compares
/// the text with <c>Snapshots/LeNet5.verified.cs</c>. On a mismatch it writes
/// <c>LeNet5.received.cs</c> beside it and fails; a missing snapshot fails under CI (<c>CI=true</c>) and is
/// otherwise written, and the test fails once so that the new file is looked at. Set
/// <c>STATICNETS_ACCEPT=1</c> to accept every received text as the new snapshot.
/// </summary>
internal static class Snapshot
{
    public static void Match(string name, string actual, [CallerFilePath] string callerPath = "")
    {
        string directory = Path.Combine(ProjectDirectory(callerPath), "Snapshots");
        Directory.CreateDirectory(directory);
        string verified = Path.Combine(directory, name + ".verified.cs");
        string received = Path.Combine(directory, name + ".received.cs");
        actual = Normalize(actual);
        bool accept = Environment.GetEnvironmentVariable("STATICNETS_ACCEPT") == "1";
        bool ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

        if (!File.Exists(verified))
        {
            if (ci) throw new SnapshotException($"Snapshot {name}.verified.cs is missing (CI=true: snapshots are never created under CI). Run the tests locally and commit the file.");
            File.WriteAllText(verified, actual);
            if (!accept) throw new SnapshotException($"Snapshot {name}.verified.cs did not exist and was written; review and commit it, then run again.");
            return;
        }

        string expected = Normalize(File.ReadAllText(verified));
        if (expected == actual)
        {
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        if (accept && !ci)
        {
            File.WriteAllText(verified, actual);
            return;
        }
        File.WriteAllText(received, actual);
        throw new SnapshotException($"Snapshot {name} differs from {verified}; the new text is in {received}. {FirstDifference(expected, actual)} Accept with STATICNETS_ACCEPT=1 if the change is intended.");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n");

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (int i = 0; i < Math.Min(e.Length, a.Length); i++)
        {
            if (e[i] != a[i]) return $"First difference at line {i + 1}:\n  expected: {e[i]}\n  actual:   {a[i]}\n";
        }
        return $"Line counts differ: expected {e.Length}, actual {a.Length}.";
    }

    private static string ProjectDirectory(string callerPath)
    {
        for (var dir = Path.GetDirectoryName(callerPath); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "StaticNets.Generator.Tests.csproj"))) return dir;
        }
        throw new InvalidOperationException($"No StaticNets.Generator.Tests.csproj above {callerPath}.");
    }
}

internal sealed class SnapshotException(string message) : Exception(message);
