using Microsoft.EntityFrameworkCore;
using Migrator.Core.Advising;
using Migrator.Core.Migrations;
using Migrator.Core.Zones;
using static Migrator.Core.Tests.Migrations.WorkflowHarness;

namespace Migrator.Core.Tests.Migrations;

/// <summary>
/// The security-records advisor's proposals after completion, through the workflow and the real step runner against the
/// Route 53 emulator: proposed as a plan against the hosted zone, approved by someone else, applied through the journalled
/// Route 53 path; a zone changed after the approval voids it.
/// </summary>
public sealed class AdvicePlanSequenceTests : IAsyncLifetime
{
    private readonly DnssecBench _b = new();

    public Task InitializeAsync() => _b.InitializeAsync();
    public Task DisposeAsync() => _b.DisposeAsync();

    private static readonly DomainName Zone = DomainName.Parse("example.lab.");
    private static RecordSetKey Key(string name, RecordType type) => new(DomainName.Parse(name), type);

    /// <summary>A completed migration whose hosted zone takes mail (MX to a host in the zone), and nothing else the advisor asks for.</summary>
    private async Task<Guid> CompletedWithMailAsync()
    {
        var id = await _b.CompletedUnsignedAsync();
        var target = await _b.TargetZoneAsync(id);
        var current = await target.CurrentAsync(default);
        await target.ApplyAsync(target.PlanFrom(current, [.. current,
            new RecordSet(Key("example.lab.", RecordType.MX), new Ttl(300), ["10 mail.example.lab."]),
            new RecordSet(Key("mail.example.lab.", RecordType.A), new Ttl(300), ["127.0.3.99"])]), force: false, null, default);
        return id;
    }

    private async Task<IReadOnlyDictionary<RecordSetKey, RecordSet>> HostedAsync(Guid id) =>
        (await (await _b.TargetZoneAsync(id)).CurrentAsync(default)).ToDictionary(s => s.Key);

