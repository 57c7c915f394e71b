using System.Diagnostics;
using Migrator.Core.Ports;
using Migrator.Core.Route53;
using Migrator.Core.Zones;
using Migrator.Sandbox.Control;

namespace Migrator.Core.Tests.Route53;

/// <summary>
/// 20,000-record imports into the emulator with 30% of calls failing (Throttling and PriorRequestNotComplete),
/// in-process and as a `migrator route53 import --zone-file` child process killed with SIGKILL midway and run again; the
/// import command's dry run, idempotence, safety refusal and exit codes.
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

    /// <summary>
    /// The checks read through a scheduler as the product does: the emulator's rate limit (50 a second) is real, and an
    /// import that has just finished may have emptied its bucket; listing 20,000 records is some 70 pages. Called
    /// directly, a check once failed with "Throttling: Rate exceeded" on a loaded machine, after the import had passed.
    /// </summary>
    private Route53ChangeScheduler Reader() => new(emulator.Client(), TimeProvider.System, Options);

    private async Task AssertZoneHoldsExactly(string zoneId, DomainName zone, IReadOnlyList<RecordSet> desired)
    {
        emulator.Host.Emulator.Faults.Clear();
        var listed = new List<Route53RecordSet>();
        await foreach (var s in Reader().ListRecordSetsAsync(zoneId, CancellationToken.None)) listed.Add(s);
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
        var scheduler = new Route53ChangeScheduler(emulator.Client(), TimeProvider.System, Options);
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
        var file = ZoneFile(zone, SyntheticRecordSets.Generate(zone, Records));
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
            using var first = StartImport(zoneName, "--zone-file", file);
            var firstOutput = first.StandardOutput.ReadToEndAsync();
            var firstError = first.StandardError.ReadToEndAsync();
            var firstExit = first.WaitForExitAsync();
            var reached = await Task.WhenAny(batchHeld.Task, firstExit).WaitAsync(TimeSpan.FromMinutes(5));
            if (reached != batchHeld.Task) Assert.Fail("the first run ended before its sixth batch: " + await firstOutput + await firstError);
            Assert.True(holdInstalled.Task.IsCompleted);
            first.Kill(entireProcessTree: true);
            await firstExit;
            Assert.NotEqual(0, first.ExitCode);
        }
        finally
        {
            emulator.Host.Emulator.Route53.Committed -= OnCommit;
            emulator.Host.Emulator.Faults.Matched -= OnMatched;
            emulator.Host.Emulator.Faults.Clear(); // the checks below retry only what the product retries (throttling)
        }
        var reader = Reader();
        var zones = await reader.CallAsync(ct => emulator.Client().FindHostedZonesByNameAsync(zone, ct), CancellationToken.None);
        var zoneId = Assert.Single(zones).Id;
        var partial = (await reader.CallAsync(ct => emulator.Client().GetHostedZoneAsync(zoneId, ct), CancellationToken.None)).Zone.ResourceRecordSetCount;
        Assert.InRange(partial, 2 + 1000, 2 + Records - 1000); // some batches applied, not all

        // Rerun, again with 30% failures: must reuse the zone, send only what is missing, and finish.
        InjectThirtyPercentFaults();
        using var second = StartImport(zoneName, "--zone-file", file);
        var secondError = second.StandardError.ReadToEndAsync();
        var output = await second.StandardOutput.ReadToEndAsync();
        await second.WaitForExitAsync();
        Assert.True(second.ExitCode == 0, output + await secondError);
        emulator.Host.Emulator.Faults.Clear();
        var done = output.Split('\n').Single(l => l.StartsWith("done ", StringComparison.Ordinal));
        Assert.Contains($"created={Records - (partial - 2)} ", done);
        Assert.Single(await reader.CallAsync(ct => emulator.Client().FindHostedZonesByNameAsync(zone, ct), CancellationToken.None));
        Assert.False(emulator.Host.Emulator.Stats.Snapshot()["ChangeResourceRecordSets"].ContainsKey("InvalidChangeBatch"));
        await AssertZoneHoldsExactly(zoneId, zone, SyntheticRecordSets.Generate(zone, Records));
    }

    private static string ZoneFile(DomainName zone, IReadOnlyList<RecordSet> sets)
    {
        var path = Path.Combine(Path.GetTempPath(), $"migrator-import-{Guid.NewGuid():N}.zone");
        SyntheticRecordSets.WriteZoneFile(path, zone, sets);
        return path;
    }

    private Process StartImport(string zone, params string[] more)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "migrator.dll"), "route53", "import", "--zone", zone,
                     "--endpoint", emulator.Host.BaseAddress.ToString(), "--access-key", EmulatorFixtureBase.AccessKey,
                     "--secret-env", "MIGRATOR_TEST_SECRET", "--rps", "25", "--poll-ms", "40", "--caller-reference", "ref-" + zone }.Concat(more))
            psi.ArgumentList.Add(a);
        psi.Environment["MIGRATOR_TEST_SECRET"] = EmulatorFixtureBase.SecretKey;
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start migrator");
    }

    private async Task<(int Code, string Stdout, string Stderr)> ImportAsync(string zone, params string[] more)
    {
        using var p = StartImport(zone, more);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }

    private async Task<int> RecordSetCountAsync(DomainName zone)
    {
        var zones = await Reader().CallAsync(ct => emulator.Client().FindHostedZonesByNameAsync(zone, ct), CancellationToken.None);
        if (zones.Count == 0) return 0;
        return (int)(await Reader().CallAsync(ct => emulator.Client().GetHostedZoneAsync(Assert.Single(zones).Id, ct), CancellationToken.None)).Zone.ResourceRecordSetCount;
    }

    [Fact]
    public async Task ImportCommand_PrintsPlanAndCreatesNoZone_WhenDryRun()
    {
        emulator.Host.Emulator.Faults.Clear();
        var zone = DomainName.Parse($"dry{Guid.NewGuid():N}"[..13] + ".com.");
        var file = ZoneFile(zone, SyntheticRecordSets.Generate(zone, 12));
        var (code, stdout, stderr) = await ImportAsync(zone.ToString(), "--zone-file", file, "--dry-run");
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains($"zone (none yet) {zone}", stdout);
        Assert.Contains($"  Create  host000000.{zone}", stdout);
        Assert.Contains("0 delete(s), 12 create(s), 0 update(s) against 0 existing record set(s)", stdout);
        Assert.Contains("Safety: safe", stdout);
        Assert.DoesNotContain("done ", stdout);
        Assert.Empty(await Reader().CallAsync(ct => emulator.Client().FindHostedZonesByNameAsync(zone, ct), CancellationToken.None));
    }

    [Fact]
    public async Task ImportCommand_ChangesNothingOnRerun_WhenZoneAlreadyMatches()
    {
        emulator.Host.Emulator.Faults.Clear();
        var zone = DomainName.Parse($"idem{Guid.NewGuid():N}"[..14] + ".com.");
        var file = ZoneFile(zone, SyntheticRecordSets.Generate(zone, 12));
        var first = await ImportAsync(zone.ToString(), "--zone-file", file);
        Assert.True(first.Code == 0, first.Stdout + first.Stderr);
        Assert.Contains("done created=12 updated=0 deleted=0 ", first.Stdout);
        var again = await ImportAsync(zone.ToString(), "--zone-file", file);
        Assert.True(again.Code == 0, again.Stdout + again.Stderr);
        Assert.Contains("No changes.", again.Stdout);
        Assert.Contains("done created=0 updated=0 deleted=0 batches=0 ", again.Stdout);
        await AssertZoneHoldsExactly(Assert.Single(await Reader().CallAsync(ct => emulator.Client().FindHostedZonesByNameAsync(zone, ct), CancellationToken.None)).Id,
            zone, SyntheticRecordSets.Generate(zone, 12));
    }

    [Fact]
    public async Task ImportCommand_ExitsOneAndChangesNothing_WhenSafetyCheckRefusesUnlessForced()
    {
        emulator.Host.Emulator.Faults.Clear();
        var zone = DomainName.Parse($"safe{Guid.NewGuid():N}"[..14] + ".com.");
        var all = SyntheticRecordSets.Generate(zone, 12);
        Assert.Equal(0, (await ImportAsync(zone.ToString(), "--zone-file", ZoneFile(zone, all))).Code);

        var fewer = ZoneFile(zone, all.Take(4).ToList()); // 8 of 12 deleted: above the 30% limit
        var refused = await ImportAsync(zone.ToString(), "--zone-file", fewer);
        Assert.Equal(1, refused.Code);
        Assert.Contains("8 delete(s), 0 create(s)", refused.Stdout);
        Assert.Contains("Safety: UNSAFE, refused", refused.Stdout);
        Assert.Equal(2 + 12, await RecordSetCountAsync(zone));

        var forced = await ImportAsync(zone.ToString(), "--zone-file", fewer, "--force");
        Assert.True(forced.Code == 0, forced.Stdout + forced.Stderr);
        Assert.Contains("done created=0 updated=0 deleted=8 ", forced.Stdout);
        Assert.Equal(2 + 4, await RecordSetCountAsync(zone));
    }

    [Fact]
    public async Task ImportCommand_ExitsTwoWithPositions_WhenZoneFileHasSyntaxErrors()
    {
        var zone = DomainName.Parse($"bad{Guid.NewGuid():N}"[..13] + ".com.");
        var path = Path.Combine(Path.GetTempPath(), $"migrator-import-{Guid.NewGuid():N}.zone");
        await File.WriteAllTextAsync(path, $"@ 300 IN SOA ns1 host 1 2 3 4 5\n@ 300 IN NS ns1\nwww 300 IN A 1.2.3\n");
        var (code, stdout, stderr) = await ImportAsync(zone.ToString(), "--zone-file", path);
        Assert.Equal(2, code);
        Assert.Contains($"{path}:3:", stderr);
        Assert.Equal("", stdout);
        Assert.Empty(await Reader().CallAsync(ct => emulator.Client().FindHostedZonesByNameAsync(zone, ct), CancellationToken.None));
    }

    [Fact]
    public async Task ImportCommand_ExitsSixtyFour_WhenNoSourceIsGiven()
    {
        var (code, _, stderr) = await ImportAsync("nosource.com");
        Assert.Equal(64, code);
        Assert.Contains("exactly one of --zone-file FILE and --axfr SERVER", stderr);
    }
}
