using System;
using System.Collections.Generic;
using System.Linq;
using StaticNets.Generator.Layers;
using StaticNets.Generator.Model;
using static StaticNets.Generator.Shapes.Messages;

namespace StaticNets.Generator.Shapes;

/// <summary>
/// SN3xxx: warnings about networks that build but train badly. Works on the specs, so that advice is given even
/// when a shape is unknown; the shape a layer receives is named where it is known. The advice
/// about one layer kind alone (SN3003 for a convolution) is its rule's <see cref="LayerRule.Advise"/>.
/// </summary>
internal static class DesignAdvice
{
    /// <summary>
    /// The number of saturating activations (Sigmoid or Tanh, inline or standalone) at which SN3002 warns.
    /// Each multiplies the backward signal by its slope, at most 0.25 for Sigmoid: after four, at most
    /// 0.25^4 = 0.0039 of it reaches the first layer, the depth where plain sigmoid nets visibly stop learning
    /// (Glorot and Bengio, 2010). Three is common in textbook nets and trains; four is where to warn.
    /// </summary>
    public const int SaturatingDepth = 4;

    /// <summary>The advice on <paramref name="specs"/>; <paramref name="inputs"/> holds the shape each layer receives, by spec index, where it is known.</summary>
    public static void Report(EquatableArray<LayerSpec> specs, LayerRule[] rules, string[] names, Shape?[] inputs, DiagnosticSink diagnostics)
    {
        Shape? InputOf(int i) => inputs[i];
        string Head(int i) => $"{names[i]} ({rules[i].Describe(specs[i])}){(InputOf(i) is { } s ? $" on {s}" : "")}";

        var real = Enumerable.Range(0, specs.Count).Where(i => specs[i].Type != LayerType.Input).ToList();
        int saturating = 0;
        var saturatingNames = new List<string>();
        for (int k = 0; k < real.Count; k++)
        {
            int i = real[k];
            var l = specs[i];
            bool inline = rules[i].HasWeights;
            var activation = rules[i].ActivationOf(l);
            LocationInfo? at = inline ? l.ArgumentOrAttribute("Activation") : l.Location;
            if (activation == ActivationKind.Softmax && k != real.Count - 1)
            {
                string lastName = names[real[real.Count - 1]];
                diagnostics.Report(DiagnosticIds.SN3001, $"{Head(i)}: Softmax here is not at the output ({lastName} is the last layer). Softmax belongs last, where training pairs it with cross-entropy; in the middle it squashes the signal and its gradient. {(inline ? "Remove Activation = Softmax here" : "Remove this [Softmax]")}, or make it the last layer.", at, isFatal: false);
            }
            if (activation is ActivationKind.Sigmoid or ActivationKind.Tanh)
            {
                saturating++;
                saturatingNames.Add(names[i]);
                if (saturating == SaturatingDepth)
                {
                    double shrink = Math.Pow(0.25, SaturatingDepth);
                    diagnostics.Report(DiagnosticIds.SN3002, $"{Head(i)}: {activation} here is the {Ordinal(SaturatingDepth)} saturating activation in this network ({Join(saturatingNames, "and")}). Each scales the gradient by its slope, at most 0.25 for Sigmoid and 1 for Tanh, and near 0 where it saturates: 0.25^{SaturatingDepth} = {shrink.ToString("0.####", Inv)}, so the first layers barely learn. Use ReLU, LeakyReLU or GELU (initialised with He) for the hidden layers.", at, isFatal: false);
                }
            }
            if (k + 1 < real.Count && specs[real[k + 1]].Type == LayerType.BatchNorm)
            {
                BiasBeforeBatchNorm(l, Head(i), names[real[k + 1]], activation, diagnostics);
            }
            rules[i].Advise(l, Head(i), InputOf(i), diagnostics);
        }
    }

    /// <summary>
    /// SN3005: a Conv2D, DepthwiseConv2D or Dense with a bias and no activation right before a BatchNorm. The BatchNorm
    /// subtracts the mean over the batch of every channel (or feature), which the bias shifts by exactly itself, so the
    /// bias cancels: in training its gradient is zero, and at inference it only cancels against the running mean.
    /// </summary>
    private static void BiasBeforeBatchNorm(LayerSpec l, string head, string normName, ActivationKind activation, DiagnosticSink diagnostics)
    {
        if (l.Type is not (LayerType.Conv2D or LayerType.DepthwiseConv2D or LayerType.Dense) || !l.Bias || activation != ActivationKind.None)
        {
            return;
        }
        string unit = l.Type == LayerType.Dense ? "feature" : "channel";
        diagnostics.Report(DiagnosticIds.SN3005,
            $"{head}: its bias is redundant: {normName} (BatchNorm) right after it subtracts each {unit}'s mean over the batch, which the bias shifts by exactly itself, so the bias cancels (its gradient is zero) and BatchNorm's own shift (β) takes its place. Set Bias = false.",
            l.ArgumentOrAttribute("Bias"), isFatal: false);
    }
}
