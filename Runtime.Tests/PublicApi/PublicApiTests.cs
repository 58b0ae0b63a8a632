using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Xunit;

namespace StaticNets.Tests.PublicApi;

/// <summary>
/// Pins the public surface of the StaticNets assembly: <see cref="PublicApiListing"/> of it must equal the checked-in
/// <c>PublicApi/PublicApi.txt</c>. Any change fails with the lines added and removed, and writes the new listing to
/// <c>PublicApi.received.txt</c> beside it; <c>STATICNETS_ACCEPT=1</c> accepts it, as for the generator's snapshots.
/// Under <c>CI=true</c> the listing is never written.
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void The_public_api_matches_the_checked_in_listing() => Match(PublicApiListing.For(typeof(INetwork<>).Assembly));

    [Fact]
    public void What_only_generated_code_calls_is_hidden_and_obsolete()
    {
        var assembly = typeof(INetwork<>).Assembly;
        var namespaces = assembly.GetExportedTypes().Select(t => t.Namespace).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(["StaticNets", "StaticNets.__Internals"], namespaces);
        foreach (Type type in assembly.GetExportedTypes().Where(t => t.Namespace == "StaticNets.__Internals"))
        {
            Assert.True(type.IsDefined(typeof(ObsoleteAttribute), inherit: false), $"{type} is not [Obsolete]");
            var browsable = (System.ComponentModel.EditorBrowsableAttribute?)Attribute.GetCustomAttribute(type, typeof(System.ComponentModel.EditorBrowsableAttribute));
            Assert.True(browsable?.State == System.ComponentModel.EditorBrowsableState.Never, $"{type} is not hidden from IntelliSense");
        }
    }

    private static void Match(string actual, [CallerFilePath] string callerPath = "")
    {
        string directory = Path.GetDirectoryName(callerPath)!;
        string verified = Path.Combine(directory, "PublicApi.txt");
        string received = Path.Combine(directory, "PublicApi.received.txt");
        bool accept = Environment.GetEnvironmentVariable("STATICNETS_ACCEPT") == "1";
        bool ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

        if (!File.Exists(verified))
        {
            if (ci) Assert.Fail($"{verified} is missing (CI=true: the listing is never created under CI). Run the tests locally with STATICNETS_ACCEPT=1 and commit it.");
            if (accept)
            {
                File.WriteAllText(verified, actual);
                return;
            }
            File.WriteAllText(received, actual);
            Assert.Fail($"{verified} is missing; the listing is in {received}. Review it and run the tests with STATICNETS_ACCEPT=1.");
        }

        string expected = File.ReadAllText(verified).Replace("\r\n", "\n");
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }
        if (accept && !ci)
        {
            File.WriteAllText(verified, actual);
            return;
        }
        string diff = Diff(expected, actual);
        if (ci) Assert.Fail($"The public API differs from {verified}:\n{diff}");
        File.WriteAllText(received, actual);
        Assert.Fail($"The public API differs from {verified}; the new listing is in {received}. Accept it with STATICNETS_ACCEPT=1 if the change is intended.\n{diff}");
    }

    /// <summary>The lines removed (<c>-</c>) and added (<c>+</c>), a member's line with its type's name in front.</summary>
    private static string Diff(string expected, string actual)
    {
        var before = Qualified(expected);
        var after = Qualified(actual);
        var lines = before.Except(after).Select(l => "- " + l).Concat(after.Except(before).Select(l => "+ " + l)).ToList();
        return lines.Count == 0 ? "(only the order of lines differs)" : string.Join("\n", lines);
    }

    private static List<string> Qualified(string listing)
    {
        var result = new List<string>();
        string type = "";
        foreach (string line in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith(PublicApiListing.Indent, StringComparison.Ordinal))
            {
                result.Add(type + ": " + line.Trim());
                continue;
            }
            result.Add(line);
            type = Regex.Match(line, @"\b(?:class|struct|interface|enum|delegate) (\S+)").Groups[1].Value;
        }
        return result;
    }
}
