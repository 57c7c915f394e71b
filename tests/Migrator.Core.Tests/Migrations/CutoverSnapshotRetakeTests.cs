using System.Text.Json;
using Migrator.Core.Diffing;
using Migrator.Core.Migrations;
using Migrator.Core.Ports;
using Migrator.Core.Zones;
using static Migrator.Core.Tests.Migrations.WorkflowHarness;

namespace Migrator.Core.Tests.Migrations;

/// <summary>
/// Someone else changes the delegation after cutover (a) saved the snapshot and before (g) changed it: the guarded change
/// is refused, the approval is void, the snapshot goes into the history byte for byte, and the next approved cutover saves
/// a new one. Once a delegation change of ours was submitted the snapshot is never retired (rollback restores it).
/// </summary>
public sealed class CutoverSnapshotRetakeTests : IAsyncLifetime
{
    private readonly WorkflowHarness _h = new();

    public Task InitializeAsync() => _h.InitializeAsync();
    public Task DisposeAsync() => _h.DisposeAsync();

    private static readonly DomainName Zone = DomainName.Parse("example.lab.");

    private static DelegationView Delegation(params string[] ns) =>
        DelegationView.From(new Delegation(Zone, ns.Select(n => new DelegatedNameServer(DomainName.Parse(n), [])).ToList(), [], new Ttl(2)));

    private static readonly DelegationView Old = Delegation("ns1.old-dns.lab.", "ns2.old-dns.lab.");
    private static readonly DelegationView Target = Delegation("ns-1.r53.lab.", "ns-2.r53.lab.");

    private static DelegationSnapshot SnapshotOf(DelegationView registrar, DateTimeOffset at) =>
        new(Zone.ToLowerString(), at, "delegation in lab. via RFC 2136", registrar, [new ParentServerView("127.0.0.11:53", registrar, null)]);

    private async Task<Guid> ApprovedAsync()
    {
        _h.Runner.CutoverPlanJson = CutoverPlan.Create(ZoneDiff.Compute(Zone, Array.Empty<RecordSet>(), Array.Empty<RecordSet>()),
            Target.NameServers.Select(n => DomainName.Parse(n.Name)).ToList(), Old, Target, null).ToJson();
        return await _h.MigrationInAsync(MigrationState.Approved);
    }

    /// <summary>A cutover that saves <paramref name="snapshot"/> at (a), writes (g)'s operation as <paramref name="g"/> leaves it, then stops.</summary>
    private void CutOverStopsAtG(DelegationSnapshot snapshot, Action<MigrationOperation, DateTimeOffset> g) => _h.Runner.Run = async (c, ct) =>
    {
        if (c.Step != MigrationStep.CutOver) return new StepOutcome.Done($"{c.Step} done", new { });
        var record = await c.SaveSnapshotAsync(snapshot, ct);
        var op = await c.BeginOperationAsync(new MigrationOperation(c.Migration.Id, "cutover:g", MigrationOperationKinds.DelegationChange,
            "change the delegation", JsonSerializer.Serialize(Target), c.Now), ct);
        g(op, c.Now);
        await c.UpdateOperationAsync(op, ct);
        return new StepOutcome.Voided("cutover (g): stopped before the delegation: it changed since the snapshot", new { }, RetiresSnapshot: record.Sha256);
    };

