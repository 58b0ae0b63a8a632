using Xunit;

namespace StaticNets.Tests.Training;

public class ResultFormatTests
{
    [Fact]
    public void Epoch_result_reads_as_one_line()
    {
        var result = new EpochResult(3, 0.0712f, 0.9781f, 0.0801f, 0.976f, TimeSpan.FromSeconds(1.23), 12_345);

        Assert.Equal(
            "epoch 3: loss 0.0712, accuracy 97.81%, validation loss 0.0801, validation accuracy 97.60%, 12.3k samples/s, 1.2 s",
            result.ToString());
    }

    [Fact]
    public void Epoch_result_without_validation_omits_it()
    {
        var result = new EpochResult(1, 0.5f, 0.5f, null, null, TimeSpan.FromMilliseconds(350), 850);

        Assert.Equal("epoch 1: loss 0.5000, accuracy 50.00%, 850 samples/s, 350 ms", result.ToString());
    }

    [Fact]
    public void Evaluation_reads_as_one_line()
    {
        Assert.Equal("loss 0.0801, accuracy 97.60% on 2000 samples", new Evaluation(0.0801f, 0.976f, 2000).ToString());
    }

    [Fact]
    public void Report_summarises_the_last_epoch()
    {
        var last = new EpochResult(2, 0.25f, 0.75f, null, null, TimeSpan.FromSeconds(2), 2_500_000);
        var report = new TrainingReport([new EpochResult(1, 0.5f, 0.5f, null, null, TimeSpan.FromSeconds(2), 2_000_000), last], TimeSpan.FromSeconds(4.04));

        Assert.Equal(0.25f, report.FinalLoss);
        Assert.Equal("2 epochs in 4.0 s; last: epoch 2: loss 0.2500, accuracy 75.00%, 2.5M samples/s, 2.0 s", report.ToString());
        Assert.Throws<ArgumentException>(() => new TrainingReport([], TimeSpan.Zero));
    }
}
