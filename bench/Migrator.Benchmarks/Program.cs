using Migrator.Benchmarks;

// One subcommand per benchmark; each lives in its own file so helpers add theirs without conflicts.
return args.FirstOrDefault() switch
{
    "zonefile" => ZoneFileBenchmark.Run(args[1..]),
    "parity" => ParityBenchmark.RunAsync(args[1..]).GetAwaiter().GetResult(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Migrator.Benchmarks <benchmark> [args]\n  zonefile [N]   read/write an N-record zone (default 1,000,000) vs named-checkzone");
    return 64;
}
