using Migrator.Benchmarks;

// One subcommand per benchmark; each lives in its own file so helpers add theirs without conflicts.
return args.FirstOrDefault() switch
{
    "zonefile" => ZoneFileBenchmark.Run(args[1..]),
    "zone-print" => ZonePrintProcessBenchmark.Run(args[1..]),
    "diff" => DiffBenchmark.Run(args[1..]),
    "route53-import" => await Route53ImportBenchmark.RunAsync(args),
    "parity" => await ParityBenchmark.RunAsync(args[1..]),
    "world" => await WorldBenchmark.RunAsync(args[1..]),
    "pages" => await PagesBenchmark.RunAsync(args[1..]),
    "migration-jobs" => await MigrationJobsBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: Migrator.Benchmarks <benchmark> [args]
          zonefile [N]         read/write an N-record zone (default 1,000,000) vs named-checkzone
          zone-print [N...]    `migrator zone print` vs `named-compilezone -s full`, whole processes (default 300,000 and 1,000,000)
          diff [N]             diff two N-record zones (default 1,000,000) with 1% changes
          route53-import [N]   import N records (default 100,000) into the emulator at 5 requests/s
          parity [N] [ROUNDS]  parity over N names (default 10,000) against two lab servers vs dnsperf, ROUNDS interleaved rounds (default 5); goal ≥ 75% of dnsperf
          world [N]            the sandbox world's start time (first and N restarts), memory, one resolution per resolver
          pages [M] [R]        Migrations page with M migrations (default 1,000) and the records review of R records (default 10,000): time to first render, memory
          migration-jobs [S] [STORED] [ACTIVE] [POLL-MS] [WORKERS] [timers|per-job]  1,000 migrations stored, 100 active probed every 10 s for S s (default 120) through the timers table (or one Hangfire job per probe): lag due → start, database size
        """);
    return 64;
}
