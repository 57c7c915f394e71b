using Microsoft.EntityFrameworkCore;
using Migrator.Core.Migrations;
using static Migrator.Core.Tests.Migrations.WorkflowHarness;

namespace Migrator.Core.Tests.Migrations;

public sealed class MigrationWorkflowTests : IAsyncLifetime
{
    private readonly WorkflowHarness _h = new();

    public Task InitializeAsync() => _h.InitializeAsync();
    public Task DisposeAsync() => _h.DisposeAsync();

    [Fact]
    public async Task AdvanceAsync_OneWinsAndTheOtherGetsConflict_WhenTwoCallsRace()
    {
        var id = await _h.MigrationInAsync(MigrationState.Planned);
        var calls = _h.Runner.Calls;
        var release = new TaskCompletionSource();
        _h.Runner.Run = async (c, ct) =>
        {
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            return new StepOutcome.Done("inventoried", new { });
        };
        var wf1 = _h.Workflow();
        var wf2 = _h.Workflow();
        var first = wf1.AdvanceAsync(id, Alice);
        var second = wf2.AdvanceAsync(id, Carol);
        // One of them holds the claim and waits in the runner; the other must already have been refused.
        var refused = await Task.WhenAny(first, second).WaitAsync(TimeSpan.FromSeconds(30));
        release.SetResult();
        var results = await Task.WhenAll(first, second);

        Assert.Equal(WorkflowOutcome.Conflict, (await refused).Outcome);
        Assert.Single(results, r => r.Outcome == WorkflowOutcome.Succeeded);
        Assert.Equal(calls + 1, _h.Runner.Calls);
        Assert.Equal(MigrationState.Inventoried, (await _h.Workflow().GetStatusAsync(id))!.State);
        await using var db = _h.CreateDbContext();
        Assert.Equal(1, await db.MigrationHistory.CountAsync(x => x.MigrationId == id && x.Step == "Inventory"));
    }

    [Fact]
    public async Task RunStepAsync_ConflictsWithoutRunning_WhenVersionIsStale()
    {
        var id = await _h.MigrationInAsync(MigrationState.Planned);
        var status = await _h.Workflow().GetStatusAsync(id);
        var calls = _h.Runner.Calls;
        var result = await _h.Workflow().RunStepAsync(id, MigrationStep.Inventory, Alice, expectedVersion: status!.Version - 1);
        Assert.Equal(WorkflowOutcome.Conflict, result.Outcome);
        Assert.Equal(calls, _h.Runner.Calls);
    }

    [Fact]
    public async Task Transition_WritesHistoryAndAuditEvent_InOneGo()
    {
        var id = await _h.MigrationInAsync(MigrationState.Inventoried);
        await using var db = _h.CreateDbContext();
        var history = await db.MigrationHistory.Where(x => x.MigrationId == id).OrderBy(x => x.Id).ToListAsync();
        Assert.Equal(["Plan", "Inventory"], history.Select(x => x.Step));
        Assert.Equal(("Planned", "Inventoried", "alice"), (history[1].From, history[1].To, history[1].Actor));
        Assert.Contains("Inventory", history[1].EvidenceJson);
        var audits = await db.AuditEvents.Where(a => a.Target == $"migration:{id}" && a.Action == MigrationAuditActions.Transition).CountAsync();
        Assert.Equal(2, audits);
    }

    [Fact]
    public async Task ApproveAsync_IsForbidden_WhenTheApproverRequestedTheApproval()
    {
        var id = await _h.MigrationInAsync(MigrationState.Waited);
        var wf = _h.Workflow();
        Assert.True((await wf.RequestApprovalAsync(id, Carol)).IsSuccess);
        var result = await wf.ApproveAsync(id, _h.Runner.PlanHash, Carol);
        Assert.Equal(WorkflowOutcome.Forbidden, result.Outcome);
        Assert.Contains("four eyes", result.Message);
        Assert.Equal(MigrationState.Waited, result.Status!.State);
    }

    [Fact]
    public async Task ApproveAsync_IsForbidden_ForAnOperatorWithoutTheApproverRole()
    {
        var id = await _h.MigrationInAsync(MigrationState.Waited);
        var wf = _h.Workflow();
        await wf.RequestApprovalAsync(id, Carol);
        Assert.Equal(WorkflowOutcome.Forbidden, (await wf.ApproveAsync(id, _h.Runner.PlanHash, Alice)).Outcome);
    }

