using System.Net;
using System.Text.Json;
using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.Cli.Tests;

/// <summary>
/// `migrator dns delegation --json` writes the typed report: names, endpoints and addresses as their presentation text,
/// TTLs as numbers of seconds, severities by name, absent values left out.
/// </summary>
public class DnsDelegationJsonTests
{
    [Fact]
    public void Json_WritesNamesAsTextAndTtlsAsSeconds_ForATypedReport()
    {
        var ns1 = DomainName.Parse("ns1.example.net.");
        var parent = new DnsEndpoint(IPAddress.Parse("127.0.0.2"), 5353);
        var child = new DnsEndpoint(IPAddress.Parse("127.0.0.3"));
        var report = new DelegationReport(
            DomainName.Parse("example.com."), DomainName.Parse("com."),
            [new ParentServer(DomainName.Parse("a.gtld.test."), parent)],
            [ns1], new Ttl(172800),
            [new NameServerAddresses(ns1, [IPAddress.Parse("127.0.0.3"), IPAddress.Parse("::1")])],
            ["12345 13 2 ABCDEF"],
            [ns1], new Ttl(3600),
            [new ChildServerReport(ns1, child, "NOERROR", true, [ns1], new Ttl(3600), 2026120201, null, TimeSpan.FromMilliseconds(3))],
            [new DelegationFinding(DelegationRules.NsSetsDiffer, "parent and child differ", parent.ToString())]);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, DnsCliSupport.Json));
        var root = json.RootElement;

        Assert.Equal("example.com.", root.GetProperty("zone").GetString());
        Assert.Equal(172800, root.GetProperty("parentNsTtl").GetInt32());
        Assert.Equal("127.0.0.2:5353", root.GetProperty("parentServers")[0].GetProperty("endpoint").GetString());
        Assert.Equal("a.gtld.test.", root.GetProperty("parentServers")[0].GetProperty("name").GetString());
        Assert.Equal(["127.0.0.3", "::1"], root.GetProperty("glue")[0].GetProperty("addresses").EnumerateArray().Select(a => a.GetString()));
        var server = root.GetProperty("servers")[0];
        Assert.Equal(3600, server.GetProperty("nsTtl").GetInt32());
        Assert.Equal(2026120201u, server.GetProperty("soaSerial").GetUInt32());
        Assert.False(server.TryGetProperty("error", out _), "a null error is left out");
        Assert.False(server.TryGetProperty("isLame", out _), "IsLame is derived, not written");
        var finding = root.GetProperty("findings")[0];
        Assert.Equal("DELEG02", finding.GetProperty("ruleId").GetString());
        Assert.Equal("Warning", finding.GetProperty("severity").GetString());
        Assert.False(root.GetProperty("healthy").GetBoolean(), "a warning makes the report unhealthy, and the JSON says so");
    }
}
