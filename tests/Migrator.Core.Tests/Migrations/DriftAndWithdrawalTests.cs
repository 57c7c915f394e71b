using Migrator.Core.Migrations;
using static Migrator.Core.Tests.Migrations.WorkflowHarness;

namespace Migrator.Core.Tests.Migrations;

/// <summary>Drift during the wait blocks cutover until old and new are alike again or the drift is accepted; a requester withdraws their own request.</summary>
public sealed class DriftAndWithdrawalTests : IAsyncLifetime
{
    private readonly WorkflowHarness _h = new();

    public Task InitializeAsync() => _h.InitializeAsync();
    public Task DisposeAsync() => _h.DisposeAsync();

    [Fact]
    public async Task CutOver_IsRefused_WhileTheLatestDriftIsNeitherReSyncedNorAccepted()
    {
        var id = await _h.MigrationInAsync(MigrationState.Waited);
        var wf = _h.Workflow();
        _h.Runner.Drift = "www.example.lab. A Differ";
        Assert.False((await wf.CheckDriftAsync(id, Alice)).Message.StartsWith("no drift", StringComparison.Ordinal));
        var refused = await wf.RequestApprovalAsync(id, Alice);
        Assert.Equal(WorkflowOutcome.Invalid, refused.Outcome);
        Assert.Contains("www.example.lab. A Differ", refused.Message);

        // Accepted with a reason: the same differences no longer block; the cutover goes ahead.
        Assert.Equal(WorkflowOutcome.Forbidden, (await wf.AcceptDriftAsync(id, "expected", Victor)).Outcome);
        Assert.True((await wf.AcceptDriftAsync(id, "www moves on purpose", Alice)).IsSuccess);
        await wf.CheckDriftAsync(id, Alice); // the same drift again: still accepted
        var requested = await wf.RequestApprovalAsync(id, Alice);
        Assert.True(requested.IsSuccess, requested.Message);
        Assert.True((await wf.ApproveAsync(id, requested.Status!.PlanHash!, Bob)).IsSuccess);

        // New differences after the acceptance block the cutover itself.
        _h.Runner.Drift = "mail.example.lab. A Differ";
        await wf.CheckDriftAsync(id, Alice);
        var blocked = await wf.CutOverAsync(id, Alice);
        Assert.Equal(WorkflowOutcome.Invalid, blocked.Outcome);
        Assert.Contains("mail.example.lab. A Differ", blocked.Message);
        Assert.Equal(MigrationState.Approved, blocked.Status!.State);

        // Re-synced: the next check finds them alike and the cutover runs.
        _h.Runner.Drift = null;
        await wf.CheckDriftAsync(id, Alice);
        Assert.Null(await wf.DriftBlockerAsync(id));
        Assert.True((await wf.CutOverAsync(id, Alice)).IsSuccess);
    }

    [Fact]
    public async Task Resync_VoidsTheApproval_AndClearsTheDriftBlock_WhenOldAndNewAreAlikeAfterwards()
    {
        var id = await _h.MigrationInAsync(MigrationState.Approved);
        var wf = _h.Workflow();
        _h.Runner.Drift = "www.example.lab. A Differ";
        await wf.CheckDriftAsync(id, Alice);
        Assert.NotNull(await wf.DriftBlockerAsync(id));
        Assert.Equal(WorkflowOutcome.Forbidden, (await wf.ResyncAsync(id, Victor)).Outcome);

        _h.Runner.Drift = null; // the re-import makes the new zone serve what the old one does
        var resynced = await wf.ResyncAsync(id, Alice);

        Assert.True(resynced.IsSuccess, resynced.Message);
        Assert.Contains("drift check: 19 sets alike", resynced.Message);
        var s = resynced.Status!;
        Assert.Equal(MigrationState.Waited, s.State);
        Assert.Null(s.ApprovedPlanHash);
        Assert.Null(s.ApprovedBy);
        Assert.Null(s.ApprovalRequestedBy);
        Assert.Null(await wf.DriftBlockerAsync(id));
        var last = (await wf.GetHistoryAsync(id))[^1];
        Assert.Equal((nameof(MigrationStep.Resync), MigrationState.Approved, MigrationState.Waited, "alice"), (last.Step, last.From, last.To, last.Actor));
        Assert.Equal(WorkflowOutcome.Conflict, (await wf.CutOverAsync(id, Alice)).Outcome); // a new approval first
    }

