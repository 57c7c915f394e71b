using Microsoft.AspNetCore.Components.Web;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Migrator.Core.Migrations;
using Migrator.Core.Zones;
using Migrator.Sandbox.World;
using Migrator.Web.Components.Shared;
using Migrator.Web.Dashboard;
using Migrator.Web.Display;
using Migrator.Web.Sandbox;
using MudBlazor.Services;

namespace Migrator.Web.Tests.Dashboard;

public sealed class PlanFormTests
{
    private static readonly MigrationPlanAnswers ShopDefaults = new SandboxPlanDefaults(new WorldOptions { Port = 15353 }).For("shop.example")!;

    private static BunitContext NewContext()
    {
        var ctx = new BunitContext();
        ctx.Services.AddMudServices();
        ctx.Services.AddScoped<ViewerTimeZone>();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }

    [Fact]
    public void ToAnswers_GivesBackTheSandboxDefaults_WhenNothingIsChanged()
    {
        var (answers, problems) = PlanDraft.From(ShopDefaults, null).ToAnswers(null);

        Assert.Empty(problems);
        Assert.Equal(ShopDefaults.ToJson(), answers!.ToJson());
        Assert.Empty(answers.Validate(DomainName.Parse("shop.example."), _ => true));
    }

    [Fact]
    public async Task Save_KeepsTheDnssecKmsKey_WhenThePlanNamesOne()
    {
        // A plan changed on the page once dropped the key: completion then signed nothing.
        var signed = ShopDefaults with { DnssecKmsKeyArn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" };
        Assert.Equal(signed.ToJson(), PlanDraft.From(signed, null).ToAnswers(null).Answers!.ToJson());

        await using var ctx = NewContext();
        MigrationPlanAnswers? saved = null;
        var cut = ctx.Render<PlanForm>(p => p.Add(c => c.Initial, signed).Add(c => c.OnSave, (MigrationPlanAnswers a) => saved = a));
        Assert.Equal(signed.DnssecKmsKeyArn, cut.Find("#plan-dnssec-kms").GetAttribute("value"));

        await cut.Find("form").SubmitAsync();

        Assert.True(saved!.SignsAtCompletion);
    }

    [Fact]
    public async Task Save_HandsTheDefaultsToTheWorkflow_WhenNewcomerJustConfirms()
    {
        await using var ctx = NewContext();
        var saved = new List<MigrationPlanAnswers>();
        var cut = ctx.Render<PlanForm>(p => p
            .Add(c => c.Initial, ShopDefaults)
            .Add(c => c.PrefilledFrom, "Filled in for the sandbox world")
            .Add(c => c.OnSave, (MigrationPlanAnswers a) => saved.Add(a)));

        await cut.Find("form").SubmitAsync();

        Assert.Equal(ShopDefaults.ToJson(), Assert.Single(saved).ToJson());
        Assert.Contains("Filled in for the sandbox world", cut.Find("[data-testid=plan-prefilled]").TextContent);
    }

    [Fact]
    public async Task Save_KeepsTypedUpdatersWithOwnersAndDropsBlankRows_WhenRowsWereAdded()
    {
        await using var ctx = NewContext();
        MigrationPlanAnswers? saved = null;
        var cut = ctx.Render<PlanForm>(p => p.Add(c => c.Initial, ShopDefaults).Add(c => c.OnSave, (MigrationPlanAnswers a) => saved = a));

        await cut.Find("[data-testid=plan-add-updater]").ClickAsync(new MouseEventArgs());
        await cut.Find("[data-testid=plan-add-updater]").ClickAsync(new MouseEventArgs());
        await cut.Find("#plan-updater-name-0").ChangeAsync(new ChangeEventArgs { Value = "certbot on web-1" });
        await cut.Find("#plan-updater-owner-0").ChangeAsync(new ChangeEventArgs { Value = "ops@shop.example" });
        await cut.Find("#plan-updater-records-0").ChangeAsync(new ChangeEventArgs { Value = "_acme-challenge, _acme-challenge.www" });
        await cut.Find("#plan-updater-types-0").ChangeAsync(new ChangeEventArgs { Value = "TXT" });
        await cut.Find("#plan-console").ChangeAsync(new ChangeEventArgs { Value = "alice@shop.example, bob@shop.example\ncarol@shop.example" });
        await cut.Find("form").SubmitAsync();

        var updater = Assert.Single(saved!.Updaters);
        Assert.Equal(("certbot on web-1", "ops@shop.example"), (updater.Name, updater.Owner));
        Assert.Equal(["_acme-challenge", "_acme-challenge.www"], updater.Records);
        Assert.Equal(["TXT"], updater.Types);
        Assert.Equal(["alice@shop.example", "bob@shop.example", "carol@shop.example"], saved.ConsoleAccess);
    }

    [Fact]
    public async Task Save_IsNotCalledAndSaysWhy_WhenWindowIsNotADate()
    {
        await using var ctx = NewContext();
        var calls = 0;
        var cut = ctx.Render<PlanForm>(p => p.Add(c => c.Initial, ShopDefaults with { Window = new CutoverWindow(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(2)) })
            .Add(c => c.OnSave, (MigrationPlanAnswers _) => calls++));

        await cut.Find("#plan-window-closes").ChangeAsync(new ChangeEventArgs { Value = "" });
        await cut.Find("form").SubmitAsync();

        Assert.Equal(0, calls);
        Assert.Contains("closing time is not a date and time", cut.Find("[data-testid=plan-problems]").TextContent);
    }

    [Fact]
    public void FromLocal_ReadsWindowInViewersZone_WhenZoneKnown()
    {
        var tokyo = TimeDisplay.FindZone("Asia/Tokyo")!;
        var draft = PlanDraft.From(ShopDefaults, tokyo);
        draft.HasWindow = true;
        draft.WindowOpens = "2026-12-03T09:00";
        draft.WindowCloses = "2026-12-03T11:30";

        var (answers, _) = draft.ToAnswers(tokyo);

        Assert.Equal(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero), answers!.Window!.Opens);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 2, 30, 0, TimeSpan.Zero), answers.Window.Closes);
        Assert.Equal("2026-12-03T09:00", PlanDraft.From(answers, tokyo).WindowOpens);
    }

    [Fact]
    public async Task Render_KeepsWhatIsTyped_WhenPageReloadsTheSamePlan()
    {
        await using var ctx = NewContext();
        MigrationPlanAnswers? saved = null;
        var cut = ctx.Render<PlanForm>(p => p.Add(c => c.Initial, ShopDefaults).Add(c => c.OnSave, (MigrationPlanAnswers a) => saved = a));
        await cut.Find("#plan-aws").ChangeAsync(new ChangeEventArgs { Value = "production" });

        // A live update reloads the migration: an equal plan, a new object.
        cut.Render(p => p.Add(c => c.Initial, MigrationPlanAnswers.FromJson(ShopDefaults.ToJson())));
        await cut.Find("form").SubmitAsync();

        Assert.Equal("production", saved!.AwsAccount);
    }

    [Fact]
    public async Task Refusal_IsListedOneProblemPerLine_WhenWorkflowRefusesPlan()
    {
        await using var ctx = NewContext();
        var cut = ctx.Render<PlanForm>(p => p.Add(c => c.Initial, ShopDefaults)
            .Add(c => c.Refusal, "the plan is not complete: AXFR server is required; an AWS account is required"));

        var items = cut.FindAll("[data-testid=plan-problems] li").Select(li => li.TextContent).ToList();

        Assert.Equal(["AXFR server is required", "an AWS account is required"], items);
    }
}
