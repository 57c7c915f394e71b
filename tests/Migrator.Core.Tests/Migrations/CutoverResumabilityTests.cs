using Microsoft.EntityFrameworkCore;
using Migrator.Core.Migrations;
using static Migrator.Core.Tests.Migrations.WorkflowHarness;

namespace Migrator.Core.Tests.Migrations;

/// <summary>
/// A cutover that stops part-way leaves the migration where it can go on: a new approval starts the next attempt from
/// the top, nothing but the cutover moves a migration whose delegation may be changing, and an uploaded zone can be
/// replaced while waiting so a re-sync can pick up what changed.
/// </summary>
public sealed class CutoverResumabilityTests : IAsyncLifetime
{
    private readonly WorkflowHarness _h = new();

    public Task InitializeAsync() => _h.InitializeAsync();
    public Task DisposeAsync() => _h.DisposeAsync();

    /// <summary>The cutover records sub-step <paramref name="stage"/> and then waits (a poll: the claim is released).</summary>
    private void CutOverPausesAt(string stage) => _h.Runner.Run = async (c, ct) =>
    {
        if (c.Step != MigrationStep.CutOver) return new StepOutcome.Done($"{c.Step} done", new { });
        await c.SaveAsync(new MigrationPatch().Set(x => x.CutoverStage, stage), ct);
        return new StepOutcome.Pending($"cutover waits after sub-step {stage}", c.Now.AddSeconds(5));
    };

    [Fact]
    public async Task ApproveAsync_StartsTheNextCutoverFromTheTop_WhenAnEarlierAttemptStoppedPartWay()
    {
        var id = await _h.MigrationInAsync(MigrationState.Approved);
        CutOverPausesAt("d");
        Assert.Equal(WorkflowOutcome.Accepted, (await _h.Workflow().CutOverAsync(id, Alice)).Outcome);
        Assert.Equal("d", (await _h.Workflow().GetStatusAsync(id))!.CutoverStage);

        // Between two polls of (e) the old zone is re-synced: Approved → Waited, the approval void.
        var resynced = await _h.Workflow().ResyncAsync(id, Alice);
        Assert.True(resynced.IsSuccess, resynced.Message);
        Assert.Equal((MigrationState.Waited, "d"), (resynced.Status!.State, resynced.Status.CutoverStage));

        Assert.True((await _h.Workflow().RequestApprovalAsync(id, Alice)).IsSuccess);
        var approved = await _h.Workflow().ApproveAsync(id, _h.Runner.PlanHash, Bob);
        Assert.True(approved.IsSuccess, approved.Message);
        Assert.Null(approved.Status!.CutoverStage); // (b)–(d) check the newly approved plan before anything is applied
    }

    [Fact]
    public async Task ResyncPlanChangeUploadAndAbandon_AreRefused_WhileTheCutoverIsChangingTheDelegation()
    {
        var id = await _h.MigrationInAsync(MigrationState.Approved);
        CutOverPausesAt("f"); // parity proved; (g) waits for the parent (or a manual registrar) to show the change
        Assert.Equal(WorkflowOutcome.Accepted, (await _h.Workflow().CutOverAsync(id, Alice)).Outcome);
        var waiting = (await _h.Workflow().GetStatusAsync(id))!;
        Assert.Equal((MigrationState.Approved, (string?)null), (waiting.State, waiting.RunningStep)); // no claim between polls

        var resync = await _h.Workflow().ResyncAsync(id, Alice);
        var plan = await _h.Workflow().PlanAsync(id, Answers with { TargetTtlSeconds = 60 }, Alice);
        var upload = await _h.Workflow().UploadZoneAsync(id, "$ORIGIN example.lab.\n@ 300 IN SOA a. b. 2 1 1 1 1\n", Alice);
        var abandon = await _h.Workflow().AbandonAsync(id, "changed my mind", Alice);

        Assert.Equal(WorkflowOutcome.Invalid, resync.Outcome);
        Assert.Equal(WorkflowOutcome.Conflict, plan.Outcome);
        Assert.Equal(WorkflowOutcome.Conflict, upload.Outcome);
        Assert.Equal(WorkflowOutcome.Conflict, abandon.Outcome);
        Assert.All(new[] { resync, plan, upload, abandon }, r => Assert.Contains("changing the delegation", r.Message));
        var after = (await _h.Workflow().GetStatusAsync(id))!;
        Assert.Equal((MigrationState.Approved, waiting.Version), (after.State, after.Version));

        // The cutover's next poll goes on and finishes.
        _h.Runner.Run = (c, _) => Task.FromResult<StepOutcome>(new StepOutcome.Done("cut over", new { }));
        var done = await _h.Workflow().RunStepAsync(id, MigrationStep.CutOver, MigrationActor.System, fromJob: true);
        Assert.Equal(MigrationState.CutOver, done.Status!.State);
    }

