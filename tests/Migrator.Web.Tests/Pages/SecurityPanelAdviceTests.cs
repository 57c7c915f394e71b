using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Migrations;
using Migrator.Core.Persistence;
using Migrator.Web.Access;
using Migrator.Web.Components.Pages;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Pages;

/// <summary>
/// The security panel after completion: an Operator proposes the advisor's records, an Approver (not the proposer) signs
/// the plan, an Operator applies it; each button only for the roles the workflow allows, none for a Viewer.
/// </summary>
[Collection(SandboxAppCollection.Name)]
public sealed class SecurityPanelAdviceTests(SandboxApp app)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private async Task<Guid> CompletedAsync() =>
        await MigrationSeed.AddAsync(app.Service<IDbContextFactory<MigratorDbContext>>(), $"adv-{Guid.NewGuid():N}"[..16] + ".example.", MigrationState.Completed, DateTimeOffset.UtcNow);

    [Fact]
    public async Task AdviceButtons_ProposeApproveApply_EachShownOnlyToTheRoleAllowed()
    {
        var id = await CompletedAsync();

        await using (var viewer = PageTestContext.Create(app, "viewer@sandbox.local", MigratorRoles.Viewer))
        {
            var cut = viewer.Render<MigrationDetail>(p => p.Add(c => c.Id, id));
            cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=advice-none]")), Wait);
            Assert.Empty(cut.FindAll("[data-testid=advice-propose]"));
        }

        await using (var op = PageTestContext.Create(app, "operator@sandbox.local", MigratorRoles.Operator))
        {
            var cut = op.Render<MigrationDetail>(p => p.Add(c => c.Id, id));
            cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=advice-propose]")), Wait);
            await cut.Find("[data-testid=advice-propose]").ClickAsync(new MouseEventArgs());
            cut.WaitForAssertion(() => Assert.Contains("awaiting an Approver who is not operator@sandbox.local", cut.Find("[data-testid=advice-plan]").TextContent), Wait);
            Assert.Contains("_dmarc.", cut.Find("[data-testid=advice-changes]").TextContent);
            Assert.Empty(cut.FindAll("[data-testid=advice-approve]"));
            Assert.Empty(cut.FindAll("[data-testid=advice-apply]"));
        }

        await using (var approver = PageTestContext.Create(app, "approver@sandbox.local", MigratorRoles.Approver))
        {
            var cut = approver.Render<MigrationDetail>(p => p.Add(c => c.Id, id));
            cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=advice-approve]")), Wait);
            Assert.Empty(cut.FindAll("[data-testid=advice-propose]"));
            await cut.Find("[data-testid=advice-approve]").ClickAsync(new MouseEventArgs());
            cut.WaitForAssertion(() => Assert.Contains("approved by approver@sandbox.local", cut.Find("[data-testid=advice-plan]").TextContent), Wait);
            Assert.Empty(cut.FindAll("[data-testid=advice-apply]"));
        }

        await using (var op = PageTestContext.Create(app, "operator@sandbox.local", MigratorRoles.Operator))
        {
            var cut = op.Render<MigrationDetail>(p => p.Add(c => c.Id, id));
            cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=advice-apply]")), Wait);
            await cut.Find("[data-testid=advice-apply]").ClickAsync(new MouseEventArgs());
            cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=advice-result]")), Wait);
            var plan = (await app.Service<MigrationWorkflow>().GetAdvicePlanAsync(id))!;
            Assert.Equal(("operator@sandbox.local", "approver@sandbox.local"), (plan.RequestedBy, plan.ApprovedBy));
            Assert.Matches("applied security-records plan|ApplyAdvice started in the background", cut.Find("[data-testid=advice-result]").TextContent);
            Assert.True(plan.Phase is AdvicePlanPhase.Approved or AdvicePlanPhase.Applied, cut.Find("[data-testid=advice-result]").TextContent);
        }
    }
}
