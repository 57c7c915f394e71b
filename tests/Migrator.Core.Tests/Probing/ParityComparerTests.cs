using System.Net;
using Migrator.Core.Probing;
using Migrator.Core.Zones;
using Migrator.Core.Ports;

namespace Migrator.Core.Tests.Probing;

public sealed class ParityComparerTests
{
    private static readonly DnsEndpoint Server = new(IPAddress.Loopback);
    private static readonly DomainName Zone = DomainName.Parse("example.com.");
    private static RecordSetKey K(string name, RecordType type) => new(DomainName.Parse(name), type);

    private static ProbeResult Resp(RecordSetKey key, uint ttl, params string[] values) =>
        new(Server, key.Name, key.Type, ProbeErrorKind.None, "NOERROR", true, false,
            values.Select(v => new ResourceRecord(key.Name, key.Type, new Ttl(ttl), v)).ToList(), [], [], TimeSpan.Zero);

    [Fact]
    public void Compare_Matches_WhenValuesDifferOnlyInOrderAndNameCase()
    {
        var k = K("example.com.", RecordType.MX);
        var r = ParityComparer.Compare(k, Resp(k, 300, "10 mail.example.com.", "20 MX2.Example.com."),
            Resp(k, 300, "20 mx2.example.com.", "10 MAIL.example.COM."), ParityOptions.Default);
        Assert.Equal(ParityOutcome.Match, r.Outcome);
    }

    [Fact]
    public void Compare_Differs_WhenTxtCaseDiffers()
    {
        var k = K("example.com.", RecordType.TXT);
        var r = ParityComparer.Compare(k, Resp(k, 300, "\"Token=ABC\""), Resp(k, 300, "\"token=abc\""), ParityOptions.Default);
        Assert.Equal(ParityOutcome.Differ, r.Outcome);
        Assert.Contains("only old: [\"Token=ABC\"]", r.Detail);
    }

    [Fact]
    public void Compare_Differs_WhenTtlDiffers_UnlessIgnored()
    {
        var k = K("www.example.com.", RecordType.A);
        Assert.Equal(ParityOutcome.Differ, ParityComparer.Compare(k, Resp(k, 300, "192.0.2.1"), Resp(k, 60, "192.0.2.1"), ParityOptions.Default).Outcome);
        Assert.Equal(ParityOutcome.Match,
            ParityComparer.Compare(k, Resp(k, 300, "192.0.2.1"), Resp(k, 60, "192.0.2.1"), new ParityOptions(IgnoreTtl: true)).Outcome);
    }

    [Fact]
    public void Compare_ReportsTheMissingSide()
    {
        var k = K("www.example.com.", RecordType.A);
        var nx = Resp(k, 0) with { ResponseCode = "NXDOMAIN" };
        Assert.Equal(ParityOutcome.MissingOnNew, ParityComparer.Compare(k, Resp(k, 300, "192.0.2.1"), nx, ParityOptions.Default).Outcome);
        Assert.Equal(ParityOutcome.MissingOnOld, ParityComparer.Compare(k, nx, Resp(k, 300, "192.0.2.1"), ParityOptions.Default).Outcome);
        Assert.Equal(ParityOutcome.MissingOnBoth, ParityComparer.Compare(k, nx, nx, ParityOptions.Default).Outcome);
    }

    [Fact]
    public void Compare_IsError_WhenAServerFailsOrIsNotAuthoritative()
    {
        var k = K("www.example.com.", RecordType.A);
        var timeout = ProbeResult.Failed(Server, k.Name, k.Type, ProbeErrorKind.Timeout, TimeSpan.FromSeconds(2), "no response");
        var r = ParityComparer.Compare(k, Resp(k, 300, "192.0.2.1"), timeout, ParityOptions.Default);
        Assert.Equal(ParityOutcome.Error, r.Outcome);
        Assert.Contains("new: no response", r.Detail);

        var notAa = Resp(k, 0) with { Authoritative = false };
        Assert.Equal(ParityOutcome.Error, ParityComparer.Compare(k, notAa, Resp(k, 300, "192.0.2.1"), ParityOptions.Default).Outcome);
        var servfail = Resp(k, 0) with { ResponseCode = "SERVFAIL" };
        Assert.Equal(ParityOutcome.Error, ParityComparer.Compare(k, servfail, Resp(k, 300, "192.0.2.1"), ParityOptions.Default).Outcome);
    }

    [Fact]
    public void Side_ReadsTheReferral_WhenTheRRsetIsADelegation()
    {
        var k = K("sub.example.com.", RecordType.NS);
        var referral = new ProbeResult(Server, k.Name, k.Type, ProbeErrorKind.None, "NOERROR", false, false, [],
            [new ResourceRecord(k.Name, RecordType.NS, new Ttl(3600), "ns1.sub.example.com.")],
            [new ResourceRecord(DomainName.Parse("ns1.sub.example.com."), RecordType.A, new Ttl(3600), "192.0.2.53")], TimeSpan.Zero);
        var side = ParityComparer.Side(k, referral);
        Assert.Null(side.Error);
        Assert.Equal(["ns1.sub.example.com."], side.Values);
    }

    [Fact]
    public void SelectKeys_LeavesOutApexSoaNsDnssecAndCanary_ByDefault()
    {
        RecordSet S(string n, RecordType t) => new(K(n, t), new Ttl(1), ["x"]);
        var sets = new[]
        {
            S("example.com.", RecordType.SOA), S("example.com.", RecordType.NS), S("example.com.", RecordType.A),
            S("sub.example.com.", RecordType.NS), S("example.com.", RecordType.RRSIG), S("_migrator-canary.example.com.", RecordType.TXT),
            S("www.example.com.", RecordType.A), S("WWW.example.com.", RecordType.A), S("other.org.", RecordType.A),
        };
        var keys = ParityComparer.SelectKeys(Zone, sets, ParityOptions.Default);
        Assert.Equal(["example.com. A", "sub.example.com. NS", "www.example.com. A"], keys.Select(k => k.ToString()));

        var all = ParityComparer.SelectKeys(Zone, sets, new ParityOptions(IncludeApexSoaAndNs: true, IncludeDnssec: true, IncludeCanary: true));
        Assert.Equal(7, all.Count);
    }
}
