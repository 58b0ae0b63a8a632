using System.IO.Compression;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;
using Xunit.Abstractions;

namespace StaticNets.Tests.Packaging;

/// <summary>
/// Packs the one <c>StaticNets</c> package from the repository into a temporary folder, once for the
/// tests of <see cref="PackageTests"/>. Consumers restore it from that folder through a <c>nuget.config</c>
/// (the folder plus nuget.org, for System.Numerics.Tensors) into a temporary global packages folder, so
/// they always get this package, never a cached one.
/// </summary>
public sealed class PackageFixture : IDisposable
{
    public const string Version = "0.1.0"; // the <Version> of Runtime/StaticNets.Runtime.csproj

    public PackageFixture()
    {
        RepoRoot = FindRepoRoot();
        // Pack in the configuration this test assembly was built in: the solution build has already built
        // the Runtime and the Generator in it, so pack finds them up to date and only packs.
        Configuration = typeof(PackageFixture).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        WorkDir = Directory.CreateTempSubdirectory("staticnets-package-").FullName;
        FeedDir = Path.Combine(WorkDir, "feed");
        PackagesDir = Path.Combine(WorkDir, "packages");

        // Consumers live here, outside the repository; these stop MSBuild from importing any
        // Directory.*.props above the temporary folder.
        foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(WorkDir, name), "<Project />\n");
        }
        File.WriteAllText(Path.Combine(WorkDir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{FeedDir}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            </configuration>
            """);

        // The Runtime's project is packed by path into the temporary feed; nothing of the test host
        // (Runtime.Tests/bin) is touched, and the repository's own restore and package cache are left as they are.
        PackagePath = Path.Combine(FeedDir, $"StaticNets.{Version}.nupkg");
        try
        {
            Pack = DotNetCli.Run(RepoRoot, TimeSpan.FromMinutes(4), environment: null,
                "pack", Path.Combine(RepoRoot, "Runtime", "StaticNets.Runtime.csproj"), "-c", Configuration, "-o", FeedDir, "--nologo");
            if (Pack.ExitCode != 0) throw new InvalidOperationException("dotnet pack failed. " + Pack.Describe());
            if (!File.Exists(PackagePath))
            {
                string found = Directory.Exists(FeedDir) ? string.Join(", ", Directory.GetFiles(FeedDir).Select(Path.GetFileName)) : "no feed folder";
                throw new InvalidOperationException($"dotnet pack did not write {PackagePath} (found: {found}). " + Pack.Describe());
            }
        }
        catch
        {
            // xunit does not dispose a fixture whose constructor failed.
            Dispose();
            throw;
        }
    }

    public string RepoRoot { get; }
    public string Configuration { get; }
    public string WorkDir { get; }
    public string FeedDir { get; }
    public string PackagesDir { get; }
    public string PackagePath { get; }
    internal CliResult Pack { get; }

    /// <summary>Consumer commands restore into the temporary global packages folder.</summary>
    public IReadOnlyDictionary<string, string> ConsumerEnvironment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = PackagesDir };

    /// <summary>Writes a console project that references the package, with the given source files.</summary>
    public string WriteConsumer(string name, params (string File, string Text)[] sources)
    {
        string dir = Path.Combine(WorkDir, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="StaticNets" Version="{Version}" />
              </ItemGroup>
            </Project>
            """);
        foreach (var (file, text) in sources) File.WriteAllText(Path.Combine(dir, file), text);
        return dir;
    }

    public void Dispose()
    {
        try { Directory.Delete(WorkDir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StaticNets.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds StaticNets.sln: the packaging tests run from the repository's build output.");
    }
}

/// <summary>
/// The NuGet package as a user gets it: its contents and metadata, a fresh console program that restores
/// it and calls <c>Predict</c>, and the packaged analyzer failing a build on a stride that drops columns.
/// </summary>
public sealed class PackageTests(PackageFixture package, ITestOutputHelper log) : IClassFixture<PackageFixture>
{
    private static readonly TimeSpan ConsumerTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public void Package_holds_the_runtime_the_generator_and_its_metadata_and_depends_only_on_Tensors()
    {
        log.WriteLine($"{package.Pack.CommandLine}: {package.Pack.Elapsed.TotalSeconds:F1} s");
        using var zip = ZipFile.OpenRead(package.PackagePath);
        var files = zip.Entries.Select(e => e.FullName).Where(n => !IsPackagingPart(n)).Order(StringComparer.Ordinal).ToArray();
        string listing = string.Join(", ", files);

        // The Runtime under lib/net10.0 (and nothing for another framework); the Roslyn component alone under analyzers.
        Assert.True(files.Contains("lib/net10.0/StaticNets.dll"), "no lib/net10.0/StaticNets.dll in: " + listing);
        Assert.True(files.Contains("lib/net10.0/StaticNets.xml"), "no XML documentation in: " + listing);
        Assert.All(files.Where(f => f.StartsWith("lib/", StringComparison.Ordinal)), f => Assert.StartsWith("lib/net10.0/", f));
        Assert.Equal(["analyzers/dotnet/cs/StaticNets.Generator.dll"], files.Where(f => f.StartsWith("analyzers/", StringComparison.Ordinal)));
        Assert.DoesNotContain(files, f => f.Contains("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase));

        // Both assemblies are the ones just built from this tree.
        AssertSameBytes(zip, "lib/net10.0/StaticNets.dll",
            Path.Combine(package.RepoRoot, "Runtime", "bin", package.Configuration, "net10.0", "StaticNets.dll"));
        AssertSameBytes(zip, "analyzers/dotnet/cs/StaticNets.Generator.dll",
            Path.Combine(package.RepoRoot, "Generator", "bin", package.Configuration, "netstandard2.0", "StaticNets.Generator.dll"));

        var nuspecEntry = zip.Entries.Single(e => e.FullName == "StaticNets.nuspec");
        XDocument nuspec;
        using (var stream = nuspecEntry.Open()) nuspec = XDocument.Load(stream);
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Meta(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

        Assert.Equal("StaticNets", Meta("id"));
        Assert.Equal(PackageFixture.Version, Meta("version"));
        Assert.Equal("StaticNets contributors", Meta("authors"));
        var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal("expression", license.Attribute("type")?.Value);
        Assert.Equal("MIT", license.Value);
        Assert.Contains("source generator", Meta("description"));
        Assert.Contains("neural-network", (Meta("tags") ?? "").Split(' '));
        // No repository address is known, so none is invented.
        var repository = metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "repository");
        Assert.True(string.IsNullOrEmpty(repository?.Attribute("url")?.Value), "the nuspec names a repository url: " + repository);

        // The repository's README.md is the package's readme, byte for byte, whenever the repository has one.
        string readme = Path.Combine(package.RepoRoot, "README.md");
        if (File.Exists(readme))
        {
            Assert.Equal("README.md", Meta("readme"));
            AssertSameBytes(zip, "README.md", readme);
        }
        else
        {
            Assert.Null(Meta("readme"));
        }

        // One dependency group, net10.0, holding System.Numerics.Tensors and nothing else: neither the
        // Generator project nor its Microsoft.CodeAnalysis.* packages leak into what consumers restore.
        var groups = metadata.Descendants().Where(e => e.Name.LocalName == "group").ToArray();
        var group = Assert.Single(groups);
        Assert.Equal("net10.0", group.Attribute("targetFramework")?.Value);
        var dependencies = group.Elements().Select(d => d.Attribute("id")?.Value ?? "").ToArray();
        Assert.Equal(["System.Numerics.Tensors"], dependencies);
    }

    [Fact]
    public void A_fresh_console_program_restores_the_package_and_predicts()
    {
        string dir = package.WriteConsumer("PredictConsumer", ("Program.cs", """
            using StaticNets;

            var net = new TinyNet(seed: 1);
            var image = new float[TinyNet.InputSize];
            for (int i = 0; i < image.Length; i++) image[i] = i % 7 / 7f;
            var output = new float[TinyNet.OutputSize];
            net.Forward(image, output);
            Console.WriteLine($"parameters {TinyNet.ParameterCount}");
            Console.WriteLine($"output sum {output.Sum():F3}");
            Console.WriteLine($"prediction {net.Predict(image)}");

            [Input(6, 6, 1)]
            [Conv2D(2, 3, Activation = Activation.ReLU)]
            [MaxPool(2)]
            [Flatten]
            [Dense(3, Activation = Activation.Softmax)]
            public partial class TinyNet { }
            """));

        var run = DotNetCli.Run(dir, ConsumerTimeout, package.ConsumerEnvironment, "run", "-c", "Release");
        log.WriteLine($"{run.CommandLine}: {run.Elapsed.TotalSeconds:F1} s");

        Assert.True(run.ExitCode == 0, "the consumer did not build and run. " + run.Describe());
        // conv 2x(3x3x1)+2 = 20, then 2x2x2 = 8 features into dense 8x3+3 = 27.
        Assert.True(run.Output.Contains("parameters 47"), "no parameter count from the generated code. " + run.Describe());
        Assert.True(run.Output.Contains("output sum 1.000"), "the softmax output does not sum to 1. " + run.Describe());
        Assert.True(Regex.IsMatch(run.Output, @"^prediction [0-2]$", RegexOptions.Multiline), "no prediction in 0..2. " + run.Describe());

        // What was restored is the package just packed, not one from a cache.
        string restored = Path.Combine(package.PackagesDir, "staticnets", PackageFixture.Version, $"staticnets.{PackageFixture.Version}.nupkg");
        Assert.True(File.Exists(restored), $"the consumer did not restore StaticNets into {package.PackagesDir}. " + run.Describe());
        Assert.Equal(File.ReadAllBytes(package.PackagePath), File.ReadAllBytes(restored));
    }

    [Fact]
    public void The_packaged_analyzer_fails_a_build_whose_convolution_drops_columns_with_SN2001()
    {
        string dir = package.WriteConsumer("ShapeErrorConsumer",
            ("Program.cs", "Console.WriteLine(BadNet.OutputSize);\n"),
            ("BadNet.cs", """
                using StaticNets;

                [Input(28, 28, 1)]
                [Conv2D(6, 5, Stride = 2)]
                [Flatten]
                [Dense(10)]
                public partial class BadNet { }
                """));

        var build = DotNetCli.Run(dir, ConsumerTimeout, package.ConsumerEnvironment, "build", "-c", "Release");
        log.WriteLine($"{build.CommandLine}: {build.Elapsed.TotalSeconds:F1} s");

        Assert.True(build.ExitCode != 0, "the build succeeded despite (28 - 5) = 23 not being a multiple of stride 2. " + build.Describe());
        // The error sits on the Conv2D attribute (line 4) and is the analyzer's alone: the generator still
        // emitted every member, so the compiler has nothing to add (no CS8795 "partial member has no implementation").
        Assert.True(Regex.IsMatch(build.Output, @"BadNet\.cs\(4,\d+\): error SN2001: "), "no SN2001 on line 4 of BadNet.cs. " + build.Describe());
        Assert.False(Regex.IsMatch(build.Output, @"error (CS|NU|MSB)\d+"), "errors other than the analyzer's. " + build.Describe());
    }

    private static bool IsPackagingPart(string name) =>
        name.StartsWith("_rels/", StringComparison.Ordinal) || name.StartsWith("package/", StringComparison.Ordinal)
        || name == "[Content_Types].xml" || name == "StaticNets.nuspec";

    private static void AssertSameBytes(ZipArchive zip, string entryName, string file)
    {
        using var stream = zip.GetEntry(entryName)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        Assert.True(copy.ToArray().AsSpan().SequenceEqual(File.ReadAllBytes(file)), $"{entryName} in the package differs from {file}");
    }
}
