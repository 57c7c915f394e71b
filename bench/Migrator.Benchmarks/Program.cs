if (args is ["route53-import", ..]) Environment.Exit(await Migrator.Benchmarks.Route53ImportBenchmark.RunAsync(args));
Console.WriteLine("benchmarks: see README");