    [Fact]
    public async Task ApproveAsync_Conflicts_WhenTheSignedHashIsNotTheCurrentPlan()
    {
        var id = await _h.MigrationInAsync(MigrationState.Waited);
        var wf = _h.Workflow();
        await wf.RequestApprovalAsync(id, Alice);
        var result = await wf.ApproveAsync(id, new string('b', 64), Bob);
        Assert.Equal(WorkflowOutcome.Conflict, result.Outcome);
        Assert.Null(result.Status!.ApprovedPlanHash);
    }

    [Fact]
    public async Task ApproveAsync_BindsTheApprovalToThePlanHash_WhenAnotherPersonApproves()
    {
        var id = await _h.MigrationInAsync(MigrationState.Approved);
        var s = (await _h.Workflow().GetStatusAsync(id))!;
        Assert.Equal((_h.Runner.PlanHash, "bob", "alice"), (s.ApprovedPlanHash, s.ApprovedBy, s.ApprovalRequestedBy));
        Assert.Equal(MigrationStep.CutOver, s.NextStep);
    }

    [Fact]
    public async Task PlanAsync_VoidsTheApproval_WhenTheAnswersChangeAfterApproval()
    {
        var id = await _h.MigrationInAsync(MigrationState.Approved);
        var result = await _h.Workflow().PlanAsync(id, Answers with { TargetTtlSeconds = 120 }, Alice);
        Assert.True(result.IsSuccess, result.Message);
        Assert.Equal(MigrationState.Waited, result.Status!.State);
        Assert.Null(result.Status.ApprovedPlanHash);
        Assert.Null(result.Status.ApprovalRequestedBy);
        Assert.Equal(120u, result.Status.Plan!.TargetTtlSeconds);
    }

    [Fact]
    public async Task RejectAsync_ClearsTheRequest_AndKeepsTheReason()
    {
        var id = await _h.MigrationInAsync(MigrationState.Waited);
        var wf = _h.Workflow();
        await wf.RequestApprovalAsync(id, Alice);
        var result = await wf.RejectAsync(id, "window collides with the sale", Bob);
        Assert.True(result.IsSuccess);
        Assert.Null(result.Status!.ApprovalRequestedBy);
        Assert.Contains("window collides", result.Status.Blocker);
        Assert.Equal(WorkflowOutcome.Invalid, (await wf.ApproveAsync(id, _h.Runner.PlanHash, Bob)).Outcome);
    }

    [Fact]
    public async Task RollBackAsync_NeedsAReason_AndIsForbiddenToViewers()
    {
        var id = await _h.MigrationInAsync(MigrationState.Verified);
        var wf = _h.Workflow();
        Assert.Equal(WorkflowOutcome.Invalid, (await wf.RollBackAsync(id, " ", Alice)).Outcome);
        Assert.Equal(WorkflowOutcome.Forbidden, (await wf.RollBackAsync(id, "resolvers fail", Victor)).Outcome);
        Assert.Equal(WorkflowOutcome.Forbidden, (await wf.RollBackAsync(id, "resolvers fail", Bob)).Outcome);
        var done = await wf.RollBackAsync(id, "resolvers fail", Alice);
        Assert.True(done.IsSuccess, done.Message);
        Assert.Equal(MigrationState.RolledBack, done.Status!.State);
        var history = await wf.GetHistoryAsync(id);
        Assert.Equal("resolvers fail", history[^1].Evidence.GetProperty("reason").GetString());
    }

    /// <summary>The dashboard offers rollback while a soak runs (its one button during a step): the workflow must take it.</summary>
    [Fact]
    public async Task RollBackAsync_TakesOverTheSoaksFreshClaim_AndTheSoakJobThenStandsDown()
    {
        var id = await _h.MigrationInAsync(MigrationState.Verified);
        _h.Runner.Run = (c, _) => c.Step == MigrationStep.Soak ? throw new IOException("soak sampling interrupted") : Task.FromResult<StepOutcome>(new StepOutcome.Done("rolled back", new { }));
        await Assert.ThrowsAsync<IOException>(() => _h.Workflow().RunStepAsync(id, MigrationStep.Soak, MigrationActor.System, fromJob: true));
        Assert.Equal("Soak", (await _h.Workflow().GetStatusAsync(id))!.RunningStep);

        var done = await _h.Workflow().RollBackAsync(id, "new servers answer wrong", Alice);
        Assert.True(done.IsSuccess, done.Message);
        Assert.Equal(MigrationState.RolledBack, done.Status!.State);
        Assert.Null(done.Status.RunningStep);

        var soakAgain = await _h.Workflow().RunStepAsync(id, MigrationStep.Soak, MigrationActor.System, fromJob: true);
        Assert.True(soakAgain.IsSuccess, soakAgain.Message);
        Assert.Equal(MigrationState.RolledBack, soakAgain.Status!.State);
    }

