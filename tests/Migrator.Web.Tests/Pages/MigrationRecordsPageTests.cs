using Bunit;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Linting;
using Migrator.Core.Migrations;
using Migrator.Core.Persistence;
using Migrator.Web.Access;
using Migrator.Web.Components.Pages;
using Migrator.Web.Tests.Hosting;
using MudBlazor;

namespace Migrator.Web.Tests.Pages;

[Collection(SandboxAppCollection.Name)]
public sealed class MigrationRecordsPageTests(SandboxApp app)
{
    private IDbContextFactory<MigratorDbContext> Contexts => app.Service<IDbContextFactory<MigratorDbContext>>();

    /// <summary>Generous: a shared 2-core machine renders slowly at times; a passing check returns at once.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static string Zone() => $"rec-{Guid.NewGuid():N}"[..16] + ".example.";

    private async Task<(Guid Id, string Zone)> SeedAsync(MigrationState state, int records, bool withPlan)
    {
        var zone = Zone();
        var inventory = MigrationSeed.Zone(zone, records);
        var plan = withPlan ? MigrationSeed.PlanOf(zone, inventory, MigrationSeed.Route53After(zone, inventory, 300), 300) : null;
        return (await MigrationSeed.AddAsync(Contexts, zone, state, DateTimeOffset.UtcNow, inventory, plan), zone);
    }

    [Fact]
    public async Task Render_ShowsNoPlanYetAndEveryRecordCount_WhenInventoriedWithoutPlan()
    {
        var (id, _) = await SeedAsync(MigrationState.Inventoried, 40, withPlan: false);
        await using var ctx = PageTestContext.Create(app, "operator@sandbox.local", MigratorRoles.Operator);

        var cut = ctx.Render<MigrationRecords>(p => p.Add(c => c.Id, id));

        cut.WaitForAssertion(() => Assert.Contains("No cutover plan yet", cut.Find("[data-testid=safety-verdict]").TextContent), Wait);
        Assert.StartsWith("43 records", cut.Find("[data-testid=records-summary]").TextContent.Trim());
        Assert.NotNull(cut.Find("[data-testid=plan-none]"));
    }

    [Fact]
    public async Task Render_ShowsRefusedVerdictWithReasons_WhenPlanDeletesMostSets()
    {
        var zone = Zone();
        var inventory = MigrationSeed.Zone(zone, 10);
        // Route 53 holds 40 other sets that the old zone does not have: the plan would delete them all.
        var strangers = MigrationSeed.Zone(zone, 50).Skip(13).ToList();
        var plan = MigrationSeed.PlanOf(zone, inventory, strangers, 300);
        Assert.False(plan.IsSafe);
        var id = await MigrationSeed.AddAsync(Contexts, zone, MigrationState.Waited, DateTimeOffset.UtcNow, inventory, plan);
        await using var ctx = PageTestContext.Create(app, "viewer@sandbox.local", MigratorRoles.Viewer);

        var cut = ctx.Render<MigrationRecords>(p => p.Add(c => c.Id, id));

        cut.WaitForAssertion(() => Assert.StartsWith("Safety check. Refused", cut.Find("[data-testid=safety-verdict]").TextContent.Trim()), Wait);
        Assert.Contains("would be deleted", cut.Find("[data-testid=safety-reasons]").TextContent);
    }

    [Fact]
    public async Task Render_ShowsSafeVerdictAndThePlansChanges_WhenPlanStored()
    {
        var (id, _) = await SeedAsync(MigrationState.Waited, 40, withPlan: true);
        await using var ctx = PageTestContext.Create(app, "viewer@sandbox.local", MigratorRoles.Viewer);

        var cut = ctx.Render<MigrationRecords>(p => p.Add(c => c.Id, id));

        cut.WaitForAssertion(() => Assert.Contains("Safe:", cut.Find("[data-testid=safety-verdict]").TextContent), Wait);
        var changes = cut.Find("[data-testid=plan-changes]").TextContent;
        Assert.Contains("Create", changes);
        Assert.Contains("Update", changes);
    }

    [Fact]
    public async Task SeverityFilter_ShowsOnlyErrors_WhenErrorChosen()
    {
        var (id, _) = await SeedAsync(MigrationState.Inventoried, 2000, withPlan: false);
        await using var ctx = PageTestContext.Create(app, "viewer@sandbox.local", MigratorRoles.Viewer);
        var cut = ctx.Render<MigrationRecords>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=records-findings]"), Wait);
        var table = cut.FindComponent<MudTable<InventoryFinding>>();
        Assert.Contains(table.Instance.Items!, f => f.Severity == nameof(LintSeverity.Warning));

