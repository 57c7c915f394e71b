using Migrator.Core.DynamicUpdate;
using Migrator.Core.Migrations;
using Migrator.Core.Ports;
using Migrator.Core.Tsig;
using Migrator.Core.Zones;
using static Migrator.EndToEnd.Lab.MigrationLab;

namespace Migrator.EndToEnd.Lab;

/// <summary>
/// A cutover that stopped after (e) had applied its changes goes on after a new approval: the old zone changes between
/// (e) and (f), (f) stops before the delegation, the next attempt's (d) names the change and asks for a new approval,
/// and the newly approved plan's change is applied in its own (e) — not skipped as the earlier plan's batch.
/// </summary>
public sealed class CutoverStopLabTests
{

    [Fact]
    public async Task CutOver_AppliesTheNewlyApprovedChange_WhenAnEarlierAttemptStoppedAtParityAfterItsOwnChanges()
    {
        await using var m = await MigrationLab.StartAsync();
        var id = await m.MigrateUntilWaitedAsync();
        var old = m.Lab.OldZoneClient();
        async Task AddAsync(string label, string ip)
        {
            var r = await old.SendAsync(DnsLab.Zone, [], [new UpdateOperation.ReplaceRecordSet(
                new RecordSet(new RecordSetKey(DomainName.Parse($"{label}.example.lab."), RecordType.A), new Ttl(1), [ip]))], default);
            Assert.True(r.Applied, r.ToString());
        }

        // The first approved plan holds one Route 53 change (a record added after the wait).
        await AddAsync("first", "192.0.2.71");
        await m.AcceptDriftAsync(id, DateTimeOffset.UtcNow, "first.example.lab. A"); // the drift check sees it too; the plan applies it
        await m.ApproveAsync(id);
        Assert.Single((await m.Workflow.GetCutoverPlanAsync(id))!.Changes);

        // While (e) applies it, another record is added at the old provider: (f) sees old and new differ and stops.
        var added = 0;
        m.OnCutoverCheckpoint = async (point, _) =>
        {
            if (point is { SubStep: 'e', BeforeEffect: false } && Interlocked.Exchange(ref added, 1) == 0) await AddAsync("second", "192.0.2.72");
        };
        Assert.Equal(WorkflowOutcome.Accepted, (await m.Workflow.CutOverAsync(id, Alice)).Outcome);
        var stopped = await m.WaitUntilAsync(id, s => s.RunningStep is null && s.Blocker?.StartsWith("cutover (f)", StringComparison.Ordinal) == true);
        Assert.Equal(MigrationState.Approved, stopped.State);
        Assert.Contains("stopped before the delegation", stopped.Blocker);
        Assert.Contains("second.example.lab. A", stopped.Blocker);
        Assert.Equal(OldNs, (await m.ParentNsAsync()).Order());

        // The next attempt recomputes the plan: it differs (the second record), so the approval is void and names it.
        await m.AcceptDriftAsync(id, DateTimeOffset.UtcNow, "second.example.lab. A");
        await m.Workflow.CutOverAsync(id, Alice);
        var voided = await m.WaitUntilAsync(id, s => s.State == MigrationState.Waited && s.RunningStep is null && s.Blocker?.Contains("a new approval is needed", StringComparison.Ordinal) == true);
        Assert.Contains("second.example.lab. A", voided.Blocker);

        // Approved again, the cutover applies the new plan's change and goes through.
        await m.ApproveAsync(id);
        Assert.Equal(WorkflowOutcome.Accepted, (await m.Workflow.CutOverAsync(id, Alice)).Outcome);
        await m.WaitForAsync(id, MigrationState.CutOver);
        Assert.Equal(NewNs, (await m.ParentNsAsync()).Order());
        foreach (var (label, ip) in new[] { ("first", "192.0.2.71"), ("second", "192.0.2.72") })
        {
            var r = await m.Probe.QueryAsync(m.EmulatorDns, DomainName.Parse($"{label}.example.lab."), RecordType.A, ProbeOptions.Default);
            Assert.Equal([ip], r.AnswerSet.Select(x => x.Data));
        }
        var batches = (await m.Workflow.GetOperationsAsync(id)).Where(o => o.Key.StartsWith("cutover:e:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, batches.Count); // one per approved plan, each applied once
        Assert.All(batches, o => Assert.Equal(MigrationOperationStatus.Succeeded, o.Status));
    }

    /// <summary>
    /// Someone else changes the delegation at the parent after (a) saved the snapshot and before (g): the guarded update
    /// is refused at BIND, the cutover stops naming what the parent shows against the snapshot, the approval is void and
    /// the snapshot kept in the history only; approved again, the cutover saves a new snapshot and goes through.
    /// </summary>
    [Fact]
    public async Task CutOver_StopsAndTheNextApprovalRetakesTheSnapshot_WhenSomeoneElseChangedTheDelegationBeforeOurChange()
    {
        await using var m = await MigrationLab.StartAsync();
        var id = await m.MigrateUntilWaitedAsync();
        await m.ApproveAsync(id);
        var tld = new DynamicUpdateClient(m.Lab.TldServer, TsigKey.FromBase64("tld-key", m.Lab.TldKeySecret), TimeProvider.System);
        var changed = 0;
        m.OnCutoverCheckpoint = async (point, ct) =>
        {
            // Parity is proved; before (g) a colleague at the parent drops ns2 from the delegation.
            if (point.SubStep != 'f' || Interlocked.Exchange(ref changed, 1) != 0) return;
            var r = await tld.SendAsync(DnsLab.Tld, [], [new UpdateOperation.ReplaceRecordSet(
                new RecordSet(new RecordSetKey(DnsLab.Zone, RecordType.NS), new Ttl(2), [OldNs[0]]))], ct);
            Assert.True(r.Applied, r.ToString());
        };

        Assert.Equal(WorkflowOutcome.Accepted, (await m.Workflow.CutOverAsync(id, Alice)).Outcome);
        var stopped = await m.WaitUntilAsync(id, s => s.State == MigrationState.Waited && s.RunningStep is null && s.Blocker is not null);
        Assert.StartsWith("cutover (g): stopped before the delegation", stopped.Blocker);
        Assert.Contains($"shows NS [{OldNs[0]}] now, the snapshot saved NS [{string.Join(" ", OldNs)}]", stopped.Blocker);
        Assert.Null(stopped.ApprovedPlanHash);
        Assert.Null(await m.Workflow.GetSnapshotAsync(id));
        Assert.Equal([OldNs[0]], await m.ParentNsAsync());
        var retired = (await m.Workflow.GetHistoryAsync(id))[^1].Evidence.GetProperty("retiredSnapshot");
        Assert.Equal(OldNs, DelegationSnapshot.FromJson(retired.GetProperty("json").GetString()!).Registrar.NsNames.Order());

        // A new approval (its plan's delegation now starts from ns1 alone), a new snapshot, and the cutover goes through.
        await m.ApproveAsync(id);
        Assert.Equal(WorkflowOutcome.Accepted, (await m.Workflow.CutOverAsync(id, Alice)).Outcome);
        await m.WaitForAsync(id, MigrationState.CutOver);
        Assert.Equal(NewNs, (await m.ParentNsAsync()).Order());
        var snapshot = (await m.Workflow.GetSnapshotAsync(id))!.Value;
        Assert.Equal([OldNs[0]], snapshot.Snapshot.Registrar.NsNames);
        Assert.NotEqual(retired.GetProperty("sha256").GetString(), snapshot.Sha256);
        // Each attempt has its own delegation operation: the refused one, and this approval's.
        var ops = await m.Workflow.GetOperationsAsync(id);
        Assert.Equal(MigrationOperationStatus.Failed, ops.Single(o => o.Key == "cutover:g").Status);
        Assert.Equal(MigrationOperationStatus.Succeeded, ops.Single(o => o.Key == "cutover:g:2").Status);
    }
}
