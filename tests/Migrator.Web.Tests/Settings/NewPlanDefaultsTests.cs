using System.Security.Claims;
using Microsoft.Extensions.Options;
using Migrator.Core.Auditing;
using Migrator.Core.Hosting;
using Migrator.Core.Migrations;
using Migrator.Web.Access;
using Migrator.Web.Settings;
using Migrator.Web.Tests.Hosting;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace Migrator.Web.Tests.Settings;

[Collection(SandboxAppCollection.Name)]
public sealed class NewPlanDefaultsTests(SandboxApp app) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("migrator-settings-").FullName;
    private static readonly string[] Accounts = ["sandbox", "production"];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private NewPlanDefaultsStore Store() => new(Options.Create(new MigratorOptions { DataDirectory = _dir }), app.Service<AuditLog>());

    private static ClaimsPrincipal User(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], "test"));

    private static NewPlanDefaults Valid => NewPlanDefaults.From(new MigrationPlanAnswers()) with
    {
        TargetTtlSeconds = 120, IspTtlFloorSeconds = 900, AwsAccount = "production", Resolvers = ["127.0.0.53", "127.0.0.54:5353"],
    };

    [Fact]
    public void Validate_ListsEveryProblem_WhenValuesAreOutOfRange()
    {
        var errors = (Valid with { TargetTtlSeconds = 0, FinalDelegationTtlSeconds = 200_000, AwsAccount = "nope", Resolvers = ["resolver.example", "127.0.0.53", "127.0.0.53"] })
            .Validate(Accounts);

        Assert.Contains("the target TTL must be 1–86400 s", errors);
        Assert.Contains("the final delegation TTL must be 1–172800 s", errors);
        Assert.Contains(errors, e => e.StartsWith("no AWS account is named 'nope'", StringComparison.Ordinal));
        Assert.Contains("resolver 'resolver.example' is not IP[:PORT]", errors);
        Assert.Contains("a resolver is listed twice", errors);
        Assert.Empty(Valid.Validate(Accounts));
    }

    [Fact]
    public void Current_IsTheBuiltInPlanDefaults_WhenNothingWasSaved() =>
        Assert.Equal(NewPlanDefaults.From(new MigrationPlanAnswers()) with { Resolvers = [] }, Store().Current with { Resolvers = [] });

    [Fact]
    public async Task SaveAsync_StoresAndAuditsTheChange_WhenAdminSavesValidDefaults()
    {
        var store = Store();

        var result = await store.SaveAsync(Valid, User("root@sandbox.local", MigratorRoles.Admin), Accounts);

        Assert.True(result.Saved, result.Message);
        var reread = Store().Current;
        Assert.Equal((120u, 900u, "production"), (reread.TargetTtlSeconds, reread.IspTtlFloorSeconds, reread.AwsAccount));
        Assert.Equal(["127.0.0.53", "127.0.0.54:5353"], reread.Resolvers);
        Assert.Equal(120u, store.NewPlan().TargetTtlSeconds);
        var audited = (await app.Service<AuditLog>().LatestAsync(50, AuditActions.SettingsChanged)).First(e => e.Actor == "root@sandbox.local");
        Assert.Contains("target TTL 300 s → 120 s", audited.Details);
    }

    [Theory]
    [InlineData(MigratorRoles.Operator)]
    [InlineData(MigratorRoles.Approver)]
    [InlineData(MigratorRoles.Viewer)]
    public async Task SaveAsync_RefusesAndKeepsTheDefaults_WhenNotAdmin(string role)
    {
        var store = Store();

        var result = await store.SaveAsync(Valid, User("someone@sandbox.local", role), Accounts);

        Assert.False(result.Saved);
        Assert.Equal(300u, store.Current.TargetTtlSeconds);
    }

    [Fact]
    public async Task SaveAsync_RefusesWithTheReasons_WhenInvalid()
    {
        var store = Store();

        var result = await store.SaveAsync(Valid with { TargetTtlSeconds = 0 }, User("root@sandbox.local", MigratorRoles.Admin), Accounts);

        Assert.False(result.Saved);
        Assert.Contains("the target TTL must be 1–86400 s", result.Message);
        Assert.False(File.Exists(Path.Combine(_dir, "settings", "new-plan-defaults.json")));
    }
}

[Collection(SandboxAppCollection.Name)]
public sealed class SettingsFormTests(SandboxApp app) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("migrator-settings-page-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>An Admin's page context with what the Settings page needs, the store under test among it.</summary>
    private BunitContext AdminContext(NewPlanDefaultsStore store) =>
        Pages.PageTestContext.Create(app, "admin@sandbox.local", MigratorRoles.Admin, s =>
        {
            s.AddSingleton(store);
            s.AddSingleton(app.Service<IOptions<MigratorOptions>>());
            s.AddSingleton(app.Service<Migrator.Jobs.Heartbeat.HeartbeatScheduler>());
            s.AddSingleton(app.Service<Migrator.Web.Route53.Route53AccountProvider>());
        });

    /// <summary>The Settings page, rendered and loaded (its accounts table shown).</summary>
    private static IRenderedComponent<Migrator.Web.Components.Pages.Settings> RenderSettings(BunitContext ctx)
    {
        var cut = ctx.Render<Migrator.Web.Components.Pages.Settings>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=aws-accounts]"), TimeSpan.FromSeconds(30));
        return cut;
    }

    [Fact]
    public async Task SaveDefaults_StoresTheTypedTargetTtl_WhenAdminSaves()
    {
        var store = new NewPlanDefaultsStore(Options.Create(new MigratorOptions { DataDirectory = _dir }), app.Service<AuditLog>());
        await using var ctx = AdminContext(store);
        var cut = RenderSettings(ctx);

        await cut.Find("#defaults-target-ttl").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "120" });
        await cut.Find("[data-testid=defaults-save]").ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Contains("Saved: target TTL 300 s → 120 s", cut.Find("[data-testid=defaults-result]").TextContent), TimeSpan.FromSeconds(30));
        Assert.Equal(120u, store.Current.TargetTtlSeconds);
        Assert.Contains("120 s", cut.Find("[data-testid=plan-defaults]").TextContent);
    }

    [Fact]
    public async Task SaveDefaults_ShowsTheReason_WhenTheAccountIsUnknown()
    {
        var store = new NewPlanDefaultsStore(Options.Create(new MigratorOptions { DataDirectory = _dir }), app.Service<AuditLog>());
        await using var ctx = AdminContext(store);
        var cut = RenderSettings(ctx);

        await cut.Find("#defaults-aws").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "no-such-account" });
        await cut.Find("[data-testid=defaults-save]").ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Contains("no AWS account is named 'no-such-account'", cut.Find("[data-testid=defaults-result]").TextContent), TimeSpan.FromSeconds(30));
        Assert.Equal("sandbox", store.Current.AwsAccount);
    }
}
