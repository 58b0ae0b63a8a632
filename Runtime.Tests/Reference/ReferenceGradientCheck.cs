using Xunit;
using Xunit.Abstractions;

namespace StaticNets.Tests.Reference;

/// <summary>
/// Every parameter's gradient of a network (cross-entropy on one sample) against central differences of the
/// double-precision reference network's loss (<see cref="ReferenceNetwork"/>). A gradient passes when
/// <c>|analytic - numeric| &lt;= 1e-4 + 1e-3 |numeric|</c>: the differences in double are exact to about 1e-7 with a
/// step of 1e-3, the analytic gradients in float to a few 1e-6 of their sums' magnitudes. Meant for networks without
/// kinks within a step (Tanh, Sigmoid).
/// </summary>
public static class ReferenceGradientCheck
{
    /// <summary>
    /// Sets the parameters to seeded values in <c>[-scale/2, scale/2)</c>, computes the gradients twice (the scratch
    /// buffers' zeros must survive a call) and compares each with the reference's difference quotient.
    /// </summary>
    public static void Check<TNet>(TNet net, int label, ITestOutputHelper output, float scale = 1f) where TNet : class, INetwork<TNet>
    {
        var info = TNet.Info;
        var random = new Random(info.ParameterCount);
        for (int i = 0; i < net.Parameters.Length; i++) net.Parameters[i] = (float)(random.NextDouble() - 0.5) * scale;
        var input = Enumerable.Range(0, info.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        for (int call = 0; call < 2; call++)
        {
            net.ZeroGradients();
            net.ComputeGradients(input, label);
        }
        float[] analytic = net.Gradients.ToArray();
        float[] parameters = net.Parameters.ToArray();

        double Loss() => -Math.Log(ReferenceNetwork.Forward(info, parameters, input)[label]);

        double worst = 0;
        int failures = 0;
        for (int i = 0; i < parameters.Length; i++)
        {
            float saved = parameters[i];
            parameters[i] = saved + 1e-3f;
            double plus = Loss(), up = parameters[i];
            parameters[i] = saved - 1e-3f;
            double minus = Loss(), down = parameters[i];
            parameters[i] = saved;
            double numeric = (plus - minus) / (up - down);
            double bound = 1e-4 + 1e-3 * Math.Abs(numeric);
            worst = Math.Max(worst, Math.Abs(analytic[i] - numeric) / bound);
            if (Math.Abs(analytic[i] - numeric) > bound && failures++ < 10)
            {
                output.WriteLine($"parameter {i}: analytic {analytic[i]:G6}, numeric {numeric:G6}");
            }
        }
        output.WriteLine($"{info.Name}: {parameters.Length} parameters, worst {worst:F3} of the bound");
        Assert.Equal(0, failures);
    }
}
