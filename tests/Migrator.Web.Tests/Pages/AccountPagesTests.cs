using System.Net;
using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Migrator.Web.Access;
using Migrator.Web.Components.Pages;
using Migrator.Web.Tests.Hosting;
using Migrator.Web.Tokens;

namespace Migrator.Web.Tests.Pages;

/// <summary>The Users and Tokens pages' logic, on the sandbox app's real services (accounts, token store).</summary>
[Collection(SandboxAppCollection.Name)]
public sealed class AccountPagesTests(SandboxApp app)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private BunitContext Context(string user, string role, IServiceScope scope, params Claim[] claims)
    {
        var ctx = PageTestContext.Create(app, user, role, services =>
        {
            services.AddSingleton(app.Service<AccountDirectory>());
            services.AddSingleton(app.Service<ApiTokenStore>());
            services.AddSingleton(scope.ServiceProvider.GetRequiredService<UserAdministration>());
            services.AddSingleton(scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>());
        }, auth =>
        {
            auth.SetClaims(claims);
            if (role == MigratorRoles.Admin) auth.SetPolicies(Policies.IsAdmin);
        });
        return ctx;
    }

    [Fact]
    public async Task AddUser_ShowsAnInitialPasswordOnceThatSignsIn_WithTheChosenRole()
    {
        using var scope = app.Services.CreateScope();
        await using var ctx = Context("admin@sandbox.local", MigratorRoles.Admin, scope);
        var cut = ctx.Render<Users>();
        cut.WaitForAssertion(() => Assert.False(cut.Find("#user-email").HasAttribute("disabled")), Wait);
        var email = $"new-{Guid.NewGuid():N}"[..12] + "@example.test";

        await cut.Find("#user-email").InputAsync(new ChangeEventArgs { Value = email });
        await cut.InvokeAsync(() => cut.FindComponent<MudBlazor.MudSelect<string>>().Instance.ValueChanged.InvokeAsync(MigratorRoles.Operator));
        await cut.FindAll("button").First(b => b.TextContent.Trim() == "Add user").ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Contains(email, cut.Find("[data-testid=user-added]").TextContent), Wait);
        var password = cut.Find("[data-testid=initial-password]").TextContent.Trim();
        Assert.Equal(20, password.Length);
        var account = (await app.Service<AccountDirectory>().ListAsync()).Single(a => a.Email == email);
        Assert.Equal([MigratorRoles.Operator], account.Roles);
        using var browser = app.CreateBrowserLikeClient();
        var signIn = await SignIn.PostSignInAsync(browser, email, password);
        Assert.Equal("/", signIn.Headers.Location?.OriginalString);

        await cut.FindAll("button").First(b => b.TextContent.Trim() == "I have passed it on").ClickAsync(new MouseEventArgs());
        Assert.DoesNotContain(password, cut.Markup);
    }

    [Fact]
    public async Task UserActions_DisableEnableAndRefuseTheLastAdmin_ThroughUserAdministration()
    {
        using var scope = app.Services.CreateScope();
        var email = $"dis-{Guid.NewGuid():N}"[..12] + "@example.test";
        Assert.True((await scope.ServiceProvider.GetRequiredService<UserAdministration>().CreateAsync(email, "Disable-me-password-1", MigratorRoles.Viewer, "test")).Succeeded);
        await using var ctx = Context("admin@sandbox.local", MigratorRoles.Admin, scope);
        var cut = ctx.Render<Users>();
        cut.WaitForAssertion(() => Assert.False(cut.Find($"button[aria-label='Disable {email}']").HasAttribute("disabled")), Wait);

        await cut.Find($"button[aria-label='Disable {email}']").ClickAsync(new MouseEventArgs());
        cut.WaitForAssertion(() => Assert.StartsWith($"Disabled {email}", cut.Find("[data-testid=users-message]").TextContent.Trim()), Wait);
        Assert.True((await app.Service<AccountDirectory>().ListAsync()).Single(a => a.Email == email).Disabled);

        await cut.Find($"button[aria-label='Enable {email}']").ClickAsync(new MouseEventArgs());
        cut.WaitForAssertion(() => Assert.StartsWith($"Enabled {email}", cut.Find("[data-testid=users-message]").TextContent.Trim()), Wait);
        Assert.False((await app.Service<AccountDirectory>().ListAsync()).Single(a => a.Email == email).Disabled);

        // The signed-in admin cannot disable themself: the service refuses, the page says so and what to do.
        await cut.Find("button[aria-label='Disable admin@sandbox.local']").ClickAsync(new MouseEventArgs());
        cut.WaitForAssertion(() => Assert.Contains("Another administrator can make this change", cut.Find("[data-testid=users-message]").TextContent), Wait);
    }

    [Fact]
    public async Task UserActions_AreRefused_WhenTheCircuitsUserIsNoLongerAdmin()
    {
        using var scope = app.Services.CreateScope();
        var email = $"keep-{Guid.NewGuid():N}"[..12] + "@example.test";
        Assert.True((await scope.ServiceProvider.GetRequiredService<UserAdministration>().CreateAsync(email, "Keep-me-password-1", MigratorRoles.Viewer, "test")).Succeeded);
        // Rendered for a principal that fails the Admin policy (the page's own attribute is enforced by the router, tested over HTTP).
        await using var ctx = Context("operator@sandbox.local", MigratorRoles.Operator, scope);
        var cut = ctx.Render<Users>();
        cut.WaitForAssertion(() => Assert.False(cut.Find($"button[aria-label='Disable {email}']").HasAttribute("disabled")), Wait);

        await cut.Find($"button[aria-label='Disable {email}']").ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() => Assert.StartsWith("Only administrators manage users", cut.Find("[data-testid=users-message]").TextContent.Trim()), Wait);
        Assert.False((await app.Service<AccountDirectory>().ListAsync()).Single(a => a.Email == email).Disabled);
    }

    [Fact]
    public async Task Tokens_ShowTheSecretOnceListWithoutItAndRevoke_ForTheSignedInUser()
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var email = $"tok-{Guid.NewGuid():N}"[..12] + "@example.test";
        Assert.True((await scope.ServiceProvider.GetRequiredService<UserAdministration>().CreateAsync(email, "Token-owner-password-1", MigratorRoles.Viewer, "test")).Succeeded);
        var owner = (await users.FindByEmailAsync(email))!;
        await using var ctx = Context(email, MigratorRoles.Viewer, scope, new Claim(ClaimTypes.NameIdentifier, owner.Id));
        var cut = ctx.Render<Migrator.Web.Components.Pages.Tokens>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=tokens-empty]")), Wait);

        await cut.Find("#token-name").InputAsync(new ChangeEventArgs { Value = "ci deploy" });
        await cut.FindAll("button").First(b => b.TextContent.Trim() == "Create token").ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=token-secret]")), Wait);
        var secret = cut.Find("[data-testid=token-secret]").TextContent.Trim();
        Assert.StartsWith("mgr_", secret);
        Assert.Equal(owner.Id, (await app.Service<ApiTokenStore>().FindBySecretAsync(secret))!.UserId);
        Assert.Contains("ci deploy", cut.Find("[data-testid=tokens-table]").TextContent);
        Assert.DoesNotContain(secret, cut.Find("[data-testid=tokens-table]").TextContent);

        await cut.FindAll("button").First(b => b.TextContent.Trim() == "I have copied it").ClickAsync(new MouseEventArgs());
        Assert.DoesNotContain(secret, cut.Markup);

        await cut.Find("button[aria-label^='Revoke the token ci deploy']").ClickAsync(new MouseEventArgs());
        cut.WaitForAssertion(() => Assert.Contains("revoked", cut.Find("[data-testid=tokens-table]").TextContent), Wait);
        Assert.True((await app.Service<ApiTokenStore>().FindBySecretAsync(secret))!.IsRevoked);
    }

    [Fact]
    public async Task Tokens_RefuseAnEmptyName_WithWhatToDo()
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var owner = (await users.FindByEmailAsync("viewer@sandbox.local"))!;
        await using var ctx = Context("viewer@sandbox.local", MigratorRoles.Viewer, scope, new Claim(ClaimTypes.NameIdentifier, owner.Id));
        var cut = ctx.Render<Migrator.Web.Components.Pages.Tokens>();
        cut.WaitForAssertion(() => Assert.False(cut.Find("#token-name").HasAttribute("disabled")), Wait);
        var before = (await app.Service<ApiTokenStore>().ListAsync(owner.Id)).Count;

        await cut.FindAll("button").First(b => b.TextContent.Trim() == "Create token").ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Contains("press Create token again", cut.Find("[data-testid=token-message]").TextContent), Wait);
        Assert.Equal(before, (await app.Service<ApiTokenStore>().ListAsync(owner.Id)).Count);
        Assert.Empty(cut.FindAll("[data-testid=token-secret]"));
    }
}