        var select = cut.FindComponent<MudSelect<LintSeverity?>>();
        await cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(LintSeverity.Error));

        var shown = cut.FindComponent<MudTable<InventoryFinding>>().Instance.Items!.ToList();
        Assert.NotEmpty(shown);
        Assert.All(shown, f => Assert.Equal(nameof(LintSeverity.Error), f.Severity));
    }

    [Fact]
    public async Task Accept_RecordsTheReasonThroughTheWorkflow_WhenOperatorAccepts()
    {
        var (id, _) = await SeedAsync(MigrationState.Inventoried, 40, withPlan: false);
        await using var ctx = PageTestContext.Create(app, "operator@sandbox.local", MigratorRoles.Operator);
        var cut = ctx.Render<MigrationRecords>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => cut.Find("#records-finding-reason"), Wait);
        var error = (await app.Service<MigrationWorkflow>().GetStatusAsync(id))!.Findings.First(f => f.Severity == nameof(LintSeverity.Warning));

        await cut.Find("#records-finding-reason").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "the host inventory is obsolete; dropped at cutover" });
        await cut.Find($"button[aria-label^='Accept {error.RuleId} at {error.Owner}']").ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Contains("accepted", cut.Find("[data-testid=records-result]").TextContent), Wait);
        var accepted = (await app.Service<MigrationWorkflow>().GetStatusAsync(id))!.Findings.Single(f => f.Key == error.Key);
        Assert.Equal(("operator@sandbox.local", "the host inventory is obsolete; dropped at cutover"), (accepted.AcceptedBy, accepted.AcceptedReason));
    }

    [Fact]
    public async Task Accept_IsNotOffered_ToViewers()
    {
        var (id, _) = await SeedAsync(MigrationState.Inventoried, 40, withPlan: false);
        await using var ctx = PageTestContext.Create(app, "viewer@sandbox.local", MigratorRoles.Viewer);
        var cut = ctx.Render<MigrationRecords>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=records-findings]"), Wait);

        Assert.Empty(cut.FindAll("button[aria-label^='Accept ']"));
        Assert.Empty(cut.FindAll("#records-finding-reason"));
    }

    [Fact]
    public async Task RecordsTable_RendersOnlyAWindowOfRows_WhenTenThousandRecords()
    {
        var (id, _) = await SeedAsync(MigrationState.Inventoried, 10_000, withPlan: false);
        await using var ctx = PageTestContext.Create(app, "viewer@sandbox.local", MigratorRoles.Viewer);
        var cut = ctx.Render<MigrationRecords>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=records-table]"), Wait);

        Assert.Equal("10003 of 10003 shown", cut.Find("[data-testid=records-shown]").TextContent.Trim());
        var rendered = cut.Find("[data-testid=records-table]").QuerySelectorAll("tbody tr").Length;
        Assert.InRange(rendered, 1, 200);
    }

    [Fact]
    public async Task Render_SaysMigrationNotFound_WhenIdUnknown()
    {
        await using var ctx = PageTestContext.Create(app, "viewer@sandbox.local", MigratorRoles.Viewer);
        var cut = ctx.Render<MigrationRecords>(p => p.Add(c => c.Id, Guid.NewGuid()));
        cut.WaitForAssertion(() => Assert.Contains("Migration not found", cut.Markup), Wait);
    }

    [Fact]
    public async Task Render_ShowsTheFailureInsteadOfEndingTheCircuit_WhenLoadingFailsUnexpectedly()
    {
        var (id, _) = await SeedAsync(MigrationState.Inventoried, 40, withPlan: false);
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            var m = await db.Migrations.SingleAsync(x => x.Id == id);
            db.Entry(m).Property(x => x.LintJson).CurrentValue = "{ this is not JSON";
            await db.SaveChangesAsync();
        }
        await using var ctx = PageTestContext.Create(app, "viewer@sandbox.local", MigratorRoles.Viewer);

        var cut = ctx.Render<MigrationRecords>(p => p.Add(c => c.Id, id));

        cut.WaitForAssertion(() => Assert.Contains("could not be loaded", cut.Find("[data-testid=records-error]").TextContent), Wait);
        Assert.Contains("Reload the page", cut.Find("[data-testid=records-error]").TextContent);
    }
}
