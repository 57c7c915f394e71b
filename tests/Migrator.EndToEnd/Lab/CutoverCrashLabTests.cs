using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Migrator.Core.DynamicUpdate;
using Migrator.Core.Migrations;
using Migrator.Core.Probing;
using Migrator.Core.Tsig;
using Migrator.Core.Zones;
using static Migrator.EndToEnd.Lab.MigrationLab;
using Migrator.EndToEnd.Browser;
using Xunit.Abstractions;
using Migrator.Core.Ports;

namespace Migrator.EndToEnd.Lab;

/// <summary>
/// The web app (a real process, Real mode, Hangfire on SQLite) killed with SIGKILL inside each cutover sub-step (a)–(h)
/// resumes to the same end state as a clean run, with the same number of Route 53 changes (counted at the emulator)
/// and parent updates (counted at BIND: its update log per zone, and the TLD's serial in total).
/// One lab serves ten zones: nine are cut over by one app process that halts each of them at its own sub-step (a
/// deterministic checkpoint that writes a marker file, not a timer) and is then killed; a second process resumes
/// them and cuts over the tenth, the clean run, at the same time.
/// Inside (e) the kill comes after Route 53 accepted the change and before its id was recorded, and the emulator keeps
/// that zone's change PENDING across the restart: the resumed cutover must find the change in the zone, not send it
/// again, and wait until the new servers serve it (its id is lost, so GetChange cannot tell) before (f) compares.
/// One more zone is killed inside (e) one instant earlier: its batch's operation is persisted (Pending) and nothing was
/// sent; the resumed cutover must find the change absent from the zone and send it, once.
/// </summary>
public sealed partial class CutoverCrashLabTests(ITestOutputHelper output)
{

