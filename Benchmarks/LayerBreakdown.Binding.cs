using System.Reflection;
using System.Linq.Expressions;

namespace StaticNets.Benchmarks;

/// <summary>
/// Finding a generated layer method and calling it on the network's buffers. A layer method is an instance or
/// static member of the network class, or of the file-local class that holds the layer bodies
/// (<c>LeNet5Layers</c>); its parameters are bound by name: <c>x</c>, <c>y</c>, <c>dy</c>, <c>dx</c> the layer's
/// input, output and their gradients, <c>skip</c> what an Add adds, <c>parameters</c>, <c>gradients</c> and
/// <c>statistics</c> the network's arrays, and any other name a buffer of the layer (<c>wide</c> is <c>_conv1Wide</c>;
/// <c>padded</c> and <c>paddedGrad</c> are <c>_conv1Input</c> and <c>_conv1InputGrad</c>).
/// </summary>
internal static partial class LayerBreakdown
{
    private const BindingFlags AnyMethod = BindingFlags.Instance | BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public;

    /// <summary>The network measured: its type, the instance, and each layer's default name (<c>relu1</c> where the user wrote <c>Name = "s0"</c>), which the generated members are named after.</summary>
    private sealed record Target(Type Type, object Net, NetworkInfo Info, string[] Defaults);

    /// <summary>The generated methods called <paramref name="name"/> (several where overloaded), in the network class or its file-local <c>{Class}Layers</c> class.</summary>
    private static MethodInfo[] FindLayerMethods(Target target, string name)
    {
        MethodInfo[] own = [.. target.Type.GetMethods(AnyMethod).Where(m => m.Name == name)];
        return own.Length > 0
            ? own
            : [.. target.Type.Assembly.GetTypes()
                .Where(t => t.Name.EndsWith(target.Type.Name + "Layers", StringComparison.Ordinal))
                .SelectMany(t => t.GetMethods(AnyMethod))
                .Where(m => m.Name == name)
                .OrderByDescending(m => m.GetParameters().Length)];
    }

    /// <summary>
    /// The buffer a parameter of a layer method names, given the layer's input, output and their gradients, and what an
    /// Add adds (<paramref name="skip"/>), and the next layer's staging where a chain hands its output there
    /// (<paramref name="next"/>). <paramref name="prefix"/> is the layer's default name (<c>add2Projection</c>
    /// for an Add's projection).
    /// </summary>
    private static float[]? Argument(Target target, string prefix, string name, float[]? x, float[]? dx, float[]? skip, float[]? residual, float[]? y, float[]? next) => name switch
    {
        "next" => next,
        "x" => x,
        "dx" => dx,
        "skip" => skip,
        "residual" => residual,
        "y" => y ?? Buffer(target, prefix + "Output"),
        "dy" => Buffer(target, prefix + "OutputGrad"),
        "parameters" => Buffer(target, "parameters"),
        "gradients" => Buffer(target, "gradients"),
        "statistics" => Buffer(target, "statistics"),
        "padded" => Buffer(target, prefix + "Input"),
        "paddedGrad" => Buffer(target, prefix + "InputGrad"),
        _ => Buffer(target, prefix + char.ToUpperInvariant(name[0]) + name[1..]),
    };

    /// <summary>
    /// A call of the first of <paramref name="methods"/> whose parameters all name a buffer, or null where none does: a
    /// compiled expression, since spans cannot pass through reflection's invoke. (A dynamic method taking the buffers
    /// as an object array measured dense1 forward 20% slower than a direct delegate; the expression measures the same.)
    /// </summary>
    private static Action? Bind(
        MethodInfo[] methods, Target target, string prefix, float[]? x, float[]? dx, float[]? skip = null, float[]? residual = null, float[]? y = null,
        float[]? next = null)
    {
        foreach (MethodInfo method in methods)
        {
            if (Bind(method, target, prefix, x, dx, skip, residual, y, next) is { } call) return call;
        }

        return null;
    }

    private static Action? Bind(MethodInfo method, Target target, string prefix, float[]? x, float[]? dx, float[]? skip, float[]? residual, float[]? y, float[]? next)
    {
        var arguments = new List<Expression>();
        foreach (ParameterInfo parameter in method.GetParameters())
        {
            if (Argument(target, prefix, parameter.Name ?? "", x, dx, skip, residual, y, next) is not { } buffer) return null;
            Expression array = Expression.Constant(buffer, typeof(float[]));
            arguments.Add(parameter.ParameterType == typeof(float[]) ? array : Expression.Convert(array, parameter.ParameterType));
        }

        Expression call = method.IsStatic
            ? Expression.Call(method, arguments)
            : Expression.Call(Expression.Constant(target.Net), method, arguments);
        return Expression.Lambda<Action>(call).Compile();
    }

    private static float[]? Buffer(Target target, string name) =>
        target.Type.GetField("_" + name, Private)?.GetValue(target.Net) as float[];

    /// <summary><c>conv1</c> to <c>Conv1</c>, the stem of a layer's generated methods.</summary>
    private static string Pascal(string name) => char.ToUpperInvariant(name[0]) + name[1..];

    /// <summary>The buffer layer <paramref name="index"/> reads: the output of the nearest earlier layer that has one (flatten has none), or the network input.</summary>
    private static float[]? InputOf(Target target, int index, float[] input)
    {
        for (int i = index - 1; i >= 0; i--)
        {
            if (Buffer(target, target.Defaults[i] + "Output") is { } output)
            {
                return output;
            }
        }

        return input;
    }

    /// <summary>The buffer layer <paramref name="index"/>'s backward writes: the output gradient of the nearest earlier layer that has one.</summary>
    private static float[]? InputGradientOf(Target target, int index)
    {
        for (int i = index - 1; i >= 0; i--)
        {
            if (Buffer(target, target.Defaults[i] + "OutputGrad") is { } gradient)
            {
                return gradient;
            }
        }

        return null;
    }
}