    [Fact]
    public async Task CutOver_RetiresTheSnapshotIntoTheHistory_AndTheNextApprovedCutoverSavesANewOne_WhenTheParentChangedBeforeOurChange()
    {
        var id = await ApprovedAsync();
        var wf = _h.Workflow();
        var first = SnapshotOf(Old, _h.Time.GetUtcNow());
        CutOverStopsAtG(first, (op, at) => op.Failed("{\"refusal\":\"NXRRSET\"}", at));

        var stopped = await wf.CutOverAsync(id, Alice);

        Assert.Equal(WorkflowOutcome.Conflict, stopped.Outcome);
        var s = stopped.Status!;
        Assert.Equal(MigrationState.Waited, s.State);
        Assert.StartsWith("cutover (g): stopped before the delegation", s.Blocker);
        Assert.Null(s.ApprovedPlanHash);
        Assert.Null(s.CutoverStage);
        Assert.Null(s.Snapshot);
        Assert.Null(await wf.GetSnapshotAsync(id));
        var last = (await wf.GetHistoryAsync(id))[^1];
        Assert.Equal((nameof(MigrationStep.VoidApproval), MigrationState.Approved, MigrationState.Waited), (last.Step, last.From, last.To));
        var retired = last.Evidence.GetProperty("retiredSnapshot");
        Assert.Equal(first.ToJson(), retired.GetProperty("json").GetString()); // byte for byte as it was stored
        Assert.Equal(DelegationSnapshot.Sha256(first.ToJson()), retired.GetProperty("sha256").GetString());
        Assert.Equal(WorkflowOutcome.Conflict, (await wf.CutOverAsync(id, Alice)).Outcome); // Waited: a new approval first

        // Approved again: the cutover finds no snapshot and saves the delegation as the parent shows it now.
        var second = SnapshotOf(Delegation("ns1.old-dns.lab."), _h.Time.GetUtcNow().AddMinutes(5));
        DelegationSnapshotRecord? seenAtA = null;
        _h.Runner.Run = async (c, ct) =>
        {
            if (c.Step != MigrationStep.CutOver) return new StepOutcome.Done($"{c.Step} done", new { });
            seenAtA = await c.Snapshot(ct);
            await c.SaveSnapshotAsync(second, ct);
            return new StepOutcome.Done("cut over", new { });
        };
        Assert.True((await wf.RequestApprovalAsync(id, Alice)).IsSuccess);
        Assert.True((await wf.ApproveAsync(id, _h.Runner.PlanHash, Bob)).IsSuccess);
        var cut = await wf.CutOverAsync(id, Alice);

        Assert.True(cut.IsSuccess, cut.Message);
        Assert.Null(seenAtA);
        Assert.Equal(MigrationState.CutOver, cut.Status!.State);
        var saved = (await wf.GetSnapshotAsync(id))!.Value;
        Assert.Equal((second.ToJson(), DelegationSnapshot.Sha256(second.ToJson())), (saved.Json, saved.Sha256));
        Assert.Equal(["ns1.old-dns.lab."], saved.Snapshot.Registrar.NsNames);
    }

    [Fact]
    public async Task CutOver_KeepsTheSnapshot_WhenADelegationChangeOfOursWasSubmitted()
    {
        var id = await ApprovedAsync();
        var wf = _h.Workflow();
        var snapshot = SnapshotOf(Old, _h.Time.GetUtcNow());
        CutOverStopsAtG(snapshot, (op, at) => op.Submitted("rfc2136-0001", null, at));

        var stopped = await wf.CutOverAsync(id, Alice);

        Assert.Equal(MigrationState.Waited, stopped.Status!.State);
        var kept = (await wf.GetSnapshotAsync(id))!.Value;
        Assert.Equal(snapshot.ToJson(), kept.Json);
        Assert.False((await wf.GetHistoryAsync(id))[^1].Evidence.TryGetProperty("retiredSnapshot", out _));
    }

    private static MigrationOperation Operation(string key, string kind, string? request, Action<MigrationOperation>? then = null)
    {
        var op = new MigrationOperation(Guid.Empty, key, kind, key, request, DateTimeOffset.UnixEpoch);
        then?.Invoke(op);
        return op;
    }

    public static TheoryData<string, bool> Journals => new()
    {
        { "ttl-lowering at the parent (the old NS set)", false },
        { "a refused guarded update to the target", false },
        { "a manual writer's record sets", false },
        { "an update to the target, journalled (sent or not)", true },
        { "a manual request for the target", true },
        { "a delegation change with an operation id", true },
    };

    [Theory]
    [MemberData(nameof(Journals))]
    public void OurChangeSubmitted_CountsOnlyRequestsForTheTargetThatWereNotRefused(string what, bool submitted)
    {
        var ops = new List<MigrationOperation>
        {
            Operation("cutover:g", MigrationOperationKinds.DelegationChange, JsonSerializer.Serialize(Target), o => o.Failed("{}", DateTimeOffset.UnixEpoch)),
        };
        ops.Add(what switch
        {
            "ttl-lowering at the parent (the old NS set)" => Operation("rfc2136-a", MigrationOperationKinds.Rfc2136Update, JsonSerializer.Serialize(Old)),
            "a refused guarded update to the target" => Operation("rfc2136-b", MigrationOperationKinds.Rfc2136Update, JsonSerializer.Serialize(Target),
                o => o.Failed("{}", DateTimeOffset.UnixEpoch)),
            "a manual writer's record sets" => Operation("manual-c", MigrationOperationKinds.ManualConfirmation, "[\"www.example.lab. A\"]"),
            "an update to the target, journalled (sent or not)" => Operation("rfc2136-d", MigrationOperationKinds.Rfc2136Update, JsonSerializer.Serialize(Target)),
            "a manual request for the target" => Operation("manual-e", MigrationOperationKinds.ManualConfirmation, JsonSerializer.Serialize(Target)),
            _ => Operation("rollback:7", MigrationOperationKinds.DelegationChange, null, o => o.Submitted("already-in-place", null, DateTimeOffset.UnixEpoch)),
        });
        Assert.Equal(submitted, DelegationSnapshot.OurChangeSubmitted(ops, Target));
    }
}
