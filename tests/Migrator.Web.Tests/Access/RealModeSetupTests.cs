using System.Net;
using Migrator.Core.Hosting;
using Migrator.Web.Access;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Access;

public sealed class RealModeSetupTests : IAsyncLifetime
{
    private readonly MigratorWebFactory app = new(MigratorMode.Real);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    private FormUrlEncodedContent Form(string token, string email, string password) => new(new Dictionary<string, string>
    {
        ["__RequestVerificationToken"] = token, ["Email"] = email, ["Password"] = password,
        ["SetupToken"] = File.Exists(Path.Combine(app.DataDirectory, SetupToken.FileName)) ? File.ReadAllText(Path.Combine(app.DataDirectory, SetupToken.FileName)).Trim() : "",
    });

    [Fact]
    public async Task Setup_CreatesFirstAdministratorOnceThenCloses_WhenRealMode()
    {
        using var first = app.CreateBrowserLikeClient();
        var signInPage = await first.GetStringAsync(AccountEndpoints.SignInPath);
        Assert.Contains("Create the first administrator", signInPage);
        Assert.DoesNotContain("Sandbox mode", signInPage);
        Assert.DoesNotContain("sandbox.local", signInPage);

        var weak = await first.PostAsync("/account/setup", Form(await SignIn.AntiforgeryTokenAsync(first, AccountEndpoints.SetupPath), "admin@example.test", "short"));
        Assert.StartsWith(AccountEndpoints.SetupPath + "?error=", weak.Headers.Location?.OriginalString);
        Assert.Empty(await app.Service<AccountDirectory>().ListAsync());

        var created = await first.PostAsync("/account/setup", Form(await SignIn.AntiforgeryTokenAsync(first, AccountEndpoints.SetupPath), "admin@example.test", "Real-admin-password-1"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal("/", created.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/hangfire")).StatusCode);

        using var second = app.CreateBrowserLikeClient();
        var closed = await second.GetAsync(AccountEndpoints.SetupPath);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Contains("Setup is closed", await closed.Content.ReadAsStringAsync());
        var again = await second.PostAsync("/account/setup", Form(await SignIn.AntiforgeryTokenAsync(second, AccountEndpoints.SignInPath), "intruder@example.test", "Intruder-password-1"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        var accounts = await app.Service<AccountDirectory>().ListAsync();
        var only = Assert.Single(accounts);
        Assert.Equal("admin@example.test", only.Email);
        Assert.Equal([MigratorRoles.Admin], only.Roles);
    }
}
