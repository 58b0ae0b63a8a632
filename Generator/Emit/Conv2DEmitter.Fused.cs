using System.Collections.Generic;
using StaticNets.Generator.Model;

namespace StaticNets.Generator.Emit;

internal sealed partial class Conv2DEmitter
{
    /// <inheritdoc/>
    public override FusionRole Fusion(LayerShape layer) => layer.Activation == ActivationKind.None ? FusionRole.Producer : FusionRole.None;

    /// <summary>
    /// Inference's call of a chain the convolution begins (<see cref="FusedChain"/>): the convolution's own buffers, the
    /// chain's last output, and what the epilogue reads.
    /// </summary>
    public override string FusedCall(FusedChain chain)
    {
        var c = chain.Head;
        var l = c.Layer;
        var g = new Geometry(l);
        var args = new List<string> { c.Input, chain.Last.Output, "_parameters" };
        args.AddRange(ForwardScratch(l, g));
        args.AddRange(chain.EpilogueArguments());
        if (chain.HandsOffTo is { } next) args.Add(Field(next.Head.Layer, "Staging"));
        return Call(c, chain.MethodAfterHead, args.ToArray());
    }

    /// <summary>
    /// The chain's method: the convolution's forward dispatcher, over the same scalar and vector variants, followed by the
    /// epilogue per channel (the hook after the dispatch in <c>ForwardWriter</c>: any path writing <c>[K][HO][WO]</c> gets it).
    /// </summary>
    public override void FusedForward(SourceWriter w, FusedChain chain) => new ForwardWriter(w, chain.Head, chain).Write();
}