    [Fact]
    public async Task CutOver_ResumesToTheCleanRunsEndState_WithNoChangeTwice_WhenKilledWithSigkillAtEachSubStep()
    {
        var clock = Stopwatch.StartNew();
        // Each killed zone and where it halts: after the outside effect of each sub-step, and (e) once just before it.
        var halts = CutoverCheckpoint.SubSteps.Select(k => (Label: $"kill-{k}", SubStep: k, Before: false)).Append((Label: "kill-e-unsent", SubStep: 'e', Before: true)).ToList();
        var labels = halts.Select(h => h.Label).Append("clean").ToList();
        var zones = labels.Select(l => DomainName.Parse($"{l}.lab.")).ToList();
        var clean = zones[^1];
        var killed = zones.Take(halts.Count).ToList();
        string At(DomainName zone) => halts[zones.IndexOf(zone)] is var h && h.Before ? $"{h.SubStep}:before" : $"{h.SubStep}";
        var data = Directory.CreateTempSubdirectory("migrator-e2e-cutover-kill-").FullName;
        var markers = Path.Combine(data, "halts");
        try
        {
            await using var m = await MigrationLab.StartAsync(extraZones: labels, dataDirectory: data);
            m.DefaultTimeout = TimeSpan.FromMinutes(6); // ten zones through one in-process job runner, on a shared machine
            var changes = new ConcurrentDictionary<string, int>();
            m.Emulator.Emulator.Route53.RecordSetsChanged += (zoneId, change) =>
            {
                if (change.Comment?.StartsWith("migrator cutover:", StringComparison.Ordinal) == true) changes.AddOrUpdate(zoneId, 1, (_, n) => n + 1);
            };

            // 1. Every zone up to Approved (in-process, the app's database), each with a record added at the old provider
            //    after the wait, so the approved plan holds one Route 53 change for (e) to apply.
            var old = m.Lab.OldZoneClient();
            var ids = new Dictionary<DomainName, Guid>();
            foreach (var (zone, id) in zones.Zip(await Task.WhenAll(zones.Select(z => m.MigrateUntilWaitedAsync(zone: z)))))
            {
                var added = await old.SendAsync(zone, [], [new UpdateOperation.ReplaceRecordSet(
                    new RecordSet(new RecordSetKey(DomainName.Parse("late." + zone), RecordType.A), new Ttl(1), ["192.0.2.77"]))], default);
                Assert.True(added.Applied, added.ToString());
                await m.AcceptDriftAsync(id, DateTimeOffset.UtcNow, $"late.{zone} A"); // the drift check sees it; the plan applies it
                await m.ApproveAsync(id);
                await using (var db = m.CreateDbContext())
                    Assert.Single(CutoverPlan.FromJson(db.Migrations.Single(x => x.Id == id).CutoverPlanJson!).Changes);
                ids[zone] = id;
            }
            output.WriteLine($"{clock.Elapsed}: {zones.Count} zones approved");
            var killedInE = zones[4];
            var killedBeforeE = zones[8];
            var heldZoneId = (await m.Workflow.GetStatusAsync(ids[killedInE]))!.HostedZoneId!;
            m.Emulator.Emulator.Route53.HoldInsync(heldZoneId);
            var updatesBefore = zones.ToDictionary(z => z, z => ParentUpdates(m, z));
            var serialBefore = await TldSerialAsync(m);

            // 2. The first app process: each kill-X zone halts inside sub-step X; then SIGKILL.
            foreach (var zone in killed)
                Assert.Equal(WorkflowOutcome.Accepted, (await m.AcceptCutOverForAnotherProcessAsync(ids[zone])).Outcome);
            var spec = string.Join(";", killed.Select(z => $"{z}={At(z)}"));
            await using (var first = await WebAppProcess.StartAsync(data, AppEnvironment(m, spec, markers)))
            {
                var expected = killed.Select((z, i) => CutoverHalt.MarkerFile(markers, z.ToString(), halts[i].SubStep, halts[i].Before)).ToList();
                var deadline = DateTimeOffset.UtcNow.AddMinutes(5);
                while (!expected.All(File.Exists))
                {
                    if (first.HasExited) Assert.Fail($"the app exited before every zone halted:\n{first.Output}");
                    if (DateTimeOffset.UtcNow > deadline)
                        Assert.Fail($"not halted: {string.Join(", ", expected.Where(f => !File.Exists(f)).Select(Path.GetFileName))}\n{first.Output}");
                    await Task.Delay(200);
                }
                await first.KillAsync();
            }
            output.WriteLine($"{clock.Elapsed}: first app killed with {killed.Count} cutovers halted");
            foreach (var zone in killed)
            {
                var s = (await m.Workflow.GetStatusAsync(ids[zone]))!;
                Assert.True(s.State == MigrationState.Approved && s.RunningStep == nameof(MigrationStep.CutOver), $"{zone}: {s.State}, running {s.RunningStep}");
            }
            Assert.Equal(NewNs, (await m.ParentNsAsync(zones[6])).Order()); // killed after (g) changed the parent
            Assert.Equal(OldNs, (await m.ParentNsAsync(zones[5])).Order()); // killed before (g)
            Assert.Equal(1, changes.GetValueOrDefault(heldZoneId)); // killed in (e): submitted, PENDING, its id not recorded
            Assert.Equal((MigrationOperationStatus.Pending, (string?)null), await OperationAsync(m, ids[killedInE], "cutover:e:", ":batch-0"));
            // Killed before (e) sent its batch: the operation is persisted, Route 53 has seen nothing.
            var unsentZoneId = (await m.Workflow.GetStatusAsync(ids[killedBeforeE]))!.HostedZoneId!;
            Assert.Equal((MigrationOperationStatus.Pending, (string?)null), await OperationAsync(m, ids[killedBeforeE], "cutover:e:", ":batch-0"));
            Assert.Equal(0, changes.GetValueOrDefault(unsentZoneId));
            Assert.Equal(OldNs, (await m.ParentNsAsync(killedBeforeE)).Order());

            // 3. The second app process resumes the nine and runs the clean cutover beside them.
            Assert.Equal(WorkflowOutcome.Accepted, (await m.AcceptCutOverForAnotherProcessAsync(ids[clean])).Outcome);
            await using (var second = await WebAppProcess.StartAsync(data, AppEnvironment(m, null, null)))
            {
                // The zone killed in (e): its change is found in the zone without an id and awaited by DNS, not sent again,
                // and nothing after (e) runs while the new servers do not serve it.
                var deadline = DateTimeOffset.UtcNow.AddMinutes(5);
                while (await OperationAsync(m, ids[killedInE], "cutover:e:", ":batch-0") is var op && op != (MigrationOperationStatus.Submitted, MigrationStepRunner.LostChangeId))
                {
                    if (op.Status == MigrationOperationStatus.Succeeded || second.HasExited || DateTimeOffset.UtcNow > deadline)
                        Assert.Fail($"{killedInE}: (e) was not resumed as a change without an id awaited by DNS; operation {op}, status {(await m.Workflow.GetStatusAsync(ids[killedInE]))!.Blocker}\n{second.Output}");
                    await Task.Delay(200);
                }
                var waiting = (await m.Workflow.GetStatusAsync(ids[killedInE]))!;
                Assert.Equal((MigrationState.Approved, "d"), (waiting.State, waiting.CutoverStage)); // (e) not finished
                Assert.Equal(OldNs, (await m.ParentNsAsync(killedInE)).Order());
                Assert.Equal(1, changes.GetValueOrDefault(heldZoneId));
                output.WriteLine($"{clock.Elapsed}: {killedInE} waits for its PENDING change by DNS; releasing it");
                m.Emulator.Emulator.Route53.ReleaseInsync(heldZoneId);

                foreach (var zone in zones)
                {
                    try { await m.WaitUntilAsync(ids[zone], s => s.State is MigrationState.Verified or MigrationState.Soaked && s.RunningStep is null); }
                    catch (TimeoutException e) { Assert.Fail($"{zone}: {e.Message}\n{second.Output}"); }
                }
            }
            output.WriteLine($"{clock.Elapsed}: all {zones.Count} verified");

            // 4. Every killed zone ends where the clean one does, having changed Route 53 and the parent exactly as often.
            var serialAfter = await TldSerialAsync(m);
            var cleanStatus = (await m.Workflow.GetStatusAsync(ids[clean]))!;
            var cleanUpdates = ParentUpdates(m, clean) - updatesBefore[clean];
            Assert.Equal(1, cleanUpdates);
            Assert.Equal(1, changes.GetValueOrDefault(cleanStatus.HostedZoneId!));
            var cleanOps = await CutoverOperationsAsync(m, ids[clean]);
            var cleanSteps = (await m.Workflow.GetHistoryAsync(ids[clean])).Select(h => (h.Step, h.From, h.To)).Take(8).ToList();
            foreach (var zone in killed)
            {
                var s = (await m.Workflow.GetStatusAsync(ids[zone]))!;
                var at = At(zone);
                // A soak in progress reports itself in the same field ("soaking until …"): that is progress, not a blocker.
                Assert.True(s.Blocker is null || s.Blocker.StartsWith("soaking until", StringComparison.Ordinal), $"{zone} (killed in {at}): {s.Blocker}");
                Assert.Equal(NewNs, (await m.ParentNsAsync(zone)).Order());
                Assert.Equal((at, changes.GetValueOrDefault(cleanStatus.HostedZoneId!)), (at, changes.GetValueOrDefault(s.HostedZoneId!)));
                Assert.Equal((at, cleanUpdates), (at, ParentUpdates(m, zone) - updatesBefore[zone]));
                var snapshot = (await m.Workflow.GetSnapshotAsync(ids[zone]))!.Value;
                Assert.Equal(OldNs, snapshot.Snapshot.Registrar.NsNames.Order());
                Assert.Equal(snapshot.Sha256, s.SnapshotSha256);
                Assert.Equal((at, cleanOps), (at, await CutoverOperationsAsync(m, ids[zone])));
                Assert.Equal(cleanSteps, (await m.Workflow.GetHistoryAsync(ids[zone])).Select(h => (h.Step, h.From, h.To)).Take(8).ToList());
            }
            // The batch killed before it was sent was sent once after the restart, under its own change id (not found in the zone).
            var unsent = await OperationAsync(m, ids[killedBeforeE], "cutover:e:", ":batch-0");
            Assert.Equal(MigrationOperationStatus.Succeeded, unsent.Status);
            Assert.NotNull(unsent.ExternalId);
            Assert.NotEqual(MigrationStepRunner.LostChangeId, unsent.ExternalId);
            Assert.Equal(zones.Count, serialAfter - serialBefore); // the TLD changed once per zone, nothing more
            output.WriteLine($"{clock.Elapsed}: done");
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The status and external id of the operation whose key starts and ends so (a plan hash may sit between).</summary>
    private static async Task<(string Status, string? ExternalId)> OperationAsync(MigrationLab m, Guid id, string start, string end) =>
        (await m.Workflow.GetOperationsAsync(id)).Where(o => o.Key.StartsWith(start, StringComparison.Ordinal) && o.Key.EndsWith(end, StringComparison.Ordinal))
            .Select(o => (o.Status, o.ExternalId)).SingleOrDefault();

    /// <summary>The cutover's operation rows and the count of journalled RFC 2136 updates (their keys are random ids), in one line.</summary>
    private static async Task<string> CutoverOperationsAsync(MigrationLab m, Guid id)
    {
        var ops = await m.Workflow.GetOperationsAsync(id);
        return string.Join(" ", ops.Where(o => o.Key.StartsWith("cutover:", StringComparison.Ordinal)).Select(o => $"{PlanHash().Replace(o.Key, ":PLAN:")}={o.Status}").Order(StringComparer.Ordinal))
            + $" rfc2136×{ops.Count(o => o.Key.StartsWith("rfc2136-", StringComparison.Ordinal))}";
    }

    private static Dictionary<string, string> AppEnvironment(MigrationLab m, string? halts, string? markers)
    {
        var env = new Dictionary<string, string>
        {
            ["Migrator__Mode"] = "Real",
            ["Migrator__AwsAccounts__0__Name"] = "lab",
            ["Migrator__AwsAccounts__0__AccessKey"] = "sandbox",
            ["Migrator__AwsAccounts__0__SecretKey"] = "sandbox",
            ["Migrator__AwsAccounts__0__Route53Endpoint"] = m.Emulator.BaseAddress.ToString(),
            ["Migrator__AwsAccounts__0__DomainsEndpoint"] = m.Emulator.BaseAddress.ToString(),
            ["Migrator__AwsAccounts__0__DnsEndpoint"] = $"{m.EmulatorIp}:53",
            ["Migrator__AwsAccounts__0__RequestsPerSecond"] = "100",
            ["Migrator__TsigKeys__0__Name"] = "old-key",
            ["Migrator__TsigKeys__0__Secret"] = m.Lab.OldKeySecret,
            ["Migrator__TsigKeys__1__Name"] = "tld-key",
            ["Migrator__TsigKeys__1__Secret"] = m.Lab.TldKeySecret,
            ["Migrator__Steps__PollInterval"] = "00:00:00.300",
            ["Migrator__Steps__SampleInterval"] = "00:00:02",
            ["Migrator__Jobs__WorkerCount"] = "13", // nine halted cutovers hold a worker each
        };
        if (halts is not null)
        {
            env["Migrator__Testing__HaltCutover"] = halts;
            env["Migrator__Testing__HaltMarkerDirectory"] = markers!;
        }
        return env;
    }

    /// <summary>RFC 2136 updates BIND applied to a zone's delegation in the TLD (its update log: one NS replacement per update).</summary>
    private static int ParentUpdates(MigrationLab m, DomainName zone)
    {
        var log = Path.Combine(m.Lab.Directory, "tld", "named.log");
        var needle = $"updating zone 'lab/IN': deleting rrset at '{zone.ToString().TrimEnd('.')}' NS";
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var count = 0;
        while (reader.ReadLine() is { } line) if (line.Contains(needle, StringComparison.OrdinalIgnoreCase)) count++;
        return count;
    }

    private static async Task<long> TldSerialAsync(MigrationLab m)
    {
        var r = await m.Probe.QueryAsync(m.Lab.TldServer, DnsLab.Tld, RecordType.SOA, ProbeOptions.Default);
        var soa = Assert.Single(r.AnswerSet);
        return long.Parse(Spaces().Split(soa.Data.Trim())[2], CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    /// <summary>The approved plan's hash in an operation key ("cutover:e:0123456789ab:batch-0"): each zone has its own.</summary>
    [GeneratedRegex(@":[0-9a-f]{12}:")]
    private static partial Regex PlanHash();
}
