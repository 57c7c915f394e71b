using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Migrator.Core.Migrations;

namespace Migrator.Core.Tests.Migrations;

/// <summary>
/// A step's follow-up timer commits in the transaction of the change that calls for it: a process that dies at the
/// first instant after that commit (an interceptor throws there, deterministically) leaves the timer in the table, so
/// the migration does not wait for a job that nobody will run.
/// </summary>
public sealed class FollowUpTimerCrashTests : IAsyncLifetime
{
    private readonly WorkflowHarness _h = new();
    private readonly KillAfterCommit _kill = new();

    public async Task InitializeAsync()
    {
        await _h.InitializeAsync();
        _h.Interceptors.Add(_kill);
    }

    public Task DisposeAsync() => _h.DisposeAsync();

    private MigrationTimerStore Timers() => new(_h, _h.Time);

    /// <summary>Runs the step as its job would, with the process "killed" right after the first commit of the run.</summary>
    private async Task RunKilledAfterFirstCommitAsync(Guid id, MigrationStep step)
    {
        _h.Jobs = new RecordingJobs(background: true) { TimersInDatabase = true };
        var wf = _h.Workflow();
        _kill.Armed = true;
        await Assert.ThrowsAsync<ProcessKilled>(() => wf.RunStepAsync(id, step, MigrationActor.System, fromJob: true));
        Assert.False(_kill.Armed);
        Assert.Empty(_h.Jobs.Scheduled); // nothing went to the scheduler: the timer is the database's
    }

    private async Task ClaimStepAsync(Guid id, MigrationStep step)
    {
        _h.Jobs = new RecordingJobs(background: true) { TimersInDatabase = true };
        var accepted = await _h.Workflow().RunStepAsync(id, step, MigrationActor.System);
        Assert.Equal(WorkflowOutcome.Accepted, accepted.Outcome);
    }

    [Fact]
    public async Task Done_LeavesItsFollowUpTimer_WhenTheProcessDiesRightAfterTheTransitionCommits()
    {
        var id = await _h.MigrationInAsync(MigrationState.Rehearsed);
        var first = _h.Time.GetUtcNow().AddSeconds(30);
        var due = _h.Time.GetUtcNow().AddMinutes(10);
        _h.Runner.Run = (_, _) => Task.FromResult<StepOutcome>(new StepOutcome.Done("lowered", new { }, FollowUpAt: due, FirstRunAt: first));
        await ClaimStepAsync(id, MigrationStep.LowerTtls);

        await RunKilledAfterFirstCommitAsync(id, MigrationStep.LowerTtls);

        var s = (await _h.Workflow().GetStatusAsync(id))!;
        Assert.Equal((MigrationState.TtlLowered, (string?)null, (DateTimeOffset?)due), (s.State, s.RunningStep, s.DueAt));
        var timer = Assert.Single(await Timers().ListAsync(id));
        Assert.Equal((nameof(MigrationStep.Wait), first), (timer.Step, timer.DueAt));
        // The next process's dispatcher finds it due and runs the wait step.
        _h.Time.Advance(TimeSpan.FromSeconds(30));
        var claimed = Assert.Single(await Timers().ClaimDueAsync("next-process", 10, TimeSpan.FromMinutes(1), default));
        Assert.Equal((id, MigrationStep.Wait), (claimed.MigrationId, claimed.Step));
    }

    [Fact]
    public async Task DoneIntoWaited_LeavesTheDriftCheckTimer_WhenTheProcessDiesRightAfterTheTransitionCommits()
    {
        var id = await _h.MigrationInAsync(MigrationState.TtlLowered);
        _h.Runner.Run = (_, _) => Task.FromResult<StepOutcome>(new StepOutcome.Done("the wait is over", new { }));
        await ClaimStepAsync(id, MigrationStep.Wait);

        await RunKilledAfterFirstCommitAsync(id, MigrationStep.Wait);

        Assert.Equal(MigrationState.Waited, (await _h.Workflow().GetStatusAsync(id))!.State);
        var timer = Assert.Single(await Timers().ListAsync(id));
        Assert.Equal((nameof(MigrationStep.CheckDrift), _h.Time.GetUtcNow() + new MigrationWorkflowOptions().DriftCheckInterval), (timer.Step, timer.DueAt));
    }

