using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Microsoft.Extensions.Time.Testing;
using Migrator.Sandbox.World;

namespace Migrator.Sandbox.Tests.World;

/// <summary>Starts a world on its own 127.77.N.x addresses (N unique per world in this process) with a fake clock.</summary>
internal static class TestWorlds
{
    private static int _next = 100;

    public static WorldOptions Options(string? dataDirectory = null, FakeTimeProvider? time = null) => new()
    {
        AddressPrefix = $"127.77.{Interlocked.Increment(ref _next)}",
        DataDirectory = dataDirectory,
        TimeProvider = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero)),
    };

    public static async Task<DnsMessage> QueryAsync(IPEndPoint server, string name, RecordType type, bool recursion = true)
    {
        var client = new ARSoft.Tools.Net.Dns.DnsClient([server.Address], [new UdpClientTransport(server.Port), new TcpClientTransport(server.Port)], false, 5000);
        return await client.ResolveAsync(DomainName.Parse(name), type, RecordClass.INet, new DnsQueryOptions { IsRecursionDesired = recursion, IsEDnsEnabled = true, EDnsOptions = new OptRecord { UdpPayloadSize = 1232 } })
            ?? throw new TimeoutException($"no answer from {server} for {name} {type}");
    }

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "migrator-world-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
