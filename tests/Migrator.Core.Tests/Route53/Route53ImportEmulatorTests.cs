using System.Diagnostics;
using Migrator.Core.Ports;
using Migrator.Core.Route53;
using Migrator.Core.Zones;
using Migrator.Sandbox.Control;

namespace Migrator.Core.Tests.Route53;

/// <summary>
/// 20,000-record imports into the emulator with 30% of calls failing (Throttling and PriorRequestNotComplete),
/// in-process and as a `migrator route53 import` child process killed with SIGKILL midway and run again.
/// </summary>
public class Route53ImportEmulatorTests(ImportEmulatorFixture emulator) : IClassFixture<ImportEmulatorFixture>
{
    private const int Records = 20_000;
    private static readonly Route53SchedulerOptions Options = new()
    {
        RequestsPerSecond = 25, PollInterval = TimeSpan.FromMilliseconds(40),
        BaseBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(400), MaxAttempts = 40,
    };

    private void InjectThirtyPercentFaults()
    {
        emulator.Host.Emulator.Faults.Clear();
        emulator.AddFault(null, "Throttling", 0.15);
        emulator.AddFault(null, "PriorRequestNotComplete", 0.1765); // 0.15 of what the first rule lets through: 30% overall
    }

    private async Task AssertZoneHoldsExactly(string zoneId, DomainName zone, IReadOnlyList<RecordSet> desired)
    {
        emulator.Host.Emulator.Faults.Clear();
        var client = emulator.Client();
        var listed = new List<Route53RecordSet>();
        await foreach (var s in client.ListResourceRecordSetsAsync(zoneId, CancellationToken.None)) listed.Add(s);
        var records = listed.Where(s => !(s.Name == zone && (s.Type == RecordType.SOA || s.Type == RecordType.NS))).ToList();
        Assert.Equal(desired.Count, records.Count);
        Assert.Equal(records.Count, records.Select(s => new RecordSetKey(s.Name, s.Type)).Distinct().Count());
        var byKey = records.ToDictionary(s => new RecordSetKey(s.Name, s.Type));
        foreach (var d in desired)
        {
            var have = Route53TargetZone.ToCanonical(byKey[d.Key]);
            Assert.Equal(d.Ttl, have.Ttl);
            Assert.Equal(d.Values, have.Values);
        }
        Assert.Equal(2, listed.Count - records.Count); // apex SOA and NS untouched
    }

    [Fact]
    public async Task SyncAsync_ImportsTwentyThousandRecordsExactlyOnce_WhenThirtyPercentOfCallsFail()
    {
        var scheduler = new Route53ChangeScheduler(emulator.Client(), Options);
        var zoneName = DomainName.Parse($"import{Guid.NewGuid():N}"[..14] + ".com.");
        var zone = await Route53TargetZone.FindOrCreateAsync(scheduler, zoneName, "ref-" + zoneName, null, CancellationToken.None);
        var desired = SyntheticRecordSets.Generate(zoneName, Records);
        InjectThirtyPercentFaults();
        var report = await zone.SyncAsync(desired, new ZoneSyncOptions(), null, CancellationToken.None);

        Assert.Equal((Records, 0, 0), (report.Created, report.Updated, report.Deleted));
        Assert.Equal(ChangeBatchPacker.Pack(desired.Select(d => new Route53Change(ChangeAction.Create, Route53TargetZone.ToRoute53(d)))).LowerBound, report.Batches);
        Assert.True(scheduler.Stats.Retried > 10, $"only {scheduler.Stats.Retried} retries: were faults injected?");
        var stats = emulator.Host.Emulator.Stats.Snapshot();
        Assert.False(stats["ChangeResourceRecordSets"].ContainsKey("InvalidChangeBatch"));
        await AssertZoneHoldsExactly(zone.ZoneId, zoneName, desired);
    }

