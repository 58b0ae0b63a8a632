using System.Numerics;
using StaticNets.Generator.Emit;
using StaticNets.Generator.Model;
using StaticNets.Generator.Shapes;
using static StaticNets.Generator.Shapes.Messages;

namespace StaticNets.Generator.Layers;

/// <summary>
/// [Add(from)]: the previous layer's output plus the output of the earlier layer named <c>from</c> (a residual
/// connection). <c>Projection.None</c> adds it as it is (the shapes must be equal, SN2007); <c>Projection.Conv</c> maps it
/// through a learned 1x1 convolution with bias, stride the ratio of the sizes, whose weights <c>[out][in]</c> and biases
/// stand at the Add's place in <c>Parameters</c>, initialised as a convolution followed by the Add's next activation
/// would be (He before a ReLU, else Xavier). <c>Projection.ConvBatchNorm</c> is the same convolution without bias, then
/// a BatchNorm with PyTorch's defaults (momentum 0.1, epsilon 1e-5): its weights, then γ and β (<c>BiasCount</c> = 2 x out),
/// and its running means then variances at the Add's place in <c>Statistics</c>.
/// </summary>
internal sealed class AddRule : LayerRule
{
    public AddRule(LayerEmitter emitter)
        : base(LayerType.Add, emitter)
    {
    }

    public override bool ReadsFrom => true;

    /// <summary>The projection's weights are initialised as a convolution's followed by the Add's next activation.</summary>
    public override bool InitialisedAsWeighted => true;

    /// <summary>
    /// Read as spatial by the plan: <c>ForwardBatch</c> runs it one sample at a time, since it reads a tensor computed
    /// before it, which the batched tail's tiles do not keep.
    /// </summary>
    public override bool Spatial => true;

    public override LayerSpec Read(LayerSpec spec, LayerArguments arguments) =>
        spec with { From = arguments.String("from"), Projection = (ProjectionKind)arguments.Int("Projection", 0) };

    public override void Check(LayerSpec spec, ArgumentChecks checks)
    {
        if (spec.Projection is not (ProjectionKind.None or ProjectionKind.Conv or ProjectionKind.ConvBatchNorm))
        {
            checks.ShapeInvalid("Projection", $"Projection = {(int)spec.Projection} is not a projection [Add] takes: use Projection.None (the shapes are equal), Projection.Conv (a learned 1x1 convolution with bias) or Projection.ConvBatchNorm (a 1x1 convolution without bias, then BatchNorm).");
        }
    }

    public override string Describe(LayerSpec spec) => $"Add {spec.From}" + spec.Projection switch
    {
        ProjectionKind.Conv => " through a 1x1 convolution",
        ProjectionKind.ConvBatchNorm => " through a 1x1 convolution and BatchNorm",
        _ => "",
    };

    /// <summary>PyTorch's BatchNorm defaults, which the ConvBatchNorm projection's BatchNorm takes.</summary>
    public const double ProjectionMomentum = 0.1, ProjectionEpsilon = 1e-5;

    /// <summary>Not called: the walk infers an Add only with the tensor its from names (an unknown from is SN1005 first).</summary>
    public override LayerOutcome? Infer(LayerSpec spec, Tensor input, string head, DiagnosticSink diagnostics) => null;

