using StaticNets.Samples.LeNet5;

Console.WriteLine(LeNet5.Summary);
var net = new LeNet5(seed: 1);
var image = new float[LeNet5.InputSize];
Console.WriteLine($"prediction: {net.Predict(image)}");
