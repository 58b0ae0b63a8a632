using System.Collections.Generic;
using System.Linq;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

/// <summary>
/// A chain of layers that inference runs as one call: a producer (Conv2D, DepthwiseConv2D or Dense, then a BatchNorm;
/// or an [Add]'s sum), then, each where it reads the one before, an [Add] (after a BatchNorm), and a ReLU, ReLU6 or
/// LeakyReLU layer. The producer writes the chain's last output and applies the others per channel while the values are
/// hot (the Runtime's <c>Epilogue</c>): <c>y = act(z * scale + shift (+ residual))</c>.
/// </summary>
/// <remarks>
/// Only in a network with BatchNorm, whose <c>ForwardCore</c> is inference only (training runs the unfolded layers in
/// <see cref="BatchTrainingEmitter"/>'s segments). A layer joins a chain only if the output it reads is read by nothing
/// else (an [Add]'s from may name it), so the buffers the chain skips are never needed after a Forward. They stay
/// allocated: training writes them.
/// </remarks>
internal sealed class FusedChain
{
    private FusedChain(List<LayerContext> layers, int head, LayerContext? norm, LayerContext? add, LayerContext? activation)
    {
        Layers = layers;
        HeadIndex = head;
        Norm = norm;
        Add = add;
        Activation = activation;
    }

    /// <summary>The layers of the chain in order, the producer first.</summary>
    public List<LayerContext> Layers { get; }

    /// <summary>The producer's index in the plan.</summary>
    public int HeadIndex { get; }

    public LayerContext Head => Layers[0];

    public LayerContext Last => Layers[Layers.Count - 1];

    /// <summary>The BatchNorm whose running statistics give the scale and shift (none where the producer is an [Add]).</summary>
    public LayerContext? Norm { get; }

    /// <summary>The [Add] after the BatchNorm, whose second term is the residual.</summary>
    public LayerContext? Add { get; }

    /// <summary>The activation layer applied last.</summary>
    public LayerContext? Activation { get; }

    /// <summary>
    /// The chain right after this one to which its vector variants hand the output in that chain's own layout
    /// (<see cref="Conv2DEmitter.HandsOff"/>), or null.
    /// </summary>
    public FusedChain? HandsOffTo { get; private set; }

    /// <summary>The chain before this one that hands it its input, already in its layout, or null.</summary>
    public FusedChain? TakesFrom { get; private set; }

    /// <summary>The index of the chain's last layer in the plan.</summary>
    public int LastIndex => HeadIndex + Layers.Count - 1;

    /// <summary>The fused method, named after every layer it runs: <c>Conv1Bn1Relu1Forward</c>.</summary>
    public string Method => string.Concat(Layers.Select(c => c.Layer.Member)) + "Forward";

    /// <summary>The method's name after the producer's: <c>Bn1Relu1Forward</c>, as a call of the producer's names it.</summary>
    public string MethodAfterHead => Method.Substring(Head.Layer.Member.Length);

    /// <summary>The layers' names as the comments give them: <c>conv1, bn1 and relu1</c>.</summary>
    public string Names => Join(Layers);

    private static string Join(IReadOnlyList<LayerContext> layers) => layers.Count == 1
        ? layers[0].Layer.Name
        : string.Join(", ", layers.Take(layers.Count - 1).Select(c => c.Layer.Name)) + " and " + layers[layers.Count - 1].Layer.Name;

    /// <summary>What the epilogue does: <c>output scaled, shifted, summed and activated</c>.</summary>
    public string Steps
    {
        get
        {
            var steps = new List<string>();
            if (Norm is not null) steps.Add("scaled");
            if (Norm is not null) steps.Add("shifted");
            if (Add is not null) steps.Add("summed");
            if (Activation is not null) steps.Add("activated");
            string what = RoleOf(Head) == FusionRole.Sum ? "sum" : "output";
            return steps.Count == 1 ? $"{what} {steps[0]}" : $"{what} {string.Join(", ", steps.Take(steps.Count - 1))} and {steps[steps.Count - 1]}";
        }
    }

