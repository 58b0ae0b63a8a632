using System.Reflection;
using StaticNets.Generator.Diagnostics;
using StaticNets.Generator.Model;
using Xunit;

namespace StaticNets.Generator.Tests.Diagnostics;

/// <summary>The typed ids and the descriptor catalogue say the same thing.</summary>
public class DiagnosticIdTests
{
    /// <summary>Every <see cref="DiagnosticId"/> field of <see cref="DiagnosticIds"/>, whether or not it is listed in <c>All</c>.</summary>
    private static List<DiagnosticId> Declared() => typeof(DiagnosticIds)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticId))
        .Select(f => (DiagnosticId)f.GetValue(null)!)
        .ToList();

    [Fact]
    public void Every_id_has_a_descriptor_with_its_severity()
    {
        var declared = Declared();
        Assert.Equal(18, declared.Count);
        Assert.Equal(declared, DiagnosticIds.All);
        foreach (var id in declared)
        {
            var descriptor = DiagnosticDescriptors.ById(id.Id);
            Assert.True(descriptor is not null, $"{id.Id} has no descriptor");
            Assert.Equal(id.IsError ? Microsoft.CodeAnalysis.DiagnosticSeverity.Error : Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, descriptor.DefaultSeverity);
        }
    }

    [Fact]
    public void Every_descriptor_has_an_id_and_ids_are_unique()
    {
        var declared = Declared().Select(d => d.Id).ToList();
        Assert.Equal(declared.Count, declared.Distinct().Count());
        Assert.Equal(declared.OrderBy(d => d, StringComparer.Ordinal), DiagnosticDescriptors.All.Select(d => d.Id).OrderBy(d => d, StringComparer.Ordinal));
    }

    [Fact]
    public void The_field_name_is_the_id_and_design_advice_alone_is_a_warning()
    {
        foreach (var field in typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.FieldType == typeof(DiagnosticId)))
        {
            var id = (DiagnosticId)field.GetValue(null)!;
            Assert.Equal(field.Name, id.Id);
            Assert.Equal(!id.Id.StartsWith("SN3", StringComparison.Ordinal), id.IsError);
        }
    }
}
