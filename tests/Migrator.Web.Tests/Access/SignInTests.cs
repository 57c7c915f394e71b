using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Migrator.Core.Auditing;
using Migrator.Web.Access;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Access;

[Collection(SandboxAppCollection.Name)]
public sealed class SignInTests(SandboxApp app)
{
    [Fact]
    public async Task SignIn_RedirectsBackWithErrorAndAuditsFailure_WhenPasswordWrong()
    {
        const string wrongPassword = "Not-the-password-42";
        using var client = app.CreateBrowserLikeClient();
        var response = await SignIn.PostSignInAsync(client, "approver@sandbox.local", wrongPassword, "/audit");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(AccountEndpoints.SignInPath + "?failed=1&ReturnUrl=%2Faudit", response.Headers.Location?.OriginalString);
        Assert.Contains("Wrong email or password", await client.GetStringAsync(response.Headers.Location!.OriginalString));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/migrations")).StatusCode);

        using var admin = await SignIn.AsAsync(app, MigratorRoles.Admin);
        var failures = await admin.GetFromJsonAsync<JsonElement[]>($"/api/audit?action={Uri.EscapeDataString(AuditActions.SignInFailed)}");
        Assert.Contains(failures!, e => e.GetProperty("actor").GetString() == "approver@sandbox.local" && e.GetProperty("details").GetString() == "wrong password");
        Assert.DoesNotContain(wrongPassword, await admin.GetStringAsync("/api/audit?take=1000"));
    }

    [Fact]
    public async Task SignIn_AuditsSuccess_WhenPasswordRight()
    {
        using var viewer = await SignIn.AsAsync(app, MigratorRoles.Viewer);
        var successes = await viewer.GetFromJsonAsync<JsonElement[]>($"/api/audit?action={Uri.EscapeDataString(AuditActions.SignInSucceeded)}");
        Assert.Contains(successes!, e => e.GetProperty("actor").GetString() == "viewer@sandbox.local");
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    public async Task SignIn_RedirectsHome_WhenReturnUrlLeavesTheSite(string returnUrl)
    {
        using var client = app.CreateBrowserLikeClient();
        var account = SandboxAccounts.All[0];
        var response = await SignIn.PostSignInAsync(client, account.Email, account.Password, returnUrl);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SignIn_IsRefused_WithoutAntiforgeryToken()
    {
        using var client = app.CreateBrowserLikeClient();
        var account = SandboxAccounts.All[0];
        var response = await client.PostAsync(AccountEndpoints.SignInPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = account.Email, ["Password"] = account.Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/migrations")).StatusCode);
    }

    [Fact]
    public async Task SignInPage_ShowsEveryDemoAccount_WhenSandbox()
    {
        using var client = app.CreateBrowserLikeClient();
        var html = await client.GetStringAsync(AccountEndpoints.SignInPath);
        foreach (var a in SandboxAccounts.All)
        {
            Assert.Contains(a.Email, html);
            Assert.Contains(a.Password, html);
        }
    }
}
