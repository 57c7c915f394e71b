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
