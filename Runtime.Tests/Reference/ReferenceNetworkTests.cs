using StaticNets.Tests.Support;
using Xunit;

namespace StaticNets.Tests.Reference;

/// <summary>The reference itself, against numbers worked out by hand or known to many digits.</summary>
public class ReferenceNetworkTests
{
    [Fact]
    public void MaxPool_LectureExample()
    {
        NetworkInfo info = NetworkInfoBuilder.Image("Pool", 6, 6, 1).MaxPool(2).Build();
        float[] input =
        [
            4, 2, 5, 3, 1, 3,
            1, 3, 2, 2, 1, 2,
            2, 2, 4, 3, 2, 1,
            3, 6, 3, 1, 1, 2,
            1, 2, 3, 5, 2, 4,
            2, 3, 1, 2, 1, 3,
        ];

        double[] output = ReferenceNetwork.Forward(info, [], input);

        Assert.Equal([4, 5, 3, 6, 4, 2, 3, 5, 4], output);
    }

    private static readonly float[] Image4x4 =
    [
        1, 2, 0, 1,
        0, 1, 3, 1,
        2, 1, 0, 2,
        1, 0, 1, 1,
    ];

    private static readonly float[] Kernel3x3AndBias =
    [
        1, 0, -1,
        2, 1, 0,
        0, -1, 1,
        0.5f,
    ];

    [Fact]
    public void Conv2D_3x3_ByHand()
    {
        NetworkInfo info = NetworkInfoBuilder.Image("Conv", 4, 4, 1).Conv2D(1, 3).Build();

        double[] output = ReferenceNetwork.Forward(info, Kernel3x3AndBias, Image4x4);

        // top-left window: (1*1 + 0*2 - 1*0) + (2*0 + 1*1 + 0*3) + (0*2 - 1*1 + 1*0) = 1, plus the bias 0.5
        Assert.Equal([1.5, 8.5, 3.5, 2.5], output);
    }

    [Fact]
    public void Conv2D_Stride2Padding1_ByHand()
    {
        // (4 + 2 - 3) / 2 + 1 = 2 by the floor; windows start at rows and columns -1 and 1.
        NetworkInfo info = NetworkInfoBuilder.Image("Conv", 4, 4, 1).Conv2D(1, 3, stride: 2, padding: 1).Build();
        Assert.Equal(new TensorShape(1, 2, 2), info.Layers[0].OutputShape);

        double[] output = ReferenceNetwork.Forward(info, Kernel3x3AndBias, Image4x4);

        // top-left window, padded: [0 0 0; 0 1 2; 0 0 1] -> 0 + (1*1 + 0*2) + (1*1) = 2, plus 0.5
        Assert.Equal([2.5, 2.5, 0.5, 2.5], output);
    }

    [Fact]
    public void Conv2D_ManyChannelsAndFilters_UseTheKCkkLayout()
    {
        NetworkInfo info = NetworkInfoBuilder.Image("Conv", 2, 2, 2).Conv2D(2, 2).Build();
        float[] input = [1, 2, 3, 4, /* channel 1 */ 5, 6, 7, 8];
        float[] parameters =
        [
            1, 0, 0, 0, /* filter 0, channel 1 */ 0, 0, 0, 1,
            1, 1, 1, 1, /* filter 1, channel 1 */ -1, 0, 0, 0,
            1, -1, // biases
        ];

        double[] output = ReferenceNetwork.Forward(info, parameters, input);

        Assert.Equal([1 + 8 + 1, 10 - 5 - 1], output);
    }

    [Fact]
    public void AvgPool_StrideSmallerThanWindow()
    {
        NetworkInfo info = NetworkInfoBuilder.Image("Pool", 3, 3, 1).AvgPool(2, stride: 1).Build();

        double[] output = ReferenceNetwork.Forward(info, [], [1, 2, 3, 4, 5, 6, 7, 8, 9]);

        Assert.Equal([3, 4, 6, 7], output);
    }

    [Fact]
    public void MaxPool_StrideLargerThanWindow_SkipsColumns()
    {
        NetworkInfo info = NetworkInfoBuilder.Image("Pool", 1, 5, 1).MaxPool(1, stride: 2).Build();

        double[] output = ReferenceNetwork.Forward(info, [], [9, 1, 8, 2, 7]);

        Assert.Equal([9, 8, 7], output);
    }

    [Fact]
    public void Dense_ByHand_WithDropoutAsIdentity()
    {
        NetworkInfo info = NetworkInfoBuilder.Flat("Dense", 3).Dropout(0.5f).Dense(2).Build();
        float[] parameters = [1, 0, -1, /* unit 1 */ 0.5f, 0.5f, 0.5f, /* biases */ 0.25f, -1];

        double[] output = ReferenceNetwork.Forward(info, parameters, [1, 2, 3]);

        Assert.Equal([1 - 3 + 0.25, 3 - 1], output);
    }

