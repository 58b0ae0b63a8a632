using System.Collections.Generic;
using System.Linq;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Shapes;

/// <summary>
/// Collects the diagnostics of one network in the order they are found, and whether one of them rules out
/// emitting the network (an error reported as fatal: SN2001 and SN2002 are errors that do not, since the
/// floored shape is still computed and a project may lower them). Which shapes are still inferred after an
/// error is the driver's rule (<see cref="ShapeInference"/>), not the sink's.
/// </summary>
internal sealed class DiagnosticSink
{
    private readonly List<DiagnosticInfo> _diagnostics = new();

    /// <summary>An error reported as fatal was found: the network's members are not emitted (they throw).</summary>
    public bool Fatal { get; private set; }

    public void Report(DiagnosticId id, string message, LocationInfo? location, bool isFatal = true, IEnumerable<Repair>? repairs = null)
    {
        _diagnostics.Add(new DiagnosticInfo(id, message, location, (repairs ?? Enumerable.Empty<Repair>()).ToEquatableArray()));
        if (isFatal && id.IsError) Fatal = true;
    }

    public EquatableArray<DiagnosticInfo> ToEquatableArray() => _diagnostics.ToEquatableArray();
}
