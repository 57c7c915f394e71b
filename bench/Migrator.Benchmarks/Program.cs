if (args is ["parity", ..]) Environment.Exit(await Migrator.Benchmarks.ParityBenchmark.RunAsync(args[1..]));
Console.WriteLine("benchmarks: see README");
