using System.Globalization;
using System.Text;

namespace StaticNets.Generator.Tests.Robustness;

/// <summary>One source file of a fuzz case.</summary>
internal sealed record FuzzFile(string Path, string Text);

/// <summary>
/// A network declaration written by <see cref="NetworkFuzzer"/>: its files, the compiler errors it causes on
/// purpose (a string where an int goes, a missing argument...), and a one-line description of the choices made.
/// Every file path and every generated hint name of the case contains <see cref="TagOf"/> of its seed, so that diagnostics of a
/// batch compiled together can be told apart.
/// </summary>
internal sealed record FuzzCase(int Seed, IReadOnlyList<FuzzFile> Files, IReadOnlySet<string> IntendedErrors, string Description)
{
    public static string TagOf(int seed) => "Case" + seed.ToString(CultureInfo.InvariantCulture);

    public string Source => string.Join("\n", Files.Select(f => $"// ---- {f.Path}\n{f.Text}"));
}

/// <summary>
/// A seeded generator of network declarations, from plausible to hostile. Half the cases follow the shape
/// (spatial layers whose windows mostly fit, then [Flatten], dense layers) so that the emitter sees many valid
/// networks of every layer kind; the other half are wild: any layer in any order, arguments such as 0, negatives,
/// int.MaxValue and huge sizes, [Input] missing, repeated or late, enum values out of range. Either kind may get
/// a class shape other than a plain partial class (not partial, generic, nested, static, abstract, split over
/// several declarations, named with a keyword) and an attribute argument that does not compile.
/// The same seed always gives the same case.
/// </summary>
internal static class NetworkFuzzer
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static FuzzCase Generate(int seed) => new Builder(seed).Build();

    /// <summary>A compiler error a case causes on purpose, in an attribute, and the ids the compiler reports for it.</summary>
    private sealed record Mistake(string Attribute, params string[] Ids);

    private static readonly Mistake[] Mistakes =
    {
        new("[Dense(\"10\")]", "CS1503"),
        new("[Conv2D(6)]", "CS1729"),
        new("[DepthwiseConv2D]", "CS1729"),
        new("[MaxPool(2, 3, 4)]", "CS1729"),
        new("[Conv2D(4, 3, Stride = 1.5)]", "CS0266"),
        new("[Dense(10, Activation = 3)]", "CS0266"),
        new("[Dense(10, Bias = true)]", "CS0246"),
        new("[Dense(units)]", "CS0103"),
        new("[Dense(int.MaxValue + 1)]", "CS0220"),
        new("[Conv2D(4, 3, Stride = 1, Stride = 2)]", "CS0643"),
        new("[Dense(System.Environment.ProcessorCount)]", "CS0182"),
        new("[Dense(10, Activation = Activation.Swish)]", "CS0117"),
        new("[Dense(10, Units = 5)]", "CS0200", "CS0617"),
        new("[Dropout(\"half\")]", "CS1503"),
        new("[LeakyReLU(true)]", "CS1503"),
        new("[Input(1, 2)]", "CS7036"),
        new("[Flatten(1)]", "CS1729"),
        new("[AvgPool(size: 2, size: 2)]", "CS1740"),
        new("[Dense(10, L1 = \"0.1\")]", "CS0029"),
    };

    private static readonly string[] Activations = { "None", "ReLU", "LeakyReLU", "GELU", "Sigmoid", "Tanh", "Softmax", "ReLU6" };
    private static readonly string[] Inits = { "Auto", "HeNormal", "HeUniform", "XavierNormal", "XavierUniform" };
    private static readonly string[] Standalone = { "[ReLU]", "[ReLU6]", "[LeakyReLU]", "[GELU]", "[Sigmoid]", "[Tanh]", "[Softmax]" };

    private enum ClassShape
    {
        Plain,
        NotPartial,
        Generic,
        Static,
        Abstract,
        NestedInPartial,
        NestedInNotPartial,
        NestedInGeneric,
        TwoDeclarations,
        SplitAttributes,
        InputOnBothDeclarations,
        SecondDeclarationNotPartial,
        TwoFiles,
        KeywordName,
        KeywordNamespace,
        GlobalNamespace,
        FileLocal,
        Record,
    }

    private sealed class Builder
    {
        private readonly int _seed;
        private readonly Random _r;
        private readonly HashSet<string> _intended = new();
        private readonly List<string> _notes = new();

        public Builder(int seed)
        {
            _seed = seed;
            _r = new Random(seed);
        }

        private bool Chance(double p) => _r.NextDouble() < p;

        private T Pick<T>(params T[] items) => items[_r.Next(items.Length)];

        private int Between(int min, int max) => _r.Next(min, max + 1);

        private static string Int(long v) => v switch
        {
            int.MaxValue => "int.MaxValue",
            int.MinValue => "int.MinValue",
            _ => v.ToString(Inv),
        };

        /// <summary>An int that breaks something: zero, negatives, int.MaxValue, sizes that overflow when multiplied.</summary>
        private string EdgeInt() => Pick("0", "-1", "-7", "int.MaxValue", "int.MinValue", "65536", "100000", "46341", "1 << 30", "1000000");

        private string Double(double usual)
        {
            if (Chance(0.8)) return usual.ToString("R", Inv);
            return Pick("0", "-0.5", "1", "1.5", "double.NaN", "double.PositiveInfinity", "double.NegativeInfinity", "1e308", "-1e-300", "double.Epsilon", "0.999999999999");
        }

        private string ActivationArg() => Chance(0.9)
            ? "Activation." + Pick(Activations)
            : Pick("(Activation)99", "(Activation)(-1)", "(Activation)8", "(Activation)int.MaxValue");

        private string InitArg() => Chance(0.9)
            ? "Init." + Pick(Inits)
            : Pick("(Init)5", "(Init)(-3)", "(Init)42");

        private string Named(bool conv, bool wild, int stride, int padding)
        {
            var args = new List<string>();
            if (conv && (stride != 1 || Chance(0.3))) args.Add($"Stride = {(wild && Chance(0.3) ? EdgeInt() : Int(stride))}");
            if (conv && (padding != 0 || Chance(0.3))) args.Add($"Padding = {(wild && Chance(0.3) ? EdgeInt() : Int(padding))}");
            if (conv && wild)
            {
                // The geometry options, alone, together (SN1003) or out of range.
                if (Chance(0.15)) args.Add($"StrideHeight = {(Chance(0.3) ? EdgeInt() : Int(Between(1, 3)))}");
                if (Chance(0.15)) args.Add($"StrideWidth = {(Chance(0.3) ? EdgeInt() : Int(Between(1, 3)))}");
                if (Chance(0.15)) args.Add($"Pads = new int[] {{ {string.Join(", ", Enumerable.Range(0, Chance(0.8) ? 4 : Between(0, 6)).Select(_ => Chance(0.2) ? EdgeInt() : Int(Between(0, 2))))} }}");
                if (Chance(0.15)) args.Add($"PaddingMode = {Pick("PaddingMode.Same", "PaddingMode.Explicit", "(PaddingMode)7")}");
                if (Chance(0.15)) args.Add("Bias = false");
                if (Chance(0.15)) args.Add($"Groups = {(Chance(0.3) ? EdgeInt() : Int(Between(1, 4)))}");
            }
            if (Chance(0.5)) args.Add($"Activation = {ActivationArg()}");
            if (Chance(0.2)) args.Add($"Init = {InitArg()}");
            if (Chance(0.15)) args.Add($"L1 = {Double(0.0001)}");
            if (Chance(0.15)) args.Add($"L2 = {Double(0.001)}");
            // Named arguments in any order.
            return string.Join("", args.OrderBy(_ => _r.Next()).Select(a => ", " + a));
        }

        private string Dropout(bool wild) => $"[Dropout({(wild ? Double(0.3) : Pick("0", "0.1", "0.5", "0.9"))})]";

        private string LeakyReLU(bool wild) => Chance(0.5) ? "[LeakyReLU]" : $"[LeakyReLU({(wild ? Double(0.2) : Pick("0", "0.01", "0.3", "1"))})]";

        private string Activation(bool wild) => _r.Next(8) switch
        {
            6 => Dropout(wild),
            7 => LeakyReLU(wild),
            var i => Standalone[i],
        };

        private string Input(int c, int h, int w, bool flat)
        {
            if (flat) return Chance(0.2) ? $"[Input(features: {Int(c)})]" : $"[Input({Int(c)})]";
            return _r.Next(5) switch
            {
                0 => $"[Input(height: {Int(h)}, width: {Int(w)}, channels: {Int(c)})]",
                1 => $"[Input(channels: {Int(c)}, height: {Int(h)}, width: {Int(w)})]",
                _ => $"[Input({Int(h)}, {Int(w)}, {Int(c)})]",
            };
        }

        /// <summary>
        /// A convolution with the geometry options (a rectangular kernel, per-axis strides, per-side pads or "same",
        /// no bias) that fits an h x w input; its output rows and columns.
        /// </summary>
        private (int H, int W) Geometry(List<string> layers, int h, int w, int channels)
        {
            int kh = Between(1, Math.Min(5, h)), kw = Between(1, Math.Min(5, w));
            int sh = Between(1, 3), sw = Chance(0.5) ? sh : Between(1, 3);
            var args = new List<string>();
            if (sh == sw && Chance(0.5)) args.Add($"Stride = {sh}");
            else
            {
                args.Add($"StrideHeight = {sh}");
                args.Add($"StrideWidth = {sw}");
            }
            int outH, outW;
            if (Chance(0.3))
            {
                args.Add("PaddingMode = PaddingMode.Same");
                outH = (h + sh - 1) / sh;
                outW = (w + sw - 1) / sw;
            }
            else
            {
                int top = Between(0, kh - 1), left = Between(0, kw - 1), bottom = Between(0, kh - 1), right = Between(0, kw - 1);
                if (Chance(0.7)) args.Add($"Pads = new[] {{ {top}, {left}, {bottom}, {right} }}");
                else top = left = bottom = right = 0;
                outH = (h + top + bottom - kh) / sh + 1;
                outW = (w + left + right - kw) / sw + 1;
            }
            if (Chance(0.4)) args.Add("Bias = false");
            if (Chance(0.4)) args.Add($"Activation = Activation.{Pick(Activations)}");
            string kernel = kh == kw && Chance(0.3) ? $"{kh}" : $"{kh}, {kw}";
            // Grouped where the channels allow it: the filters a multiple of the groups.
            if (Chance(0.25))
            {
                // Depthwise: one filter (or two) per channel.
                if (Chance(0.5)) args.Add($"Multiplier = {Between(1, 2)}");
                layers.Add($"[DepthwiseConv2D({kernel}{string.Join("", args.OrderBy(_ => _r.Next()).Select(a => ", " + a))})]");
                return (outH, outW);
            }
            int groups = channels > 1 && Chance(0.3) ? Pick(Enumerable.Range(2, channels - 1).Where(g => channels % g == 0).ToArray()) : 1;
            if (groups > 1) args.Add($"Groups = {groups}");
            layers.Add($"[Conv2D({groups * Between(1, 3)}, {kernel}{string.Join("", args.OrderBy(_ => _r.Next()).Select(a => ", " + a))})]");
            return (outH, outW);
        }

        /// <summary>A pool with a rectangular window, per-axis strides and "same", per-side or no padding (each side below the window).</summary>
        private (int H, int W) PoolGeometry(List<string> layers, int h, int w)
        {
            int kh = Between(1, Math.Min(4, h)), kw = Between(1, Math.Min(4, w));
            int sh = Between(1, 3), sw = Chance(0.5) ? sh : Between(1, 3);
            var args = new List<string>();
            if (sh == sw && Chance(0.5)) args.Add($"Stride = {sh}");
            else
            {
                args.Add($"StrideHeight = {sh}");
                args.Add($"StrideWidth = {sw}");
            }
            int outH, outW;
            if (Chance(0.3))
            {
                args.Add("PaddingMode = PaddingMode.Same");
                outH = (h + sh - 1) / sh;
                outW = (w + sw - 1) / sw;
            }
            else
            {
                int top = Between(0, kh - 1), left = Between(0, kw - 1), bottom = Between(0, kh - 1), right = Between(0, kw - 1);
                if (Chance(0.7)) args.Add($"Pads = new[] {{ {top}, {left}, {bottom}, {right} }}");
                else top = left = bottom = right = 0;
                outH = (h + top + bottom - kh) / sh + 1;
                outW = (w + left + right - kw) / sw + 1;
            }
            string window = kh == kw && Chance(0.3) ? $"{kh}" : $"{kh}, {kw}";
            layers.Add($"[{Pick("MaxPool", "AvgPool")}({window}{string.Join("", args.OrderBy(_ => _r.Next()).Select(a => ", " + a))})]");
            return (outH, outW);
        }

        /// <summary>Layers that mostly fit their input: windows that fit, strides that mostly tile, [Flatten] before [Dense].</summary>
        private List<string> Plausible()
        {
            var layers = new List<string>();
            bool flat = Chance(0.35);
            int c = flat ? Between(1, 24) : Between(1, 3), h = flat ? 1 : Between(1, 12), w = flat ? 1 : (Chance(0.7) ? h : Between(1, 12));
            layers.Add(Input(c, h, w, flat));
            if (!flat)
            {
                int spatial = Between(0, 3);
                for (int i = 0; i < spatial; i++)
                {
                    if (Chance(0.25)) layers.Add(Activation(false));
                    bool conv = Chance(0.6);
                    int padding = conv && Chance(0.4) ? Between(1, 2) : 0;
                    int side = Math.Min(h, w) + 2 * padding;
                    int window = Between(1, Math.Min(conv ? 5 : 3, side));
                    int spanH = h + 2 * padding - window, spanW = w + 2 * padding - window;
                    // A stride that tiles both sides, or (rarely) any stride: SN2001/SN2002, for which code is still emitted.
                    var tiling = Enumerable.Range(1, 3).Where(s => spanH % s == 0 && spanW % s == 0).ToArray();
                    int stride = Chance(0.9) ? Pick(tiling) : Between(1, 3);
                    if (conv && Chance(0.4))
                    {
                        (h, w) = Geometry(layers, h, w, c);
                        c = 0;
                        continue;
                    }
                    if (!conv && Chance(0.4))
                    {
                        (h, w) = PoolGeometry(layers, h, w);
                        continue;
                    }
                    if (conv)
                    {
                        layers.Add($"[Conv2D({Between(1, 6)}, {window}{Named(true, false, stride, padding)})]");
                        c = 0;
                    }
                    else
                    {
                        string kind = Pick("MaxPool", "AvgPool");
                        layers.Add(stride == window && Chance(0.5) ? $"[{kind}({window})]" : $"[{kind}({window}, Stride = {stride})]");
                    }
                    h = spanH / stride + 1;
                    w = spanW / stride + 1;
                }
                if (Chance(0.2)) layers.Add(Activation(false));
                if (Chance(0.15)) layers.Add(Chance(0.5) ? "[GlobalAvgPool]" : "[GlobalMaxPool(Name = \"gp\")]"); // flat after it
                else if (Chance(0.8)) layers.Add("[Flatten]");
                else if (Chance(0.5)) return layers; // ends on an image shape
            }
            int dense = Between(0, 3);
            for (int i = 0; i < dense; i++)
            {
                if (Chance(0.3)) layers.Add(Activation(false));
                int units = Chance(0.97) ? Between(1, 12) : Pick(1000, 100000);
                layers.Add($"[Dense({units}{Named(false, false, 1, 0)}{(Chance(0.2) ? ", Bias = false" : "")})]");
            }
            switch (_r.Next(4))
            {
                case 0: layers.Add($"[Dense({Between(1, 10)}, Activation = Activation.Softmax)]"); break;
                case 1: layers.Add("[Softmax]"); break;
                case 2: layers.Add(Activation(false)); break;
            }
            return layers;
        }

        /// <summary>Any layer, any order, any argument; [Input] missing, repeated or late now and then.</summary>
        private List<string> Wild()
        {
            var layers = new List<string>();
            int count = Between(0, 8);
            string Size(int max) => Chance(0.6) ? Between(1, max).ToString(Inv) : EdgeInt();
            for (int i = 0; i < count; i++)
            {
                layers.Add(_r.Next(10) switch
                {
                    0 or 1 => $"[Conv2D({Size(6)}, {Size(5)}{Named(true, true, Between(1, 3), Between(0, 2))})]",
                    2 => Chance(0.5) ? $"[MaxPool({Size(3)})]" : $"[MaxPool({Size(3)}, Stride = {Size(3)})]",
                    3 => Chance(0.5) ? $"[AvgPool({Size(3)})]" : Chance(0.5) ? $"[AvgPool({Size(3)}, Stride = {Size(3)})]"
                        : $"[{Pick("MaxPool", "AvgPool")}({Size(3)}, {Size(3)}, StrideWidth = {Size(3)}, Padding = {Size(2)})]",
                    4 => Chance(0.7) ? "[Flatten]" : Pick("[GlobalAvgPool]", "[GlobalMaxPool]"),
                    5 or 6 => $"[Dense({Size(12)}{Named(false, true, 1, 0)})]",
                    7 => Dropout(true),
                    8 => LeakyReLU(true),
                    _ => Chance(0.7) ? Pick(Standalone) : Add(),
                });
            }
            string input = Chance(0.5)
                ? Input(Chance(0.7) ? Between(1, 3) : Pick(0, -1, int.MaxValue, 100000), Chance(0.7) ? Between(1, 12) : Pick(0, -1, int.MaxValue, 100000, 46341), Chance(0.7) ? Between(1, 12) : Pick(0, -2, int.MaxValue, 65536), false)
                : Input(Chance(0.7) ? Between(1, 30) : Pick(0, -1, int.MaxValue, int.MinValue, 100000000), 1, 1, true);
            switch (_r.Next(10))
            {
                case 0:
                    _notes.Add("no [Input]");
                    break;
                case 1:
                    _notes.Add("[Input] repeated");
                    layers.Insert(0, input);
                    layers.Insert(Between(1, layers.Count), Chance(0.5) ? input : "[Input(3)]");
                    break;
                case 2:
                    _notes.Add("[Input] late");
                    layers.Insert(Between(0, layers.Count), input);
                    break;
                default:
                    layers.Insert(0, input);
                    break;
            }
            return layers;
        }

        public FuzzCase Build()
        {
            bool plausible = Chance(0.5);
            var layers = plausible ? Plausible() : Wild();
            _notes.Insert(0, plausible ? "plausible" : "wild");
            if (Chance(0.15)) NameSome(layers);
            if (Chance(0.1))
            {
                string limit = Pick("0", "1", "1000", "1000000", "long.MaxValue", "-1");
                layers.Insert(Between(0, layers.Count), Chance(0.5) ? $"[Budget(MaxMultiplyAdds = {limit})]" : $"[Budget(MaxMultiplyAdds = {limit}, MaxBytes = {Pick("0", "4000", "1000000", "-5")})]");
                _notes.Add("budget");
            }
            if (Chance(plausible ? 0.05 : 0.15) && layers.Count > 0)
            {
                var mistake = Pick(Mistakes);
                layers.Insert(Between(layers.Count > 1 ? 1 : 0, layers.Count), mistake.Attribute);
                foreach (var id in mistake.Ids) _intended.Add(id);
                _notes.Add("mistake " + mistake.Attribute);
            }
            var shape = Chance(0.7) ? ClassShape.Plain : (ClassShape)_r.Next(Enum.GetValues<ClassShape>().Length);
            _notes.Add(shape.ToString());
            var files = Write(shape, layers);
            return new FuzzCase(_seed, files, _intended, string.Join(", ", _notes));
        }

        /// <summary>An [Add] of the input, of a layer by a name it may have, or of no layer; now and then with a projection.</summary>
        private string Add()
        {
            string projection = Chance(0.4) ? ", Projection = " + Pick("Projection.Conv", "Projection.None", "Projection.ConvBatchNorm", "(Projection)9") : "";
            return $"[Add(\"{Pick("input", "input", "a0", "conv1", "dense1", "relu1", "nowhere")}\"{projection})]";
        }

        /// <summary>Gives one to three layers a Name: valid, repeated, taken, a default of another, or not a name.</summary>
        private void NameSome(List<string> layers)
        {
            for (int k = Between(1, 3); k > 0 && layers.Count > 0; k--)
            {
                int i = Between(0, layers.Count - 1);
                if (layers[i].StartsWith("[Input", StringComparison.Ordinal) || layers[i].Contains("Name = ", StringComparison.Ordinal)) continue;
                string name = Pick("a0", "a0", "block1_out", "Hidden", "_x", "dense1", "conv2", "relu6_1", "input", "output", "", "1st", "a b", "x\\\"y", new string('n', 65));
                string argument = $"Name = \"{name}\"";
                layers[i] = layers[i].EndsWith(")]", StringComparison.Ordinal)
                    ? layers[i].Substring(0, layers[i].Length - 2) + ", " + argument + ")]"
                    : layers[i].Substring(0, layers[i].Length - 1) + "(" + argument + ")]";
                _notes.Add("named " + name);
            }
        }

        private List<FuzzFile> Write(ClassShape shape, List<string> layers)
        {
            string tag = FuzzCase.TagOf(_seed);
            string attributes = string.Join("\n", layers);
            // A constant of the class itself may appear in an attribute argument.
            string body = Chance(0.1) ? "{ public const int Width = 4; }" : "{ }";
            string access = Pick("public ", "internal ", "");
            string sealedOrNot = Chance(0.2) ? "sealed " : "";
            string ns = $"namespace {tag};\n";
            string? usage = null; // code that uses the generated members, where they must exist
            var sb = new StringBuilder("using StaticNets;\n");
            var files = new List<FuzzFile>();

            switch (shape)
            {
                case ClassShape.Plain:
                    sb.Append(Chance(0.2) ? $"namespace {tag}\n{{\n" : ns);
                    sb.Append($"{attributes}\n{access}{sealedOrNot}partial class Net {body}\n");
                    usage = Usage("Net", instantiate: true);
                    if (sb.ToString().Contains($"namespace {tag}\n{{"))
                    {
                        if (HasInput(layers)) sb.Append(usage);
                        sb.Append("}\n");
                        usage = null;
                    }
                    break;
                case ClassShape.NotPartial:
                    sb.Append(ns).Append($"{attributes}\n{access}class Net {body}\n");
                    break;
                case ClassShape.Generic:
                    sb.Append(ns).Append($"{attributes}\n{access}partial class Net<T> {body}\n");
                    break;
                case ClassShape.Static:
                    sb.Append(ns).Append($"{attributes}\n{access}static partial class Net {body}\n");
                    break;
                case ClassShape.Abstract:
                    sb.Append(ns).Append($"{attributes}\n{access}abstract partial class Net {body}\n");
                    usage = Usage("Net", instantiate: false);
                    break;
                case ClassShape.NestedInPartial:
                {
                    string outer = Pick("partial class", "static partial class", "partial struct", "readonly partial struct", "partial record", "partial record struct", "partial interface", "sealed partial class");
                    sb.Append(ns).Append($"public {outer} Outer\n{{\n{attributes}\n{Pick("public ", "internal ")}partial class Net {body}\n}}\n");
                    usage = Usage("Outer.Net", instantiate: true);
                    break;
                }
                case ClassShape.NestedInNotPartial:
                    sb.Append(ns).Append($"public {Pick("class", "struct", "static class")} Outer\n{{\n{attributes}\npublic partial class Net {body}\n}}\n");
                    break;
                case ClassShape.NestedInGeneric:
                    sb.Append(ns).Append($"public partial class Outer<T>\n{{\n{attributes}\npublic partial class Net {body}\n}}\n");
                    break;
                case ClassShape.TwoDeclarations:
                    sb.Append(ns).Append($"{attributes}\n{access}partial class Net {body}\n{access}partial class Net {{ }}\n");
                    usage = Usage("Net", instantiate: true);
                    break;
                case ClassShape.SplitAttributes:
                {
                    int cut = layers.Count <= 1 ? layers.Count : Between(1, layers.Count - 1);
                    sb.Append(ns).Append($"{string.Join("\n", layers.Take(cut))}\npartial class Net {{ }}\n{string.Join("\n", layers.Skip(cut))}\npartial class Net {{ }}\n");
                    usage = Usage("Net", instantiate: true);
                    break;
                }
                case ClassShape.InputOnBothDeclarations:
                    sb.Append(ns).Append($"{attributes}\npartial class Net {{ }}\n[Input(4)]\n[Dense(2)]\npartial class Net {{ }}\n");
                    usage = Usage("Net", instantiate: true);
                    break;
                case ClassShape.SecondDeclarationNotPartial:
                    sb.Append(ns).Append($"{attributes}\npartial class Net {{ }}\nclass Net {{ }}\n");
                    _intended.Add("CS0260");
                    break;
                case ClassShape.TwoFiles:
                {
                    int cut = Chance(0.5) || layers.Count <= 1 ? layers.Count : Between(1, layers.Count - 1);
                    sb.Append(ns).Append($"{string.Join("\n", layers.Take(cut))}\npublic partial class Net {{ }}\n");
                    files.Add(new FuzzFile($"{tag}.b.cs", $"using StaticNets;\nnamespace {tag};\n{string.Join("\n", layers.Skip(cut))}\npublic partial class Net {{ }}\n"));
                    usage = Usage("Net", instantiate: true);
                    break;
                }
                case ClassShape.KeywordName:
                {
                    string name = Pick("@event", "@class", "@int", "@namespace");
                    sb.Append(ns).Append($"{attributes}\n{access}partial class {name} {body}\n");
                    usage = Usage(name, instantiate: true);
                    break;
                }
                case ClassShape.KeywordNamespace:
                    sb.Append($"namespace {tag}.@{Pick("fixed", "global", "checked")};\n").Append($"{attributes}\n{access}partial class Net {body}\n");
                    usage = Usage("Net", instantiate: true);
                    break;
                case ClassShape.GlobalNamespace:
                {
                    string name = tag + "Net";
                    sb.Append($"{attributes}\n{access}partial class {name} {body}\n");
                    usage = Usage(name, instantiate: true).Replace("static class Use", $"static class {tag}Use");
                    break;
                }
                case ClassShape.FileLocal:
                    sb.Append(ns).Append($"{attributes}\nfile partial class Net {body}\n");
                    break;
                case ClassShape.Record:
                    sb.Append(ns).Append($"{attributes}\n{access}partial record Net {body}\n");
                    break;
            }
            // The generator finds a network by its [Input]; without one there are no members to use (SN1002 says why).
            if (usage is not null && (HasInput(layers) || shape == ClassShape.InputOnBothDeclarations)) sb.Append(usage);
            files.Insert(0, new FuzzFile($"{tag}.cs", sb.ToString()));
            return files;
        }

        private static bool HasInput(List<string> layers) => layers.Any(l => l.StartsWith("[Input(", StringComparison.Ordinal));

        /// <summary>
        /// Code that uses every member the generator promises (DESIGN.md: they exist whatever the diagnostics), so
        /// that a missing file or a wrong signature is a compiler error of the case.
        /// </summary>
        private static string Usage(string type, bool instantiate) => $$"""
            static class Use
            {
                public static void Run({{type}} given, global::System.IO.Stream stream)
                {
                    {{type}} net = {{(instantiate ? $"new {type}(1)" : "given")}};
                    float[] x = new float[{{type}}.InputSize], y = new float[{{type}}.OutputSize];
                    net.Forward(x, y);
                    int index = net.Predict(x) + {{type}}.ParameterCount;
                    net.ZeroGradients();
                    float loss = net.ComputeGradients(x, index) + net.ComputeGradients(x, y);
                    global::System.Span<float> p = net.Parameters, g = net.Gradients;
                    net.SetRandomState(1UL);
                    net.Save(stream);
                    string summary = {{type}}.Summary;
                    Generic<{{type}}>(net);
                }

                private static void Generic<T>(T net) where T : class, global::StaticNets.INetwork<T>
                {
                    global::StaticNets.NetworkInfo info = T.Info;
                    T other = T.Create(2);
                    net.ExportOnnx(global::System.IO.Stream.Null);
                }
            }

            """;
    }
}
