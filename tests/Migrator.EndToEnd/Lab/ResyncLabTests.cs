using Migrator.Core.DynamicUpdate;
using Migrator.Core.Migrations;
using Migrator.Core.Ports;
using Migrator.Core.Zones;
using static Migrator.EndToEnd.Lab.MigrationLab;

namespace Migrator.EndToEnd.Lab;

/// <summary>
/// Re-sync after drift, in the DNS lab with real BIND as the old provider and the Route 53 emulator as the new one: the
/// old zone changes after approval, the drift check sees it and blocks the cutover; the re-sync re-reads the old zone
/// (AXFR), imports it into the hosted zone, voids the approval; after a new approval the cutover goes ahead and the new
/// servers serve the drifted data.
/// </summary>
public sealed class ResyncLabTests
{

    [Fact]
    public async Task CutOver_IsBlockedByDrift_ThenAllowedAfterResync_AndTheNewServersServeTheDriftedRecords()
    {
        await using var m = await MigrationLab.StartAsync();
        var id = await m.MigrateUntilWaitedAsync();
        var approved = await m.ApproveAsync(id);
        var api = DomainName.Parse("api.example.lab.");
        var added = DomainName.Parse("added-during-wait.example.lab.");

        // 1. The old zone drifts during the wait, after the approval: one set changed, one added.
        var old = m.Lab.OldZoneClient();
        var update = await old.SendAsync(DnsLab.Zone, [], [
            new UpdateOperation.ReplaceRecordSet(new RecordSet(new RecordSetKey(api, RecordType.A), new Ttl(1), ["203.0.113.99"])),
            new UpdateOperation.ReplaceRecordSet(new RecordSet(new RecordSetKey(added, RecordType.TXT), new Ttl(1), ["\"drifted\""])),
        ], default);
        Assert.True(update.Applied, update.ToString());
        var after = DateTimeOffset.UtcNow;
        var drift = await m.WaitForSampleAsync(id, s => s.Kind == MigrationSampleKinds.Drift && s.At > after && !s.Ok);
        Assert.Contains("api.example.lab. A", drift.Summary);
        Assert.Contains("added-during-wait.example.lab. TXT MissingOnNew", drift.Summary); // a name the inventory does not have

        // 2. The cutover is refused while old and new differ, before anything is claimed or changed.
        var blocked = await m.Workflow.CutOverAsync(id, Alice);
        Assert.Equal(WorkflowOutcome.Invalid, blocked.Outcome);
        Assert.Contains("cutover is blocked", blocked.Message);
        Assert.Contains("api.example.lab. A", blocked.Message);
        Assert.Equal((MigrationState.Approved, (string?)null), (blocked.Status!.State, blocked.Status.RunningStep));
        Assert.Null((await m.Workflow.GetSnapshotAsync(id)));
        Assert.Equal(["203.0.113.20", "203.0.113.21"], await ServedAsync(m, api, RecordType.A)); // the new side still holds the inventory

        // 3. Re-sync: only Operators; then Approved → Waited with the approval void, the new inventory and plan, no drift.
        Assert.Equal(WorkflowOutcome.Forbidden, (await m.Workflow.ResyncAsync(id, Bob)).Outcome);
        Assert.Equal(WorkflowOutcome.Accepted, (await m.Workflow.ResyncAsync(id, Alice)).Outcome);
        MigrationStatus synced;
        try { synced = await m.WaitForAsync(id, MigrationState.Waited); }
        catch (TimeoutException e)
        {
            var ops = await m.Workflow.GetOperationsAsync(id);
            Assert.Fail($"{e.Message}\noperations: {string.Join("\n", ops.Select(o => $"{o.Key} {o.Status} {o.ExternalId} {o.ResultJson}"))}");
            throw;
        }
        Assert.Null(synced.ApprovedPlanHash);
        Assert.Null(synced.ApprovalRequestedBy);
        Assert.NotEqual(approved.InventoryHash, synced.InventoryHash);
        Assert.NotEqual(approved.PlanHash, synced.PlanHash);
        Assert.Null(await m.Workflow.DriftBlockerAsync(id));
        var history = await m.Workflow.GetHistoryAsync(id);
        Assert.Equal((nameof(MigrationStep.Resync), MigrationState.Approved, MigrationState.Waited), history.Select(h => (h.Step, h.From, h.To)).Last());
        var inventory = (await m.Workflow.GetInventoryAsync(id))!;
        Assert.Contains(inventory, r => r.Name.Equals(added) && r.Type == RecordType.TXT);
        Assert.All((await m.Workflow.GetOperationsAsync(id)).Where(o => o.Key.StartsWith("resync:", StringComparison.Ordinal)),
            o => Assert.Equal(MigrationOperationStatus.Succeeded, o.Status));
        Assert.Contains(await m.Workflow.GetOperationsAsync(id), o => o.Key.StartsWith("resync:", StringComparison.Ordinal));
        // Route 53's own servers serve the drifted data before any delegation change.
        Assert.Equal(["203.0.113.99"], await ServedAsync(m, api, RecordType.A));
        Assert.Equal(["\"drifted\""], await ServedAsync(m, added, RecordType.TXT));

        // 4. A new approval of the new plan; the cutover is allowed now and delegates to the new servers.
        var reapproved = await m.ApproveAsync(id);
        Assert.Equal(synced.PlanHash, reapproved.ApprovedPlanHash);
        Assert.Equal(WorkflowOutcome.Accepted, (await m.Workflow.CutOverAsync(id, Alice)).Outcome);
        await m.WaitForAsync(id, MigrationState.CutOver);
        Assert.Equal(NewNs, (await m.ParentNsAsync()).Order());
        Assert.Equal(["203.0.113.99"], await ServedAsync(m, api, RecordType.A));
        Assert.Equal(["\"drifted\""], await ServedAsync(m, added, RecordType.TXT));
    }

    private static async Task<IReadOnlyList<string>> ServedAsync(MigrationLab m, DomainName name, RecordType type)
    {
        var r = await m.Probe.QueryAsync(m.EmulatorDns, name, type, ProbeOptions.Default);
        Assert.True(r.Authoritative, $"{name} {type}: the new server's answer is not authoritative ({r.ResponseCode})");
        return r.AnswerSet.Select(x => x.Data).Order(StringComparer.Ordinal).ToList();
    }
}
