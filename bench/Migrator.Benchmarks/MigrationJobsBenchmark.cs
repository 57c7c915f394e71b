using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Hangfire;
using Hangfire.Storage.SQLite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Migrations;
using Migrator.Core.Persistence;
using Migrator.Core.Probing;
using Migrator.Core.Zones;
using Migrator.Jobs.Hosting;
using Migrator.Jobs.Migrations;
using Migrator.Sandbox.Hosting;
using Migrator.Core.Ports;

namespace Migrator.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Migrator.Benchmarks -- migration-jobs [seconds] [stored] [active] [pollMs] [workers] [timers|per-job]</c>:
/// one process, 1,000 migrations stored (each with a 60-record inventory) and 100 of them active: each active one has a
/// probe every 10 s (a DNS query to a loopback listener and a sample row in the database). <c>timers</c> (the app's
/// design): each probe is the migration's timer in the database, run by <see cref="MigrationTimerDispatcher"/> under the
/// migration's Hangfire distributed lock, the next one scheduled through <see cref="MigrationTimerStore"/>. <c>per-job</c>
/// (the former design, for comparison): one Hangfire job per probe, <c>BackgroundJob.Schedule</c>d. Hangfire on SQLite
/// as the app configures it (queue and schedule polled every second, 2 workers per core, at most 4). Prints the lag
/// between each probe's due time and its start (p50, p95, p99, max) and the size of both databases. Loopback only.
/// </summary>
public static class MigrationJobsBenchmark
{
    private static readonly ConcurrentBag<double> Lags = new();
    private static IDbContextFactory<MigratorDbContext> _contexts = null!;
    private static DnsClientProbe _probe = null!;
    private static DnsEndpoint _dns = null!;
    private static DateTimeOffset _stopAt;
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 120;
        var stored = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
        var active = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
        // The app polls Hangfire's queue and schedule every second; a shorter interval trades database reads for lag.
        var poll = args.Length > 3 ? TimeSpan.FromMilliseconds(int.Parse(args[3], CultureInfo.InvariantCulture)) : JobsHostingExtensions.PollInterval;
        var workers = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : Math.Min(4, Environment.ProcessorCount * 2);
        var perJob = args.Length > 5 && args[5] == "per-job";
        var dir = Directory.CreateTempSubdirectory("migrator-jobsbench-").FullName;
        try
        {
            var dbPath = Path.Combine(dir, "migrator.db");
            var hangfirePath = Path.Combine(dir, "hangfire.db");
            var factory = new ContextFactory(dbPath);
            _contexts = factory;
            await using (var db = factory.CreateDbContext())
            {
                await db.Database.MigrateAsync();
                await MigratorDbContext.UseWriteAheadLogAsync(db, default); // as the app's start-up does
            }

            // 1,000 migrations, each with an inventory; the first `active` are in the soak (Verified).
            var sw = Stopwatch.StartNew();
            var inventory = InventoryRecords.ToJson(Enumerable.Range(0, 60).Select(i =>
                new ResourceRecord(DomainName.Parse($"h{i}.bench.lab."), RecordType.A, new Ttl(300), $"10.0.0.{i}")).ToList());
            var catalog = new MigrationCatalog(factory, TimeProvider.System);
            var ids = new List<Guid>(stored);
            for (var i = 0; i < stored; i++)
            {
                var outcome = await catalog.DraftAsync($"zone{i:D4}.bench.lab", "bench", default);
                ids.Add(outcome.Migration!.Id);
            }
            await using (var db = factory.CreateDbContext())
            {
                await db.Migrations.ExecuteUpdateAsync(s => s.SetProperty(m => m.InventoryJson, inventory));
                var activeIds = ids.Take(active).ToList();
                await db.Migrations.Where(m => activeIds.Contains(m.Id)).ExecuteUpdateAsync(s => s.SetProperty(m => m.State, MigrationState.Verified));
            }
            Console.WriteLine($"stored {stored} migrations ({active} active) in {sw.Elapsed.TotalSeconds:F1} s");

            // A loopback DNS listener for the probes (the emulator's; the names are not served, so it answers REFUSED at once).
            await using var emulator = await EmulatorHost.StartAsync(new EmulatorOptions
            {
                Url = "http://127.0.0.1:0", DnsEndPoint = new IPEndPoint(IPAddress.Parse("127.0.7.1"), FreeUdpPort()),
            });
            _dns = new DnsEndpoint(emulator.DnsEndPoint!.Address, emulator.DnsEndPoint.Port);
            using var probe = new DnsClientProbe(new DnsProbeSettings(TimeSpan.FromSeconds(2)));
            _probe = probe;

            var storage = new SQLiteStorage(hangfirePath, new SQLiteStorageOptions { QueuePollInterval = poll });
            GlobalConfiguration.Configuration.UseStorage(storage).UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
            var client = new BackgroundJobClient(storage);
            // Due times on whole seconds, spread evenly over the 10 s period.
            var first = DateTimeOffset.UtcNow.AddSeconds(3);
            first = new DateTimeOffset(first.Ticks - first.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero).AddSeconds(1);
            _stopAt = first.AddSeconds(seconds);
            if (perJob)
            {
                for (var i = 0; i < active; i++)
                {
                    var due = first.AddSeconds(i % (int)Every.TotalSeconds);
                    var id = ids[i];
                    client.Schedule(() => ProbeAsync(id, due.ToUnixTimeMilliseconds()), due);
                }
                using var server = new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = workers, SchedulePollingInterval = poll }, storage);
                Console.WriteLine($"per-job: running {seconds} s: {active} probes every {Every.TotalSeconds:F0} s, {workers} Hangfire workers, queue/schedule polled every {poll.TotalMilliseconds:F0} ms, {Environment.ProcessorCount} cores");
                await Task.Delay(_stopAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(5));
            }
            else
            {
                var timers = new MigrationTimerStore(factory, TimeProvider.System);
                var signal = new MigrationTimerSignal();
                for (var i = 0; i < active; i++) timers.Schedule(ids[i], MigrationStep.Soak, first.AddSeconds(i % (int)Every.TotalSeconds));
                var options = new MigrationTimerOptions { PollInterval = poll };
                using var dispatcher = new MigrationTimerDispatcher(timers, new ProbeTimerHandler(timers, signal, storage), signal, TimeProvider.System, options,
                    Microsoft.Extensions.Logging.Abstractions.NullLogger<MigrationTimerDispatcher>.Instance);
                // The app's Hangfire server runs beside the dispatcher (its workers and pollers share the machine and the storage).
                using var server = new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = workers, SchedulePollingInterval = poll }, storage);
                await dispatcher.StartAsync(default);
                Console.WriteLine($"timers: running {seconds} s: {active} probes every {Every.TotalSeconds:F0} s, dispatcher concurrency {options.Concurrency}, database polled every {poll.TotalMilliseconds:F0} ms, {Environment.ProcessorCount} cores");
                await Task.Delay(_stopAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(5));
                await dispatcher.StopAsync(default);
            }

            var lags = Lags.Order().ToArray();
            if (lags.Length == 0) { Console.Error.WriteLine("no probe ran"); return 1; }
            SqliteConnection.ClearAllPools();
            long Size(string path) => new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists).Sum(p => new FileInfo(p).Length);
            int samples;
            await using (var db = factory.CreateDbContext()) samples = await db.MigrationSamples.CountAsync();
            Console.WriteLine($"probe jobs run: {lags.Length} (expected ≈ {active * seconds / (int)Every.TotalSeconds}); samples stored: {samples}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"lag due → start: p50 {Percentile(lags, 0.50):F0} ms, p95 {Percentile(lags, 0.95):F0} ms, p99 {Percentile(lags, 0.99):F0} ms, max {lags[^1]:F0} ms, min {lags[0]:F0} ms"));
            Console.WriteLine($"database: migrator.db {Size(dbPath) / 1024.0 / 1024:F1} MiB, hangfire.db {Size(hangfirePath) / 1024.0 / 1024:F1} MiB");
            Console.WriteLine(Percentile(lags, 0.95) < 1000 ? "goal p95 < 1 s: met" : "goal p95 < 1 s: NOT met");
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The job: records its lag, probes, stores a sample, schedules the next probe 10 s after this one's due time.</summary>
    [AutomaticRetry(Attempts = 0)]
    public static async Task ProbeAsync(Guid migrationId, long dueUnixMs)
    {
        var due = DateTimeOffset.FromUnixTimeMilliseconds(dueUnixMs);
        Lags.Add((DateTimeOffset.UtcNow - due).TotalMilliseconds);
        var r = await _probe.QueryAsync(_dns, DomainName.Parse("probe.bench.lab."), RecordType.SOA, ProbeOptions.Default);
        await using (var db = await _contexts.CreateDbContextAsync())
        {
            db.MigrationSamples.Add(new MigrationSample(migrationId, MigrationSampleKinds.Propagation, DateTimeOffset.UtcNow, r.Responded,
                $"{r.ResponseCode} in {r.Latency.TotalMilliseconds:F0} ms", null));
            await db.SaveChangesAsync();
        }
        var next = due + Every;
        if (next < _stopAt) BackgroundJob.Schedule(() => ProbeAsync(migrationId, next.ToUnixTimeMilliseconds()), next);
    }

    /// <summary>The timer design's probe: the migration's lock, the lag, the probe, the sample, the next timer at due + 10 s.</summary>
    private sealed class ProbeTimerHandler(MigrationTimerStore timers, MigrationTimerSignal signal, JobStorage storage) : IMigrationTimerHandler
    {
        public async Task RunAsync(ClaimedMigrationTimer timer, CancellationToken cancellationToken)
        {
            Lags.Add((DateTimeOffset.UtcNow - timer.DueAt).TotalMilliseconds);
            using var connection = storage.GetConnection();
            using (connection.AcquireDistributedLock(MigrationJob.LockName(timer.MigrationId), MigrationJob.LockTimeout))
            {
                var r = await _probe.QueryAsync(_dns, DomainName.Parse("probe.bench.lab."), RecordType.SOA, ProbeOptions.Default, cancellationToken);
                await using (var db = await _contexts.CreateDbContextAsync(cancellationToken))
                {
                    db.MigrationSamples.Add(new MigrationSample(timer.MigrationId, MigrationSampleKinds.Propagation, DateTimeOffset.UtcNow, r.Responded,
                        $"{r.ResponseCode} in {r.Latency.TotalMilliseconds:F0} ms", null));
                    await db.SaveChangesAsync(cancellationToken);
                }
                var next = timer.DueAt + Every;
                if (next < _stopAt) { timers.Schedule(timer.MigrationId, timer.Step, next); signal.Wake(); }
            }
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static int FreeUdpPort()
    {
        using var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Parse("127.0.7.1"), 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    private sealed class ContextFactory(string path) : IDbContextFactory<MigratorDbContext>
    {
        public MigratorDbContext CreateDbContext() => new(new DbContextOptionsBuilder<MigratorDbContext>()
            .UseSqlite(MigratorDbContext.SqliteConnectionString(path)).Options);
    }
}
