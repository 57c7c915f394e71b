using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Migrations;
using Migrator.Core.Notifications;
using Migrator.Core.Persistence;
using Migrator.Web.Access;
using Migrator.Web.Components.Pages;
using Migrator.Web.Dashboard;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Pages;

[Collection(SandboxAppCollection.Name)]
public sealed class MigrationDetailPageTests(SandboxApp app)
{
    private IDbContextFactory<MigratorDbContext> Contexts => app.Service<IDbContextFactory<MigratorDbContext>>();
    private MigrationWorkflow Workflow => app.Service<MigrationWorkflow>();

    /// <summary>Generous: a shared 2-core machine renders slowly at times; a passing check returns at once.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private async Task<Guid> SeedWaitingAsync(string? approvalRequestedBy)
    {
        var zone = $"det-{Guid.NewGuid():N}"[..16] + ".example.";
        var inventory = MigrationSeed.Zone(zone, 20);
        var plan = MigrationSeed.PlanOf(zone, inventory, MigrationSeed.Route53After(zone, inventory, 300), 300);
        return await MigrationSeed.AddAsync(Contexts, zone, MigrationState.Waited, DateTimeOffset.UtcNow, inventory, plan, approvalRequestedBy: approvalRequestedBy);
    }

    [Fact]
    public async Task Withdraw_ClearsTheApprovalRequest_WhenTheRequesterPressesIt()
    {
        var id = await SeedWaitingAsync("operator@sandbox.local");
        await using var ctx = PageTestContext.Create(app, "operator@sandbox.local", MigratorRoles.Operator);
        var cut = ctx.Render<MigrationDetail>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => Assert.Contains("Withdraw my approval request", cut.Find("[data-testid=withdraw-approval]").TextContent), Wait);