    /// <summary>The activation as the Runtime's <c>EpilogueActivation</c> names it, and its alpha.</summary>
    public string ActivationArgument => "EpilogueActivation." + (Activation is null ? "None" : Activation.Layer.Type.ToString());

    /// <summary>LeakyReLU's alpha, else 0.</summary>
    public double Alpha => Activation?.Layer.Type == LayerType.LeakyReLU ? Activation.Layer.Alpha : 0;

    /// <summary>The chains of a network with BatchNorm, by the producer's index; empty for any other network.</summary>
    public static Dictionary<int, FusedChain> Find(NetworkPlan plan, NetworkShape shape)
    {
        var chains = new Dictionary<int, FusedChain>();
        if (!plan.BatchTraining) return chains;
        var contexts = plan.Contexts;
        var readers = new int[contexts.Count];
        foreach (var l in shape.Layers)
        {
            foreach (int from in l.Inputs)
            {
                if (from >= 0) readers[from]++;
            }
        }
        // Whether layer next reads layer i's output and nothing else does (nor is it the network's output).
        bool OnlyReader(int i, int next) => next < contexts.Count && readers[i] == 1 && shape.Layers[next].Inputs[0] == i;

        for (int i = 0; i < contexts.Count; i++)
        {
            var role = RoleOf(contexts[i]);
            var layers = new List<LayerContext> { contexts[i] };
            int at = i;
            LayerContext? norm = null, add = null, activation = null;
            if (role == FusionRole.Producer)
            {
                if (!OnlyReader(at, at + 1) || RoleOf(contexts[at + 1]) != FusionRole.Scale) continue;
                norm = contexts[++at];
                layers.Add(norm);
                if (OnlyReader(at, at + 1) && RoleOf(contexts[at + 1]) == FusionRole.Sum && shape.Layers[at + 1].Inputs[1] != at)
                {
                    add = contexts[++at];
                    layers.Add(add);
                }
            }
            else if (role != FusionRole.Sum)
            {
                continue;
            }
            if (OnlyReader(at, at + 1) && RoleOf(contexts[at + 1]) == FusionRole.Activation)
            {
                activation = contexts[++at];
                layers.Add(activation);
            }
            if (layers.Count == 1) continue;
            chains[i] = new FusedChain(layers, i, norm, add, activation);
            i = at;
        }
        foreach (var chain in chains.Values)
        {
            int last = chain.LastIndex;
            if (OnlyReader(last, last + 1) && chains.TryGetValue(last + 1, out var next) && Conv2DEmitter.HandsOff(chain, next))
            {
                chain.HandsOffTo = next;
                next.TakesFrom = chain;
            }
        }
        return chains;
    }

    /// <summary>
    /// The calls inference makes for layers <paramref name="from"/> to <paramref name="to"/> (exclusive): one per layer,
    /// a chain's producer calling its fused method instead, preceded by the projection of a chained [Add].
    /// </summary>
    public static List<string> InferenceCalls(NetworkPlan plan, int from, int to)
    {
        var calls = new List<string>();
        for (int i = from; i < to; i++)
        {
            var c = plan.Contexts[i];
            if (!plan.Chains.TryGetValue(i, out var chain))
            {
                calls.Add(LayerEmitter.For(c.Layer.Type).ForwardCall(c));
                continue;
            }
            calls.Add($"// {chain.Names} in one pass: {chain.Head.Layer.Name}'s {chain.Steps}, written into {chain.Last.Layer.Name}'s output");
            if (chain.Add is { } add && AddEmitter.ProjectionCalls(add) is { } projection) calls.Add(projection);
            calls.Add(FusedCall(chain));
            i += chain.Layers.Count - 1;
        }
        return calls;
    }

    /// <summary>The producer's fused call, writing the chain's last output.</summary>
    private static string FusedCall(FusedChain chain) => LayerEmitter.For(chain.Head.Layer.Type).FusedCall(chain);

    /// <summary>The producer's fused method, after its own methods in the layers class.</summary>
    public static void WriteMethod(SourceWriter w, FusedChain chain) => LayerEmitter.For(chain.Head.Layer.Type).FusedForward(w, chain);

