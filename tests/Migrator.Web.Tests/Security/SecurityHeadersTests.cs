using System.Net;
using Migrator.Core.Hosting;
using Migrator.Web.Access;
using Migrator.Web.Hosting;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Security;

/// <summary>Finding 6: CSP, nosniff, Referrer-Policy and framing headers on every response; HSTS and Secure cookies over HTTPS; forwarded headers from known proxies only.</summary>
[Collection(SandboxAppCollection.Name)]
public sealed class SecurityHeadersTests(SandboxApp app)
{
    [Theory]
    [InlineData("/account/signin")]
    [InlineData("/")]
    [InlineData("/api/migrations")]
    [InlineData("/hangfire")]
    [InlineData("/healthz")]
    [InlineData("/no-such-page")]
    [InlineData("/app.css")]
    public async Task Response_CarriesSecurityHeaders_ForAnonymousRequest(string path)
    {
        using var client = app.CreateBrowserLikeClient();
        var response = await client.GetAsync(path);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "no HSTS over plain HTTP");
    }

    [Fact]
    public async Task Hangfire_CarriesFramingHeaders_ForAdmin()
    {
        using var admin = await SignIn.AsAsync(app, MigratorRoles.Admin);
        var response = await admin.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("frame-ancestors 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task Https_GetsHstsAndSecureCookies()
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = true,
        });
        var page = await client.GetAsync(AccountEndpoints.SignInPath);
        Assert.Equal(SecurityHeaders.StrictTransportSecurity, Assert.Single(page.Headers.GetValues("Strict-Transport-Security")));
        var account = SandboxAccounts.All[0];
        var signedIn = await SignIn.PostSignInAsync(client, account.Email, account.Password);
        var auth = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("Migrator.Auth=", StringComparison.Ordinal));
        Assert.Contains("secure", auth, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", auth, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ForwardedProto_IsIgnored_WhenNotFromAConfiguredProxy()
    {
        using var client = TestClientAddress.From(app, "127.0.0.55");
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        var page = await client.GetAsync(AccountEndpoints.SignInPath);
        Assert.False(page.Headers.Contains("Strict-Transport-Security"));
    }
}

public sealed class TrustedProxyTests
{
    private sealed class BehindProxy() : MigratorWebFactory(nameof(MigratorMode.Sandbox))
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Migrator:ForwardedHeaders:KnownProxies:0", "127.0.0.2");
        }
    }

    [Fact]
    public async Task Cookie_IsSecure_WhenConfiguredProxyForwardsHttps()
    {
        await using var app = new BehindProxy();
        using var client = TestClientAddress.From(app, "127.0.0.2");
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "127.0.0.77");
        var account = SandboxAccounts.All[0];
        var signedIn = await SignIn.PostSignInAsync(client, account.Email, account.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains("secure", signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("Migrator.Auth=", StringComparison.Ordinal)), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(SecurityHeaders.StrictTransportSecurity, Assert.Single(signedIn.Headers.GetValues("Strict-Transport-Security")));
    }
}
