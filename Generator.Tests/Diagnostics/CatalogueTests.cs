using StaticNets.Generator.Diagnostics;
using Xunit;

namespace StaticNets.Generator.Tests.Diagnostics;

/// <summary>The descriptors, AnalyzerReleases.Unshipped.md and docs/diagnostics.md say the same thing.</summary>
public class CatalogueTests
{
    internal static string Repository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "StaticNets.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException("StaticNets.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void Every_descriptor_has_a_line_in_AnalyzerReleases_Unshipped_with_its_category_severity_and_title()
    {
        var lines = File.ReadAllLines(Path.Combine(Repository(), "Generator", "AnalyzerReleases.Unshipped.md"))
            .Where(l => l.StartsWith("SN", StringComparison.Ordinal)).ToList();
        Assert.Equal(DiagnosticDescriptors.All.Length, lines.Count);
        foreach (var d in DiagnosticDescriptors.All)
        {
            Assert.Contains($"{d.Id} | {d.Category} | {d.DefaultSeverity} | {d.Title}", lines);
        }
    }

    [Fact]
    public void Every_descriptor_has_a_section_in_docs_diagnostics_under_its_help_anchor()
    {
        string docs = File.ReadAllText(Path.Combine(Repository(), "docs", "diagnostics.md"));
        foreach (var d in DiagnosticDescriptors.All)
        {
            string anchor = d.HelpLinkUri.Substring(d.HelpLinkUri.IndexOf('#') + 1);
            Assert.Equal("docs/diagnostics.md#" + d.Id.ToLowerInvariant(), d.HelpLinkUri);
            Assert.Contains($"<a id=\"{anchor}\"></a>\n## {d.Id}: {d.Title}\n", docs.Replace("\r\n", "\n"));
            Assert.Contains($"| [{d.Id}](#{anchor}) | {d.DefaultSeverity.ToString().ToLowerInvariant()} | {d.Title} |", docs);
        }
    }

    [Fact]
    public void The_docs_quote_the_lecture_example_exactly_as_the_analyzer_reports_it()
    {
        string docs = File.ReadAllText(Path.Combine(Repository(), "docs", "diagnostics.md"));
        var diagnostic = Support.AnalyzerHarness.Single(
            Support.AnalyzerHarness.Analyze("using StaticNets;\n[Input(28, 28, 1)]\n[Conv2D(6, 5, Stride = 2)]\npublic partial class N { }\n"), "SN2001");
        Assert.Contains("> " + diagnostic.GetMessage() + "\n", docs.Replace("\r\n", "\n"));
    }

    [Fact]
    public void Every_message_the_docs_quote_is_one_the_analyzer_tests_assert()
    {
        var asserted = DiagnosticTests.Positive.Select(row => (string)row[4]).ToHashSet();
        var quoted = File.ReadAllLines(Path.Combine(Repository(), "docs", "diagnostics.md"))
            .Where(l => l.StartsWith("> ", StringComparison.Ordinal)).Select(l => l.Substring(2)).ToList();
        Assert.True(quoted.Count >= 13, $"only {quoted.Count} quoted messages");
        Assert.All(quoted, message => Assert.Contains(message, asserted));
    }
}
