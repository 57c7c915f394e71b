using System.Net;
using Microsoft.AspNetCore.Hosting;
using Migrator.Core.Hosting;
using Migrator.Core.Route53;
using Migrator.Sandbox.Hosting;
using Migrator.Web.Access;
using Migrator.Web.Settings;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Pages;

/// <summary>A real-mode app with two AWS accounts in its configuration: one with static keys, one by profile.</summary>
public sealed class RealAppWithAwsAccounts() : MigratorWebFactory(MigratorMode.Real)
{
    public const string AccessKey = "AKIAPAGESTEST0ACCESS";
    public const string SecretKey = "pages-test-secret-key-3f9c1e7a";
    public const string SessionToken = "pages-test-session-token-77d2";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Migrator:AwsAccounts:0:Name", "production");
        builder.UseSetting("Migrator:AwsAccounts:0:AccessKey", AccessKey);
        builder.UseSetting("Migrator:AwsAccounts:0:SecretKey", SecretKey);
        builder.UseSetting("Migrator:AwsAccounts:0:SessionToken", SessionToken);
        builder.UseSetting("Migrator:AwsAccounts:0:Region", "eu-west-1");
        builder.UseSetting("Migrator:AwsAccounts:1:Name", "staging");
        builder.UseSetting("Migrator:AwsAccounts:1:Profile", "dns-staging");
    }
}

public sealed class SettingsPageTests
{
    [Fact]
    public void AwsAccountView_CarriesNoKeyMaterial_WhenStaticKeysConfigured()
    {
        var view = AwsAccountView.From(new AwsAccountOptions
        {
            Name = "prod", AccessKey = RealAppWithAwsAccounts.AccessKey, SecretKey = RealAppWithAwsAccounts.SecretKey, SessionToken = RealAppWithAwsAccounts.SessionToken,
        });
        var text = view.ToString();
        Assert.DoesNotContain(RealAppWithAwsAccounts.AccessKey, text);
        Assert.DoesNotContain(RealAppWithAwsAccounts.SecretKey, text);
        Assert.DoesNotContain(RealAppWithAwsAccounts.SessionToken, text);
        Assert.Contains("never shown", view.Credentials);
    }

    [Fact]
    public async Task Settings_ShowsAccountsByNameAndProfile_NeverTheirKeys_InRealMode()
    {
        await using var app = new RealAppWithAwsAccounts();
        using var admin = await RealModeAdmin.SignInAsync(app);

        var response = await admin.GetAsync("/settings");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("production", html);
        Assert.Contains("eu-west-1", html);
        Assert.Contains("profile &quot;dns-staging&quot;", html);
        Assert.DoesNotContain(RealAppWithAwsAccounts.SecretKey, html);
        Assert.DoesNotContain(RealAppWithAwsAccounts.AccessKey, html);
        Assert.DoesNotContain(RealAppWithAwsAccounts.SessionToken, html);
        Assert.Contains("probe-resolvers-none", html);
    }
}

[Collection(SandboxAppCollection.Name)]
public sealed class SandboxSettingsPageTests(SandboxApp app)
{
    [Fact]
    public async Task Settings_ShowsTheSandboxAccountResolversAndDefaults_NeverTheEmulatorSecret()
    {
        using var admin = await SignIn.AsAsync(app, MigratorRoles.Admin);
        var html = await admin.GetStringAsync("/settings");

        Assert.Contains("data-testid=\"aws-accounts\"", html);
        Assert.Contains("data-testid=\"probe-resolvers\"", html);
        Assert.Contains("Target TTL", html);
        Assert.Contains("ISP TTL floor", html);
        Assert.DoesNotContain(app.Service<EmulatorOptions>().SecretKey, html);
    }

    [Theory]
    [InlineData(MigratorRoles.Viewer, "/users")]
    [InlineData(MigratorRoles.Operator, "/users")]
    [InlineData(MigratorRoles.Approver, "/users")]
    public async Task AdminPages_RedirectToAccessDenied_ForNonAdmin(string role, string path)
    {
        using var client = await SignIn.AsAsync(app, role);
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(AccountEndpoints.AccessDeniedPath, response.Headers.Location!.AbsolutePath);
    }
}

/// <summary>The first administrator of a real-mode app, created through /setup with the printed token.</summary>
public static class RealModeAdmin
{
    public const string Email = "admin@example.test";
    public const string Password = "Real-admin-password-1";

    public static async Task<HttpClient> SignInAsync(MigratorWebFactory app)
    {
        var client = app.CreateBrowserLikeClient();
        var token = await SignIn.AntiforgeryTokenAsync(client, AccountEndpoints.SetupPath);
        var setupToken = File.ReadAllText(Path.Combine(app.DataDirectory, SetupToken.FileName)).Trim();
        var created = await client.PostAsync("/account/setup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Email"] = Email, ["Password"] = Password, ["SetupToken"] = setupToken,
        }));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        return client;
    }
}