        await cut.Find("[data-testid=withdraw-approval]").ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Contains("withdrawn", cut.Find("[data-testid=action-result]").TextContent), Wait);
        Assert.Null((await Workflow.GetStatusAsync(id))!.ApprovalRequestedBy);
        Assert.Empty(cut.FindAll("[data-testid=withdraw-approval]"));
    }

    [Fact]
    public async Task Withdraw_IsNotOffered_ToAnApproverWhoDidNotRequest()
    {
        var id = await SeedWaitingAsync("operator@sandbox.local");
        await using var ctx = PageTestContext.Create(app, "approver@sandbox.local", MigratorRoles.Approver);
        var cut = ctx.Render<MigrationDetail>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=approve]"), Wait);

        Assert.Empty(cut.FindAll("[data-testid=withdraw-approval]"));
    }

    [Fact]
    public async Task AcceptDrift_UnblocksTheApprovalRequest_WhenOperatorGivesAReason()
    {
        var id = await SeedWaitingAsync(null);
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            db.MigrationSamples.Add(new MigrationSample(id, MigrationSampleKinds.Drift, DateTimeOffset.UtcNow, false, "1 name differs: www A", "{\"differs\":[\"www A\"]}"));
            await db.SaveChangesAsync();
        }
        await using var ctx = PageTestContext.Create(app, "operator@sandbox.local", MigratorRoles.Operator);
        var cut = ctx.Render<MigrationDetail>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => Assert.Contains("1 name differs", cut.Find("[data-testid=drift]").TextContent), Wait);
        Assert.True(cut.Find("[data-testid=drift-accept]").HasAttribute("disabled"));

        await cut.Find("#drift-reason").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "www is re-pointed on purpose before cutover" });
        await cut.Find("[data-testid=drift-accept]").ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Contains("drift accepted", cut.Find("[data-testid=action-result]").TextContent), Wait);
        Assert.Null(await Workflow.DriftBlockerAsync(id));
        Assert.Empty(cut.FindAll("[data-testid=drift]"));
        Assert.NotNull(cut.Find("[data-testid=drift-check]"));
    }

    private async Task AddDriftAsync(Guid id, string summary)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        db.MigrationSamples.Add(new MigrationSample(id, MigrationSampleKinds.Drift, DateTimeOffset.UtcNow, false, summary, "{}"));
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Resync_StartsTheStepInTheBackground_WhenOperatorPressesItOnDrift()
    {
        var id = await SeedWaitingAsync(null);
        await AddDriftAsync(id, "1 name differs: www A");
        await using var ctx = PageTestContext.Create(app, "operator@sandbox.local", MigratorRoles.Operator);
        var cut = ctx.Render<MigrationDetail>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=drift] [data-testid=resync]"), Wait);

        await cut.Find("[data-testid=drift] [data-testid=resync]").ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Contains("Resync started in the background", cut.Find("[data-testid=action-result]").TextContent), Wait);
    }

    [Fact]
    public async Task Resync_AsksFirstAndNamesTheRequest_WhenItWouldVoidAnApprovalRequest()
    {
        var id = await SeedWaitingAsync("operator@sandbox.local");
        await using var ctx = PageTestContext.Create(app, "operator@sandbox.local", MigratorRoles.Operator);
        var cut = ctx.Render<MigrationDetail>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=actions] [data-testid=resync]"), Wait);

        await cut.Find("[data-testid=resync]").ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Contains("the approval request operator@sandbox.local opened", cut.Find("[data-testid=resync-confirmation]").TextContent), Wait);
        var stored = (await Workflow.GetStatusAsync(id))!;
        Assert.Equal(("operator@sandbox.local", (string?)null), (stored.ApprovalRequestedBy, stored.RunningStep));
        Assert.Empty(cut.FindAll("[data-testid=action-result]"));
    }

    [Theory]
    [InlineData("approver@sandbox.local", MigratorRoles.Approver)]
    [InlineData("viewer@sandbox.local", MigratorRoles.Viewer)]
    public async Task Resync_IsNotOffered_WhenTheUserIsNoOperator(string user, string role)
    {
        var id = await SeedWaitingAsync("operator@sandbox.local");
        await AddDriftAsync(id, "3 names differ");
        await using var ctx = PageTestContext.Create(app, user, role);
        var cut = ctx.Render<MigrationDetail>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => Assert.Contains("3 names differ", cut.Find("[data-testid=drift]").TextContent), Wait);

        Assert.Empty(cut.FindAll("[data-testid=resync]"));
    }

    private IMigrationNotifier Notifier => app.Service<IMigrationNotifier>();

    [Fact]
    public async Task LiveProgress_ShowsTheSweepsNewestCount_WhileAStepRuns()
    {
        var id = await SeedWaitingAsync(null);
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            var m = await db.Migrations.SingleAsync(x => x.Id == id);
            db.Entry(m).Property(x => x.RunningStep).CurrentValue = nameof(MigrationStep.Resync);
            db.Entry(m).Property(x => x.RunningBy).CurrentValue = "operator@sandbox.local";
            await db.SaveChangesAsync();
        }
        await using var ctx = PageTestContext.Create(app, "viewer@sandbox.local", MigratorRoles.Viewer);
        var cut = ctx.Render<MigrationDetail>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=running]"), Wait);

        Notifier.Publish(new MigrationChange(id, MigrationChangeKind.Progress, "Drift check: 100 of 400 record sets compared with the new server 127.0.0.13:53", 0.25));
        Notifier.Publish(new MigrationChange(Guid.NewGuid(), MigrationChangeKind.Progress, "another migration's sweep", 0.9));
        Notifier.Publish(new MigrationChange(id, MigrationChangeKind.Progress, "Drift check: 300 of 400 record sets compared with the new server 127.0.0.13:53", 0.75));

        cut.WaitForAssertion(() =>
        {
            var live = cut.Find("[data-testid=running] [data-testid=live-progress]");
            Assert.Contains("300 of 400 record sets compared", live.TextContent);
            Assert.Equal("75", live.QuerySelector("[role=progressbar]")?.GetAttribute("aria-valuenow"));
        }, Wait);
    }

    /// <summary>
    /// The on-call engineer's rollback panel stays put while the scheduler runs the soak and when the state moves on: the
    /// reason typed into it is kept and the button is enabled. (The panel used to vanish while any step ran and come back
    /// empty, and a reason typed in between was lost: the browser flow once waited 60 s on a disabled button.)
    /// </summary>
    [Fact]
    public async Task Rollback_KeepsItsPanelAndReason_WhileASoakRunsAndWhenTheStateMovesOn()
    {
        var zone = $"rb-{Guid.NewGuid():N}"[..16] + ".example.";
        var inventory = MigrationSeed.Zone(zone, 20);
        var plan = MigrationSeed.PlanOf(zone, inventory, MigrationSeed.Route53After(zone, inventory, 300), 300);
        var id = await MigrationSeed.AddAsync(Contexts, zone, MigrationState.Verified, DateTimeOffset.UtcNow, inventory, plan);
        await SetAsync(id, MigrationState.Verified, nameof(MigrationStep.Soak));
        await using var ctx = PageTestContext.Create(app, "operator@sandbox.local", MigratorRoles.Operator);
        var cut = ctx.Render<MigrationDetail>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=running]"), Wait);
        Assert.NotNull(cut.Find("[data-testid=rollback]"));
        // SetDnssec is offered in Verified but lives in the DNSSEC panel: no empty "What you can do now" box.
        Assert.Empty(cut.FindAll("[data-testid=actions]"));
        Assert.True(cut.Find("[data-testid=rollback-start]").HasAttribute("disabled"));

        await cut.Find("#rollback-reason").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "pages from the new servers are wrong" });
        cut.WaitForAssertion(() => Assert.False(cut.Find("[data-testid=rollback-start]").HasAttribute("disabled")), Wait);

        // The soak ends: the state moves on and the page reloads from the live change.
        await SetAsync(id, MigrationState.Soaked, null);
        Notifier.Publish(new MigrationChange(id, MigrationChangeKind.StateChanged));
        cut.WaitForAssertion(() => Assert.Equal("Soaked", cut.Find("[data-testid=detail-state]").TextContent.Trim()), Wait);
        Assert.Equal("pages from the new servers are wrong", cut.Find("#rollback-reason").GetAttribute("value"));
        Assert.False(cut.Find("[data-testid=rollback-start]").HasAttribute("disabled"));
    }

    private async Task SetAsync(Guid id, MigrationState state, string? running)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        var m = await db.Migrations.SingleAsync(x => x.Id == id);
        db.Entry(m).Property(x => x.State).CurrentValue = state;
        db.Entry(m).Property(x => x.RunningStep).CurrentValue = running;
        db.Entry(m).Property(x => x.RunningBy).CurrentValue = running is null ? null : "system";
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task LiveProgress_IsNotCarriedIntoTheNextStep_WhenItCameWhileNothingRan()
    {
        var id = await SeedWaitingAsync(null);
        await using var ctx = PageTestContext.Create(app, "operator@sandbox.local", MigratorRoles.Operator);
        var cut = ctx.Render<MigrationDetail>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=actions]"), Wait);

        // The scheduler's periodic drift check reports progress; nobody on the page waits for it.
        Notifier.Publish(new MigrationChange(id, MigrationChangeKind.Progress, "Drift check: 1 of 2 record sets compared", 0.5));
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            var m = await db.Migrations.SingleAsync(x => x.Id == id);
            db.Entry(m).Property(x => x.RunningStep).CurrentValue = nameof(MigrationStep.Resync);
            await db.SaveChangesAsync();
        }
        Notifier.Publish(new MigrationChange(id, MigrationChangeKind.StateChanged));

        cut.WaitForAssertion(() => cut.Find("[data-testid=running]"), Wait);
        Assert.Empty(cut.FindAll("[data-testid=live-progress]"));
    }

    [Fact]
    public async Task Blocker_ShowsItsUtcInstantAsALocalTime_WhenCoreWroteOneIntoTheMessage()
    {
        var zone = $"blk-{Guid.NewGuid():N}"[..16] + ".example.";
        var due = new DateTimeOffset(2026, 12, 2, 10, 15, 0, TimeSpan.Zero);
        var id = await MigrationSeed.AddAsync(Contexts, zone, MigrationState.TtlLowered, DateTimeOffset.UtcNow, MigrationSeed.Zone(zone, 5),
            blocker: $"waiting until {due:u} (caches of the old TTL expire); last drift check: 8 sets alike");
        await using var ctx = PageTestContext.Create(app, "viewer@sandbox.local", MigratorRoles.Viewer);

        var cut = ctx.Render<MigrationDetail>(p => p.Add(c => c.Id, id));

        cut.WaitForAssertion(() => Assert.Equal("2026-12-02T10:15:00Z", cut.Find("[data-testid=blocker] time").GetAttribute("datetime")), Wait);
        Assert.DoesNotContain("10:15:00Z", cut.Find("[data-testid=blocker]").TextContent);
    }

    [Fact]
    public async Task Drift_IsShownWithoutAnAcceptButton_ToViewers()
    {
        var id = await SeedWaitingAsync(null);
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            db.MigrationSamples.Add(new MigrationSample(id, MigrationSampleKinds.Drift, DateTimeOffset.UtcNow, false, "2 names differ", "{}"));
            await db.SaveChangesAsync();
        }
        await using var ctx = PageTestContext.Create(app, "viewer@sandbox.local", MigratorRoles.Viewer);
        var cut = ctx.Render<MigrationDetail>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => Assert.Contains("2 names differ", cut.Find("[data-testid=drift]").TextContent), Wait);

        Assert.Empty(cut.FindAll("[data-testid=drift-accept]"));
        Assert.Empty(cut.FindAll("[data-testid=drift-check]"));
    }

    [Fact]
    public async Task Render_ShowsTheFailureInsteadOfEndingTheCircuit_WhenLoadingFailsUnexpectedly()
    {
        var id = await SeedWaitingAsync(null);
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            var m = await db.Migrations.SingleAsync(x => x.Id == id);
            db.Entry(m).Property(x => x.LintJson).CurrentValue = "{ this is not JSON";
            await db.SaveChangesAsync();
        }
        await using var ctx = PageTestContext.Create(app, "viewer@sandbox.local", MigratorRoles.Viewer);

        var cut = ctx.Render<MigrationDetail>(p => p.Add(c => c.Id, id));

        cut.WaitForAssertion(() => Assert.Contains("could not read this migration", cut.Find("[data-testid=page-error]").TextContent), Wait);
    }

    [Theory]
    [InlineData(true, "wait", "Waiting:", "mud-alert-text-info")]
    [InlineData(false, "problem", "Blocked:", "mud-alert-text-error")]
    public async Task Blocker_IsShownAsAWaitOrAsAProblem_AsTheWorkflowMarkedIt(bool isWait, string kind, string label, string cssClass)
    {
        var id = await SeedWaitingAsync(null);
        await using (var db = await Contexts.CreateDbContextAsync())
            await db.Migrations.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Blocker, "soaking until 2026-12-02 10:00:00Z").SetProperty(m => m.BlockerIsWait, isWait));
        await using var ctx = PageTestContext.Create(app, "viewer@sandbox.local", MigratorRoles.Viewer);
        var cut = ctx.Render<MigrationDetail>(p => p.Add(c => c.Id, id));

        cut.WaitForAssertion(() => Assert.Contains("soaking until", cut.Find("[data-testid=blocker]").TextContent), Wait);
        var blocker = cut.Find("[data-testid=blocker]");
        Assert.Equal(kind, blocker.GetAttribute("data-kind"));
        Assert.StartsWith(label, blocker.TextContent.Trim());
        Assert.Contains(cssClass, blocker.ClassList);
    }
}

public sealed class StepWordTests
{
    [Theory]
    [InlineData(StepProgress.Off, true, MigrationState.RolledBack, "done before the rollback")]
    [InlineData(StepProgress.Off, false, MigrationState.RolledBack, "not taken: rolled back")]
    [InlineData(StepProgress.Off, false, MigrationState.Abandoned, "not taken: abandoned")]
    [InlineData(StepProgress.Done, true, MigrationState.Waited, "done")]
    [InlineData(StepProgress.Current, false, MigrationState.Waited, "next")]
    public void StepWord_SaysWhetherTheStepWasTaken_WhenOffTheForwardPath(StepProgress progress, bool taken, MigrationState state, string expected) =>
        Assert.Equal(expected, MigrationDetail.StepWord(progress, taken, state));
}