    /// <summary>
    /// A write that lands between the workflow reading the migration and claiming a step (a soak sample, the soak moving
    /// Verified to Soaked): runs <paramref name="times"/> times, each just before the claim of <paramref name="step"/>.
    /// </summary>
    private sealed class ConcurrentWriteBeforeClaim(MigrationStep step, int times) : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        public int Claims;

        public override async ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> NonQueryExecutingAsync(
            System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData,
            Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            var claim = command.CommandText.Contains("SET \"RunningStep\" = ", StringComparison.Ordinal)
                && command.Parameters.Cast<System.Data.Common.DbParameter>().Any(p => p.Value as string == step.ToString());
            if (claim && Claims++ < times)
            {
                await using var write = command.Connection!.CreateCommand();
                write.Transaction = command.Transaction;
                write.CommandText = "UPDATE \"Migrations\" SET \"Version\" = \"Version\" + 1";
                await write.ExecuteNonQueryAsync(cancellationToken);
            }
            return result;
        }
    }

    [Fact]
    public async Task RollBackAsync_TakesOver_WhenAConcurrentWriteLandsBetweenReadingAndClaiming()
    {
        var id = await _h.MigrationInAsync(MigrationState.Verified);
        var writes = new ConcurrentWriteBeforeClaim(MigrationStep.RollBack, times: 2);
        _h.Interceptors.Add(writes);

        var done = await _h.Workflow().RollBackAsync(id, "new servers answer wrong", Alice);

        Assert.True(done.IsSuccess, done.Message);
        Assert.Equal(MigrationState.RolledBack, done.Status!.State);
        Assert.Equal(3, writes.Claims);
    }

    [Fact]
    public async Task RollBackAsync_SaysTheMigrationKeptChanging_WhenEveryClaimIsBeaten()
    {
        var id = await _h.MigrationInAsync(MigrationState.Verified);
        var writes = new ConcurrentWriteBeforeClaim(MigrationStep.RollBack, times: int.MaxValue);
        _h.Interceptors.Add(writes);

        var refused = await _h.Workflow().RollBackAsync(id, "new servers answer wrong", Alice);

        Assert.Equal(WorkflowOutcome.Conflict, refused.Outcome);
        Assert.Equal("the migration changed while RollBack was starting (now Verified); check it and try again", refused.Message);
        Assert.Equal(MigrationWorkflow.RollbackClaimAttempts, writes.Claims);
        Assert.Null(refused.Status!.RunningStep);
    }

    [Fact]
    public async Task AdvanceAsync_SaysTheMigrationChanged_NotThatAnotherCallTookIt_WhenAWriteBeatItsClaim()
    {
        var id = await _h.MigrationInAsync(MigrationState.Planned);
        var writes = new ConcurrentWriteBeforeClaim(MigrationStep.Inventory, times: 1);
        _h.Interceptors.Add(writes);

        var refused = await _h.Workflow().AdvanceAsync(id, Alice);

        Assert.Equal(WorkflowOutcome.Conflict, refused.Outcome);
        Assert.Equal("the migration changed while Inventory was starting (now Planned); check it and try again", refused.Message);
        Assert.Equal(1, writes.Claims);
    }

    [Fact]
    public async Task RollBackAsync_Conflicts_BeforeCutover()
    {
        var id = await _h.MigrationInAsync(MigrationState.Approved);
        Assert.Equal(WorkflowOutcome.Conflict, (await _h.Workflow().RollBackAsync(id, "nerves", Alice)).Outcome);
    }

    [Fact]
    public async Task AbandonAsync_IsRefused_AfterCutover()
    {
        var id = await _h.MigrationInAsync(MigrationState.CutOver);
        var result = await _h.Workflow().AbandonAsync(id, "changed our minds", Alice);
        Assert.Equal(WorkflowOutcome.Conflict, result.Outcome);
        Assert.Contains("roll back first", result.Message);
    }

    [Fact]
    public async Task RunStepAsync_ResumesTheClaimedStep_WhenTheProcessDiedWhileRunningIt()
    {
        var id = await _h.MigrationInAsync(MigrationState.Approved);
        _h.Runner.Run = (_, _) => throw new IOException("process killed");
        await Assert.ThrowsAsync<IOException>(() => _h.Workflow().CutOverAsync(id, Alice));
        var stuck = (await _h.Workflow().GetStatusAsync(id))!;
        Assert.Equal(("CutOver", MigrationState.Approved), (stuck.RunningStep, stuck.State));

        // A second person is refused while the claim is fresh; the job's retry resumes it.
        Assert.Equal(WorkflowOutcome.Conflict, (await _h.Workflow().CutOverAsync(id, Carol)).Outcome);
        _h.Runner.Run = (c, _) => Task.FromResult<StepOutcome>(new StepOutcome.Done("cut over", new { }, FollowUpAt: c.Now.AddMinutes(25)));
        var resumed = await _h.Workflow().RunStepAsync(id, MigrationStep.CutOver, MigrationActor.System, fromJob: true);
        Assert.True(resumed.IsSuccess, resumed.Message);
        Assert.Equal(MigrationState.CutOver, resumed.Status!.State);
        Assert.Null(resumed.Status.RunningStep);
        Assert.Equal(_h.Time.GetUtcNow().AddMinutes(25), resumed.Status.DueAt);

        // The job running twice (Hangfire retries) does not take the step again.
        var again = await _h.Workflow().RunStepAsync(id, MigrationStep.CutOver, MigrationActor.System, fromJob: true);
        Assert.Equal(WorkflowOutcome.Succeeded, again.Outcome);
        await using var db = _h.CreateDbContext();
        Assert.Equal(1, await db.MigrationHistory.CountAsync(x => x.MigrationId == id && x.Step == "CutOver"));
    }

    [Fact]
    public async Task RunStepAsync_TakesOverAStaleClaim_AfterTheClaimTimeout()
    {
        var id = await _h.MigrationInAsync(MigrationState.Approved);
        _h.Runner.Run = (_, _) => throw new IOException("process killed");
        await Assert.ThrowsAsync<IOException>(() => _h.Workflow().CutOverAsync(id, Alice));
        _h.Runner.Run = (_, _) => Task.FromResult<StepOutcome>(new StepOutcome.Done("cut over", new { }));
        _h.Time.Advance(TimeSpan.FromMinutes(31));
        Assert.True((await _h.Workflow().CutOverAsync(id, Carol)).IsSuccess);
    }

    [Fact]
    public async Task Pending_ReleasesTheClaimAndSchedulesTheStepAgain()
    {
        var id = await _h.MigrationInAsync(MigrationState.Rehearsed);
        _h.Jobs = new RecordingJobs(background: true);
        var due = _h.Time.GetUtcNow().AddMinutes(10);
        _h.Runner.Run = (c, _) => Task.FromResult<StepOutcome>(c.Step == MigrationStep.LowerTtls
            ? new StepOutcome.Done("lowered", new { }, FollowUpAt: due)
            : new StepOutcome.Pending("not yet due", due));
        var accepted = await _h.Workflow().AdvanceAsync(id, Alice);
        Assert.Equal(WorkflowOutcome.Accepted, accepted.Outcome); // background step: queued as a job
        Assert.Contains(_h.Jobs.Scheduled, j => j.Step == MigrationStep.LowerTtls);
        var ran = await _h.Workflow().RunStepAsync(id, MigrationStep.LowerTtls, MigrationActor.System, fromJob: true);
        Assert.Equal(MigrationState.TtlLowered, ran.Status!.State);
        Assert.Equal(due, ran.Status.DueAt);
        Assert.Contains(_h.Jobs.Scheduled, j => j.Step == MigrationStep.Wait && j.At == due);

        var early = await _h.Workflow().RunStepAsync(id, MigrationStep.Wait, MigrationActor.System, fromJob: true);
        Assert.Equal(WorkflowOutcome.Accepted, early.Outcome);
        Assert.Null(early.Status!.RunningStep);
        Assert.Equal(MigrationState.TtlLowered, early.Status.State);
    }

    [Fact]
    public async Task BlockerIsWait_IsTrueWhilePending_FalseOnceBlocked_AndClearedByTheTransition()
    {
        var id = await _h.MigrationInAsync(MigrationState.TtlLowered);
        var due = _h.Time.GetUtcNow().AddMinutes(10);
        _h.Runner.Run = (_, _) => Task.FromResult<StepOutcome>(new StepOutcome.Pending("waiting until the old TTLs expire", due));
        var pending = await _h.Workflow().RunStepAsync(id, MigrationStep.Wait, MigrationActor.System, fromJob: true);
        Assert.Equal(("waiting until the old TTLs expire", true), (pending.Status!.Blocker, pending.Status.BlockerIsWait));

        _h.Runner.Run = (_, _) => Task.FromResult<StepOutcome>(new StepOutcome.Blocked("old and new differ in 1 set"));
        var blocked = await _h.Workflow().RunStepAsync(id, MigrationStep.Wait, MigrationActor.System, fromJob: true);
        Assert.Equal(("old and new differ in 1 set", false), (blocked.Status!.Blocker, blocked.Status.BlockerIsWait));

        _h.Runner.Run = (_, _) => Task.FromResult<StepOutcome>(new StepOutcome.Pending("waiting again", due));
        Assert.True((await _h.Workflow().RunStepAsync(id, MigrationStep.Wait, MigrationActor.System, fromJob: true)).Status!.BlockerIsWait);
        _h.Runner.Run = (_, _) => Task.FromResult<StepOutcome>(new StepOutcome.Done("waited", new { }));
        var done = await _h.Workflow().RunStepAsync(id, MigrationStep.Wait, MigrationActor.System, fromJob: true);
        Assert.Equal((MigrationState.Waited, (string?)null, false), (done.Status!.State, done.Status.Blocker, done.Status.BlockerIsWait));
        Assert.False((await _h.Workflow().GetStatusAsync(id))!.BlockerIsWait);
    }

    [Fact]
    public async Task Blocked_KeepsTheStateAndShowsWhy()
    {
        var id = await _h.MigrationInAsync(MigrationState.Inventoried);
        _h.Runner.Run = (_, _) => Task.FromResult<StepOutcome>(new StepOutcome.Blocked("2 lint errors not accepted"));
        var result = await _h.Workflow().AdvanceAsync(id, Alice);
        Assert.Equal(WorkflowOutcome.Invalid, result.Outcome);
        Assert.Equal((MigrationState.Inventoried, "2 lint errors not accepted", (string?)null), (result.Status!.State, result.Status.Blocker, result.Status.RunningStep));
    }

    [Fact]
    public async Task RolledBackOutcome_RecordsCutOverThenRollBack()
    {
        var id = await _h.MigrationInAsync(MigrationState.Approved);
        _h.Runner.Run = (_, _) => Task.FromResult<StepOutcome>(new StepOutcome.RolledBack("new servers refused", new { test = "REFUSED" }));
        var result = await _h.Workflow().CutOverAsync(id, Alice);
        Assert.Equal(WorkflowOutcome.Invalid, result.Outcome);
        Assert.Equal(MigrationState.RolledBack, result.Status!.State);
        var history = await _h.Workflow().GetHistoryAsync(id);
        Assert.Equal([(MigrationState.Approved, MigrationState.CutOver), (MigrationState.CutOver, MigrationState.RolledBack)],
            history.TakeLast(2).Select(x => (x.From, x.To)));
    }

    [Fact]
    public async Task Complete_IsBlocked_UntilEveryUpdaterIsTicked()
    {
        var id = await _h.MigrationInAsync(MigrationState.Soaked);
        var status = (await _h.Workflow().GetStatusAsync(id))!;
        Assert.False(Assert.Single(status.Updaters).Ticked);
        var refused = await _h.Workflow().AdvanceAsync(id, Alice);
        Assert.Equal(WorkflowOutcome.Invalid, refused.Outcome);
        Assert.Contains("certbot (web team)", refused.Message);
        var tick = await _h.Workflow().TickUpdaterAsync(id, "CERTBOT", Alice);
        Assert.True(Assert.Single(tick.Status!.Updaters).Ticked);
        Assert.Equal(WorkflowOutcome.Invalid, (await _h.Workflow().TickUpdaterAsync(id, "cron", Alice)).Outcome);
        Assert.Equal(MigrationState.Completed, (await _h.Workflow().AdvanceAsync(id, Alice)).Status!.State);
    }

    [Fact]
    public async Task CreateAsync_Conflicts_WhenTheZoneHasAnOpenMigration()
    {
        await _h.MigrationInAsync(MigrationState.Planned);
        Assert.Equal(WorkflowOutcome.Conflict, (await _h.Workflow().CreateAsync("EXAMPLE.lab", Alice)).Outcome);
        Assert.Equal(WorkflowOutcome.Forbidden, (await _h.Workflow().CreateAsync("other.lab", Bob)).Outcome);
    }

    [Fact]
    public async Task PlanAsync_IsInvalid_WhenAnswersNameAnUnknownTsigKey()
    {
        var created = await _h.Workflow().CreateAsync("example.lab.", Alice);
        var result = await _h.Workflow().PlanAsync(created.Status!.Id,
            Answers with { Writer = new ZoneWriterChoice(ZoneWriterKind.Rfc2136, "127.0.0.12", "old-key") }, Alice);
        Assert.Equal(WorkflowOutcome.Invalid, result.Outcome);
        Assert.Contains("no TSIG key named 'old-key'", result.Message);
    }
}
