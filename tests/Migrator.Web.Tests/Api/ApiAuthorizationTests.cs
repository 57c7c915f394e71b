using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Routing;
using Migrator.Web.Access;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Api;

[Collection(SandboxAppCollection.Name)]
public sealed class ApiAuthorizationTests(SandboxApp app)
{
    [Fact]
    public async Task ApiEndpoints_Return401_WhenAnonymous()
    {
        app.CreateClient().Dispose();
        var endpoints = app.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("api/", StringComparison.Ordinal))
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is null) // the password-for-token exchange
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods
                .Select(m => (Method: m, Path: "/" + e.RoutePattern.RawText!.TrimStart('/').Replace("{id:guid}", Guid.NewGuid().ToString()))))
            .ToList();
        Assert.True(endpoints.Count >= 6, $"expected the API endpoints, found {endpoints.Count}");

        using var client = app.CreateBrowserLikeClient();
        foreach (var (method, path) in endpoints)
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method != "GET") request.Content = JsonContent.Create(new { });
            var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: expected 401, got {(int)response.StatusCode}");
        }
    }

    [Theory]
    [InlineData(MigratorRoles.Viewer, "GET", "/api/migrations", HttpStatusCode.OK)]
    [InlineData(MigratorRoles.Viewer, "GET", "/api/audit", HttpStatusCode.OK)]
    [InlineData(MigratorRoles.Viewer, "POST", "/api/migrations", HttpStatusCode.Forbidden)]
    [InlineData(MigratorRoles.Viewer, "POST", "/api/admin/users", HttpStatusCode.Forbidden)]
    [InlineData(MigratorRoles.Viewer, "POST", "/api/admin/heartbeat", HttpStatusCode.Forbidden)]
    [InlineData(MigratorRoles.Approver, "POST", "/api/migrations", HttpStatusCode.Forbidden)]
    [InlineData(MigratorRoles.Approver, "POST", "/api/admin/users", HttpStatusCode.Forbidden)]
    [InlineData(MigratorRoles.Operator, "POST", "/api/admin/users", HttpStatusCode.Forbidden)]
    [InlineData(MigratorRoles.Operator, "POST", "/api/admin/heartbeat", HttpStatusCode.Forbidden)]
    [InlineData(MigratorRoles.Operator, "GET", "/api/audit", HttpStatusCode.OK)]
    [InlineData(MigratorRoles.Admin, "GET", "/api/migrations", HttpStatusCode.OK)]
    public async Task Api_AnswersByRole(string role, string method, string path, HttpStatusCode expected)
    {
        using var client = await SignIn.AsAsync(app, role);
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        // A valid body, so a 403 can only come from the role check.
        if (method == "POST") request.Content = JsonContent.Create(new { zoneName = "role-check.example", email = "x@example.test", password = "Long-enough-1", role = "Viewer", delaySeconds = 60 });
        var response = await client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task ApiCalls_AreDenied_AfterSignOut()
    {
        using var client = await SignIn.AsAsync(app, MigratorRoles.Viewer);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/migrations")).StatusCode);
        var token = await SignIn.AntiforgeryTokenAsync(client, AccountEndpoints.SignInPath);
        var signOut = await client.PostAsync("/account/signout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/migrations")).StatusCode);
    }
}