    public override LayerOutcome? Infer(LayerSpec spec, Tensor input, string inputName, Tensor from, string fromName, string head, DiagnosticSink diagnostics)
    {
        Shape x = input.Shape, skip = from.Shape;
        string shapes = $"{Output(inputName)} is {x} and {Output(fromName)} is {skip}";
        if (spec.Projection == ProjectionKind.None)
        {
            if (x == skip) return new LayerOutcome(x);
            var mapped = Strides(skip, x);
            bool fits = mapped is not null;
            string advice = mapped is { } s
                ? $" Projection = Projection.Conv maps {skip} to {x} through a learned 1x1 convolution, stride {StrideText(s)}."
                : Advice(x, skip);
            diagnostics.Report(DiagnosticIds.SN2007, $"{head}: {shapes}; to be added, the shapes must be equal.{advice}", spec.Location,
                repairs: fits ? new[] { new Repair("Projection", (int)ProjectionKind.Conv) } : null);
            return null;
        }

        if (x.Flat || skip.Flat)
        {
            diagnostics.Report(DiagnosticIds.SN2007, $"{head}: {shapes}; a projection is a 1x1 convolution over an image, and {Output(x.Flat ? inputName : fromName)} is flat. Use Projection.None with equal shapes, or a [Dense] layer that maps one to the other.", spec.Location);
            return null;
        }
        if (Strides(skip, x) is not { } strides)
        {
            diagnostics.Report(DiagnosticIds.SN2007, $"{head}: {shapes}; a 1x1 projection with stride maps {skip.H}x{skip.W} only to sizes that divide it exactly ({skip.H}/{x.H} and {skip.W}/{x.W} are not both whole numbers).{Advice(x, skip)}", spec.Location);
            return null;
        }
        var g = new WindowGeometry(1, 1, strides.Rows, strides.Columns, 0, 0, 0, 0);
        BigInteger scratch = x.Size + Conv2DBuffers.Of(skip, x, g, needsInputGrad: true, 1).Total;
        if (spec.Projection == ProjectionKind.ConvBatchNorm)
        {
            // The projection's output gradient, and the BatchNorm's as BatchNormRule counts it.
            scratch += x.Size + x.Size + (BigInteger)x.C * (2 + 8 + 5);
            return new LayerOutcome(x)
            {
                Units = x.C,
                Kernel = 1,
                Stride = strides.Rows,
                Geometry = g,
                Weights = (BigInteger)x.C * skip.C,
                Biases = 2 * x.C,
                FanIn = skip.C,
                FanOut = x.C,
                Statistics = 2 * x.C,
                Momentum = ProjectionMomentum,
                Epsilon = ProjectionEpsilon,
                Scratch = scratch,
                ParameterArithmetic = $"{x.C}*{skip.C} weights + {x.C} scales + {x.C} shifts",
                FewerParameters = "channels",
            };
        }
        return new LayerOutcome(x)
        {
            Units = x.C,
            Kernel = 1,
            Stride = strides.Rows,
            Geometry = g,
            Weights = (BigInteger)x.C * skip.C,
            Biases = x.C,
            FanIn = skip.C,
            FanOut = x.C,
            Scratch = scratch,
            ParameterArithmetic = $"{x.C}*{skip.C} weights + {x.C} biases",
            FewerParameters = "channels",
        };
    }

    /// <summary><c>conv3's output</c>, or <c>the network input</c>.</summary>
    private static string Output(string name) => name == "input" ? "the network input" : name + "'s output";

    /// <summary>The strides of a 1x1 convolution from <paramref name="from"/> to <paramref name="to"/>: the exact ratios of the sizes, or null.</summary>
    private static (int Rows, int Columns)? Strides(Shape from, Shape to)
    {
        if (from.Flat || to.Flat || to.H == 0 || to.W == 0 || from.H % to.H != 0 || from.W % to.W != 0) return null;
        return (from.H / to.H, from.W / to.W);
    }

    private static string StrideText((int Rows, int Columns) s) => s.Rows == s.Columns ? $"{s.Rows}" : $"{s.Rows}x{s.Columns}";

    private static string Advice(Shape x, Shape skip) => x.Flat || skip.Flat
        ? " Add tensors of the same shape (a projection needs images on both sides)."
        : " Add the output of a layer whose size divides evenly into this one, or change the layers between them.";

    public override string TableText(LayerShape l) => l.Projection switch
    {
        ProjectionKind.Conv => $"Add {l.InputLabel} + {l.From} (1x1 conv s{StrideText((l.StrideHeight, l.StrideWidth))})",
        ProjectionKind.ConvBatchNorm => $"Add {l.InputLabel} + {l.From} (1x1 conv s{StrideText((l.StrideHeight, l.StrideWidth))}, BN)",
        _ => $"Add {l.InputLabel} + {l.From}",
    };

    public override string Title(LayerShape l) => l.Projection switch
    {
        ProjectionKind.Conv => $"Add of {l.InputLabel} and {l.From} through a 1x1 convolution, stride {StrideText((l.StrideHeight, l.StrideWidth))}",
        ProjectionKind.ConvBatchNorm =>
            $"Add of {l.InputLabel} and {l.From} through a 1x1 convolution, stride {StrideText((l.StrideHeight, l.StrideWidth))}, and BatchNorm",
        _ => $"Add of {l.InputLabel} and {l.From}",
    };

    /// <summary>The projection's: each output value is a dot product over the input channels (and one scale and shift after it).</summary>
    public override long MultiplyAdds(LayerShape l) =>
        (long)l.Out.Size * l.FanIn + (l.Projection == ProjectionKind.ConvBatchNorm ? l.Out.Size : 0);
}
