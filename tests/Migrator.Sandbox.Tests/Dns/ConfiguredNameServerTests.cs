using System.Net;
using Migrator.Sandbox.Hosting;
using Migrator.Sandbox.Tests.Support;

namespace Migrator.Sandbox.Tests.Dns;

/// <summary>Configured name servers (names + glue) let a lab TLD delegate to the emulator.</summary>
public sealed class ConfiguredNameServerTests
{
    [Fact]
    public async Task NewZone_UsesConfiguredNameServers_AndListenerAnswersTheirAddresses()
    {
        var address = IPAddress.Parse("127.0.2.15");
        await using var host = await EmulatorHost.StartAsync(new EmulatorOptions
        {
            Url = $"http://{address}:0",
            DnsEndPoint = new IPEndPoint(address, FreePort.UdpAndTcp(address)),
            VerifySignatures = false,
            InsyncDelay = TimeSpan.FromMilliseconds(50),
            NameServers = [new NameServerSpec("ns1.new-dns.lab", address), new NameServerSpec("ns2.new-dns.lab.", address)],
        });
        using var client = new PlainRoute53Client(host.BaseAddress);
        var zone = await client.CreateZoneAsync("example.lab");
        Assert.Equal(["ns1.new-dns.lab", "ns2.new-dns.lab"], zone.NameServers);
        await client.WaitInsyncAsync(zone.ChangeId);

        var soa = await Dig.QueryAsync(host.DnsEndPoint!, "example.lab", "SOA");
        Assert.Single(soa.Answer, a => a.StartsWith("example.lab. 900 IN SOA ns1.new-dns.lab. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400", StringComparison.Ordinal));
        var ns = await Dig.QueryAsync(host.DnsEndPoint!, "ns2.new-dns.lab");
        Assert.True(ns.IsAuthoritative);
        Assert.Equal([$"ns2.new-dns.lab. 172800 IN A {address}"], ns.Answer);
    }
}
