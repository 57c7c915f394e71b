using Migrator.Core.DynamicUpdate;
using Migrator.Core.Migrations;
using Migrator.Core.Tsig;
using Migrator.Core.Zones;
using static Migrator.EndToEnd.Lab.MigrationLab;

namespace Migrator.EndToEnd.Lab;

/// <summary>
/// Whole migrations in the DNS lab: real BIND root, TLD (RFC 2136 + TSIG for the delegation) and old provider
/// (AXFR + RFC 2136 + TSIG), the Route 53 emulator with its DNS listener as the new provider, unbound as the resolver.
/// </summary>
public sealed class MigrationLifecycleLabTests
{
    private static readonly string[] OldNs = ["ns1.old-dns.lab.", "ns2.old-dns.lab."];
    private static readonly string[] NewNs = ["ns-1.r53.lab.", "ns-2.r53.lab."];

    [Fact]
    public async Task FullMigration_ReachesSoaked_AndUnboundAnswersFromTheNewServers_ThenRollbackRestoresTheSnapshot()
    {
        await using var m = await MigrationLab.StartAsync();
        Assert.Equal(OldNs, (await m.ResolverNsAsync()).Order());
        var id = await m.MigrateUntilWaitedAsync();

        // Four eyes: the requester cannot approve.
        var requested = await m.Workflow.RequestApprovalAsync(id, Alice);
        Assert.True(requested.IsSuccess, requested.Message);
        Assert.Equal(WorkflowOutcome.Forbidden, (await m.Workflow.ApproveAsync(id, requested.Status!.PlanHash!, Alice)).Outcome);
        Assert.True((await m.Workflow.ApproveAsync(id, requested.Status.PlanHash!, Bob)).IsSuccess);

        Assert.Equal(WorkflowOutcome.Accepted, (await m.Workflow.CutOverAsync(id, Alice)).Outcome);
        var cut = await m.WaitForAsync(id, MigrationState.CutOver);
        Assert.Equal(NewNs, (await m.ParentNsAsync()).Order());
        var snapshot = (await m.Workflow.GetSnapshotAsync(id))!.Value;
        Assert.Equal(OldNs, snapshot.Snapshot.Registrar.NsNames.Order());
        Assert.Equal(snapshot.Sha256, cut.SnapshotSha256);

        await m.WaitForAsync(id, MigrationState.Verified);
        var soaked = await m.WaitForAsync(id, MigrationState.Soaked);
        Assert.Null(soaked.Blocker);
        Assert.Contains(await m.Workflow.GetSamplesAsync(id, MigrationSampleKinds.Drift), s => s.Ok);
        Assert.Equal(NewNs, (await m.ResolverNsAsync()).Order());

        // Rollback from Soaked: the saved delegation comes back, byte-for-byte as saved.
        var rolled = await m.Workflow.RollBackAsync(id, "lab drill", Alice);
        Assert.True(rolled.IsSuccess, rolled.Message);
        Assert.Equal(MigrationState.RolledBack, rolled.Status!.State);
        Assert.Equal(OldNs, (await m.ParentNsAsync()).Order());
        var after = (await m.Workflow.GetSnapshotAsync(id))!.Value;
        Assert.Equal(snapshot.Json, after.Json);
        Assert.Equal(snapshot.Sha256, after.Sha256);
        // unbound follows within 5 × the delegation TTL (generous bound: the lab's TTLs are seconds).
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (!(await m.ResolverNsAsync()).SetEquals(OldNs) && DateTimeOffset.UtcNow < deadline) await Task.Delay(500);
        Assert.Equal(OldNs, (await m.ResolverNsAsync()).Order());
        var history = await m.Workflow.GetHistoryAsync(id);
        Assert.Equal("lab drill", history[^1].Evidence.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task CutOver_StopsAndVoidsTheApproval_WhenTheOldZoneChangedAfterApproval()
    {
        await using var m = await MigrationLab.StartAsync();
        var id = await m.MigrateUntilWaitedAsync();
        await m.ApproveAsync(id);

        var old = new DynamicUpdateClient(m.Lab.Old, TsigKey.FromBase64("old-key", m.Lab.OldKeySecret), TimeProvider.System);
        var added = await old.SendAsync(DnsLab.Zone, [], [new UpdateOperation.ReplaceRecordSet(
            new RecordSet(new RecordSetKey(DomainName.Parse("late.example.lab."), RecordType.A), new Ttl(1), ["192.0.2.99"]))], default);
        Assert.True(added.Applied, added.ToString());

        await m.Workflow.CutOverAsync(id, Alice);
        var voided = await m.WaitUntilAsync(id, s => s.State == MigrationState.Waited && s.RunningStep is null && s.Blocker is not null);
        Assert.Contains("late.example.lab. A", voided.Blocker);
        Assert.Null(voided.ApprovedPlanHash);
        Assert.Equal(OldNs, (await m.ParentNsAsync()).Order()); // the delegation was never touched
        Assert.Null((await m.Workflow.GetSnapshotAsync(id))?.Snapshot.ParentServers.FirstOrDefault(p => p.Delegation?.NsNames.Contains("ns-1.r53.lab.") == true));
    }

    [Fact]
    public async Task CutOver_StopsBeforeTheDelegation_WhenOneRecordDiffersBetweenOldAndNew()
    {
        await using var m = await MigrationLab.StartAsync();
        // An uploaded zone file is the source: a change at the live old server after the upload is not in the plan,
        // so only the parity check of (f) can see it.
        var id = await m.MigrateUntilWaitedAsync(m.Answers(ZoneSourceKind.Upload), await File.ReadAllTextAsync(m.Lab.OldZoneFile));
        await m.ApproveAsync(id);

        var old = new DynamicUpdateClient(m.Lab.Old, TsigKey.FromBase64("old-key", m.Lab.OldKeySecret), TimeProvider.System);
        var changed = await old.SendAsync(DnsLab.Zone, [], [new UpdateOperation.ReplaceRecordSet(
            new RecordSet(new RecordSetKey(DomainName.Parse("api.example.lab."), RecordType.A), new Ttl(1), ["203.0.113.99"]))], default);
        Assert.True(changed.Applied, changed.ToString());

        await m.Workflow.CutOverAsync(id, Alice);
        var stopped = await m.WaitUntilAsync(id, s => s.RunningStep is null && s.Blocker is not null);
        Assert.Equal(MigrationState.Approved, stopped.State);
        Assert.Contains("stopped before the delegation", stopped.Blocker);
        Assert.Contains("api.example.lab. A", stopped.Blocker);
        Assert.Equal(OldNs, (await m.ParentNsAsync()).Order());
        var ops = await m.Workflow.GetOperationsAsync(id);
        Assert.DoesNotContain(ops, o => o.Key == "cutover:g");
    }
}
