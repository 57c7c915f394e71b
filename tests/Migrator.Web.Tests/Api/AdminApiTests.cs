using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Migrator.Core.Auditing;
using Migrator.Web.Access;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Api;

[Collection(SandboxAppCollection.Name)]
public sealed class AdminApiTests(SandboxApp app)
{
    [Fact]
    public async Task PostUsers_CreatesAccountThatCanSignIn_ForAdmin()
    {
        const string password = "Fresh-viewer-password-7";
        using var admin = await SignIn.AsAsync(app, MigratorRoles.Admin);
        var response = await admin.PostAsJsonAsync("/api/admin/users", new { email = "new.viewer@example.test", password, role = MigratorRoles.Viewer });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        using var newcomer = app.CreateBrowserLikeClient();
        var signIn = await SignIn.PostSignInAsync(newcomer, "new.viewer@example.test", password, "/audit");
        Assert.Equal("/audit", signIn.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await newcomer.GetAsync("/api/migrations")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await newcomer.PostAsJsonAsync("/api/migrations", new { zoneName = "nope.example" })).StatusCode);

        var audit = await admin.GetStringAsync($"/api/audit?take=1000&action={Uri.EscapeDataString(AuditActions.UserCreated)}");
        Assert.Contains("user:new.viewer@example.test", audit);
        Assert.DoesNotContain(password, audit);
    }

    [Theory]
    [InlineData("short@example.test", "Short-1", "Viewer", "user")]
    [InlineData("role@example.test", "Long-enough-pass-1", "Root", "role")]
    [InlineData("someone@sandbox.local", "Long-enough-pass-1", "Viewer", "email")]
    public async Task PostUsers_Returns400_WhenRequestInvalid(string email, string password, string role, string field)
    {
        using var admin = await SignIn.AsAsync(app, MigratorRoles.Admin);
        var response = await admin.PostAsJsonAsync("/api/admin/users", new { email, password, role });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}: {problem}");
        Assert.DoesNotContain(password, problem.ToString());
    }

    [Fact]
    public async Task PostHeartbeat_Returns400_WhenDelayOutOfRange()
    {
        using var admin = await SignIn.AsAsync(app, MigratorRoles.Admin);
        var response = await admin.PostAsJsonAsync("/api/admin/heartbeat", new { delaySeconds = -1 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task PostHeartbeat_RunsScheduledJobThatAudits_ForAdmin()
    {
        using var admin = await SignIn.AsAsync(app, MigratorRoles.Admin);
        var response = await admin.PostAsJsonAsync("/api/admin/heartbeat", new { delaySeconds = 1 });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var requestId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestEventId").GetInt64();

        var target = $"audit:{requestId}";
        var deadline = DateTime.UtcNow.AddMinutes(2); // generous: the audit row ends the wait
        JsonElement[] ran;
        do
        {
            await Task.Delay(250);
            ran = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/audit?action={Uri.EscapeDataString(AuditActions.ScheduledJobRan)}"))!
                .Where(e => e.GetProperty("target").GetString() == target).ToArray();
        } while (ran.Length == 0 && DateTime.UtcNow < deadline);

        var only = Assert.Single(ran);
        Assert.Equal(AuditActions.SystemActor, only.GetProperty("actor").GetString());
        Assert.Contains("requested by admin@sandbox.local", only.GetProperty("details").GetString());
    }
}
