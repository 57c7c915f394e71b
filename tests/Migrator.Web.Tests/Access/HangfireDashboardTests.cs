using System.Net;
using Migrator.Web.Access;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Access;

[Collection(SandboxAppCollection.Name)]
public sealed class HangfireDashboardTests(SandboxApp app)
{
    [Theory]
    [InlineData("/hangfire")]
    [InlineData("/hangfire/jobs/scheduled")]
    [InlineData("/hangfire/stats")]
    public async Task Dashboard_RedirectsToSignIn_WhenAnonymous(string path)
    {
        using var client = app.CreateBrowserLikeClient();
        var response = await client.SendAsync(new HttpRequestMessage(path.EndsWith("stats") ? HttpMethod.Post : HttpMethod.Get, path));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(AccountEndpoints.SignInPath, response.Headers.Location!.AbsolutePath);
    }

    [Theory]
    [InlineData(MigratorRoles.Viewer)]
    [InlineData(MigratorRoles.Operator)]
    [InlineData(MigratorRoles.Approver)]
    public async Task Dashboard_IsDenied_ForNonAdmin(string role)
    {
        using var client = await SignIn.AsAsync(app, role);
        var response = await client.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(AccountEndpoints.AccessDeniedPath, response.Headers.Location!.AbsolutePath);
        Assert.DoesNotContain("Migrator jobs", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Dashboard_Opens_ForAdmin()
    {
        using var client = await SignIn.AsAsync(app, MigratorRoles.Admin);
        var response = await client.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Migrator jobs", await response.Content.ReadAsStringAsync());
    }
}
