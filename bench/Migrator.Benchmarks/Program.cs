using Migrator.Benchmarks;

// One subcommand per benchmark; each lives in its own file so helpers add theirs without conflicts.
return args.FirstOrDefault() switch
{
    "zonefile" => ZoneFileBenchmark.Run(args[1..]),
    "diff" => DiffBenchmark.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Migrator.Benchmarks <benchmark> [args]\n  zonefile [N]   read/write an N-record zone (default 1,000,000) vs named-checkzone\n  diff [N]       diff two N-record zones (default 1,000,000) with 1% changes");
    return 64;
}
