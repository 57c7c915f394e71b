using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Migrator.Web.Access;
using Migrator.Web.Components;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Access;

[Collection(SandboxAppCollection.Name)]
public sealed class PageAuthorizationTests(SandboxApp app)
{
    private static readonly string[] AnonymousPages = [AccountEndpoints.SignInPath, AccountEndpoints.AccessDeniedPath, AccountEndpoints.SetupPath];

    /// <summary>Every page route the app serves, read from its endpoints (not a hand-kept list).</summary>
    private IReadOnlyList<(string Path, Endpoint Endpoint)> PageRoutes()
    {
        app.CreateClient().Dispose(); // make sure the host is built
        var routes = app.Service<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
            .Select(e => ("/" + e.RoutePattern.RawText!.TrimStart('/'), (Endpoint)e))
            .Where(r => !r.Item1.Contains('{'))
            .ToList();
        Assert.True(routes.Count >= 8, $"expected the app's pages, found only: {string.Join(", ", routes.Select(r => r.Item1))}");
        return routes;
    }

    [Fact]
    public async Task Pages_RedirectAnonymousToSignIn_UnlessAllowAnonymous()
    {
        using var client = app.CreateBrowserLikeClient();
        var protectedPages = PageRoutes().Where(r => r.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null).ToList();
        Assert.Contains(protectedPages, p => p.Path == "/migrations");
        Assert.Contains(protectedPages, p => p.Path == "/settings");

        foreach (var (path, _) in protectedPages)
        {
            var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{path}: expected a redirect to sign-in, got {(int)response.StatusCode}");
            Assert.Equal(AccountEndpoints.SignInPath, response.Headers.Location!.AbsolutePath);
            Assert.Contains("ReturnUrl=" + Uri.EscapeDataString(path), response.Headers.Location.Query);
        }
    }

    [Fact]
    public void Pages_AllowAnonymous_OnlyForSignInSetupAndAccessDenied() =>
        Assert.Equal(AnonymousPages.Order(), PageRoutes().Where(r => r.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null).Select(r => r.Path).Order());

    [Fact]
    public void Pages_DeclareANamedPolicy_UnlessAllowAnonymous()
    {
        var pages = typeof(App).Assembly.GetTypes().Where(t => t.GetCustomAttributes<RouteAttribute>().Any()).ToList();
        Assert.NotEmpty(pages);
        var known = new[] { Policies.CanView, Policies.CanOperate, Policies.CanApprove, Policies.IsAdmin };
        foreach (var page in pages)
        {
            if (page.GetCustomAttribute<AllowAnonymousAttribute>() is not null) continue;
            var policies = page.GetCustomAttributes<AuthorizeAttribute>().Select(a => a.Policy).ToList();
            Assert.True(policies.Count > 0 && policies.All(known.Contains), $"{page.Name} must carry [Authorize(Policy = ...)] with one of {string.Join(", ", known)}");
        }
    }

    [Fact]
    public async Task Pages_RenderWithSandboxBanner_ForAdmin()
    {
        using var admin = await SignIn.AsAsync(app, MigratorRoles.Admin);
        foreach (var (path, _) in PageRoutes())
        {
            var response = await admin.GetAsync(path);
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Forbidden or HttpStatusCode.NotFound,
                $"{path}: unexpected {(int)response.StatusCode}");
            Assert.True(html.Contains("data-testid=\"sandbox-banner\"") && html.Contains("Sandbox mode"), $"{path} has no sandbox banner");
        }
    }

    [Theory]
    [InlineData(MigratorRoles.Viewer)]
    [InlineData(MigratorRoles.Operator)]
    [InlineData(MigratorRoles.Approver)]
    public async Task SettingsPage_RedirectsToAccessDenied_ForNonAdmin(string role)
    {
        using var client = await SignIn.AsAsync(app, role);
        var response = await client.GetAsync("/settings");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(AccountEndpoints.AccessDeniedPath, response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task MigrationsPage_ShowsCreateForm_OnlyToOperators()
    {
        using var viewer = await SignIn.AsAsync(app, MigratorRoles.Viewer);
        using var @operator = await SignIn.AsAsync(app, MigratorRoles.Operator);
        Assert.DoesNotContain("Create draft", await viewer.GetStringAsync("/migrations"));
        Assert.Contains("Create draft", await @operator.GetStringAsync("/migrations"));
    }
}
