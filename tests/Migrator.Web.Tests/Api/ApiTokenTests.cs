using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Migrator.Core.ApiTokens;
using Migrator.Core.Auditing;
using Migrator.Core.Persistence;
using Migrator.Web.Access;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Api;

[Collection(SandboxAppCollection.Name)]
public sealed class ApiTokenTests(SandboxApp app)
{
    private const string Password = "Token-test-password-1";

    private async Task<HttpClient> BearerAsync(string role, string? name = null)
    {
        using var cookie = await SignIn.AsAsync(app, role);
        var created = await cookie.PostAsJsonAsync("/api/tokens", new { name = name ?? $"test {Guid.NewGuid():N}" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        return WithToken(body.GetProperty("token").GetString()!);
    }

    private HttpClient WithToken(string token)
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A fresh account (so lockouts and stamp changes touch no shared demo account) and a token made by password login.</summary>
    private async Task<(IdentityUser User, string Token, Guid TokenId)> NewUserWithTokenAsync(string role)
    {
        var email = $"token-{Guid.NewGuid():N}@example.test";
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
            Assert.True((await users.CreateAsync(user, Password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        }
        using var anonymous = app.CreateClient();
        var login = await anonymous.PostAsJsonAsync("/api/tokens/login", new { email, password = Password, name = "ci" });
        Assert.Equal(HttpStatusCode.Created, login.StatusCode);
        var body = await login.Content.ReadFromJsonAsync<JsonElement>();
        await using var s = app.Services.CreateAsyncScope();
        var found = await s.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByEmailAsync(email);
        return (found!, body.GetProperty("token").GetString()!, body.GetProperty("id").GetGuid());
    }

    private async Task<T> WithUsersAsync<T>(Func<UserManager<IdentityUser>, Task<T>> action)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>());
    }

    [Fact]
    public async Task PostTokens_ShowsSecretOnceAndStoresOnlyItsHash_WhenSignedIn()
    {
        using var cookie = await SignIn.AsAsync(app, MigratorRoles.Operator);
        var response = await cookie.PostAsJsonAsync("/api/tokens", new { name = "deploy pipeline", expiresInDays = 7 });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var secret = created.GetProperty("token").GetString()!;
        var id = created.GetProperty("id").GetGuid();
        Assert.StartsWith(ApiToken.Prefix, secret);
        Assert.Equal(47, secret.Length);
        Assert.Equal("…" + secret[^4..], created.GetProperty("hint").GetString());
        var lifetime = created.GetProperty("expiresAt").GetDateTimeOffset() - created.GetProperty("createdAt").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromDays(7), lifetime);

        var list = await cookie.GetStringAsync("/api/tokens");
        Assert.Contains(id.ToString(), list);
        Assert.Contains("deploy pipeline", list);
        Assert.DoesNotContain(secret, list);
        Assert.DoesNotContain(secret[ApiToken.Prefix.Length..^4], list);

        await using var db = await app.Service<IDbContextFactory<MigratorDbContext>>().CreateDbContextAsync();
        var stored = await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == id);
        Assert.Equal(ApiToken.HashOf(secret), stored.SecretHash);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret))), stored.SecretHash);
        var columns = db.Entry(stored).Properties.Select(p => p.CurrentValue?.ToString() ?? "");
        Assert.DoesNotContain(columns, c => c.Contains(secret[ApiToken.Prefix.Length..^4], StringComparison.Ordinal));
        var audit = await cookie.GetStringAsync($"/api/audit?take=1000&action={Uri.EscapeDataString(AuditActions.ApiTokenCreated)}");
        Assert.Contains($"token:{id}", audit);
        Assert.DoesNotContain(secret, audit);
    }

    [Theory]
    [InlineData("", 30, "name")]
    [InlineData("ok", 0, "expiresInDays")]
    [InlineData("ok", 366, "expiresInDays")]
    public async Task PostTokens_Returns400WithField_WhenRequestInvalid(string name, int days, string field)
    {
        using var cookie = await SignIn.AsAsync(app, MigratorRoles.Viewer);
        var response = await cookie.PostAsJsonAsync("/api/tokens", new { name, expiresInDays = days });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Token_ActsWithItsUsersRole_ForEveryPolicy()
    {
        using var viewer = await BearerAsync(MigratorRoles.Viewer);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/migrations")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/migrations", new { zoneName = "viewer-token.example" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/admin/heartbeat", new { delaySeconds = 60 })).StatusCode);

        using var operatorToken = await BearerAsync(MigratorRoles.Operator);
        var created = await operatorToken.PostAsJsonAsync("/api/migrations", new { zoneName = $"op-token-{Guid.NewGuid():N}.example" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("operator@sandbox.local", (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("createdBy").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorToken.PostAsJsonAsync("/api/admin/users", new { email = "x@example.test", password = "Long-enough-1", role = "Viewer" })).StatusCode);
    }

    [Fact]
    public async Task Token_ActsWithTheUsersCurrentRoles_OnEachCall()
    {
        var (user, token, _) = await NewUserWithTokenAsync(MigratorRoles.Viewer);
        using var client = WithToken(token);
        var zone = $"promoted-{Guid.NewGuid():N}.example";
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/migrations", new { zoneName = zone })).StatusCode);

        await WithUsersAsync(async users =>
        {
            var fresh = (await users.FindByIdAsync(user.Id))!;
            await users.RemoveFromRoleAsync(fresh, MigratorRoles.Viewer);
            return await users.AddToRoleAsync(fresh, MigratorRoles.Operator);
        });
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/migrations", new { zoneName = zone })).StatusCode);

        await WithUsersAsync(async users => await users.RemoveFromRoleAsync((await users.FindByIdAsync(user.Id))!, MigratorRoles.Operator));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/migrations")).StatusCode);
    }

    [Fact]
    public async Task Token_IsRefusedAndAudited_WhenRevoked()
    {
        var (_, token, id) = await NewUserWithTokenAsync(MigratorRoles.Operator);
        using var client = WithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/migrations")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/tokens/{id}")).StatusCode);
        var refused = await client.GetAsync("/api/migrations");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);

        using var admin = await SignIn.AsAsync(app, MigratorRoles.Admin);
        var audit = await admin.GetFromJsonAsync<JsonElement[]>($"/api/audit?take=1000&action={Uri.EscapeDataString(AuditActions.ApiTokenRefused)}");
        Assert.Contains(audit!, e => e.GetProperty("target").GetString() == $"token:{id}" && e.GetProperty("details").GetString()!.Contains("revoked at"));
        var revoked = await admin.GetFromJsonAsync<JsonElement[]>($"/api/audit?take=1000&action={Uri.EscapeDataString(AuditActions.ApiTokenRevoked)}");
        Assert.Contains(revoked!, e => e.GetProperty("target").GetString() == $"token:{id}");
    }

    [Fact]
    public async Task Token_IsRefused_WhenExpired()
    {
        var (user, _, _) = await NewUserWithTokenAsync(MigratorRoles.Operator);
        var (expired, secret) = ApiToken.Issue(user.Id, "old", user.SecurityStamp!, DateTimeOffset.UtcNow.AddDays(-31), TimeSpan.FromDays(30));
        await using (var db = await app.Service<IDbContextFactory<MigratorDbContext>>().CreateDbContextAsync())
        {
            db.ApiTokens.Add(expired);
            await db.SaveChangesAsync();
        }
        using var client = WithToken(secret);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/migrations")).StatusCode);
        using var admin = await SignIn.AsAsync(app, MigratorRoles.Admin);
        var audit = await admin.GetStringAsync($"/api/audit?take=1000&action={Uri.EscapeDataString(AuditActions.ApiTokenRefused)}");
        Assert.Contains($"token:{expired.Id}", audit);
        Assert.Contains("expired at", audit);
    }

    [Fact]
    public async Task Token_IsRefused_WhenUserLockedOutAndAcceptedAgain_WhenLockoutEnds()
    {
        var (user, token, _) = await NewUserWithTokenAsync(MigratorRoles.Operator);
        using var client = WithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/migrations")).StatusCode);

        // Written straight to the store: SetLockoutEndDateAsync would also change the security stamp and hide what is tested here.
        await using (var db = await app.Service<IDbContextFactory<MigratorIdentityDbContext>>().CreateDbContextAsync())
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.LockoutEnd, DateTimeOffset.UtcNow.AddHours(1)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/migrations")).StatusCode);

        await using (var db = await app.Service<IDbContextFactory<MigratorIdentityDbContext>>().CreateDbContextAsync())
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.LockoutEnd, (DateTimeOffset?)null));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/migrations")).StatusCode);
    }

    [Fact]
    public async Task Token_IsRefused_WhenUsersSecurityStampChanged()
    {
        var (user, token, _) = await NewUserWithTokenAsync(MigratorRoles.Operator);
        using var client = WithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/migrations")).StatusCode);
        await WithUsersAsync(async users => await users.UpdateSecurityStampAsync((await users.FindByIdAsync(user.Id))!));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/migrations")).StatusCode);
    }

    [Fact]
    public async Task Token_IsRefused_WhenUserDeleted()
    {
        var (user, token, _) = await NewUserWithTokenAsync(MigratorRoles.Viewer);
        await WithUsersAsync(async users => await users.DeleteAsync((await users.FindByIdAsync(user.Id))!));
        using var client = WithToken(token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/migrations")).StatusCode);
    }

    [Theory]
    [InlineData("mgr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not-a-token")]
    public async Task UnknownToken_Gets401(string token)
    {
        using var client = WithToken(token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/migrations")).StatusCode);
    }

    [Fact]
    public async Task EveryTokenCall_IsAudited_WithMethodPathAndStatus()
    {
        var (user, token, id) = await NewUserWithTokenAsync(MigratorRoles.Viewer);
        using var client = WithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/migrations")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/migrations", new { zoneName = "audited.example" })).StatusCode);

        await using var db = await app.Service<IDbContextFactory<MigratorDbContext>>().CreateDbContextAsync();
        var calls = await db.AuditEvents.AsNoTracking().Where(e => e.Action == AuditActions.ApiTokenCall && e.Target == $"token:{id}").Select(e => e.Details).ToListAsync();
        Assert.Contains("GET /api/migrations -> 200", calls);
        Assert.Contains("POST /api/migrations -> 403", calls);
        Assert.All(await db.AuditEvents.AsNoTracking().Where(e => e.Target == $"token:{id}").ToListAsync(), e => Assert.Equal(user.Email, e.Actor));
        Assert.NotNull((await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == id)).LastUsedAt);
    }

    [Fact]
    public async Task PostTokens_Returns403_WhenCallerUsesAToken()
    {
        using var client = await BearerAsync(MigratorRoles.Admin);
        var response = await client.PostAsJsonAsync("/api/tokens", new { name = "successor" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task DeleteToken_Returns404_ForSomeoneElsesToken()
    {
        var (_, _, othersId) = await NewUserWithTokenAsync(MigratorRoles.Viewer);
        using var admin = await SignIn.AsAsync(app, MigratorRoles.Admin);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/tokens/{othersId}")).StatusCode);
        Assert.DoesNotContain(othersId.ToString(), await admin.GetStringAsync("/api/tokens"));
    }

    [Fact]
    public async Task Token_IsIgnored_OutsideTheApi()
    {
        using var client = await BearerAsync(MigratorRoles.Admin);
        var dashboard = await client.GetAsync("/hangfire");
        Assert.NotEqual(HttpStatusCode.OK, dashboard.StatusCode);
        var page = await client.GetAsync("/audit");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains(AccountEndpoints.SignInPath, page.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Login_Returns401AndAuditsFailure_WhenPasswordWrong()
    {
        var (user, _, _) = await NewUserWithTokenAsync(MigratorRoles.Viewer);
        using var anonymous = app.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/tokens/login", new { email = user.Email, password = "Wrong-password-99" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        await using var db = await app.Service<IDbContextFactory<MigratorDbContext>>().CreateDbContextAsync();
        var failures = await db.AuditEvents.AsNoTracking().Where(e => e.Action == AuditActions.SignInFailed && e.Actor == user.Email).Select(e => e.Details).ToListAsync();
        Assert.Contains("wrong password (API token login)", failures);
        Assert.DoesNotContain(await db.AuditEvents.AsNoTracking().Select(e => e.Details ?? "").ToListAsync(), d => d.Contains("Wrong-password-99"));
    }

    [Fact]
    public async Task Login_LocksOutAfterFiveFailures_LikeTheSignInPage()
    {
        var (user, _, _) = await NewUserWithTokenAsync(MigratorRoles.Viewer);
        using var anonymous = app.CreateClient();
        for (var i = 0; i < 4; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/tokens/login", new { email = user.Email, password = $"Wrong-{i}-password" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.PostAsJsonAsync("/api/tokens/login", new { email = user.Email, password = "Wrong-5-password" })).StatusCode);

        var right = await anonymous.PostAsJsonAsync("/api/tokens/login", new { email = user.Email, password = Password });
        Assert.Equal(HttpStatusCode.Forbidden, right.StatusCode);
        Assert.Equal("Locked out", (await right.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Login_Returns400_WhenFieldsMissing()
    {
        using var anonymous = app.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/tokens/login", new { });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("password", out _));
    }
}