    [Theory]
    [InlineData(Activation.None, -2.0, -2.0)]
    [InlineData(Activation.ReLU, -2.0, 0.0)]
    [InlineData(Activation.ReLU, 3.0, 3.0)]
    [InlineData(Activation.LeakyReLU, -2.0, -0.4)]
    [InlineData(Activation.LeakyReLU, 2.0, 2.0)]
    [InlineData(Activation.Sigmoid, 0.0, 0.5)]
    [InlineData(Activation.Sigmoid, -800.0, 0.0)]
    [InlineData(Activation.Sigmoid, 800.0, 1.0)]
    [InlineData(Activation.Tanh, 0.5, 0.46211715726000974)]
    [InlineData(Activation.GELU, 1.0, 0.8413447460685429)]
    [InlineData(Activation.GELU, -1.0, -0.15865525393145707)]
    [InlineData(Activation.GELU, 0.0, 0.0)]
    public void Activations_KnownValues(Activation activation, double x, double expected)
    {
        double actual = ReferenceNetwork.Activate([x], activation, 0.2)[0];

        Assert.Equal(expected, actual, 1e-15);
    }

    [Fact]
    public void Gelu_FarNegative_KeepsRelativePrecision()
    {
        // -10 * Phi(-10), Phi(-10) = 7.619853024160526e-24
        Assert.Equal(1, ReferenceNetwork.Gelu(-10) / -7.619853024160526e-23, 1e-12);
    }

    [Fact]
    public void Softmax_HugeInputs_DoNotOverflow()
    {
        double[] output = ReferenceNetwork.Softmax([1000, 1001, 1002]);

        Assert.Equal(0.09003057317038046, output[0], 1e-15);
        Assert.Equal(0.24472847105479764, output[1], 1e-15);
        Assert.Equal(0.6652409557748219, output[2], 1e-15);
    }

    [Fact]
    public void Softmax_StandaloneOnImage_IsOverAllValues()
    {
        NetworkInfo info = NetworkInfoBuilder.Image("Softmax", 1, 2, 2).Softmax().Build();

        double[] output = ReferenceNetwork.Forward(info, [], [0, 0, 0, 0]);

        Assert.Equal([0.25, 0.25, 0.25, 0.25], output);
    }

    [Theory]
    [InlineData(0.1, 0.1124629160182849)]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(2.5, 0.999593047982555)]
    [InlineData(3.0, 0.9999779095030014)]
    [InlineData(-1.0, -0.8427007929497149)]
    public void Erf_KnownValues(double x, double expected)
    {
        Assert.Equal(expected, ReferenceNetwork.Erf(x), 1e-15);
    }

    [Theory]
    [InlineData(2.5, 4.069520174449590e-4)]
    [InlineData(3.0, 2.209049699858544e-5)]
    [InlineData(5.0, 1.537459794428035e-12)]
    [InlineData(-1.0, 1.842700792949715)]
    public void Erfc_KnownValues_RelativePrecision(double x, double expected)
    {
        Assert.Equal(1, ReferenceNetwork.Erfc(x) / expected, 1e-12);
    }

    [Fact]
    public void Erf_IsContinuousWhereTheMethodChanges()
    {
        Assert.Equal(ReferenceNetwork.Erf(2.5), ReferenceNetwork.Erf(Math.BitDecrement(2.5)), 1e-15);
        // Just below 2.5 erfc is 1 - erf: absolute precision stays about 1e-16, relative drops to about 1e-13.
        Assert.Equal(ReferenceNetwork.Erfc(2.5), ReferenceNetwork.Erfc(Math.BitDecrement(2.5)), 1e-16);
    }

    [Fact]
    public void Builder_LeNet5_HasTheKnownCounts()
    {
        NetworkInfo info = RefLeNet5.Info;

        Assert.Equal(61_706, info.ParameterCount);
        Assert.Equal([156, 0, 2_416, 0, 0, 48_120, 10_164, 850], info.Layers.Select(l => l.ParameterCount));
        Assert.Equal(["conv1", "pool1", "conv2", "pool2", "flatten1", "dense1", "dense2", "dense3"], info.Layers.Select(l => l.Name));
        Assert.Equal(new TensorShape(16, 5, 5), info.Layers[3].OutputShape);
        Assert.Equal(10, info.OutputSize);
        Assert.Equal(LossKind.CrossEntropy, info.Loss);
        Assert.Equal(156 + 2_416, info.Layers[5].ParameterOffset);
    }

    [Fact]
    public void Validate_InconsistentShape_NamesTheLayer()
    {
        NetworkInfo good = NetworkInfoBuilder.Image("Bad", 6, 6, 1).Conv2D(2, 3).MaxPool(2).Build();
        NetworkInfo bad = good with { Layers = [good.Layers[0] with { OutputShape = new TensorShape(2, 3, 3) }, good.Layers[1]] };

        var error = Assert.Throws<ArgumentException>(() => ReferenceNetwork.Forward(bad, new float[bad.ParameterCount], new float[36]));

        Assert.Contains("Bad.conv1", error.Message);
    }

    [Fact]
    public void Forward_WrongInputLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => ReferenceNetwork.Forward(RefMlp.Info, new float[RefMlp.Info.ParameterCount], new float[5]));
    }
}
