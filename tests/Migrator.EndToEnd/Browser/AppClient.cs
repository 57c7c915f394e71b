using System.Net;
using System.Text.RegularExpressions;

namespace Migrator.EndToEnd.Browser;

/// <summary>HTTP as a browser does it against a <see cref="WebAppProcess"/>: cookies kept, sign-in through the form with its antiforgery token.</summary>
public static partial class AppClient
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public static HttpClient Create(Uri baseAddress, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    public static async Task SignInAsync(HttpClient client, string email, string password)
    {
        var page = await client.GetStringAsync("/account/signin");
        var token = AntiforgeryField().Match(page);
        if (!token.Success) throw new InvalidOperationException("the sign-in page has no antiforgery field");
        var response = await client.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Email"] = email,
            ["Password"] = password,
            ["ReturnUrl"] = "/",
        }));
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString != "/")
            throw new InvalidOperationException($"sign-in as {email} failed: {(int)response.StatusCode} {response.Headers.Location}");
    }
}
