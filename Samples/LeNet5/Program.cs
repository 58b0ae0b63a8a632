// LeNet-5 on MNIST: trains the design's LeNet-5 on the 8,000 shipped training digits, evaluates it on the
// 2,000 test digits, saves the weights, loads them back, and shows a few digits and a confusion matrix.
// The last line is "test accuracy: NN.NN%".
using System.Diagnostics;
using System.Globalization;
using StaticNets;
using StaticNets.Samples.LeNet5;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = SampleOptions.Parse(args);
if (options is null) return 2;
if (options.Help)
{
    Console.WriteLine(SampleOptions.Usage);
    return 0;
}

string dataDirectory = options.Data ?? SampleOptions.FindData();
var train = Mnist.Load(dataDirectory, MnistSplit.Train);
var test = Mnist.Load(dataDirectory, MnistSplit.Test);
Console.WriteLine($"LeNet-5 on MNIST: {train.Count:N0} training and {test.Count:N0} test digits from {Path.GetRelativePath(Environment.CurrentDirectory, dataDirectory)}");
Console.WriteLine();
Console.WriteLine(LeNet5.Summary);
Console.WriteLine();

var net = new LeNet5(seed: options.Seed);
var adam = new Adam(options.LearningRate);
bool live = !Console.IsOutputRedirected;
Console.WriteLine($"training: {options.Epochs} epochs, batch {options.BatchSize}, Adam({options.LearningRate}) decayed by {options.Decay} after each epoch, seed {options.Seed}, {options.Threads} thread{(options.Threads == 1 ? "" : "s")}");
var clock = Stopwatch.StartNew();
var report = net.Train(train, new TrainingOptions
{
    Epochs = options.Epochs,
    BatchSize = options.BatchSize,
    Optimizer = adam,
    Seed = options.Seed,
    Threads = options.Threads,
    Validation = test,
    OnBatch = b =>
    {
        // A live line: rewritten in place on a terminal, a few times per epoch in a log.
        bool show = live ? b.Batch % 10 == 0 || b.Batch == b.Batches : b.Batch == b.Batches / 2;
        if (!show) return;
        string line = $"epoch {b.Epoch}/{options.Epochs}  batch {b.Batch}/{b.Batches}  loss {b.Loss:F4}  {b.SamplesPerSecond / 1000:F1}k samples/s";
        if (live) Console.Write("\r" + line.PadRight(72));
        else Console.WriteLine(line);
    },
    OnEpoch = e =>
    {
        if (live) Console.Write("\r" + new string(' ', 72) + "\r");
        Console.WriteLine($"epoch {e.Epoch}/{options.Epochs}: loss {e.Loss:F4}, training accuracy {e.Accuracy * 100:F2}%, test accuracy {e.ValidationAccuracy * 100:F2}%, {e.Time.TotalSeconds:F1} s");
        adam.LearningRate *= options.Decay; // smaller steps as the loss settles
    },
});
Console.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F1} s");

// Save, load into a new instance, and check that every test prediction is the same.
string output = Path.GetFullPath(options.Output);
net.Save(output);
var loaded = LeNet5.Load(output);
int same = 0;
for (int i = 0; i < test.Count; i++)
{
    if (net.Predict(test.Input(i)) == loaded.Predict(test.Input(i))) same++;
}
Console.WriteLine($"saved {Path.GetFileName(output)} ({new FileInfo(output).Length:N0} bytes); loaded it back: {same:N0} of {test.Count:N0} test predictions identical");
if (same != test.Count) return 1;

// A few test digits as text art, with the network's answer.
Console.WriteLine();
for (int i = 0; i < 3; i++)
{
    int sample = i * 97;
    Console.WriteLine($"test digit {sample}: predicted {net.Predict(test.Input(sample))}, true {test.Label(sample)}");
    foreach (var row in TextArt.Render(test.Input(sample), 28, 28)) Console.WriteLine("    " + row);
}

// The confusion matrix: rows are the true digits, columns the predictions.
var confusion = new int[10, 10];
for (int i = 0; i < test.Count; i++) confusion[test.Label(i), net.Predict(test.Input(i))]++;
Console.WriteLine();
Console.WriteLine("confusion matrix (rows: true digit, columns: predicted)");
Console.WriteLine("       " + string.Concat(Enumerable.Range(0, 10).Select(d => d.ToString().PadLeft(5))));
for (int t = 0; t < 10; t++)
{
    Console.WriteLine($"    {t}  " + string.Concat(Enumerable.Range(0, 10).Select(p => confusion[t, p].ToString().PadLeft(5))));
}

var evaluation = net.Evaluate(test);
Console.WriteLine();
Console.WriteLine($"test accuracy: {evaluation.Accuracy * 100:F2}%");
return 0;
