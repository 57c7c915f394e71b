using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Migrator.Web.Tests.Hosting;

/// <summary>
/// TestServer has no client address; this gives each request the one in the X-Test-Client-Address header (tests only),
/// so per-address limits and trusted-proxy rules can be exercised. Runs before the app's own middleware.
/// </summary>
public sealed class TestClientAddress : IStartupFilter
{
    public const string Header = "X-Test-Client-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((http, nextMiddleware) =>
        {
            if (http.Request.Headers.TryGetValue(Header, out var value) && IPAddress.TryParse(value.ToString(), out var address))
                http.Connection.RemoteIpAddress = address;
            return nextMiddleware(http);
        });
        next(app);
    };

    public static HttpClient From(MigratorWebFactory app, string address)
    {
        var client = app.CreateBrowserLikeClient();
        client.DefaultRequestHeaders.Add(Header, address);
        return client;
    }
}
