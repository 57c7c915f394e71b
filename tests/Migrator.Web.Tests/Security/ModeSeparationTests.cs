using System.Net;
using System.Net.Http.Json;
using Migrator.Core.Hosting;
using Migrator.Web.Access;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Security;

/// <summary>Finding 1: sandbox accounts never land in a real database; /setup needs the token printed at start.</summary>
public sealed class ModeSeparationTests
{
    private static FormUrlEncodedContent SetupForm(string antiforgery, string email, string password, string? token) => new(new Dictionary<string, string>
    {
        ["__RequestVerificationToken"] = antiforgery, ["Email"] = email, ["Password"] = password, ["SetupToken"] = token ?? "",
    });

    internal static async Task<HttpClient> SetUpFirstAdminAsync(MigratorWebFactory app, string email = "admin@example.test", string password = "Real-admin-password-1")
    {
        var client = app.CreateBrowserLikeClient();
        var token = (await File.ReadAllTextAsync(Path.Combine(app.DataDirectory, SetupToken.FileName))).Trim();
        var created = await client.PostAsync("/account/setup", SetupForm(await SignIn.AntiforgeryTokenAsync(client, AccountEndpoints.SetupPath), email, password, token));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal("/", created.Headers.Location?.OriginalString);
        return client;
    }

    [Fact]
    public void DefaultDataDirectory_DiffersBetweenModes()
    {
        var sandbox = MigratorOptions.DefaultDataDirectory("/srv/app", MigratorMode.Sandbox);
        var real = MigratorOptions.DefaultDataDirectory("/srv/app", MigratorMode.Real);
        Assert.NotEqual(sandbox, real);
        Assert.EndsWith("sandbox", sandbox);
        Assert.EndsWith("real", real);
    }

    [Fact]
    public async Task Startup_RefusesSandboxMode_WhenDataDirectoryHoldsRealAccounts()
    {
        var directory = Directory.CreateTempSubdirectory("migrator-web-tests-").FullName;
        try
        {
            await using (var real = new MigratorWebFactory(nameof(MigratorMode.Real), directory))
            {
                real.CreateClient().Dispose();
                (await SetUpFirstAdminAsync(real)).Dispose();
            }

            await using var sandbox = new MigratorWebFactory(nameof(MigratorMode.Sandbox), directory);
            var error = Assert.ThrowsAny<Exception>(() => sandbox.CreateClient());
            var message = Flatten(error);
            Assert.Contains("Sandbox mode refuses a data directory that holds real-mode data", message);
            Assert.Contains("Migrator__Mode=Real", message);

            await using var check = new MigratorWebFactory(nameof(MigratorMode.Real), directory);
            var accounts = await check.Service<AccountDirectory>().ListAsync();
            Assert.DoesNotContain(accounts, a => SandboxAccounts.IsSandboxEmail(a.Email));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Setup_RefusesWithoutTheStartToken_AndAcceptsTheTokenFromTheFile()
    {
        await using var app = new MigratorWebFactory(MigratorMode.Real);
        using var stranger = app.CreateBrowserLikeClient();
        var tokenFile = Path.Combine(app.DataDirectory, SetupToken.FileName);
        Assert.True(File.Exists(tokenFile));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));

        foreach (var guess in new[] { null, "", "not-the-token" })
        {
            var refused = await stranger.PostAsync("/account/setup", SetupForm(await SignIn.AntiforgeryTokenAsync(stranger, AccountEndpoints.SetupPath), "intruder@example.test", "Intruder-password-1", guess));
            Assert.StartsWith(AccountEndpoints.SetupPath + "?error=", refused.Headers.Location?.OriginalString);
        }
        Assert.Empty(await app.Service<AccountDirectory>().ListAsync());

        using var admin = await SetUpFirstAdminAsync(app);
        Assert.False(File.Exists(tokenFile));
        Assert.Equal([MigratorRoles.Admin], Assert.Single(await app.Service<AccountDirectory>().ListAsync()).Roles);
    }

    internal static string Flatten(Exception e) => e is AggregateException a
        ? string.Join(" | ", a.Flatten().InnerExceptions.Select(Flatten))
        : e.Message + (e.InnerException is null ? "" : " | " + Flatten(e.InnerException));
}

[Collection(SandboxAppCollection.Name)]
public sealed class ReservedDomainTests(SandboxApp app)
{
    [Theory]
    [InlineData("boss@sandbox.local.")]
    [InlineData("Boss@SANDBOX.LOCAL")]
    [InlineData("boss@Sandbox.Local. ")]
    public async Task CreateUser_RefusesReservedSandboxDomain_WhateverTheCaseOrTrailingDot(string email)
    {
        using var admin = await SignIn.AsAsync(app, MigratorRoles.Admin);
        var response = await admin.PostAsJsonAsync("/api/admin/users", new { email, password = "Some-password-123", role = MigratorRoles.Viewer });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("reserved", await response.Content.ReadAsStringAsync());
    }

}
