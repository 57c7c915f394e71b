using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Migrator.Core.Auditing;
using Migrator.Core.Hosting;
using Migrator.Web.Access;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Security;

/// <summary>Finding 4: sign-in abuse resisted, sessions revocable at once.</summary>
public sealed class SignInAbuseTests
{
    private static SandboxAccount Account(string role) => SandboxAccounts.All.Single(a => a.Role == role);

    [Fact]
    public async Task SignIn_StillWorksFromAnotherAddress_WhenStrangerFailedTwentyTimes()
    {
        await using var app = new MigratorWebFactory(MigratorMode.Sandbox);
        var admin = Account(MigratorRoles.Admin);
        using var stranger = TestClientAddress.From(app, "127.0.0.66");
        for (var i = 0; i < 20; i++)
            await SignIn.PostSignInAsync(stranger, admin.Email, $"Wrong-guess-{i}");
        var strangerWithRightPassword = await SignIn.PostSignInAsync(stranger, admin.Email, admin.Password);
        Assert.StartsWith(AccountEndpoints.SignInPath + "?failed=locked", strangerWithRightPassword.Headers.Location?.OriginalString);

        using var onCall = TestClientAddress.From(app, "127.0.0.7");
        var response = await SignIn.PostSignInAsync(onCall, admin.Email, admin.Password);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await onCall.GetAsync("/api/migrations")).StatusCode);
    }

    [Fact]
    public async Task SignIn_Returns429_WhenOneAddressExceedsTheRateLimit()
    {
        await using var app = new MigratorWebFactory(MigratorMode.Sandbox) { SignInPerAddressPerMinute = 5 };
        using var flood = TestClientAddress.From(app, "127.0.0.99");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
            statuses.Add((await SignIn.PostSignInAsync(flood, $"nobody{i}@example.test", "Whatever-123")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Redirect));

        using var other = TestClientAddress.From(app, "127.0.0.100");
        Assert.Equal(HttpStatusCode.Redirect, (await SignIn.PostSignInAsync(other, Account(MigratorRoles.Viewer).Email, Account(MigratorRoles.Viewer).Password)).StatusCode);
    }

    private sealed class CountingHasher : IPasswordHasher<IdentityUser>
    {
        private readonly PasswordHasher<IdentityUser> inner = new();
        public int Verifications;
        public string HashPassword(IdentityUser user, string password) => inner.HashPassword(user, password);
        public PasswordVerificationResult VerifyHashedPassword(IdentityUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref Verifications);
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    [Fact]
    public async Task SignIn_HashesAPasswordForUnknownEmails_AsForKnownOnes()
    {
        var hasher = new CountingHasher();
        await using var app = new MigratorWebFactory(MigratorMode.Sandbox);
        await using var withHasher = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IPasswordHasher<IdentityUser>>(hasher)));
        using var client = withHasher.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var before = hasher.Verifications;
        await SignIn.PostSignInAsync(client, "no.such.person@example.test", "Some-password-1");
        Assert.Equal(before + 1, hasher.Verifications);

        before = hasher.Verifications;
        await SignIn.PostSignInAsync(client, Account(MigratorRoles.Viewer).Email, "Wrong-password-1");
        Assert.Equal(before + 1, hasher.Verifications);
    }

    [Fact]
    public async Task Api_Refuses_WhenAccountLockedOutAfterCookieWasIssued()
    {
        await using var app = new MigratorWebFactory(MigratorMode.Sandbox);
        using var operatorClient = await SignIn.AsAsync(app, MigratorRoles.Operator);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync("/api/migrations")).StatusCode);

        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var user = (await users.FindByEmailAsync(Account(MigratorRoles.Operator).Email))!;
            await users.SetLockoutEnabledAsync(user, true);
            await users.SetLockoutEndDateAsync(user, DateTimeOffset.UtcNow.AddMinutes(5));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await operatorClient.GetAsync("/api/migrations")).StatusCode);
    }

    [Fact]
    public async Task OldCookie_IsRefused_AfterSignOut()
    {
        await using var app = new MigratorWebFactory(MigratorMode.Sandbox);
        using var viewer = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var account = Account(MigratorRoles.Viewer);
        using var browser = await SignIn.AsAsync(app, MigratorRoles.Viewer);

        // Sign in on a cookie-less client and keep the raw cookie, as a thief would.
        var page = await viewer.GetAsync(AccountEndpoints.SignInPath);
        var antiforgeryCookie = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var token = System.Text.RegularExpressions.Regex.Match(await page.Content.ReadAsStringAsync(), "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var post = new HttpRequestMessage(HttpMethod.Post, AccountEndpoints.SignInPath)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token), ["Email"] = account.Email, ["Password"] = account.Password, ["ReturnUrl"] = "/",
            }),
        };
        post.Headers.Add("Cookie", antiforgeryCookie);
        var signedIn = await viewer.SendAsync(post);
        var authCookie = signedIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("Migrator.Auth=", StringComparison.Ordinal));

        async Task<HttpStatusCode> ApiWithStolenCookie()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/migrations");
            request.Headers.Add("Cookie", authCookie);
            return (await viewer.SendAsync(request)).StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, await ApiWithStolenCookie());

        // The same user signs out in the browser.
        var signOutToken = await SignIn.AntiforgeryTokenAsync(browser, AccountEndpoints.SignInPath);
        var signedOut = await browser.PostAsync("/account/signout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = signOutToken }));
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await ApiWithStolenCookie());
    }

    [Fact]
    public async Task AdminActions_DisableAndEndSessions_TakeEffectOnTheNextRequest()
    {
        await using var app = new MigratorWebFactory(MigratorMode.Sandbox);
        using var admin = await SignIn.AsAsync(app, MigratorRoles.Admin);
        using var approver = await SignIn.AsAsync(app, MigratorRoles.Approver);
        var users = await admin.GetFromJsonAsync<JsonElement[]>("/api/admin/users");
        var approverId = users!.Single(u => u.GetProperty("email").GetString() == Account(MigratorRoles.Approver).Email).GetProperty("id").GetString()!;
        var adminId = users!.Single(u => u.GetProperty("email").GetString() == Account(MigratorRoles.Admin).Email).GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/admin/users/{approverId}/end-sessions", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await approver.GetAsync("/api/migrations")).StatusCode);

        using var again = await SignIn.AsAsync(app, MigratorRoles.Approver);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/admin/users/{approverId}/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.GetAsync("/api/migrations")).StatusCode);
        using var third = app.CreateBrowserLikeClient();
        var refused = await SignIn.PostSignInAsync(third, Account(MigratorRoles.Approver).Email, Account(MigratorRoles.Approver).Password);
        Assert.StartsWith(AccountEndpoints.SignInPath + "?failed=disabled", refused.Headers.Location?.OriginalString);

        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/admin/users/{adminId}/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/admin/users/{approverId}/enable", null)).StatusCode);
        Assert.Equal("/", (await SignIn.PostSignInAsync(third, Account(MigratorRoles.Approver).Email, Account(MigratorRoles.Approver).Password)).Headers.Location?.OriginalString);

        using var viewer = await SignIn.AsAsync(app, MigratorRoles.Viewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync($"/api/admin/users/{approverId}/disable", null)).StatusCode);

        var audit = await admin.GetStringAsync("/api/audit?take=1000");
        Assert.Contains(AuditActions.UserDisabled, audit);
        Assert.Contains(AuditActions.SessionsEnded, audit);
    }
}
