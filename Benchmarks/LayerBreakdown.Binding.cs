using System.Reflection;
using System.Linq.Expressions;

namespace StaticNets.Benchmarks;

/// <summary>
/// Finding a generated layer method and calling it on the network's buffers. A layer method is an instance or
/// static member of the network class, or of the file-local class that holds the layer bodies
/// (<c>LeNet5Layers</c>); its parameters are bound by name: <c>x</c>, <c>y</c>, <c>dy</c>, <c>dx</c> the layer's
/// input, output and their gradients, <c>parameters</c> and <c>gradients</c> the network's arrays, and any other
/// name a buffer of the layer (<c>wide</c> is <c>_conv1Wide</c>; <c>padded</c> and <c>paddedGrad</c> are
/// <c>_conv1Input</c> and <c>_conv1InputGrad</c>).
/// </summary>
internal static partial class LayerBreakdown
{
    private const BindingFlags AnyMethod = BindingFlags.Instance | BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public;

    private static MethodInfo? FindLayerMethod(string name) =>
        typeof(LeNet5).GetMethod(name, AnyMethod)
        ?? typeof(LeNet5).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith(nameof(LeNet5) + "Layers", StringComparison.Ordinal))
            .Select(t => t.GetMethod(name, AnyMethod))
            .FirstOrDefault(m => m is not null);

    /// <summary>The buffer a parameter of a layer method names, given the layer's input, output and their gradients.</summary>
    private static float[]? Argument(LeNet5 net, LayerInfo layer, string name, float[]? x, float[]? dx) => name switch
    {
        "x" => x,
        "dx" => dx,
        "y" => Buffer(net, layer.Name + "Output"),
        "dy" => Buffer(net, layer.Name + "OutputGrad"),
        "parameters" => typeof(LeNet5).GetField("_parameters", Private)?.GetValue(net) as float[],
        "gradients" => typeof(LeNet5).GetField("_gradients", Private)?.GetValue(net) as float[],
        "padded" => Buffer(net, layer.Name + "Input"),
        "paddedGrad" => Buffer(net, layer.Name + "InputGrad"),
        _ => Buffer(net, layer.Name + char.ToUpperInvariant(name[0]) + name[1..]),
    };

    /// <summary>
    /// A call of <paramref name="method"/> on the buffers its parameters name, or null where one is not found: a
    /// compiled expression, since spans cannot pass through reflection's invoke. (A dynamic method taking the buffers
    /// as an object array measured dense1 forward 20% slower than a direct delegate; the expression measures the same.)
    /// </summary>
    private static Action? Bind(MethodInfo method, LeNet5 net, LayerInfo layer, float[]? x, float[]? dx)
    {
        var arguments = new List<Expression>();
        foreach (ParameterInfo parameter in method.GetParameters())
        {
            if (Argument(net, layer, parameter.Name ?? "", x, dx) is not { } buffer) return null;
            Expression array = Expression.Constant(buffer, typeof(float[]));
            arguments.Add(parameter.ParameterType == typeof(float[]) ? array : Expression.Convert(array, parameter.ParameterType));
        }

        Expression call = method.IsStatic
            ? Expression.Call(method, arguments)
            : Expression.Call(Expression.Constant(net), method, arguments);
        return Expression.Lambda<Action>(call).Compile();
    }
}
