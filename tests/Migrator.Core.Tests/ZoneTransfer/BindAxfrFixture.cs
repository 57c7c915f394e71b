using System.Diagnostics;
using System.Net;
using System.Text;

namespace Migrator.Core.Tests.ZoneTransfer;

/// <summary>One named for the AXFR tests on 127.0.1.1: an open zone, a 12,000-record zone, a closed one and a keyed one.</summary>
public sealed class BindAxfrFixture : IDisposable
{
    public const string KeyName = "xfer-key";
    public const string KeySecret = "bWlncmF0b3ItdGVzdC10c2lnLXNlY3JldC0wMTIzNDU2Nzg5"; // test-only
    public const int BigZoneHosts = 12_000;

    public BindServer Server { get; }

    public BindAxfrFixture()
    {
        Server = BindServer.Start(IPAddress.Parse("127.0.1.1"),
        [
            new BindZone("example.test", SmallZone("example.test")),
            new BindZone("big.test", BigZone("big.test")),
            new BindZone("bigkeyed.test", BigZone("bigkeyed.test"), $"key \"{KeyName}\";"),
            new BindZone("closed.test", SmallZone("closed.test"), "none;"),
            new BindZone("keyed.test", SmallZone("keyed.test"), $"key \"{KeyName}\";"),
            // Every type the zone reader knows, with BIND's tricky spellings: AXFR must print each as the writer does.
            new BindZone("types.test", File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "zones", "good", "types.zone"))),
            new BindZone("dnssec.test", File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "zones", "good", "dnssec-loc-misc.zone"))),
        ], $$"""key "{{KeyName}}" { algorithm hmac-sha256; secret "{{KeySecret}}"; };""");
    }

    public static string SmallZone(string origin) => $"""
        $ORIGIN {origin}.
        $TTL 300
        @        3600 IN SOA ns1 hostmaster 2024010101 7200 900 1209600 300
        @        3600 IN NS  ns1
        @        3600 IN NS  ns2.example.net.
        @             IN A   192.0.2.1
        @             IN MX  10 mail
        @             IN TXT "v=spf1 mx -all"
        ns1           IN A   192.0.2.53
        mail          IN A   192.0.2.25
        www           IN CNAME web
        web           IN A   192.0.2.80
        web           IN AAAA 2001:db8::80
        _sip._tcp     IN SRV 10 5 5060 sip
        sip           IN A   192.0.2.82
        *.apps        IN A   192.0.2.81
        """;

    private static string BigZone(string origin)
    {
        var sb = new StringBuilder($"$ORIGIN {origin}.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.53\n");
        for (var i = 0; i < BigZoneHosts; i++)
        {
            sb.Append($"host{i} IN A 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}\n");
            if (i % 4 == 0) sb.Append($"host{i} IN AAAA 2001:db8::{i:x}\n");
            if (i % 10 == 0) sb.Append($"host{i} 60 IN TXT \"record number {i} of the big zone\"\n");
            if (i % 50 == 0) sb.Append($"host{i} IN MX {i % 100} mx{i}.example.net.\n");
        }
        return sb.ToString();
    }

    /// <summary>What BIND itself makes of a zone file: named-compilezone -s full, one "owner ttl type rdata" per record.</summary>
    public static List<string> CompileZone(string origin, string path)
    {
        var tool = BindServer.FindOnPath("named-compilezone") ?? throw new InvalidOperationException("named-compilezone not on PATH: install bind9-utils");
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-q", "-i", "none", "-k", "ignore", "-s", "full", "-o", "-", origin, path }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"named-compilezone failed: {p.StandardError.ReadToEnd()}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith(';')) // "; resign=" notes after signed records
            .Select(l => l.Split((char[]?)null, 5, StringSplitOptions.RemoveEmptyEntries))
            .Select(f => $"{f[0].ToLowerInvariant()} {f[1]} {f[3]} {(f.Length > 4 ? f[4].Trim() : "")}".TrimEnd())
            .ToList();
    }

    public void Dispose() => Server.Dispose();
}
