using Xunit;

namespace StaticNets.Tests.Support;

/// <summary>The test network's gradients against central finite differences, so that training tests rest on a correct network.</summary>
public class TinyMlpGradientTests
{
    private static void CheckGradients<TShape>(Func<TinyMlp<TShape>, float> computeGradients)
        where TShape : ITinyMlpShape
    {
        var net = new TinyMlp<TShape>(seed: 3);
        net.ZeroGradients();
        computeGradients(net);
        float[] analytic = net.Gradients.ToArray();

        // float forward passes: h = 1e-2 keeps rounding (~1e-7 / h) and truncation (~h^2) both near 1e-4.
        const float H = 1e-2f;
        for (int i = 0; i < analytic.Length; i++)
        {
            float saved = net.Parameters[i];
            net.Parameters[i] = saved + H;
            float plus = computeGradients(net);
            net.Parameters[i] = saved - H;
            float minus = computeGradients(net);
            net.Parameters[i] = saved;

            double numeric = (plus - (double)minus) / (2 * H);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-3 + 1e-2 * Math.Abs(numeric),
                $"{TShape.Shape.Name} parameter {i}: analytic {analytic[i]}, numeric {numeric}");
        }

        Assert.Contains(analytic, g => g != 0);
    }

    [Fact]
    public void Cross_entropy_with_a_label()
    {
        CheckGradients<XorShape>(net => net.ComputeGradients([0.3f, -0.8f], 1));
    }

    [Fact]
    public void Cross_entropy_with_a_soft_target()
    {
        CheckGradients<XorShape>(net => net.ComputeGradients([0.3f, -0.8f], [0.25f, 0.75f]));
    }

    [Fact]
    public void Mean_squared_error_with_a_target()
    {
        CheckGradients<XorMseShape>(net => net.ComputeGradients([0.9f, 0.4f], [0.2f, -1f]));
    }

    [Fact]
    public void Dropout_with_a_fixed_random_state()
    {
        CheckGradients<BlobShape>(net =>
        {
            net.SetRandomState(42);
            return net.ComputeGradients([-0.5f, 0.7f], 2);
        });
    }

    [Fact]
    public void Dropout_mask_depends_on_the_random_state_only()
    {
        var net = new TinyMlp<BlobShape>(seed: 1);
        float Loss(ulong state)
        {
            net.SetRandomState(state);
            return net.ComputeGradients([-0.5f, 0.7f], 2);
        }

        Assert.Equal(Loss(7), Loss(7));
        Assert.NotEqual(Loss(7), Loss(8));
    }

    [Fact]
    public void Forward_is_deterministic_inference()
    {
        var net = new TinyMlp<BlobShape>(seed: 1);
        var first = new float[3];
        var second = new float[3];

        net.Forward([0.1f, 0.2f], first);
        net.SetRandomState(99);
        net.ComputeGradients([0.4f, -0.3f], 0);
        net.Forward([0.1f, 0.2f], second);

        Assert.Equal(first, second);
        Assert.Equal(1f, first.Sum(), 1e-6f);
    }
}
