using Microsoft.AspNetCore.HttpOverrides;
using System.Net;

namespace Migrator.Web.Hosting;

/// <summary>
/// Response headers every answer carries (pages, /api, /hangfire, static files, errors): a Content-Security-Policy that
/// Blazor Server and MudBlazor work under without unsafe-eval, no framing, no MIME sniffing, no full referrers, and
/// HSTS when the (original) request was HTTPS.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>MudBlazor sets style attributes at run time, hence 'unsafe-inline' for styles only; scripts come from this origin only.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The Hangfire dashboard renders inline scripts; it keeps every other restriction.</summary>
    public const string HangfireContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public const string StrictTransportSecurity = "max-age=31536000";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/hangfire") ? HangfireContentSecurityPolicy : ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            if (http.Request.IsHttps) headers.StrictTransportSecurity = StrictTransportSecurity;
            return Task.CompletedTask;
        });
        return next(http);
    });

    /// <summary>
    /// Forwarded headers only when proxies are configured: the middleware trusts every sender when its lists are empty.
    /// </summary>
    public static IApplicationBuilder UseTrustedForwardedHeaders(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersOptions>>().Value;
        return options.KnownProxies.Count > 0 || options.KnownIPNetworks.Count > 0 ? app.UseForwardedHeaders() : app;
    }

    /// <summary>
    /// X-Forwarded-For/-Proto/-Host are honoured only from the proxies listed in Migrator:ForwardedHeaders:KnownProxies
    /// (addresses) and KnownNetworks (CIDR); with none listed, nobody can spoof the client address or scheme.
    /// </summary>
    public static IServiceCollection AddTrustedForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Migrator:ForwardedHeaders");
        var proxies = section.GetSection("KnownProxies").Get<string[]>() ?? [];
        var networks = section.GetSection("KnownNetworks").Get<string[]>() ?? [];
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // The defaults trust loopback; nothing is trusted unless configured.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // the obsolete list may still be consulted
            o.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            foreach (var p in proxies) o.KnownProxies.Add(IPAddress.Parse(p));
            foreach (var n in networks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(n));
            o.ForwardLimit = Math.Max(1, proxies.Length + networks.Length);
        });
        return services;
    }
}
