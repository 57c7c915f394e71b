using System.Net;
using System.Text.RegularExpressions;
using Migrator.Web.Access;

namespace Migrator.Web.Tests.Hosting;

public static partial class SignIn
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>Posts the sign-in form the way a browser does (antiforgery token from the page, cookies kept) and returns the response.</summary>
    public static async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string email, string password, string returnUrl = "/")
    {
        var page = await client.GetStringAsync(AccountEndpoints.SignInPath);
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, "the sign-in page has no antiforgery field");
        return await client.PostAsync(AccountEndpoints.SignInPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Email"] = email,
            ["Password"] = password,
            ["ReturnUrl"] = returnUrl,
        }));
    }

    /// <summary>A client signed in as the sandbox demo account of <paramref name="role"/>.</summary>
    public static async Task<HttpClient> AsAsync(MigratorWebFactory app, string role)
    {
        var client = app.CreateBrowserLikeClient();
        var account = SandboxAccounts.All.Single(a => a.Role == role);
        var response = await PostSignInAsync(client, account.Email, account.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        return client;
    }

    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string pagePath)
    {
        var page = await client.GetStringAsync(pagePath);
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, $"{pagePath} has no antiforgery field");
        return WebUtility.HtmlDecode(token.Groups[1].Value);
    }
}
