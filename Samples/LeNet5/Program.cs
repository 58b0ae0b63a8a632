Console.WriteLine("LeNet-5");
