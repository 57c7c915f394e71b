using System.Globalization;
using System.Net;

namespace Migrator.Core.Probing;

/// <summary>A DNS server to ask directly: an IP address and a UDP/TCP port. Invariant: port 1–65535.</summary>
public sealed record DnsEndpoint
{
    public IPAddress Address { get; }
    public int Port { get; }

    public DnsEndpoint(IPAddress address, int port = 53)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "port must be 1–65535");
        Address = address;
        Port = port;
    }

    /// <summary>Parses "IP", "IP:PORT", "[IPv6]:PORT" or a bare IPv6 address.</summary>
    public static bool TryParse(string? text, out DnsEndpoint endpoint)
    {
        endpoint = null!;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        // "[v6]:port" and "v4:port" carry a port; anything else with colons is a bare IPv6 address
        var withPort = text.StartsWith('[') || text.Count(c => c == ':') == 1;
        if (!withPort)
        {
            if (!IPAddress.TryParse(text, out var bare)) return false;
            endpoint = new DnsEndpoint(bare);
            return true;
        }
        if (!IPEndPoint.TryParse(text, out var ep) || ep.Port > 65535) return false;
        endpoint = new DnsEndpoint(ep.Address, ep.Port == 0 ? 53 : ep.Port);
        return true;
    }

    public static DnsEndpoint Parse(string text) =>
        TryParse(text, out var e) ? e : throw new FormatException($"'{text}' is not IP[:PORT]");

    public IPEndPoint ToIPEndPoint() => new(Address, Port);

    public override string ToString() =>
        Port == 53 ? Address.ToString()
        : Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]:{Port.ToString(CultureInfo.InvariantCulture)}"
        : $"{Address}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