    /// <summary>A layer's part in the chains, as its emitter says.</summary>
    private static FusionRole RoleOf(LayerContext c) => LayerEmitter.For(c.Layer.Type).Fusion(c.Layer);

    // ---- the epilogue, the same for every producer ----

    /// <summary>The parameters the epilogue adds to the producer's: the running statistics, and the residual of a chained [Add].</summary>
    public List<(string Type, string Name, string Comment)> EpilogueParameters()
    {
        var list = new List<(string, string, string)>();
        if (Norm is { } n) list.Add(("float[]", "statistics", $"all running statistics; {n.Layer.Name}'s means then variances from {n.Layer.StatisticsOffset}"));
        if (Add is { } a) list.Add(("ReadOnlySpan<float>", "residual", $"what {a.Layer.Name} adds {LayerEmitter.Dims(a.Layer.Out)}"));
        return list;
    }

    /// <summary>The arguments of <see cref="EpilogueParameters"/> in the call.</summary>
    public IEnumerable<string> EpilogueArguments()
    {
        if (Norm is not null) yield return "_statistics";
        if (Add is { } a) yield return AddEmitter.Term(a);
    }

    /// <summary>
    /// The epilogue over <c>y</c>, the producer's output of <paramref name="channels"/> (a constant of its method) channels of
    /// <paramref name="plane"/> values, in place: one call that works channel by channel (<c>Epilogue.Planes</c>), or one
    /// over the features where a channel has one value (<c>Epilogue.Features</c>). Declares <c>GammaOffset</c>,
    /// <c>BetaOffset</c>, <c>MeanOffset</c>, <c>VarianceOffset</c>, <c>Epsilon</c>, <c>gamma</c>... <c>z</c>.
    /// </summary>
    public void WriteEpilogue(SourceWriter w, string channels, int plane)
    {
        var n = Norm!.Layer;
        string activation = ActivationArgument;
        string alpha = F(Alpha);
        w.Line($"// The epilogue: {Join(Layers.Skip(1).ToList())} in one pass, y = act(y * scale + shift{(Add is null ? "" : " + residual")}).");
        w.Line($"const int GammaOffset = {n.ParameterOffset}, BetaOffset = {n.ParameterOffset + n.WeightCount}; // {n.Name}'s γ and β");
        w.Line($"const int MeanOffset = {n.StatisticsOffset}, VarianceOffset = {n.StatisticsOffset + n.Out.C}; // its running statistics");
        w.Line($"const float Epsilon = {F(n.Epsilon)};");
        w.Line("ReadOnlySpan<float> gamma = new ReadOnlySpan<float>(parameters, GammaOffset, " + channels + ");");
        w.Line("ReadOnlySpan<float> beta = new ReadOnlySpan<float>(parameters, BetaOffset, " + channels + ");");
        w.Line("ReadOnlySpan<float> mean = new ReadOnlySpan<float>(statistics, MeanOffset, " + channels + ");");
        w.Line("ReadOnlySpan<float> variance = new ReadOnlySpan<float>(statistics, VarianceOffset, " + channels + ");");
        if (plane == 1)
        {
            w.Line($"Span<float> z = y.Slice(0, {channels}); // one value per {(channels == "U" ? "feature" : "channel")}");
            w.Line($"Epilogue.Features(z, gamma, beta, mean, variance, Epsilon, {(Add is null ? "default" : $"residual.Slice(0, {channels})")}, z, {activation}, {alpha});");
            return;
        }
        w.Line($"const int Plane = {plane}; // values per channel");
        w.Line($"Span<float> z = y.Slice(0, {channels} * Plane);");
        w.Line($"ReadOnlySpan<float> r = {(Add is null ? "default" : $"residual.Slice(0, {channels} * Plane)")};");
        w.Line($"Epilogue.Planes(z, Plane, gamma, beta, mean, variance, Epsilon, r, z, {activation}, {alpha});");
    }

    /// <summary>A float constant as C# writes it.</summary>
    public static string F(double value)
    {
        string s = ((float)value).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        if (s.IndexOf('.') < 0 && s.IndexOf('E') < 0) s += ".0";
        return s + "f";
    }
}