    [Fact]
    public async Task ApplyAdvice_AfterAnotherPersonApprovedTheHash_PutsTheProposedRecordsIntoTheHostedZone()
    {
        var id = await CompletedWithMailAsync();
        var wf = _b.Workflow;

        Assert.Equal(WorkflowOutcome.Forbidden, (await wf.ProposeAdviceAsync(id, null, Bob)).Outcome);
        var proposed = await wf.ProposeAdviceAsync(id, null, Carol);
        Assert.True(proposed.IsSuccess, proposed.Message);
        var plan = (await wf.GetAdvicePlanAsync(id))!;
        Assert.Equal((1, AdvicePlanPhase.AwaitingApproval, "carol"), (plan.Round, plan.Phase, plan.RequestedBy));
        Assert.Contains(plan.Proposals, p => p.RuleId == SecurityRecordsAdvisor.Rules.DmarcMissing.Id && p.Name == "_dmarc.example.lab.");
        Assert.Contains(plan.Proposals, p => p.RuleId == SecurityRecordsAdvisor.Rules.TlsRptMissing.Id && p.Name == "_smtp._tls.example.lab.");

        // Not approved yet: nothing to apply. The proposer may not approve her own plan; the hash must be the one shown.
        Assert.Equal(WorkflowOutcome.Invalid, (await wf.ApplyAdviceAsync(id, Alice)).Outcome);
        var own = await wf.ApproveAdviceAsync(id, plan.Hash, Carol);
        Assert.Equal(WorkflowOutcome.Forbidden, own.Outcome);
        Assert.Contains("four eyes", own.Message);
        Assert.Equal(WorkflowOutcome.Forbidden, (await wf.ApproveAdviceAsync(id, plan.Hash, Alice)).Outcome);
        Assert.Equal(WorkflowOutcome.Conflict, (await wf.ApproveAdviceAsync(id, new string('0', 64), Bob)).Outcome);
        var approved = await wf.ApproveAdviceAsync(id, plan.Hash, Bob);
        Assert.True(approved.IsSuccess, approved.Message);
        Assert.Equal((AdvicePlanPhase.Approved, "bob"), ((await wf.GetAdvicePlanAsync(id))!.Phase, (await wf.GetAdvicePlanAsync(id))!.ApprovedBy));

        Assert.Equal(WorkflowOutcome.Forbidden, (await wf.ApplyAdviceAsync(id, Bob)).Outcome);
        var applied = await wf.ApplyAdviceAsync(id, Alice);
        if (applied.Outcome == WorkflowOutcome.Accepted) applied = await _b.DriveAsync(id, MigrationStep.ApplyAdvice);
        Assert.True(applied.Outcome == WorkflowOutcome.Succeeded, applied.Message);

        var hosted = await HostedAsync(id);
        foreach (var p in plan.Proposals)
            Assert.Contains(p.Data, hosted[Key(p.Name, RecordType.Parse(p.Type))].Values);
        Assert.StartsWith("\"v=DMARC1;", Assert.Single(hosted[Key("_dmarc.example.lab.", RecordType.TXT)].Values));
        Assert.StartsWith("\"v=TLSRPTv1;", Assert.Single(hosted[Key("_smtp._tls.example.lab.", RecordType.TXT)].Values));
        Assert.Equal(AdvicePlanPhase.Applied, (await wf.GetAdvicePlanAsync(id))!.Phase);
        var ops = await _b.OperationsAsync(id);
        Assert.Contains(ops, o => o.Kind == MigrationOperationKinds.Route53Change && o.Key.StartsWith("advice#1:", StringComparison.Ordinal)
            && o.Status == MigrationOperationStatus.Succeeded);
        var history = Assert.Single(await wf.GetHistoryAsync(id), h => h.Step == nameof(MigrationStep.ApplyAdvice));
        Assert.Equal((MigrationState.Completed, MigrationState.Completed, "alice"), (history.From, history.To, history.Actor));
        await using (var db = _b.H.CreateDbContext())
            Assert.Equal(1, await db.AuditEvents.CountAsync(a => a.Action == MigrationAuditActions.AdviceApplied && a.Target == $"migration:{id}"));
        var status = (await wf.GetStatusAsync(id))!;
        Assert.Equal((MigrationState.Completed, (string?)null, (string?)null), (status.State, status.RunningStep, status.Blocker));

        // Applied: the advisor over the hosted zone proposes none of it again.
        var again = await wf.ProposeAdviceAsync(id, [SecurityRecordsAdvisor.Rules.DmarcMissing.Id], Carol);
        Assert.Equal(WorkflowOutcome.Invalid, again.Outcome);
    }

    [Fact]
    public async Task ApplyAdvice_RefusesAndVoidsTheApproval_WhenTheHostedZoneChangedAfterIt()
    {
        var id = await CompletedWithMailAsync();
        var wf = _b.Workflow;
        Assert.True((await wf.ProposeAdviceAsync(id, [SecurityRecordsAdvisor.Rules.DmarcMissing.Id], Alice)).IsSuccess);
        var plan = (await wf.GetAdvicePlanAsync(id))!;
        Assert.Equal([SecurityRecordsAdvisor.Rules.DmarcMissing.Id], plan.Proposals.Select(p => p.RuleId));
        Assert.True((await wf.ApproveAdviceAsync(id, plan.Hash, Bob)).IsSuccess);

        // Someone publishes a DMARC record at Route 53 by hand after the approval.
        var target = await _b.TargetZoneAsync(id);
        var current = await target.CurrentAsync(default);
        await target.ApplyAsync(target.PlanFrom(current, [.. current,
            new RecordSet(Key("_dmarc.example.lab.", RecordType.TXT), new Ttl(300), ["\"v=DMARC1; p=none\""])]), force: false, null, default);

        var refused = await wf.ApplyAdviceAsync(id, Alice);
        Assert.Equal(WorkflowOutcome.Invalid, refused.Outcome);
        Assert.Contains("changed since round 1 was approved", refused.Message);
        Assert.Equal(["\"v=DMARC1; p=none\""], (await HostedAsync(id))[Key("_dmarc.example.lab.", RecordType.TXT)].Values);
        Assert.Equal(AdvicePlanPhase.Void, (await wf.GetAdvicePlanAsync(id))!.Phase);
        Assert.DoesNotContain(await _b.OperationsAsync(id), o => o.Kind == MigrationOperationKinds.Route53Change && o.Key.StartsWith("advice#", StringComparison.Ordinal));
        Assert.DoesNotContain(await wf.GetHistoryAsync(id), h => h.Step == nameof(MigrationStep.ApplyAdvice));

        // The voided plan is not applied by asking again.
        Assert.Equal(WorkflowOutcome.Invalid, (await wf.ApplyAdviceAsync(id, Alice)).Outcome);
    }

