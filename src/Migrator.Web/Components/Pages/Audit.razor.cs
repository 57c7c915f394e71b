using Microsoft.AspNetCore.Components;
using Migrator.Core.Auditing;
using Migrator.Core.Migrations;
using Migrator.Core.Notifications;
using Migrator.Web.AuditTrail;
using Migrator.Web.Display;

namespace Migrator.Web.Components.Pages;

public partial class Audit
{
    public const int Shown = 200;

    [Inject] private AuditLog Log { get; set; } = default!;
    [Inject] private MigrationCatalog Catalog { get; set; } = default!;
    [Inject] private ViewerTimeZone Viewer { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    private AuditQuery query = new();
    private IReadOnlyList<AuditEvent>? events;
    private IReadOnlyList<Migration> migrations = [];
    private IReadOnlyList<string> actors = [];
    private IReadOnlyDictionary<string, string> zoneByTarget = new Dictionary<string, string>();
    private string exportUrl = AuditQuery.ExportPath;

    private bool IsFiltered => query != new AuditQuery();

    protected override async Task OnInitializedAsync()
    {
        migrations = await Catalog.ListAsync();
        zoneByTarget = migrations.ToDictionary(m => AuditQuery.MigrationTarget(m.Id), m => m.ZoneName);
        actors = await Log.ActorsAsync();
        await LoadAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // "Between dates" is in the viewer's own zone: once it is known, the filter may mean other instants.
        if (firstRender && await Viewer.ResolveAsync() is not null && query.Period == AuditPeriod.Between) await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var filter = query.ToFilter(Time.GetUtcNow(), Viewer.Zone);
        exportUrl = AuditQuery.ExportUrl(filter);
        events = query.Problem is null ? await Log.SearchAsync(filter, Shown) : [];
    }

    private string? TargetText(string? target) =>
        target is not null && zoneByTarget.TryGetValue(target, out var zone) ? $"{zone} ({target})" : target;

    private Task OnMigrationChanged(Guid? id) => Apply(query with { MigrationId = id });
    private Task OnActorChanged(string? actor) => Apply(query with { Actor = actor });
    private Task OnPeriodChanged(AuditPeriod period) => Apply(query with { Period = period });
    private Task OnFromChanged(DateTime? date) => Apply(query with { FromDate = date });
    private Task OnToChanged(DateTime? date) => Apply(query with { ToDate = date });

    private async Task Apply(AuditQuery next)
    {
        query = next;
        await LoadAsync();
    }

    private async Task OnLiveChangeAsync(MigrationChange change)
    {
        if (change.Kind != MigrationChangeKind.Audit) return;
        actors = await Log.ActorsAsync();
        await LoadAsync();
        StateHasChanged();
    }
}
