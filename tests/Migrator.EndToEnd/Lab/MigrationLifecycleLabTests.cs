using Migrator.Core.DynamicUpdate;
using Migrator.Core.Migrations;
using Migrator.Core.Zones;
using static Migrator.EndToEnd.Lab.MigrationLab;

namespace Migrator.EndToEnd.Lab;

/// <summary>
/// Whole migrations in the DNS lab: real BIND root, TLD (RFC 2136 + TSIG for the delegation) and old provider
/// (AXFR + RFC 2136 + TSIG), the Route 53 emulator with its DNS listener as the new provider, unbound as the resolver.
/// </summary>
public sealed class MigrationLifecycleLabTests
{

    [Fact]
    public async Task FullMigration_ReachesSoaked_AndUnboundAnswersFromTheNewServers_ThenRollbackRestoresTheSnapshot()
    {
        await using var m = await MigrationLab.StartAsync();
        var progress = new List<Migrator.Core.Notifications.MigrationChange>();
        using var listening = m.Notifier.Subscribe(c => { lock (progress) progress.Add(c); return Task.CompletedTask; });
        Assert.Equal(OldNs, (await m.ResolverNsAsync()).Order());
        var id = await m.MigrateUntilWaitedAsync();

        // The rehearsal's parity sweep against the real servers told open pages how far it was, up to the end.
        lock (progress)
        {
            var sweep = progress.Where(c => c.MigrationId == id && c.Message?.StartsWith("Rehearsal parity sweep", StringComparison.Ordinal) == true).ToList();
            Assert.True(sweep.Count >= 2, $"rehearsal parity progress published: {string.Join(" | ", progress.Select(c => c.Message))}");
            Assert.Equal(1.0, sweep[^1].Progress);
        }

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

        var old = m.Lab.OldZoneClient();
        var added = await old.SendAsync(DnsLab.Zone, [], [new UpdateOperation.ReplaceRecordSet(
            new RecordSet(new RecordSetKey(DomainName.Parse("late.example.lab."), RecordType.A), new Ttl(1), ["192.0.2.99"]))], default);
        Assert.True(added.Applied, added.ToString());
        // The drift check sees the new record first; accepted, it is the cutover's own re-check (d) that stops.
        await m.AcceptDriftAsync(id, DateTimeOffset.UtcNow, "late.example.lab. A");

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

        var old = m.Lab.OldZoneClient();
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

    [Fact]
    public async Task CutOver_RollsBackAutomatically_WhenTheNewServersRefuseAtTheImmediateTest()
    {
        await using var m = await MigrationLab.StartAsync();
        var id = await m.MigrateUntilWaitedAsync();
        await m.ApproveAsync(id);
        var snapshotTaken = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        // Once the parent has accepted the new delegation (g), and before the immediate test (h), the new servers start
        // refusing every question about the zone: through the emulator's control API, as an operator's drill would.
        m.OnCutoverCheckpoint = async (point, _) =>
        {
            if (point.SubStep != 'g') return;
            snapshotTaken.TrySetResult((await m.ParentNsAsync()).Order().Aggregate((x, y) => x + " " + y));
            await m.EmulatorControlAsync(HttpMethod.Post, "/_emulator/dns-faults", $$"""{"zone":"{{DnsLab.Zone}}","response":"REFUSED"}""");
        };
        Assert.Equal(WorkflowOutcome.Accepted, (await m.Workflow.CutOverAsync(id, Alice)).Outcome);
        var rolled = await m.WaitForAsync(id, MigrationState.RolledBack);

        Assert.Equal(string.Join(" ", NewNs), await snapshotTaken.Task); // the delegation really was changed before (h)
        Assert.Equal(OldNs, (await m.ParentNsAsync()).Order());            // and is back as saved
        Assert.Contains("cutover (h) failed", rolled.Blocker);
        Assert.Contains("refused the query", rolled.Blocker);

        // History: Approved → CutOver (the change) → RolledBack, by the system, with why.
        var history = await m.Workflow.GetHistoryAsync(id);
        Assert.Equal((MigrationState.Approved, MigrationState.CutOver), (history[^2].From, history[^2].To));
        Assert.Equal((MigrationState.CutOver, MigrationState.RolledBack), (history[^1].From, history[^1].To));
        Assert.Equal(MigrationActor.System.Name, history[^1].Actor);
        var reason = history[^1].Evidence.GetProperty("reason").GetString();
        Assert.StartsWith("automatic rollback: cutover (h) failed", reason);
        Assert.Contains("refused the query", reason);
        Assert.Contains("refused the query", history[^2].Evidence.GetProperty("failure").GetString());

        // The restore went through the same changer, guarded, once; the snapshot is what was saved before any change.
        var ops = await m.Workflow.GetOperationsAsync(id);
        Assert.Single(ops, o => o.Key == "cutover:rollback" && o.ExternalId is not null && o.ExternalId != "already-in-place");
        var snapshot = (await m.Workflow.GetSnapshotAsync(id))!.Value;
        Assert.Equal(OldNs, snapshot.Snapshot.Registrar.NsNames.Order());
        Assert.Equal(snapshot.Sha256, rolled.SnapshotSha256);

        // The timed check after the rollback stores its evidence: the parent shows the saved delegation again.
        var samples = await m.WaitForSampleAsync(id, s => s.Kind == MigrationSampleKinds.Delegation && s.Ok);
        Assert.Contains("saved delegation again", samples.Summary);
        await m.EmulatorControlAsync(HttpMethod.Delete, "/_emulator/dns-faults");
    }

    [Fact]
    public async Task CutOver_ChangesTheDelegationAgain_WhenRetriedAfterAnAutomaticRollback()
    {
        await using var m = await MigrationLab.StartAsync();
        var id = await m.MigrateUntilWaitedAsync();
        await m.ApproveAsync(id);
        var faulted = 0;
        m.OnCutoverCheckpoint = async (point, _) =>
        {
            if (point.SubStep == 'g' && Interlocked.Exchange(ref faulted, 1) == 0)
                await m.EmulatorControlAsync(HttpMethod.Post, "/_emulator/dns-faults", $$"""{"zone":"{{DnsLab.Zone}}","response":"REFUSED"}""");
        };
        Assert.Equal(WorkflowOutcome.Accepted, (await m.Workflow.CutOverAsync(id, Alice)).Outcome);
        await m.WaitForAsync(id, MigrationState.RolledBack);
        Assert.Equal(OldNs, (await m.ParentNsAsync()).Order());
        var saved = (await m.Workflow.GetSnapshotAsync(id))!.Value;

        // The new servers are fixed; retried and approved again, the second attempt changes the delegation itself
        // (the first attempt's delegation change, since undone, is not taken for this one's) and passes its test.
        await m.EmulatorControlAsync(HttpMethod.Delete, "/_emulator/dns-faults");
        var retried = await m.Workflow.RetryAsync(id, "the new servers answer again", Alice);
        Assert.True(retried.IsSuccess, retried.Message);
        await m.ApproveAsync(id);
        Assert.Equal(WorkflowOutcome.Accepted, (await m.Workflow.CutOverAsync(id, Alice)).Outcome);
        await m.WaitForAsync(id, MigrationState.CutOver);
        Assert.Equal(NewNs, (await m.ParentNsAsync()).Order());
        Assert.Equal(saved.Json, (await m.Workflow.GetSnapshotAsync(id))!.Value.Json); // the original delegation stays the one to restore
        var ops = await m.Workflow.GetOperationsAsync(id);
        Assert.Equal(["cutover:g", "cutover:g:2", "cutover:rollback"], ops.Where(o => o.Kind == MigrationOperationKinds.DelegationChange).Select(o => o.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CutOver_IsBlockedByDrift_WhenARecordIsAddedAtTheOldZoneAfterTheInventory()
    {
        await using var m = await MigrationLab.StartAsync();
        var id = await m.MigrateUntilWaitedAsync();
        await m.ApproveAsync(id);
        var late = DomainName.Parse("added-after-inventory.example.lab.");
        var old = m.Lab.OldZoneClient();

        var added = await old.SendAsync(DnsLab.Zone, [], [new UpdateOperation.ReplaceRecordSet(
            new RecordSet(new RecordSetKey(late, RecordType.TXT), new Ttl(1), ["\"late\""]))], default);
        Assert.True(added.Applied, added.ToString());
        var since = DateTimeOffset.UtcNow;
        Assert.DoesNotContain((await m.Workflow.GetInventoryAsync(id))!, r => r.Name.Equals(late)); // no name of the inventory changed

        // The periodic check reads the old zone again and compares the set the inventory does not have too.
        var drift = await m.WaitForSampleAsync(id, s => s.Kind == MigrationSampleKinds.Drift && s.At > since && !s.Ok);
        Assert.Contains("added-after-inventory.example.lab. TXT MissingOnNew", drift.Summary);
        Assert.Contains("added at the old zone after the inventory", drift.Summary);
        var blocked = await m.Workflow.CutOverAsync(id, Alice);
        Assert.Equal(WorkflowOutcome.Invalid, blocked.Outcome);
        Assert.Contains("cutover is blocked", blocked.Message);
        Assert.Contains("added-after-inventory.example.lab. TXT", blocked.Message);
        Assert.Equal((MigrationState.Approved, (string?)null), (blocked.Status!.State, blocked.Status.RunningStep));
        Assert.Null(await m.Workflow.GetSnapshotAsync(id));

        // Removed again at the old provider: the next check finds old and new alike, and the block is gone.
        var removed = await old.SendAsync(DnsLab.Zone, [], [new UpdateOperation.DeleteRecordSet(late, RecordType.TXT)], default);
        Assert.True(removed.Applied, removed.ToString());
        since = DateTimeOffset.UtcNow;
        await m.WaitForSampleAsync(id, s => s.Kind == MigrationSampleKinds.Drift && s.At > since && s.Ok);
        Assert.Null(await m.Workflow.DriftBlockerAsync(id));
    }

    [Fact]
    public async Task CutOver_IsBlockedByDriftDuringTheWait_UntilReSyncedOrAccepted()
    {
        await using var m = await MigrationLab.StartAsync();
        var id = await m.MigrateUntilWaitedAsync();
        var old = m.Lab.OldZoneClient();
        async Task SetApiAsync(params string[] values)
        {
            var r = await old.SendAsync(DnsLab.Zone, [], [new UpdateOperation.ReplaceRecordSet(
                new RecordSet(new RecordSetKey(DomainName.Parse("api.example.lab."), RecordType.A), new Ttl(1), values))], default);
            Assert.True(r.Applied, r.ToString());
        }
        async Task<MigrationSampleView> NextDriftAsync(bool ok)
        {
            var after = DateTimeOffset.UtcNow;
            return await m.WaitForSampleAsync(id, s => s.Kind == MigrationSampleKinds.Drift && s.At > after && s.Ok == ok);
        }

        // Someone changes the old zone during the wait: the periodic drift check sees it, and approval (hence cutover) is refused.
        await SetApiAsync("203.0.113.99");
        var drift = await NextDriftAsync(ok: false);
        Assert.Contains("api.example.lab. A", drift.Summary);
        var refused = await m.Workflow.RequestApprovalAsync(id, Alice);
        Assert.Equal(WorkflowOutcome.Invalid, refused.Outcome);
        Assert.Contains("api.example.lab. A", refused.Message);

        // Re-synced (the change is undone at the old provider): the next check finds them alike and the block is gone.
        await SetApiAsync("203.0.113.20", "203.0.113.21");
        await NextDriftAsync(ok: true);
        Assert.Null(await m.Workflow.DriftBlockerAsync(id));
        var requested = await m.Workflow.RequestApprovalAsync(id, Alice);
        Assert.True(requested.IsSuccess, requested.Message);
        // Only the requester (or an Admin) withdraws a request.
        Assert.Equal(WorkflowOutcome.Forbidden, (await m.Workflow.WithdrawApprovalRequestAsync(id, Bob)).Outcome);
        var withdrawn = await m.Workflow.WithdrawApprovalRequestAsync(id, Alice);
        Assert.True(withdrawn.IsSuccess, withdrawn.Message);
        Assert.Null(withdrawn.Status!.ApprovalRequestedBy);
        Assert.Equal(WorkflowOutcome.Invalid, (await m.Workflow.ApproveAsync(id, requested.Status!.PlanHash!, Bob)).Outcome);

        // Drift again, this time accepted with a reason: approval and cutover go ahead, and cutover (e) carries the change over.
        await SetApiAsync("203.0.113.77");
        await NextDriftAsync(ok: false);
        Assert.Equal(WorkflowOutcome.Invalid, (await m.Workflow.RequestApprovalAsync(id, Alice)).Outcome);
        Assert.Equal(WorkflowOutcome.Invalid, (await m.Workflow.AcceptDriftAsync(id, " ", Alice)).Outcome);
        Assert.True((await m.Workflow.AcceptDriftAsync(id, "api moved to .77 on purpose; cutover applies it", Alice)).IsSuccess);
        await m.ApproveAsync(id);
        Assert.Equal(WorkflowOutcome.Accepted, (await m.Workflow.CutOverAsync(id, Alice)).Outcome);
        await m.WaitForAsync(id, MigrationState.CutOver);
        Assert.Equal(NewNs, (await m.ParentNsAsync()).Order());
        var api = await m.Probe.QueryAsync(m.EmulatorDns, DomainName.Parse("api.example.lab."), RecordType.A, Migrator.Core.Ports.ProbeOptions.Default);
        Assert.Equal(["203.0.113.77"], api.AnswerSet.Select(r => r.Data));
    }
}
