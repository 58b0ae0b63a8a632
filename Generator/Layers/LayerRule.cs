using System.Numerics;
using StaticNets.Generator.Emit;
using StaticNets.Generator.Model;
using StaticNets.Generator.Shapes;

namespace StaticNets.Generator.Layers;

/// <summary>
/// Everything the generator knows about one layer kind, Roslyn-free, in the same parts for every kind:
/// its attribute, how to read its arguments, its SN1003 checks, its output shape (with its own SN2xxx
/// diagnostics), how it is described, its parameters, multiply-adds and scratch buffers, and its emitter.
/// Each kind is registered once, in <see cref="LayerRegistry"/>.
/// </summary>
internal abstract class LayerRule
{
    protected LayerRule(LayerType type, LayerEmitter? emitter)
    {
        Type = type;
        Emitter = emitter;
    }

    public LayerType Type { get; }

    /// <summary>The attribute class's metadata name: <c>StaticNets.Conv2DAttribute</c>.</summary>
    public string MetadataName => "StaticNets." + Type + "Attribute";

    /// <summary>The attribute class's name: <c>Conv2DAttribute</c>.</summary>
    public string AttributeName => Type + "Attribute";

    /// <summary>The stem of a layer's name: <c>conv</c>, <c>pool</c>, <c>dense</c>...; its index among that stem follows.</summary>
    public virtual string Stem => Type.ToString().ToLowerInvariant();

    /// <summary>The emitter of its forward and backward passes (none for [Input], which is no layer of its own).</summary>
    public LayerEmitter? Emitter { get; }

    /// <summary>Whether the layer has weights and biases (and so an inline activation, Init, L1 and L2).</summary>
    public virtual bool HasWeights => false;

    /// <summary>The member of the Runtime's <c>LayerKind</c> that <c>Info</c> records for the layer.</summary>
    public virtual string InfoKind => Type.ToString();

    /// <summary>
    /// Whether the layer works on images ([C][H][W]): the generated <c>ForwardBatch</c> runs such layers one sample at a
    /// time, and the batched tail starts at the first layer with weights after the last of them.
    /// </summary>
    public virtual bool Spatial => false;

    /// <summary>Whether it leaves the activation before it in place for the following layer's initialisation (Dropout).</summary>
    public virtual bool PassesActivationThrough => false;

    /// <summary>Reads the attribute's arguments into the spec's named fields.</summary>
    public virtual LayerSpec Read(LayerSpec spec, LayerArguments arguments) => spec;

    /// <summary>
    /// SN1003: reports each argument out of range, through <see cref="ArgumentChecks.ShapeAtLeast"/> for an argument
    /// the output shape is computed from (so that <see cref="Infer"/> is not called with it) and
    /// <see cref="ArgumentChecks.Report"/> or <see cref="ArgumentChecks.FiniteNotNegative"/> for any other. The
    /// attribute's arguments were read without errors.
    /// </summary>
    public virtual void Check(LayerSpec spec, ArgumentChecks checks)
    {
    }

    /// <summary>How messages name the layer, from its arguments alone: <c>Conv2D 5x5, stride 2</c>.</summary>
    public virtual string Describe(LayerSpec spec) => Type.ToString();

    /// <summary>The activation the layer applies: inline for Conv2D and Dense, its own for an activation layer.</summary>
    public virtual ActivationKind ActivationOf(LayerSpec spec) => ActivationKind.None;

    /// <summary>
    /// The output shape and parameters on <paramref name="input"/>, or null after reporting an error that
    /// leaves the output shape unknown. Called only when every argument checked by <see cref="ArgumentChecks.ShapeAtLeast"/>
    /// is in range; the other arguments may be out of range (already reported as SN1003). <paramref name="head"/> starts every message: <c>conv1 (Conv2D 5x5, stride 2) on 28x28x1</c>.
    /// </summary>
    public abstract LayerOutcome? Infer(LayerSpec spec, Tensor input, string head, DiagnosticSink diagnostics);

    /// <summary>What the output tensor records as the layer that made the shape flat (<see cref="Tensor.FlattenedBy"/>).</summary>
    public virtual string? FlattenedBy(Tensor input, string name) => input.FlattenedBy;

    /// <summary>SN3xxx advice of this kind alone (the network-wide advice is in <c>DesignAdvice</c>).</summary>
    public virtual void Advise(LayerSpec spec, string head, Shape? input, DiagnosticSink diagnostics)
    {
    }

    /// <summary>The layer in the <c>Summary</c> table: <c>Conv2D 6@5x5 s1 p2 ReLU</c>.</summary>
    public virtual string TableText(LayerShape layer) => Type.ToString();

    /// <summary>The layer in documentation comments: <c>Conv2D 6@5x5, stride 1, padding 2, ReLU</c>.</summary>
    public virtual string Title(LayerShape layer) => Type.ToString();

    /// <summary>Multiply-adds per sample of the forward pass: weights times the inputs they meet.</summary>
    public virtual long MultiplyAdds(LayerShape layer) => 0;

    /// <summary><c>, ReLU</c> for a layer with an inline activation, else empty.</summary>
    protected static string InlineActivation(LayerShape layer, string separator) =>
        layer.Activation == ActivationKind.None ? "" : separator + layer.Activation;

    /// <summary>Spare floats after a buffer that vector loops may read past the last value.</summary>
    public const int Slack = 16;

    /// <summary>Samples per tile of the generated <c>ForwardBatch</c>: its tiles are counted in the memory bound.</summary>
    public const int BatchTile = 8;
}

/// <summary>A tensor a layer reads: its shape, and the layer that made it flat (<c>input</c> for <c>[Input(features)]</c>), if any.</summary>
internal readonly record struct Tensor(Shape Shape, string? FlattenedBy);

/// <summary>What a rule infers for one layer; the driver checks the counts against the limits and builds its <see cref="LayerShape"/>.</summary>
internal sealed class LayerOutcome
{
    public LayerOutcome(Shape output) => Output = output;

    public Shape Output { get; }

    public int Units { get; init; }

    public int Kernel { get; init; }

    public int Stride { get; init; }

    public int Padding { get; init; }

    /// <summary>The window's geometry as resolved (kernel, strides and pads per axis and side); null for a layer without a window.</summary>
    public WindowGeometry? Geometry { get; init; }

    /// <summary>A grouped convolution's groups.</summary>
    public int Groups { get; init; } = 1;

    public ActivationKind Activation { get; init; }

    public double Alpha { get; init; }

    public double Rate { get; init; }

    public BigInteger Weights { get; init; }

    /// <summary>[BatchNorm]: its running means and variances (kept beside the parameters, counted in <see cref="Scratch"/> too).</summary>
    public int Statistics { get; init; }

    public double Momentum { get; init; }

    public double Epsilon { get; init; }

    public BigInteger Biases { get; init; }

    public BigInteger FanIn { get; init; }

    public BigInteger FanOut { get; init; }

    /// <summary>Floats the layer holds beyond its output and its gradient, as an upper bound (scratch, masks, batch tiles).</summary>
    public BigInteger Scratch { get; init; }

    /// <summary>For SN2006 on the parameter count: <c>6*1*5*5 weights + 6 biases</c>.</summary>
    public string ParameterArithmetic { get; init; } = "";

    /// <summary>For SN2006 on the parameter count: <c>filters or a smaller kernel</c>.</summary>
    public string FewerParameters { get; init; } = "";
}
