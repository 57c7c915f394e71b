using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using Migrator.Core.Migrations;
using Migrator.Core.Notifications;
using Migrator.Web.Access;
using Migrator.Web.Dashboard;
using MudBlazor;

namespace Migrator.Web.Components.Pages;

public partial class Migrations
{
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;
    [Inject] private MigrationWorkflow Workflow { get; set; } = default!;
    [Inject] private IAuthorizationService Authorization { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    private IReadOnlyList<MigrationStatus>? all;
    private IReadOnlyList<MigrationStatus> shown = [];
    private IReadOnlyList<string> owners = [];
    private MigrationFilter filter = new();
    private MigrationActor actor = MigrationActor.System;
    private DateTimeOffset now;
    private int needsMeCount;
    private string? zoneName;
    private string? message;
    private Severity messageSeverity = Severity.Info;
    private bool busy;
    private bool canOperate;

    // Input stays disabled while prerendered (no circuit yet to receive it) and until the list has loaded.
    private bool Ready => RendererInfo.IsInteractive && all is not null;

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        actor = MigrationBoard.ActorOf(user);
        canOperate = (await Authorization.AuthorizeAsync(user, Policies.CanOperate)).Succeeded;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        all = await Workflow.ListAsync();
        owners = all.Select(s => s.CreatedBy).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
        Recompute();
    }

    private void Recompute()
    {
        now = Time.GetUtcNow();
        shown = MigrationBoard.Apply(all ?? [], filter, actor);
        needsMeCount = (all ?? []).Count(s => MigrationBoard.Needs(s, actor));
    }

    private void SetFilter(MigrationFilter next)
    {
        filter = next;
        Recompute();
    }

    private async Task OnLiveChangeAsync(MigrationChange change)
    {
        if (change.Kind == MigrationChangeKind.Audit) return;
        await LoadAsync();
        StateHasChanged();
    }

    private async Task OnZoneKeyDown(KeyboardEventArgs e)
    {
        if (e.Key == "Enter") await CreateDraftAsync();
    }

    private async Task CreateDraftAsync()
    {
        if (busy) return;
        busy = true;
        try
        {
            var user = (await AuthenticationState).User;
            // The form is hidden from other roles, but the checks that count are on the server: here and in the workflow.
            if (!(await Authorization.AuthorizeAsync(user, Policies.CanOperate)).Succeeded)
            {
                (message, messageSeverity) = ("Only operators can create migrations. Ask an administrator for the Operator role.", Severity.Error);
                return;
            }
            var result = await Workflow.CreateAsync(zoneName ?? "", MigrationBoard.ActorOf(user));
            if (result.IsSuccess && result.Status is { } created)
            {
                (message, messageSeverity) = ($"Drafted a migration for {created.Zone} — open it to answer the plan's questions.", Severity.Success);
                zoneName = null;
                await LoadAsync();
            }
            else
            {
                (message, messageSeverity) = ($"{result.Message}. Check the zone name and try again.", Severity.Warning);
            }
        }
        finally
        {
            busy = false;
        }
    }
}
