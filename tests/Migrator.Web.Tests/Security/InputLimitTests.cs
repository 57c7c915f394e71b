using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Migrator.Core.Hosting;
using Migrator.Web.Access;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Security;

/// <summary>Findings 8 and 9 at the HTTP surface: names, body caps, ReturnUrl.</summary>
[Collection(SandboxAppCollection.Name)]
public sealed class InputLimitTests(SandboxApp app)
{
    [Fact]
    public async Task PostMigrations_Returns413WithSmallBody_WhenBodyIs20MB()
    {
        using var operatorClient = await SignIn.AsAsync(app, MigratorRoles.Operator);
        var huge = new string('a', 20 * 1024 * 1024);
        var response = await operatorClient.PostAsync("/api/migrations", JsonContent.Create(new { zoneName = huge }));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length < 4096);
    }

    [Theory]
    [InlineData("a.*.example.com")]
    [InlineData("bad\u0000name.example")]
    [InlineData("evil\u202Emoc.example")]
    [InlineData("tab\there.example")]
    public async Task PostMigrations_Returns400_WhenZoneNameHasControlBidiOrMisplacedStar(string name)
    {
        using var operatorClient = await SignIn.AsAsync(app, MigratorRoles.Operator);
        var response = await operatorClient.PostAsJsonAsync("/api/migrations", new { zoneName = name });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task PostMigrations_RefusesWithShortMessage_WhenNameIs100KB()
    {
        using var operatorClient = await SignIn.AsAsync(app, MigratorRoles.Operator);
        var response = await operatorClient.PostAsJsonAsync("/api/migrations", new { zoneName = new string('b', 100_000) + ".example" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length < 2048);
    }

    [Fact]
    public async Task PostMigrations_StoresALabel_WhenNameIsUnicode()
    {
        using var operatorClient = await SignIn.AsAsync(app, MigratorRoles.Operator);
        var unique = $"bücher{Guid.NewGuid():N}"[..20];
        var response = await operatorClient.PostAsJsonAsync("/api/migrations", new { zoneName = $"{unique}.de" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var zone = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("zoneName").GetString()!;
        Assert.StartsWith("xn--", zone);
        Assert.Equal(new System.Globalization.IdnMapping().GetAscii(unique) + ".de", zone.TrimEnd('.'));
        Assert.DoesNotContain("\\", zone);
    }

    [Theory]
    [InlineData("/audit\tx")]
    [InlineData("/audit\r\nSet-Cookie: x=1")]
    [InlineData("/evil\u3002example")]
    [InlineData("/caf\u00e9")]
    public async Task SignIn_RedirectsHome_WhenReturnUrlHasControlOrNonAsciiCharacters(string returnUrl)
    {
        using var client = app.CreateBrowserLikeClient();
        var account = SandboxAccounts.All[0];
        var response = await SignIn.PostSignInAsync(client, account.Email, account.Password, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }
}
