using System.Collections.Generic;
using StaticNets.Generator.Layers;
using StaticNets.Generator.Model;
using static StaticNets.Generator.Shapes.Messages;

namespace StaticNets.Generator.Shapes;

/// <summary>
/// The names of the layers. Each layer has a default name, one counter per stem in order (<c>conv1</c>, <c>pool1</c>,
/// <c>conv2</c>...; [Input] is <c>input</c>), which the generated members are named after (<c>Conv1Forward</c>,
/// <c>_conv1Output</c>) whatever the user calls the layer. A <c>Name</c> given on the attribute is the layer's label:
/// it replaces the default in <c>Summary</c>, <c>Info</c> (and so weight files and ONNX node names) and in the
/// diagnostics. A valid name is 1 to <see cref="MaxLength"/> ASCII letters, digits or '_', not starting with a digit,
/// neither <c>input</c> nor <c>output</c> (the ONNX graph's tensors), and no other layer's name or default name (SN1005);
/// a layer whose name is rejected keeps its default.
/// </summary>
internal static class LayerNames
{
    /// <summary>The longest name a layer may be given.</summary>
    public const int MaxLength = 64;

    /// <summary>The default names, by spec index.</summary>
    public static string[] Defaults(EquatableArray<LayerSpec> specs, LayerRule[] rules)
    {
        var counters = new Dictionary<string, int>();
        var names = new string[specs.Count];
        for (int i = 0; i < specs.Count; i++)
        {
            string stem = rules[i].Stem;
            counters.TryGetValue(stem, out int n);
            counters[stem] = ++n;
            names[i] = specs[i].Type == LayerType.Input ? "input" : stem + n.ToString(Inv);
        }
        return names;
    }

    /// <summary>
    /// The labels, by spec index: the given name where it is valid and unique, else the default. The SN1005 message of
    /// each rejected name, by spec index (null where none), in <paramref name="problems"/>.
    /// </summary>
    public static string[] Labels(EquatableArray<LayerSpec> specs, LayerRule[] rules, string[] defaults, out string?[] problems)
    {
        var labels = (string[])defaults.Clone();
        problems = new string?[specs.Count];
        string Head(int i) => $"{defaults[i]} ({rules[i].Describe(specs[i])}): Name = {Quoted(specs[i].Name!)}";

        // First the names valid in themselves, the first layer given a name keeping it.
        var given = new Dictionary<string, int>();
        for (int i = 0; i < specs.Count; i++)
        {
            if (specs[i].Name is not { } name || specs[i].HasErrors || specs[i].Type == LayerType.Input) continue;
            problems[i] = Invalid(name) is { } why ? $"{Head(i)} {why}"
                : name is "input" or "output" ? $"{Head(i)} is taken: the network's {name} tensor has that name. Choose another."
                : given.TryGetValue(name, out int first) ? $"{Head(i)} is already given to {defaults[first]} ({rules[first].Describe(specs[first])}). Names are unique: choose another."
                : null;
            if (problems[i] is null) given[name] = i;
        }

        // Then a given name that a layer keeping its default is called by.
        var keepsDefault = new Dictionary<string, int>();
        for (int i = 0; i < specs.Count; i++)
        {
            bool named = specs[i].Name is { } name && given.TryGetValue(name, out int at) && at == i;
            if (!named) keepsDefault[defaults[i]] = i;
        }
        foreach (var pair in given)
        {
            int i = pair.Value;
            if (keepsDefault.TryGetValue(pair.Key, out int other) && other != i)
            {
                problems[i] = $"{Head(i)} is the default name of another layer. Names are unique: choose another, or give {pair.Key} a Name of its own.";
                continue;
            }
            labels[i] = pair.Key;
        }
        return labels;
    }

    /// <summary>
    /// The spec index of the layer an [Add] at <paramref name="index"/> names by its <c>from</c> (its label or its default
    /// name; <c>input</c>, 0, is the network input), or -1 with the SN1005 message in <paramref name="problem"/>: the name is
    /// missing or unknown, is the Add's own, or is a later layer's (an Add reads only what is computed before it).
    /// </summary>
    public static int From(EquatableArray<LayerSpec> specs, int index, string[] defaults, string[] labels, out string? problem)
    {
        var spec = specs[index];
        string head = $"{labels[index]} (Add)";
        var earlier = new List<string> { "input" };
        for (int i = 1; i < index; i++) earlier.Add(labels[i]);
        string choices = $"The layers before it are {Join(earlier, "and")}.";
        problem = null;
        if (spec.From is not { } from)
        {
            problem = $"{head}: from is null; name the earlier layer whose output it adds. {choices}";
            return -1;
        }
        if (from == "input") return 0;
        int found = -1;
        for (int i = 1; i < specs.Count && found < 0; i++)
        {
            if (labels[i] == from || defaults[i] == from) found = i;
        }
        problem = found < 0 ? $"{head}: from = {Quoted(from)} names no layer. {choices}"
            : found == index ? $"{head}: from = {Quoted(from)} names the Add itself; it adds the output of an earlier layer. {choices}"
            : found > index ? $"{head}: from = {Quoted(from)} names {labels[found]}, a later layer; an Add reads only outputs computed before it. {choices}"
            : null;
        return problem is null ? found : -1;
    }

    /// <summary>Why a name is not valid, or null.</summary>
    private static string? Invalid(string name)
    {
        if (name.Length == 0) return "is empty. Give the layer a name, or leave Name out for its default.";
        if (name.Length > MaxLength) return $"is {name.Length} characters long, more than {MaxLength}. Use a shorter name.";
        bool valid = !char.IsDigit(name[0]);
        foreach (char c in name) valid &= c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_';
        return valid ? null : "is not a valid name: use ASCII letters, digits and '_', not starting with a digit (like a0 or block1_out).";
    }

    private static string Quoted(string name) => "\"" + name.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
