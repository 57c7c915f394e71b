using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Migrator.Core.Migrations;
using Migrator.Core.Notifications;
using Migrator.Web.Dashboard;
using Migrator.Web.Sandbox;
using Migrator.Web.Settings;

namespace Migrator.Web.Components.Pages;

public partial class MigrationDetail : IDisposable
{
    /// <summary>Samples and batch progress are stored without a state change: while a step runs or propagation is measured the page re-reads them this often.</summary>
    public static readonly TimeSpan SampleRefresh = TimeSpan.FromSeconds(2);

    [Parameter] public Guid Id { get; set; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;
    [Inject] private MigrationWorkflow Workflow { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private IServiceProvider Services { get; set; } = default!;
    [Inject] private ILogger<MigrationDetail> Logger { get; set; } = default!;

    private readonly IReadOnlyList<LifecycleTransition> path = MigrationBoard.ForwardPath();
    private MigrationStatus? status;
    private IReadOnlyList<MigrationHistoryView> history = [];
    private IReadOnlyList<MigrationAction> actions = [];
    private MigrationActor actor = MigrationActor.System;
    private WorkflowResult? result;
    private bool notFound;
    private bool busy;
    private bool canOperate;
    private bool confirmRollback;
    private string? comment;
    private string? findingReason;
    private string? rollbackReason;
    private string? zoneText;
    private bool editingPlan;
    private IReadOnlyList<WorkProgress> work = [];
    private MigrationChange? liveProgress;
    private MigrationState? resultState;
    private PropagationChartData? chart;
    private RollbackCheck? rollbackCheck;
    private string? planRefusal;
    private string? driftBlocker;
    private string? driftReason;
    private string? loadError;
    private string? commandError;
    private readonly SemaphoreSlim loading = new(1, 1);

    /// <summary>In sandbox mode, the world's answers for a demo zone (null elsewhere): a newcomer checks them and saves.</summary>
    private MigrationPlanAnswers? SandboxPlan => status is null ? null : Services.GetService<SandboxPlanDefaults>()?.For(status.Zone);

    /// <summary>What a new plan's form starts with: the sandbox world's answers for a demo zone, else the defaults an Admin set on Settings.</summary>
    private MigrationPlanAnswers? DefaultPlan => status is null ? null : SandboxPlan ?? Services.GetService<NewPlanDefaultsStore>()?.NewPlan();

    private const string SandboxPrefillNote = "Filled in for the sandbox world: the zone is read by AXFR and changed by RFC 2136 at the sandbox's old provider, "
        + "and the delegation is changed at its registrar. Check the answers, change what you like, and save.";

    /// <summary>The form is the thing to do (no plan yet, or being changed): it goes to the top of the page.</summary>
    private bool PlanFormOpen => status is not null && actions.Contains(MigrationAction.Plan) && (status.Plan is null || editingPlan);

    protected override async Task OnParametersSetAsync()
    {
        actor = MigrationBoard.ActorOf((await AuthenticationState).User);
        canOperate = actor.MayAct([MigrationRole.Operator, MigrationRole.Admin]);
        await LoadAsync();
    }

    /// <summary>
    /// One load at a time (first render, live changes, the sample timer and commands may ask together; an older, slower
    /// load must not overwrite a newer one). An unexpected failure is shown on the page and logged, not thrown into the circuit.
    /// </summary>
    private async Task LoadAsync()
    {
        await loading.WaitAsync();
        try
        {
            await ReadAsync();
            loadError = null;
        }
        catch (Exception e) when (e is not (OperationCanceledException or ObjectDisposedException))
        {
            Logger.LogError(e, "Loading migration {MigrationId} failed", Id);
            loadError = $"The page could not read this migration ({e.GetType().Name}: {e.Message}). What it shows may be out of date: reload the page; if this stays, the server log has the details.";
        }
        finally
        {
            loading.Release();
        }
    }

    private async Task ReadAsync()
    {
        var next = await Workflow.GetStatusAsync(Id);
        notFound = next is null;
        status = next;
        if (next is null) return;
        history = await Workflow.GetHistoryAsync(Id);
        work = next.RunningStep is null ? [] : WorkProgress.FromOperations(await Workflow.GetOperationsAsync(Id));
        if (next.RunningStep is null) liveProgress = null;
        driftBlocker = next.State is MigrationState.TtlLowered or MigrationState.Waited or MigrationState.Approved ? await Workflow.DriftBlockerAsync(Id) : null;
        actions = MigrationBoard.ActionsFor(next, actor, driftBlocker is not null);
        var samples = next.Snapshot is null ? [] : await Workflow.GetSamplesAsync(Id);
        chart = next.Snapshot is null ? null : PropagationChartData.Build(next, history, samples, Time.GetUtcNow(), PropagationChartData.DefaultIspFloorShare);
        rollbackCheck = next.State == MigrationState.RolledBack ? RollbackCheck.From(next, history, samples) : null;
    }

    private ITimer? sampleTimer;

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
            sampleTimer = Time.CreateTimer(_ => _ = InvokeAsync(RefreshSamplesAsync), null, SampleRefresh, SampleRefresh);
    }

    private async Task RefreshSamplesAsync()
    {
        if (busy || status is null) return;
        if (status.RunningStep is null && status.State is not (MigrationState.CutOver or MigrationState.Verified or MigrationState.Soaked or MigrationState.RolledBack)) return;
        try
        {
            await LoadAsync();
            if (result is not null && status?.State != resultState) result = null;
            StateHasChanged();
        }
        catch (ObjectDisposedException) { /* the page closed while reading */ }
    }

    public void Dispose() => sampleTimer?.Dispose();

    private async Task OnLiveChangeAsync(MigrationChange change)
    {
        if (change.Kind == MigrationChangeKind.Audit) return;
        if (change.Kind == MigrationChangeKind.Progress)
        {
            // A step reporting its own progress (a parity sweep, an import): shown as it comes, without a reload. Progress of
            // work nobody here waits for (the scheduler's periodic drift check) is not kept: it would show under the next step.
            if (status?.RunningStep is null && !busy) return;
            liveProgress = change;
            StateHasChanged();
            return;
        }
        await LoadAsync();
        // The last command's message belongs to the state it was given in; once the migration moves on it is stale.
        if (result is not null && status?.State != resultState) result = null;
        StateHasChanged();
    }

    /// <summary>
    /// "What you can do now" holds the buttons below; the plan, rollback, drift and DNSSEC choices have panels of their
    /// own, so offering only those must not leave an empty box at the top of the page.
    /// </summary>
    private bool ShowActionsPanel => ShowUpload || actions.Any(a => a is MigrationAction.Advance or MigrationAction.RequestApproval
        or MigrationAction.WithdrawApproval or MigrationAction.Approve or MigrationAction.Reject or MigrationAction.CutOver
        or MigrationAction.Retry or MigrationAction.Abandon or MigrationAction.Decommission
        || (a is MigrationAction.CheckDrift or MigrationAction.Resync && driftBlocker is null));

    /// <summary>A zone file upload only matters when the plan reads the zone from one.</summary>
    private bool ShowUpload => actions.Contains(MigrationAction.UploadZone) && status?.Plan?.Source.Kind == ZoneSourceKind.Upload;

    /// <summary>After a verified rollback the follow-up's due time is history, not something to count down to.</summary>
    private bool ShowDue => !(status?.State == MigrationState.RolledBack && rollbackCheck is { Verified: true });

    /// <summary>The next step and who takes it; a timed step's time is shown beside it in the viewer's zone.</summary>
    private MarkupString NextText => status switch
    {
        null => new(""),
        { NextStep: null } when actions.Contains(MigrationAction.Retry) =>
            new("<strong>try again</strong> (a new approval) or abandon, by an Operator"),
        { NextStep: null } => new("<strong>none</strong>: the migration is finished"),
        { NextStepIsTimed: true } s => new($"<strong>{s.NextStep}</strong> by the scheduler"),
        var s => new($"<strong>{s.NextStep}</strong> by {System.Net.WebUtility.HtmlEncode(s.WhoActsNext)}"),
    };

    private static string Short(string? hash) => hash is { Length: > 12 } ? hash[..12] : hash ?? "";

    /// <summary>
    /// A step's word in the stepper. Off the forward path (rolled back, abandoned) a step says whether it was taken before
    /// that happened, rather than one vague "not on the path" for all of them.
    /// </summary>
    public static string StepWord(StepProgress p, bool taken, MigrationState state) => p switch
    {
        StepProgress.Done => "done",
        StepProgress.Current => "next",
        StepProgress.Ahead => "ahead",
        _ when state == MigrationState.RolledBack => taken ? "done before the rollback" : "not taken: rolled back",
        _ when state == MigrationState.Abandoned => taken ? "done before it was abandoned" : "not taken: abandoned",
        _ => taken ? "done" : "not taken",
    };

    /// <summary>A refusal says what went wrong and what to do about it.</summary>
    private static string ResultText(WorkflowResult r) => r.Outcome switch
    {
        WorkflowOutcome.Succeeded => r.Message,
        WorkflowOutcome.Accepted => r.Message.Contains("background", StringComparison.Ordinal)
            ? $"{r.Message}; this page updates as it goes." : $"{r.Message} — running in the background; this page updates as it goes.",
        WorkflowOutcome.Forbidden => $"{r.Message}. Ask someone with the right role, or an administrator for the role.",
        WorkflowOutcome.Conflict => $"{r.Message}. The page now shows the current state: check it and try again.",
        WorkflowOutcome.Invalid => $"{r.Message}. Fix this and try again.",
        _ => $"{r.Message}. Go back to the Migrations list.",
    };

    private async Task Run(Func<MigrationActor, Task<WorkflowResult>> command)
    {
        if (busy) return;
        busy = true;
        liveProgress = null;
        try
        {
            // Roles are read again from the server-side principal for every command; the workflow checks them too.
            actor = MigrationBoard.ActorOf((await AuthenticationState).User);
            try
            {
                result = await command(actor);
                if (result.IsSuccess) { comment = null; driftReason = null; confirmRollback = false; }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Logger.LogError(e, "A command on migration {MigrationId} failed", Id);
                result = null;
                commandError = $"The command failed unexpectedly ({e.GetType().Name}: {e.Message}). The page shows the migration as stored now: check it before trying again; the server log has the details.";
                await LoadAsync();
                return;
            }
            commandError = null;
            await LoadAsync();
            resultState = status?.State;
        }
        finally
        {
            busy = false;
        }
    }

    private async Task SavePlanAsync(MigrationPlanAnswers answers)
    {
        await Run(a => Workflow.PlanAsync(Id, answers, a));
        if (result is { IsSuccess: true }) { editingPlan = false; planRefusal = null; }
        else planRefusal = result?.Message;
    }

    private Task AdvanceAsync() => Run(a => Workflow.AdvanceAsync(Id, a));
    private Task RequestApprovalAsync() => Run(a => Workflow.RequestApprovalAsync(Id, a));
    private Task ApproveAsync() => Run(a => Workflow.ApproveAsync(Id, status?.PlanHash ?? "", a));
    private Task RejectAsync() => Run(a => Workflow.RejectAsync(Id, comment ?? "", a));
    private Task CutOverAsync() => Run(a => Workflow.CutOverAsync(Id, a));
    private Task DecommissionAsync() => Run(a => Workflow.DecommissionAsync(Id, a));
    private Task RetryAsync() => Run(a => Workflow.RetryAsync(Id, comment ?? "", a));
    private Task AbandonAsync() => Run(a => Workflow.AbandonAsync(Id, comment ?? "", a));
    private Task RollBackAsync() => Run(a => Workflow.RollBackAsync(Id, rollbackReason ?? "", a));
    private Task UploadAsync() => Run(a => Workflow.UploadZoneAsync(Id, zoneText ?? "", a));
    private Task WithdrawApprovalAsync() => Run(a => Workflow.WithdrawApprovalRequestAsync(Id, a));
    private Task CheckDriftAsync() => Run(a => Workflow.CheckDriftAsync(Id, a));
    private Task ResyncAsync() => Run(a => Workflow.ResyncAsync(Id, a));
    private Task AcceptDriftAsync() => Run(a => Workflow.AcceptDriftAsync(Id, driftReason ?? "", a));
    private Task SetDnssecAsync((DnssecTiming Signing, string KmsKeyArn) choice) => Run(a => Workflow.SetDnssecAsync(Id, choice.Signing, choice.KmsKeyArn, a));
    private Task TurnOffDnssecAsync(string reason) => Run(a => Workflow.TurnOffDnssecAsync(Id, reason, a));
    private Task AcceptAsync(string key) => Run(a => Workflow.AcceptFindingAsync(Id, key, findingReason ?? "", a));
}
