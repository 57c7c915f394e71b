using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Migrations;
using Migrator.Core.Persistence;
using Migrator.Web.Access;
using Migrator.Web.Components.Pages;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Pages;

/// <summary>The DNSSEC panel of the migration page: Operators choose before completion and turn signing off after it; everyone else reads.</summary>
[Collection(SandboxAppCollection.Name)]
public sealed class DnssecPanelTests(SandboxApp app)
{
    private const string Key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private IDbContextFactory<MigratorDbContext> Contexts => app.Service<IDbContextFactory<MigratorDbContext>>();
    private MigrationWorkflow Workflow => app.Service<MigrationWorkflow>();

    private async Task<Guid> SeedAsync(MigrationState state, string? kmsKeyArn = null)
    {
        var zone = $"sec-{Guid.NewGuid():N}"[..16] + ".example.";
        var id = await MigrationSeed.AddAsync(Contexts, zone, state, DateTimeOffset.UtcNow);
        if (kmsKeyArn is not null)
        {
            await using var db = await Contexts.CreateDbContextAsync();
            var plan = new MigrationPlanAnswers { OldServers = ["127.0.0.12"], TargetTtlSeconds = 300, DnssecKmsKeyArn = kmsKeyArn }.ToJson();
            await db.Migrations.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.PlanJson, plan));
        }
        return id;
    }

    [Fact]
    public async Task Save_StoresTheKmsKey_WhenAnOperatorTypesIt()
    {
        var id = await SeedAsync(MigrationState.Waited);
        await using var ctx = PageTestContext.Create(app, "operator@sandbox.local", MigratorRoles.Operator);
        var cut = ctx.Render<MigrationDetail>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => Assert.Contains("no KMS key is named", cut.Find("[data-testid=dnssec-summary]").TextContent), Wait);
        Assert.True(cut.Find("[data-testid=dnssec-save]").HasAttribute("disabled"));

        await cut.Find("#dnssec-kms").InputAsync(new ChangeEventArgs { Value = Key });
        await cut.Find("[data-testid=dnssec-save]").ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Contains("completion signs", cut.Find("[data-testid=action-result]").TextContent), Wait);
        Assert.Equal(Key, (await Workflow.GetStatusAsync(id))!.Plan!.DnssecKmsKeyArn);
        Assert.Contains(Key, cut.Find("[data-testid=dnssec-summary]").TextContent);
    }

    [Theory]
    [InlineData("approver@sandbox.local", MigratorRoles.Approver)]
    [InlineData("viewer@sandbox.local", MigratorRoles.Viewer)]
    public async Task Panel_IsReadOnly_WhenTheUserIsNoOperator(string user, string role)
    {
        var id = await SeedAsync(MigrationState.Waited, Key);
        await using var ctx = PageTestContext.Create(app, user, role);
        var cut = ctx.Render<MigrationDetail>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => Assert.Contains($"completion signs the zone with a key-signing key from {Key}", cut.Find("[data-testid=dnssec-summary]").TextContent), Wait);

        Assert.Empty(cut.FindAll("[data-testid=dnssec-save]"));
        Assert.Empty(cut.FindAll("#dnssec-kms"));
        Assert.Empty(cut.FindAll("[data-testid=dnssec-turn-off]"));
    }

    [Fact]
    public async Task TurnOff_NeedsAReason_AndStartsTheWayBack_AfterACompletionThatSigned()
    {
        var id = await SeedAsync(MigrationState.Completed, Key);
        await using var ctx = PageTestContext.Create(app, "operator@sandbox.local", MigratorRoles.Operator);
        var cut = ctx.Render<MigrationDetail>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => Assert.Contains("signed by Route 53 since completion", cut.Find("[data-testid=dnssec-summary]").TextContent), Wait);
        Assert.Empty(cut.FindAll("[data-testid=dnssec-save]"));
        Assert.True(cut.Find("[data-testid=dnssec-turn-off]").HasAttribute("disabled"));

        await cut.Find("#dnssec-reason").InputAsync(new ChangeEventArgs { Value = "the registrar drops DS records on transfer" });
        await cut.Find("[data-testid=dnssec-turn-off]").ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Contains("TurnOffDnssec started in the background", cut.Find("[data-testid=action-result]").TextContent), Wait);
    }
    [Fact]
    public async Task TurnOn_TakesAKey_AndStartsSigning_AfterACompletionThatDidNotSign()
    {
        var id = await SeedAsync(MigrationState.Completed);
        await using var ctx = PageTestContext.Create(app, "operator@sandbox.local", MigratorRoles.Operator);
        var cut = ctx.Render<MigrationDetail>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => Assert.Equal("not signed", cut.Find("[data-testid=dnssec-summary]").TextContent.Trim()), Wait);
        Assert.Empty(cut.FindAll("[data-testid=dnssec-turn-off]"));
        Assert.True(cut.Find("[data-testid=dnssec-turn-on]").HasAttribute("disabled"));

        await cut.Find("#dnssec-turn-on-kms").InputAsync(new ChangeEventArgs { Value = Key });
        await cut.Find("[data-testid=dnssec-turn-on]").ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Contains("TurnOnDnssec started in the background", cut.Find("[data-testid=action-result]").TextContent), Wait);
        Assert.Equal(Key, (await Workflow.GetStatusAsync(id))!.Plan!.DnssecKmsKeyArn);
    }
}
