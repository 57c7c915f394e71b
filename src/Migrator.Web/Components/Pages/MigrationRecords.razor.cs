using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Migrator.Core.Linting;
using Migrator.Core.Migrations;
using Migrator.Core.Notifications;
using Migrator.Core.Zones;
using Migrator.Web.Dashboard;
using MudBlazor;

namespace Migrator.Web.Components.Pages;

public partial class MigrationRecords
{
    [Parameter] public Guid Id { get; set; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;
    [Inject] private MigrationWorkflow Workflow { get; set; } = default!;
    [Inject] private RecordsReviewSource Source { get; set; } = default!;
    [Inject] private ILogger<MigrationRecords> Logger { get; set; } = default!;

    private readonly SemaphoreSlim loading = new(1, 1);

    private static readonly LintSeverity[] Severities = [LintSeverity.Error, LintSeverity.Warning, LintSeverity.Info];

    private MigrationStatus? status;
    private RecordsReview? review;
    private IReadOnlyList<RecordRow> shownRows = [];
    private IReadOnlyList<InventoryFinding> shownFindings = [];
    private RecordFilter recordFilter = new();
    private FindingFilter findingFilter = new();
    private WorkflowResult? result;
    private string? findingReason;
    private string? loadError;
    private bool notFound;
    private bool busy;
    private bool canOperate;

    /// <summary>Accepting is offered where the workflow takes it: Operators and Admins, in Inventoried (the workflow checks both again).</summary>
    private bool mayAccept => canOperate && status?.State == MigrationState.Inventoried;

    protected override async Task OnParametersSetAsync()
    {
        canOperate = MigrationBoard.ActorOf((await AuthenticationState).User).MayAct([MigrationRole.Operator, MigrationRole.Admin]);
        await LoadAsync();
    }

    /// <summary>
    /// One load at a time: the first render, a live change and an accept can ask at once, and a slower, older load must
    /// not overwrite a newer one. An unexpected failure is shown on the page (and logged) instead of ending the circuit.
    /// </summary>
    private async Task LoadAsync()
    {
        await loading.WaitAsync();
        try
        {
            var load = await Source.LoadAsync(Id);
            notFound = load is null;
            status = load?.Status;
            review = load?.Review;
            loadError = load?.Error;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogError(e, "Loading the records review of migration {MigrationId} failed", Id);
            review = null;
            loadError = $"The records could not be loaded ({e.GetType().Name}: {e.Message}). Reload the page; if this stays, the server log has the details.";
        }
        finally
        {
            loading.Release();
        }
        Recompute();
    }

    private void Recompute()
    {
        shownRows = review?.Apply(recordFilter) ?? [];
        shownFindings = review?.Apply(findingFilter) ?? [];
    }

    private void SetRecordFilter(RecordFilter next)
    {
        recordFilter = next;
        Recompute();
    }

    private void SetFindingFilter(FindingFilter next)
    {
        findingFilter = next;
        Recompute();
    }

    private async Task OnLiveChangeAsync(MigrationChange change)
    {
        if (change.Kind is MigrationChangeKind.Audit or MigrationChangeKind.Progress) return;
        await LoadAsync();
        StateHasChanged();
    }

    /// <summary>The same workflow call as the migration's page: the role is read again from the server-side principal.</summary>
    private async Task AcceptAsync(string key)
    {
        if (busy) return;
        busy = true;
        try
        {
            var actor = MigrationBoard.ActorOf((await AuthenticationState).User);
            result = await Workflow.AcceptFindingAsync(Id, key, findingReason ?? "", actor);
            if (result.IsSuccess) findingReason = null;
            await LoadAsync();
        }
        finally
        {
            busy = false;
        }
    }

    private static string ResultText(WorkflowResult r) => r.Outcome switch
    {
        WorkflowOutcome.Succeeded => r.Message,
        WorkflowOutcome.Forbidden => $"{r.Message}. Ask an Operator, or an administrator for the Operator role.",
        WorkflowOutcome.Conflict => $"{r.Message}. The page now shows the current state: check it and try again.",
        WorkflowOutcome.Invalid => $"{r.Message}. Fix this and try again.",
        _ => $"{r.Message}. Go back to the Migrations list.",
    };

    private static Severity VerdictSeverity(VerdictKind kind) => kind switch
    {
        VerdictKind.Safe => Severity.Success,
        VerdictKind.Refused => Severity.Error,
        _ => Severity.Info,
    };

    private static string SetText(RecordSet? set) => set is null ? "—" : $"{set.Ttl.Seconds} s: {string.Join("  ", set.Values)}";

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