    [Fact]
    public async Task Pending_LeavesTheStepsTimer_WhenTheProcessDiesRightAfterTheClaimIsReleased()
    {
        var id = await _h.MigrationInAsync(MigrationState.Rehearsed);
        var retry = _h.Time.GetUtcNow().AddSeconds(5);
        _h.Runner.Run = (_, _) => Task.FromResult<StepOutcome>(new StepOutcome.Pending("change C1 is PENDING", retry));
        await ClaimStepAsync(id, MigrationStep.LowerTtls);

        await RunKilledAfterFirstCommitAsync(id, MigrationStep.LowerTtls);

        var s = (await _h.Workflow().GetStatusAsync(id))!;
        Assert.Equal((MigrationState.Rehearsed, (string?)null, "change C1 is PENDING"), (s.State, s.RunningStep, s.Blocker));
        var timer = Assert.Single(await Timers().ListAsync(id));
        Assert.Equal((nameof(MigrationStep.LowerTtls), retry), (timer.Step, timer.DueAt));
    }

    [Fact]
    public async Task RolledBack_LeavesTheRollbackCheckTimer_WhenTheProcessDiesRightAfterTheTransitionCommits()
    {
        var id = await _h.MigrationInAsync(MigrationState.Approved);
        var verifyAt = _h.Time.GetUtcNow().AddSeconds(50);
        _h.Runner.Run = (_, _) => Task.FromResult<StepOutcome>(new StepOutcome.RolledBack("new servers refused", new { }, VerifyAt: verifyAt));
        await ClaimStepAsync(id, MigrationStep.CutOver);

        await RunKilledAfterFirstCommitAsync(id, MigrationStep.CutOver);

        Assert.Equal(MigrationState.RolledBack, (await _h.Workflow().GetStatusAsync(id))!.State);
        var timer = Assert.Single(await Timers().ListAsync(id), t => t.Step != nameof(MigrationStep.CheckDrift));
        Assert.Equal((nameof(MigrationStep.RollBack), verifyAt), (timer.Step, timer.DueAt));
    }

    [Fact]
    public async Task Transition_WritesNoTimer_WhenItLosesItsCompareAndSet()
    {
        var id = await _h.MigrationInAsync(MigrationState.Rehearsed);
        _h.Jobs = new RecordingJobs(background: true) { TimersInDatabase = true };
        var due = _h.Time.GetUtcNow().AddMinutes(10);
        _h.Runner.Run = async (c, ct) =>
        {
            // Someone rolls the claim away while the step runs (an abandonment taking over a stale claim).
            await using var db = _h.CreateDbContext();
            await db.Migrations.Where(x => x.Id == c.Migration.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.RunningStep, (string?)null), ct);
            return new StepOutcome.Done("lowered", new { }, FollowUpAt: due);
        };
        await ClaimStepAsync(id, MigrationStep.LowerTtls);
        var lost = await _h.Workflow().RunStepAsync(id, MigrationStep.LowerTtls, MigrationActor.System, fromJob: true);

        Assert.Equal(WorkflowOutcome.Conflict, lost.Outcome);
        Assert.Empty(await Timers().ListAsync(id));
        Assert.Equal(0, _h.Jobs.TimersWrittenCalls);
    }

    private sealed class ProcessKilled() : Exception("the process died right after the commit");

    /// <summary>Throws right after the next commit when armed: nothing of the caller's code after that commit runs.</summary>
    private sealed class KillAfterCommit : DbTransactionInterceptor
    {
        public volatile bool Armed;

        public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
        {
            if (!Armed) return;
            Armed = false;
            throw new ProcessKilled();
        }

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            TransactionCommitted(transaction, eventData);
            return Task.CompletedTask;
        }
    }
}