    /// <summary>
    /// A cutover waiting between polls of (e) (its Route 53 change not yet INSYNC) while the periodic drift check finds
    /// the record added at the old zone meanwhile: the follow-up goes on, and its own (f) stops it before the delegation
    /// naming the set. A lab run once saw the follow-up refused by the guard for starting a cutover, and the page kept
    /// "change … is PENDING" with nothing scheduled. A person starting the next attempt still meets the guard.
    /// </summary>
    [Fact]
    public async Task CutOverFollowUp_GoesOn_WhenDriftIsFoundBetweenItsPolls_AndTheNextStartMeetsTheGuard()
    {
        var id = await _h.MigrationInAsync(MigrationState.Approved);
        _h.Jobs = new RecordingJobs(background: true);
        CutOverPausesAt("e");
        var wf = _h.Workflow();
        Assert.Equal(WorkflowOutcome.Accepted, (await wf.CutOverAsync(id, Alice)).Outcome);
        Assert.Equal(WorkflowOutcome.Accepted, (await wf.RunStepAsync(id, MigrationStep.CutOver, MigrationActor.System, fromJob: true)).Outcome);
        Assert.Equal((string?)null, (await wf.GetStatusAsync(id))!.RunningStep); // between polls, no claim

        _h.Runner.Drift = "second.example.lab. A Differ";
        await wf.CheckDriftAsync(id, Alice);
        Assert.NotNull(await wf.DriftBlockerAsync(id));

        var ran = 0;
        _h.Runner.Run = (c, _) =>
        {
            ran++;
            return Task.FromResult<StepOutcome>(new StepOutcome.Blocked("cutover (f): stopped before the delegation: 1 set(s) differ between old and new: second.example.lab. A"));
        };
        var followUp = await wf.RunStepAsync(id, MigrationStep.CutOver, MigrationActor.System, fromJob: true);
        Assert.Equal(1, ran);
        Assert.StartsWith("cutover (f): stopped before the delegation", followUp.Status!.Blocker);

        var again = await wf.CutOverAsync(id, Alice);
        Assert.Equal((WorkflowOutcome.Invalid, 1), (again.Outcome, ran));
        Assert.Contains("cutover is blocked: old and new differ", again.Message);
    }

