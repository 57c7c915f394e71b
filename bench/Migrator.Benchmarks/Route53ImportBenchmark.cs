using System.Diagnostics;
using Migrator.Core.Ports;
using Migrator.Core.Route53;
using Migrator.Core.Zones;
using Migrator.Core.Tests.Route53;
using Migrator.Sandbox.Hosting;

namespace Migrator.Benchmarks;

/// <summary>
/// `route53-import [records] [rps] [burst]`: imports synthetic records into the in-process emulator on 127.0.3.3 through the
/// account scheduler and prints ChangeResourceRecordSets calls vs the packing lower bound and wall time vs calls ÷ rate.
/// </summary>
public static class Route53ImportBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var records = args.Length > 1 ? int.Parse(args[1]) : 100_000;
        var rps = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5;
        double? burst = args.Length > 3 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : null;
        await using var host = await EmulatorHost.StartAsync(new EmulatorOptions
        {
            Url = "http://127.0.3.3:0", AccessKey = "AKIDBENCH", SecretKey = "bench-secret",
            InsyncDelay = TimeSpan.FromMilliseconds(50), MaxRecordSetsPerZone = records + 100,
        });
        using var http = new HttpClient(Environment.GetEnvironmentVariable("BENCH_TRACE") is null ? new SocketsHttpHandler() : new TraceHandler()) { Timeout = TimeSpan.FromMinutes(2) };
        var client = new Route53Client(http, host.BaseAddress, new StaticCredentialSource(new AwsCredentials("AKIDBENCH", "bench-secret")), TimeProvider.System);
        // Poll interval = one token: the first GetChange after a batch usually finds it INSYNC.
        var scheduler = new Route53ChangeScheduler(client, TimeProvider.System, new Route53SchedulerOptions { RequestsPerSecond = rps, Burst = burst, PollInterval = TimeSpan.FromSeconds(1 / rps) });
        var zoneName = DomainName.Parse("bench-import.com.");
        var desired = SyntheticRecordSets.Generate(zoneName, records);
        var lowerBound = ChangeBatchPacker.Pack(desired.Select(d => new Route53Change(ChangeAction.Create, Route53TargetZone.ToRoute53(d)))).LowerBound;

        var watch = Stopwatch.StartNew();
        var zone = await Route53TargetZone.FindOrCreateAsync(scheduler, zoneName, "bench-" + Guid.NewGuid(), null, CancellationToken.None);
        var setup = scheduler.Stats;
        var setupTime = watch.Elapsed;
        var report = await zone.SyncAsync(desired, new ZoneSyncOptions(), null, CancellationToken.None);
        var total = watch.Elapsed;
        var s = scheduler.Stats;
        var syncCalls = s.Calls - setup.Calls;
        var syncTime = total - setupTime;
        var ideal = TimeSpan.FromSeconds(syncCalls / rps);
        Console.WriteLine($"route53-import: {records} records at {rps} requests/s (token bucket burst {burst?.ToString() ?? "default = rate"}) into the emulator ({host.BaseAddress})");
        Console.WriteLine($"  created {report.Created}, batches {report.Batches}");
        Console.WriteLine($"  ChangeResourceRecordSets calls: {s.ChangeCalls} (packing lower bound {lowerBound})");
        Console.WriteLine($"  sync API calls: {syncCalls} (ChangeResourceRecordSets {s.ChangeCalls}, GetChange {s.GetChangeCalls}, list pages and other {syncCalls - s.ChangeCalls - s.GetChangeCalls}, retried {s.Retried})");
        Console.WriteLine($"  sync wall time {syncTime.TotalSeconds:F1} s vs calls / rate {ideal.TotalSeconds:F1} s ({(syncTime / ideal - 1) * 100:+0.0;-0.0}%)");
        Console.WriteLine($"  zone find/create {setupTime.TotalSeconds:F1} s ({setup.Calls} calls); total {total.TotalSeconds:F1} s");
        return report.Created == records && s.ChangeCalls == lowerBound ? 0 : 1;
    }
}

internal sealed class TraceHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var start = _clock.Elapsed;
        var r = await base.SendAsync(request, ct);
        Console.WriteLine($"  {start.TotalSeconds,7:F2}s {(_clock.Elapsed - start).TotalMilliseconds,7:F0} ms {request.Method} {request.RequestUri!.AbsolutePath} {(int)r.StatusCode}");
        return r;
    }
}