    /// <summary>
    /// A drift check that started before the re-sync finished (a periodic one, slow on a busy machine) stores its answer
    /// after the re-sync's own check. It compared the old inventory: it neither clears a current "differ" nor blocks a
    /// current "alike". (The lab's re-sync test once saw the re-sync done and the cutover still blocked by such a check.)
    /// </summary>
    [Fact]
    public async Task DriftBlocker_IgnoresACheckThatStartedBeforeTheResync_EvenWhenItIsStoredLast()
    {
        var id = await _h.MigrationInAsync(MigrationState.Approved);
        var wf = _h.Workflow();
        _h.Runner.Drift = "www.example.lab. A Differ";
        await wf.CheckDriftAsync(id, Alice);
        var startedBefore = _h.Time.GetUtcNow();
        _h.Time.Advance(TimeSpan.FromSeconds(5));

        // The re-sync's own check finds drift against the new inventory; then the stale check lands, alike by the old one.
        _h.Runner.Drift = "mail.example.lab. A Differ";
        Assert.True((await wf.ResyncAsync(id, Alice)).IsSuccess);
        Assert.Contains("mail.example.lab. A Differ", await wf.DriftBlockerAsync(id));
        await AddDriftSampleAsync(id, startedBefore, ok: true, "19 sets alike");
        Assert.Contains("mail.example.lab. A Differ", await wf.DriftBlockerAsync(id));

        // Alike now against the new inventory; a stale "differ" stored afterwards does not block.
        _h.Runner.Drift = null;
        await wf.CheckDriftAsync(id, Alice);
        await AddDriftSampleAsync(id, startedBefore, ok: false, "1 of 19 differ: www.example.lab. A Differ");
        Assert.Null(await wf.DriftBlockerAsync(id));
    }

    private async Task AddDriftSampleAsync(Guid id, DateTimeOffset at, bool ok, string summary)
    {
        await using var db = _h.CreateDbContext();
        db.MigrationSamples.Add(new MigrationSample(id, MigrationSampleKinds.Drift, at, ok, summary, ok ? "[]" : "[\"www.example.lab. A Differ\"]"));
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Resync_IsRefused_BeforeTheWaitAndAfterCutover()
    {
        var wf = _h.Workflow();
        var early = await _h.MigrationInAsync(MigrationState.Rehearsed, "early.example.lab.");
        Assert.Equal(WorkflowOutcome.Conflict, (await wf.ResyncAsync(early, Alice)).Outcome);
        var late = await _h.MigrationInAsync(MigrationState.CutOver, "late.example.lab.");
        Assert.Equal(WorkflowOutcome.Conflict, (await wf.ResyncAsync(late, Alice)).Outcome);
    }

    [Fact]
    public async Task PeriodicDriftCheck_IsScheduledWhenTheWaitEnds_AndStopsAfterCutover()
    {
        var id = await _h.MigrationInAsync(MigrationState.TtlLowered);
        _h.Jobs = new RecordingJobs(background: true);
        var wf = _h.Workflow();
        Assert.True((await wf.RunStepAsync(id, MigrationStep.Wait, MigrationActor.System, fromJob: true)).IsSuccess);
        Assert.Contains(_h.Jobs.Scheduled, j => j.Id == id && j.Step == MigrationStep.CheckDrift);

        var before = _h.Jobs.Scheduled.Count(j => j.Step == MigrationStep.CheckDrift);
        var check = await wf.RunStepAsync(id, MigrationStep.CheckDrift, MigrationActor.System, fromJob: true);
        Assert.StartsWith("no drift", check.Message);
        Assert.Equal(before + 1, _h.Jobs.Scheduled.Count(j => j.Step == MigrationStep.CheckDrift));
        Assert.Single(await wf.GetSamplesAsync(id, MigrationSampleKinds.Drift));

        await wf.AbandonAsync(id, "not now", Alice);
        var stopped = await wf.RunStepAsync(id, MigrationStep.CheckDrift, MigrationActor.System, fromJob: true);
        Assert.StartsWith("drift checks stop", stopped.Message);
        Assert.Equal(before + 1, _h.Jobs.Scheduled.Count(j => j.Step == MigrationStep.CheckDrift));
    }

    [Fact]
    public async Task WithdrawApprovalRequest_IsTheRequestersOnly_AndVoidsTheRequest()
    {
        var id = await _h.MigrationInAsync(MigrationState.Waited);
        var wf = _h.Workflow();
        var requested = await wf.RequestApprovalAsync(id, Alice);
        Assert.True(requested.IsSuccess, requested.Message);

        Assert.Equal(WorkflowOutcome.Forbidden, (await wf.WithdrawApprovalRequestAsync(id, Carol)).Outcome);
        Assert.Equal(WorkflowOutcome.Forbidden, (await wf.WithdrawApprovalRequestAsync(id, Bob)).Outcome);
        var withdrawn = await wf.WithdrawApprovalRequestAsync(id, Alice);
        Assert.True(withdrawn.IsSuccess, withdrawn.Message);
        Assert.Null(withdrawn.Status!.ApprovalRequestedBy);
        Assert.Equal(WorkflowOutcome.Invalid, (await wf.ApproveAsync(id, requested.Status!.PlanHash!, Bob)).Outcome);
        Assert.Equal(WorkflowOutcome.Invalid, (await wf.WithdrawApprovalRequestAsync(id, Alice)).Outcome); // nothing open any more
    }
}
