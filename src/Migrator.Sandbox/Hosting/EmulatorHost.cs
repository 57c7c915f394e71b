using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Migrator.Sandbox.Dns;

namespace Migrator.Sandbox.Hosting;

/// <summary>
/// A running emulator: its own Kestrel on <see cref="EmulatorOptions.Url"/> (loopback; port 0 picks a free one) plus
/// the authoritative DNS listener. This is what the web app starts in sandbox mode and what tests start per class.
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly AuthoritativeDnsServer? _dns;

    private EmulatorHost(WebApplication app, Emulator emulator, Uri baseAddress, AuthoritativeDnsServer? dns)
    {
        _app = app;
        Emulator = emulator;
        BaseAddress = baseAddress;
        _dns = dns;
    }

    public Emulator Emulator { get; }

    /// <summary>Endpoint for both Route 53 and Route 53 Domains clients, e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public Uri BaseAddress { get; }

    public IPEndPoint? DnsEndPoint => _dns?.EndPoint;

    /// <summary>The control API's per-process token (header X-Emulator-Token).</summary>
    public string ControlToken => Emulator.ControlToken;

    public static async Task<EmulatorHost> StartAsync(EmulatorOptions options, CancellationToken ct = default)
    {
        var url = new Uri(options.Url);
        var address = url.Host is "localhost" ? IPAddress.Loopback : IPAddress.Parse(url.Host);
        var emulator = new Emulator(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = typeof(EmulatorHost).Assembly.GetName().Name });
        // Hosted inside the web app, the emulator must not pick up the app's appsettings/ASPNETCORE_* (Kestrel endpoints!).
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        // The embedding process owns signals; the emulator must not stop itself on Ctrl+C or SIGTERM.
        builder.Services.AddSingleton<IHostLifetime, DetachedLifetime>();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(address, url.Port);
            k.Limits.MaxRequestBodySize = 32 * 1024 * 1024;
        });
        var app = builder.Build();
        app.Run(emulator.HandleAsync);
        await app.StartAsync(ct);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        AuthoritativeDnsServer? dns = null;
        if (options.DnsEndPoint is not null)
        {
            dns = new AuthoritativeDnsServer(emulator.Route53, options.DnsEndPoint, options.NameServers, emulator.DnsFaults);
            dns.QueryAnswered += new Logs.QueryLogWriter(emulator.Route53, emulator.Logs, options.TimeProvider).Write;
            try { dns.Start(); }
            catch (System.Net.Sockets.SocketException e)
            {
                await app.StopAsync(ct);
                await app.DisposeAsync();
                emulator.Dispose();
                throw new InvalidOperationException($"The DNS listener could not bind {options.DnsEndPoint}: {e.SocketErrorCode}", e);
            }
        }
        return new EmulatorHost(app, emulator, new Uri(bound.TrimEnd('/')), dns);
    }

    public async Task WaitForShutdownAsync(CancellationToken ct = default) => await _app.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync()
    {
        _dns?.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Emulator.Dispose();
    }
}

internal sealed class DetachedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Runs an <see cref="EmulatorHost"/> for the lifetime of a generic host (the web app in sandbox mode).</summary>
public sealed class EmulatorHostedService(EmulatorOptions options) : IHostedService
{
    private readonly TaskCompletionSource<EmulatorHost> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private EmulatorHost? _host;

    /// <summary>Completes once the emulator listens; gives its base address and DNS endpoint.</summary>
    public Task<EmulatorHost> Started => _started.Task;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _host = await EmulatorHost.StartAsync(options, cancellationToken);
        _started.TrySetResult(_host);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}

public static class SandboxHosting
{
    /// <summary>
    /// Registers the emulator as a hosted service (own Kestrel on a loopback port, plus the DNS listener).
    /// Resolve <see cref="EmulatorHostedService"/> and await <see cref="EmulatorHostedService.Started"/> for the addresses.
    /// </summary>
    public static IServiceCollection AddRoute53Emulator(this IServiceCollection services, Action<EmulatorOptions> configure)
    {
        var options = new EmulatorOptions();
        configure(options);
        services.AddSingleton(options);
        services.AddSingleton<EmulatorHostedService>();
        services.AddHostedService(sp => sp.GetRequiredService<EmulatorHostedService>());
        return services;
    }
}
