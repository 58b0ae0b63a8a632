using System.Diagnostics;
using System.Text;

namespace StaticNets.Tests.Packaging;

/// <summary>What one <c>dotnet</c> command did: its command line, exit code, time and everything it printed.</summary>
internal sealed record CliResult(string CommandLine, int ExitCode, TimeSpan Elapsed, string Output)
{
    /// <summary>The whole story, for a failure message: what ran, how it ended, and what it printed.</summary>
    public string Describe() =>
        $"`{CommandLine}` exited with {ExitCode} after {Elapsed.TotalSeconds:F1} s. Output:{Environment.NewLine}{Output}";
}

/// <summary>
/// Runs the <c>dotnet</c> CLI as a child process with a time limit, capturing stdout and stderr together.
/// The child gets a clean MSBuild environment: variables that the test host inherited from the
/// <c>dotnet test</c> that started it (MSBuild's own paths and settings) are removed, so the child picks
/// its SDK the ordinary way, as a person at a terminal would.
/// </summary>
internal static class DotNetCli
{
    /// <summary>The <c>dotnet</c> executable that runs this test host, else the one on PATH.</summary>
    private static string Executable =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static CliResult Run(
        string workingDirectory,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment,
        params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);

        foreach (string name in start.Environment.Keys.ToArray())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)) start.Environment.Remove(name);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // No MSBuild worker node outlives the command (nor holds our output pipes open).
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        if (environment is not null)
        {
            foreach (var (name, value) in environment) start.Environment[name] = value;
        }

        string commandLine = "dotnet " + string.Join(' ', arguments.Select(a => a.Contains(' ') ? $"\"{a}\"" : a));
        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
            lock (output)
            {
                throw new TimeoutException(
                    $"`{commandLine}` did not finish within {timeout.TotalSeconds:F0} s and was killed. Output so far:{Environment.NewLine}{output}");
            }
        }
        // The process has exited; wait (boundedly) for the last lines of its output. A build server that it
        // started could keep the pipes open long after: what was printed until then is all there is to read.
        using (var drain = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            try { process.WaitForExitAsync(drain.Token).GetAwaiter().GetResult(); }
            catch (OperationCanceledException) { }
        }
        stopwatch.Stop();
        lock (output) return new CliResult(commandLine, process.ExitCode, stopwatch.Elapsed, output.ToString());
    }
}
