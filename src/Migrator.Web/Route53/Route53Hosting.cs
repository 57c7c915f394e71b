using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Migrator.Core.Hosting;
using Migrator.Core.Migrations.Adapters;
using Migrator.Core.Route53;
using Migrator.Sandbox.Hosting;

namespace Migrator.Web.Route53;

/// <summary>The "Migrator:Sandbox" section: where the in-process Route 53 emulator listens in sandbox mode.</summary>
public sealed class SandboxEmulatorOptions
{
    public const string SectionName = "Migrator:Sandbox";

    /// <summary>Loopback port of the emulator's authoritative DNS listener (UDP and TCP); 0 picks a free one.</summary>
    public int DnsPort { get; set; }

    /// <summary>Seconds from a change's submission until it is INSYNC and served by the DNS listener.</summary>
    public double InsyncDelaySeconds { get; set; } = 2;
}

/// <summary>
/// The AWS accounts Migrator writes to. In sandbox mode there is exactly one, "sandbox", pointing at the in-process
/// emulator (loopback only); in real mode they come from "Migrator:AwsAccounts". Invariant: one
/// <see cref="Route53Accounts"/> — hence one change scheduler per account — for the life of the process. Real-mode
/// accounts are read by Core's <see cref="ConfiguredRoute53AccountSource"/>; this adds the sandbox emulator's account,
/// and is the process's <see cref="IRoute53AccountSource"/> (so jobs and the migration workflow use the same accounts).
/// </summary>
public sealed class Route53AccountProvider(IServiceProvider services, IOptions<MigratorOptions> migrator, IConfiguration configuration, TimeProvider time) : IRoute53AccountSource, IDisposable
{
    private readonly Lazy<Task<Route53Accounts>> _accounts = new(() => CreateAsync(services, migrator.Value, configuration, time));

    public Task<Route53Accounts> GetAsync() => _accounts.Value;

    /// <summary>The running emulator in sandbox mode; null in real mode.</summary>
    public Task<EmulatorHost>? Emulator => migrator.Value.Mode == MigratorMode.Sandbox
        ? services.GetRequiredService<EmulatorHostedService>().Started
        : null;

    private static async Task<Route53Accounts> CreateAsync(IServiceProvider services, MigratorOptions migrator, IConfiguration configuration, TimeProvider time)
    {
        if (migrator.Mode == MigratorMode.Sandbox)
        {
            var host = await services.GetRequiredService<EmulatorHostedService>().Started;
            var options = services.GetRequiredService<EmulatorOptions>();
            return new Route53Accounts([new AwsAccountOptions
            {
                Name = "sandbox",
                AccessKey = options.AccessKey,
                SecretKey = options.SecretKey,
                Route53Endpoint = host.BaseAddress,
                DomainsEndpoint = host.BaseAddress,
                DnsEndpoint = host.DnsEndPoint?.ToString(),
            }], time);
        }
        return await new ConfiguredRoute53AccountSource(configuration, time).GetAsync();
    }

    public void Dispose()
    {
        if (_accounts.IsValueCreated && _accounts.Value.IsCompletedSuccessfully) _accounts.Value.Result.Dispose();
    }
}

public static class Route53Hosting
{
    /// <summary>Route 53 accounts; in sandbox mode also the Route 53 + Route 53 Domains emulator with its DNS listener, on loopback.</summary>
    public static WebApplicationBuilder AddMigratorRoute53(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SandboxEmulatorOptions>().BindConfiguration(SandboxEmulatorOptions.SectionName)
            .Validate(o => o.DnsPort is >= 0 and <= 65535, "Migrator:Sandbox:DnsPort must be 0–65535")
            .Validate(o => o.InsyncDelaySeconds is >= 0 and <= 600, "Migrator:Sandbox:InsyncDelaySeconds must be 0–600")
            .ValidateOnStart();
        services.AddSingleton<Route53AccountProvider>();
        services.AddSingleton<HostedZoneCache>();
        services.AddSingleton<IRoute53AccountSource>(sp => sp.GetRequiredService<Route53AccountProvider>());
        services.AddScoped<HostedZoneDirectory>();

        var mode = builder.Configuration.GetValue<MigratorMode?>("Migrator:Mode") ?? MigratorMode.Sandbox;
        if (mode != MigratorMode.Sandbox) return builder;

        services.AddSingleton(sp =>
        {
            var migrator = sp.GetRequiredService<IOptions<MigratorOptions>>().Value;
            var sandbox = sp.GetRequiredService<IOptions<SandboxEmulatorOptions>>().Value;
            var directory = Path.Combine(migrator.DataDirectory!, "route53-sandbox");
            var keys = SandboxCredentials.LoadOrCreate(directory);
            return new EmulatorOptions
            {
                AccessKey = keys.AccessKey,
                SecretKey = keys.SecretKey,
                Url = "http://127.0.0.1:0",
                DnsEndPoint = new IPEndPoint(IPAddress.Loopback, sandbox.DnsPort == 0 ? FreeUdpAndTcpPort() : sandbox.DnsPort),
                DataDirectory = directory,
                InsyncDelay = TimeSpan.FromSeconds(sandbox.InsyncDelaySeconds),
            };
        });
        services.AddSingleton<EmulatorHostedService>();
        services.AddHostedService(sp => sp.GetRequiredService<EmulatorHostedService>());
        return builder;
    }

    /// <summary>A loopback port free for both UDP and TCP at the time of the call (DNS listens on both).</summary>
    private static int FreeUdpAndTcpPort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try { tcp.Bind(new IPEndPoint(IPAddress.Loopback, port)); return port; }
            catch (SocketException) { }
        }
        throw new InvalidOperationException("no loopback port is free for both UDP and TCP");
    }
}
