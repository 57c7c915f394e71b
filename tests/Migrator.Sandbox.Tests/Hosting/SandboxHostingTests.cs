using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Migrator.Sandbox.Hosting;
using Migrator.Sandbox.Tests.Support;

namespace Migrator.Sandbox.Tests.Hosting;

/// <summary>The web app hosts the emulator in-process through AddRoute53Emulator; this is that path.</summary>
public sealed class SandboxHostingTests
{
    [Fact]
    public async Task AddRoute53Emulator_StartsEmulatorWithHostApp_AndStopsWithIt()
    {
        var address = IPAddress.Parse("127.0.2.14");
        var dnsPort = FreePort.UdpAndTcp(address);
        var builder = WebApplication.CreateSlimBuilder();
        // The outer app's own endpoint config must not leak into the emulator's Kestrel.
        builder.WebHost.UseUrls($"http://{address}:0");
        builder.Services.AddRoute53Emulator(o =>
        {
            o.Url = $"http://{address}:0";
            o.DnsEndPoint = new IPEndPoint(address, dnsPort);
            o.VerifySignatures = false;
            o.InsyncDelay = TimeSpan.FromMilliseconds(50);
        });
        await using var app = builder.Build();
        app.MapGet("/", () => "outer app");
        await app.StartAsync();

        var emulator = await app.Services.GetRequiredService<EmulatorHostedService>().Started;
        Assert.Equal(address.ToString(), emulator.BaseAddress.Host);
        using (var client = new PlainRoute53Client(emulator.BaseAddress))
        {
            var zone = await client.CreateZoneAsync("hosted.test");
            await client.WaitInsyncAsync(zone.ChangeId);
        }
        Assert.Equal("NOERROR", (await Dig.QueryAsync(emulator.DnsEndPoint!, "hosted.test", "SOA")).Status);

        await app.StopAsync();
        using var probe = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => probe.GetAsync(new Uri(emulator.BaseAddress, "/_emulator/health")));
    }

    [Fact]
    public async Task StartAsync_FailsClearly_AndReleasesHttpPort_WhenDnsPortIsTaken()
    {
        var address = IPAddress.Parse("127.0.2.14");
        var port = FreePort.UdpAndTcp(address);
        using var blocker = new System.Net.Sockets.UdpClient(new IPEndPoint(address, port));
        var httpPort = FreePort.UdpAndTcp(address);
        var options = new EmulatorOptions { Url = $"http://{address}:{httpPort}", DnsEndPoint = new IPEndPoint(address, port) };
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => EmulatorHost.StartAsync(options));
        Assert.Contains($"could not bind {address}:{port}", e.Message);
        await using var again = await EmulatorHost.StartAsync(new EmulatorOptions { Url = $"http://{address}:{httpPort}" });
        Assert.Equal(httpPort, again.BaseAddress.Port);
    }
}