    [Fact]
    public async Task ImportCommand_CompletesOnRerun_WhenKilledWithSigkillMidway()
    {
        var zoneName = $"killed{Guid.NewGuid():N}"[..14] + ".com";
        var zone = DomainName.Parse(zoneName + ".");
        InjectThirtyPercentFaults();

        // First run: once the zone and five batches are committed, every later ChangeResourceRecordSets is held by the
        // emulator (the hold is installed inside the fifth commit, before the client can send the sixth batch). The
        // process is killed only after its sixth batch is held, so nothing of it can land after the partial count is read:
        // the held request dies with its connection.
        var hold = new FaultRule { Operation = "ChangeResourceRecordSets", LatencyMs = 600_000 };
        var holdInstalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batchHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var commits = 0;
        void OnCommit()
        {
            if (++commits != 1 + 5) return; // the zone's creation, then five batches
            emulator.Host.Emulator.Faults.Add(hold);
            holdInstalled.TrySetResult();
        }
        void OnMatched(string operation, FaultRule rule) { if (ReferenceEquals(rule, hold)) batchHeld.TrySetResult(); }
        emulator.Host.Emulator.Route53.Committed += OnCommit;
        emulator.Host.Emulator.Faults.Matched += OnMatched;
        try
        {
            using var first = StartImport(zoneName);
            var firstOutput = first.StandardOutput.ReadToEndAsync();
            var firstError = first.StandardError.ReadToEndAsync();
            var firstExit = first.WaitForExitAsync();
            var reached = await Task.WhenAny(batchHeld.Task, firstExit).WaitAsync(TimeSpan.FromMinutes(5));
            Assert.True(reached == batchHeld.Task, "the first run ended before its sixth batch: " + await firstOutput + await firstError);
            Assert.True(holdInstalled.Task.IsCompleted);
            first.Kill(entireProcessTree: true);
            await firstExit;
            Assert.NotEqual(0, first.ExitCode);
        }
        finally
        {
            emulator.Host.Emulator.Route53.Committed -= OnCommit;
            emulator.Host.Emulator.Faults.Matched -= OnMatched;
            emulator.Host.Emulator.Faults.Clear(); // the checks below call the emulator directly, without retries
        }
        var zones = await emulator.Client().FindHostedZonesByNameAsync(zone, CancellationToken.None);
        var zoneId = Assert.Single(zones).Id;
        var partial = (await emulator.Client().GetHostedZoneAsync(zoneId, CancellationToken.None)).Zone.ResourceRecordSetCount;
        Assert.InRange(partial, 2 + 1000, 2 + Records - 1000); // some batches applied, not all

        // Rerun, again with 30% failures: must reuse the zone, send only what is missing, and finish.
        InjectThirtyPercentFaults();
        using var second = StartImport(zoneName);
        var secondError = second.StandardError.ReadToEndAsync();
        var output = await second.StandardOutput.ReadToEndAsync();
        await second.WaitForExitAsync();
        Assert.True(second.ExitCode == 0, output + await secondError);
        emulator.Host.Emulator.Faults.Clear();
        var done = output.Split('\n').Single(l => l.StartsWith("done ", StringComparison.Ordinal));
        Assert.Contains($"created={Records - (partial - 2)} ", done);
        Assert.Single(await emulator.Client().FindHostedZonesByNameAsync(zone, CancellationToken.None));
        Assert.False(emulator.Host.Emulator.Stats.Snapshot()["ChangeResourceRecordSets"].ContainsKey("InvalidChangeBatch"));
        await AssertZoneHoldsExactly(zoneId, zone, SyntheticRecordSets.Generate(zone, Records));
    }

    private Process StartImport(string zone)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "migrator.dll"), "route53", "import", "--zone", zone,
                     "--generate", Records.ToString(), "--endpoint", emulator.Host.BaseAddress.ToString(), "--access-key", EmulatorFixtureBase.AccessKey,
                     "--secret-env", "MIGRATOR_TEST_SECRET", "--rps", "25", "--poll-ms", "40", "--caller-reference", "ref-" + zone })
            psi.ArgumentList.Add(a);
        psi.Environment["MIGRATOR_TEST_SECRET"] = EmulatorFixtureBase.SecretKey;
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start migrator");
    }
}