    [Fact]
    public async Task ApplyAdvice_WaitsForInsyncWithoutHoldingTheMigration_AndTheFollowUpFinishesItWithoutASecondChange()
    {
        var id = await CompletedWithMailAsync();
        var wf = _b.Workflow;
        Assert.True((await wf.ProposeAdviceAsync(id, null, Alice)).IsSuccess);
        Assert.True((await wf.ApproveAdviceAsync(id, (await wf.GetAdvicePlanAsync(id))!.Hash, Bob)).IsSuccess);
        _b.Emulator.Emulator.Route53.InsyncDelay = TimeSpan.FromSeconds(30);

        var waiting = await wf.ApplyAdviceAsync(id, Alice);
        Assert.Equal(WorkflowOutcome.Accepted, waiting.Outcome);
        Assert.Contains("waiting for INSYNC", waiting.Message);
        Assert.Equal(((string?)null, true), (waiting.Status!.RunningStep, waiting.Status.BlockerIsWait));
        Assert.Equal(AdvicePlanPhase.Approved, (await wf.GetAdvicePlanAsync(id))!.Phase);

        // Asked again while Route 53 is PENDING: it polls the change it sent, and sends nothing twice.
        _b.H.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(WorkflowOutcome.Accepted, (await wf.ApplyAdviceAsync(id, Alice)).Outcome);
        _b.H.Time.Advance(TimeSpan.FromSeconds(25));
        var done = await wf.RunStepAsync(id, MigrationStep.ApplyAdvice, MigrationActor.System, fromJob: true);
        Assert.True(done.Outcome == WorkflowOutcome.Succeeded, done.Message);

        var batches = (await _b.OperationsAsync(id)).Where(o => o.Kind == MigrationOperationKinds.Route53Change && o.Key.StartsWith("advice#1:", StringComparison.Ordinal)).ToList();
        Assert.Equal(MigrationOperationStatus.Succeeded, Assert.Single(batches).Status);
        Assert.Equal(AdvicePlanPhase.Applied, (await wf.GetAdvicePlanAsync(id))!.Phase);
        Assert.Contains((await HostedAsync(id)).Keys, k => k == Key("_dmarc.example.lab.", RecordType.TXT));
        Assert.Single(await wf.GetHistoryAsync(id), h => h.Step == nameof(MigrationStep.ApplyAdvice));
    }

    [Fact]
    public async Task ProposeAdvice_IsRefused_BeforeCompletion()
    {
        var id = await _b.H.MigrationInAsync(MigrationState.Soaked);
        var refused = await _b.Workflow.ProposeAdviceAsync(id, null, Alice);
        Assert.Equal(WorkflowOutcome.Conflict, refused.Outcome);
        Assert.Contains("after completion", refused.Message);
        Assert.Null(await _b.Workflow.GetAdvicePlanAsync(id));
    }
}