    /// <summary>
    /// The window bounds when a cutover may start: one that started inside it and waits for Route 53 when it closes
    /// goes on. A job refused for another reason says why on the page instead of keeping the wait it came back for.
    /// </summary>
    [Fact]
    public async Task CutOverFollowUp_GoesOnPastTheWindowsEnd_AndAJobRefusedForAnotherReasonSaysWhy()
    {
        var now = _h.Time.GetUtcNow();
        var id = await _h.MigrationInAsync(MigrationState.Approved, answers: Answers with { Window = new CutoverWindow(now.AddHours(-1), now.AddMinutes(30)) });
        _h.Jobs = new RecordingJobs(background: true);
        CutOverPausesAt("e");
        var wf = _h.Workflow();
        Assert.Equal(WorkflowOutcome.Accepted, (await wf.CutOverAsync(id, Alice)).Outcome);
        Assert.Equal(WorkflowOutcome.Accepted, (await wf.RunStepAsync(id, MigrationStep.CutOver, MigrationActor.System, fromJob: true)).Outcome);

        _h.Time.Advance(TimeSpan.FromHours(1)); // the window has closed
        Assert.Contains("window closed", (await wf.CutOverAsync(id, Alice)).Message); // a person may not start one now
        var ran = 0;
        CutOverPausesAt("e");
        var inner = _h.Runner.Run;
        _h.Runner.Run = (c, ct) => { ran++; return inner(c, ct); };
        Assert.Equal(WorkflowOutcome.Accepted, (await wf.RunStepAsync(id, MigrationStep.CutOver, MigrationActor.System, fromJob: true)).Outcome);
        Assert.Equal(1, ran);

        // The approval no longer matches the plan (changed behind the workflow's back): the follow-up stops and says so.
        await using (var db = _h.CreateDbContext())
            await db.Migrations.Where(x => x.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.PlanHash, "another-plan"));
        var refused = await wf.RunStepAsync(id, MigrationStep.CutOver, MigrationActor.System, fromJob: true);
        Assert.Equal((WorkflowOutcome.Invalid, 1), (refused.Outcome, ran));
        Assert.Equal("CutOver stopped: the cutover plan is not approved", refused.Status!.Blocker);
    }

    [Fact]
    public async Task ResyncAndAbandon_AreAllowed_WhenTheCutoverStoppedBeforeTheDelegation()
    {
        var id = await _h.MigrationInAsync(MigrationState.Approved);
        CutOverPausesAt("a"); // (f) found a difference and sent the cutover back to (a)
        await _h.Workflow().CutOverAsync(id, Alice);
        var resynced = await _h.Workflow().ResyncAsync(id, Alice);
        Assert.True(resynced.IsSuccess, resynced.Message);
        Assert.True((await _h.Workflow().AbandonAsync(id, "the old zone is being rebuilt", Alice)).IsSuccess);
    }

    [Fact]
    public async Task Resync_RunsAsAJob_AndItsJobComesBackAfterAPoll_ThoughAPersonStartedIt()
    {
        var id = await _h.MigrationInAsync(MigrationState.Approved);
        _h.Jobs = new RecordingJobs(background: true);
        var polls = 0;
        _h.Runner.Run = (c, _) => Task.FromResult<StepOutcome>(c.Step == MigrationStep.Resync && polls++ == 0
            ? new StepOutcome.Pending("re-import: change C1 is PENDING", c.Now.AddSeconds(1))
            : new StepOutcome.Done($"{c.Step} done", new { }));
        Assert.Equal(WorkflowOutcome.Accepted, (await _h.Workflow().ResyncAsync(id, Alice)).Outcome);
        Assert.Equal(WorkflowOutcome.Forbidden, (await _h.Workflow().ResyncAsync(id, Bob)).Outcome);

        var first = await _h.Workflow().RunStepAsync(id, MigrationStep.Resync, MigrationActor.System, fromJob: true);
        Assert.Equal((WorkflowOutcome.Accepted, (string?)null), (first.Outcome, first.Status!.RunningStep)); // the claim released until the poll
        Assert.Contains(_h.Jobs.Scheduled, j => j.Step == MigrationStep.Resync && j.At == _h.Time.GetUtcNow().AddSeconds(1));
        var second = await _h.Workflow().RunStepAsync(id, MigrationStep.Resync, MigrationActor.System, fromJob: true);

        Assert.True(second.IsSuccess, second.Message);
        Assert.Equal(MigrationState.Waited, second.Status!.State);
    }

    [Theory]
    [InlineData(MigrationState.Waited, true)]
    [InlineData(MigrationState.Approved, true)]
    [InlineData(MigrationState.Rehearsed, false)]
    public async Task UploadZoneAsync_TakesANewZoneFile_OnlyWhereAResyncCanReadIt(MigrationState state, bool accepted)
    {
        var id = await _h.MigrationInAsync(state);
        var result = await _h.Workflow().UploadZoneAsync(id, "$ORIGIN example.lab.\n@ 300 IN SOA a. b. 2 1 1 1 1\n", Alice);
        Assert.Equal(accepted, result.IsSuccess);
        if (!accepted) Assert.Contains("re-sync", result.Message);
    }
}
