using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticNets.Generator.Tests.Support;
using Xunit;

namespace StaticNets.Generator.Tests.Generation;

/// <summary>The pipeline caches: an edit that does not touch a network leaves every named step cached or unchanged.</summary>
public class IncrementalTests
{
    [Fact]
    public void Unrelated_edit_leaves_every_step_cached()
    {
        var compilation = GeneratorHarness.Compile(GeneratedSourceTests.LeNet5, "namespace Other; public class Unrelated { public int X => 1; }");
        GeneratorDriver driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("namespace Other; public class Unrelated { public int X => 2; public int Y => 3; }", new CSharpParseOptions(LanguageVersion.Latest), path: "Network1.cs"));
        driver = driver.RunGenerators(edited);

        var result = driver.GetRunResult().Results.Single();
        foreach (var name in new[] { TrackingNames.Spec, TrackingNames.Shape, TrackingNames.Emit })
        {
            var steps = result.TrackedSteps[name];
            Assert.NotEmpty(steps);
            foreach (var step in steps)
            {
                foreach (var (_, reason) in step.Outputs)
                {
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name} ran again: {reason}");
                }
            }
        }
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Editing_a_layer_reruns_the_pipeline_for_that_network()
    {
        var compilation = GeneratorHarness.Compile(GeneratedSourceTests.LeNet5);
        GeneratorDriver driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(GeneratedSourceTests.LeNet5.Replace("Dense(84", "Dense(80"), new CSharpParseOptions(LanguageVersion.Latest), path: "Network0.cs"));
        driver = driver.RunGenerators(edited);
        var result = driver.GetRunResult().Results.Single();
        Assert.Contains(result.TrackedSteps[TrackingNames.Shape].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("Dense 80 ReLU", result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void Edit_above_the_class_in_its_file_does_not_emit_again()
    {
        var compilation = GeneratorHarness.Compile(GeneratedSourceTests.LeNet5);
        GeneratorDriver driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
        string before = driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();

        // Two lines above the class move every attribute's location, and nothing else.
        string moved = GeneratedSourceTests.LeNet5.Replace("namespace Samples;", "namespace Samples;\n\n// The classic network.\n");
        Assert.NotEqual(GeneratedSourceTests.LeNet5, moved);
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(moved, new CSharpParseOptions(LanguageVersion.Latest), path: "Network0.cs"));
        driver = driver.RunGenerators(edited);
        var result = driver.GetRunResult().Results.Single();

        // The spec saw the edit (its locations moved) ...
        Assert.Contains(result.TrackedSteps[TrackingNames.Spec].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        // ... but the model handed to source output is equal, so the file is not emitted again.
        Assert.All(result.TrackedSteps[TrackingNames.Emit].SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, $"{TrackingNames.Emit}: {o.Reason}"));
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.Equal(before, result.GeneratedSources.Single().SourceText.ToString());
    }
}
