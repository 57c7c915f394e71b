using System.Net;
using Migrator.Core.Probing;
using Migrator.Core.Zones;
using Migrator.Core.Ports;

namespace Migrator.EndToEnd.Lab;

public sealed class ProbeEngineLabTests(DnsLabFixture fixture) : IClassFixture<DnsLabFixture>
{
    private readonly DnsLab _lab = fixture.Lab;

    public static TheoryData<string> Engines => ["DnsClient", "Multiplexed"];

    private static ProbeHandle Create(string engine, DnsProbeSettings? settings = null) =>
        new(engine == "DnsClient" ? new DnsClientProbe(settings) : new MultiplexedUdpProbe(settings));

    private sealed class ProbeHandle(IDnsProbe probe) : IDisposable
    {
        public Task<ProbeResult> QueryAsync(DnsEndpoint server, DomainName name, RecordType type, ProbeOptions? options = null) =>
            probe.QueryAsync(server, name, type, options);
        public void Dispose() => ((IDisposable)probe).Dispose();
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task QueryAsync_ReturnsAuthoritativeCanonicalAnswer_WhenAskingTheOldProvider(string engine)
    {
        using var probe = Create(engine);
        var r = await probe.QueryAsync(_lab.Old, DomainName.Parse("example.lab."), RecordType.MX);

        Assert.Equal(ProbeErrorKind.None, r.Error);
        Assert.Equal("NOERROR", r.ResponseCode);
        Assert.True(r.Authoritative);
        Assert.Equal(["10 mail.example.lab.", "20 mail2.example.lab."], r.AnswerSet.Select(a => a.Data).Order().ToArray());
        Assert.All(r.AnswerSet, a => Assert.Equal(10u, a.Ttl.Seconds));
        Assert.Contains(r.Authorities.Concat(r.Additionals), x => x.Type == RecordType.NS || x.Type == RecordType.A);
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task QueryAsync_FormatsTxtCaaSrvAndSoa_AsBindPrintsThem(string engine)
    {
        using var probe = Create(engine);
        var txt = await probe.QueryAsync(_lab.Old, DomainName.Parse("_dmarc.example.lab."), RecordType.TXT);
        var caa = await probe.QueryAsync(_lab.Old, DomainName.Parse("example.lab."), RecordType.CAA);
        var srv = await probe.QueryAsync(_lab.Old, DomainName.Parse("_sip._tcp.example.lab."), RecordType.SRV);
        var soa = await probe.QueryAsync(_lab.Old, DomainName.Parse("example.lab."), RecordType.SOA);
        var dkim = await probe.QueryAsync(_lab.Old, DomainName.Parse("sel1._domainkey.example.lab."), RecordType.TXT);

        Assert.Equal("\"v=DMARC1; p=quarantine; rua=mailto:dmarc@example.lab\"", Assert.Single(txt.AnswerSet).Data);
        Assert.Equal(["0 iodef \"mailto:security@example.lab\"", "0 issue \"letsencrypt.org\""], caa.AnswerSet.Select(a => a.Data).Order().ToArray());
        Assert.Equal("10 60 5060 sip.example.lab.", Assert.Single(srv.AnswerSet).Data);
        Assert.Equal("ns1.old-dns.lab. hostmaster.example.lab. 2024010101 3600 600 604800 10", Assert.Single(soa.AnswerSet).Data);
        var parts = Assert.Single(dkim.AnswerSet).Data.Split("\" \"");
        Assert.Equal(2, parts.Length);
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task QueryAsync_ReportsNxDomainWithSoa_WhenNameDoesNotExist(string engine)
    {
        using var probe = Create(engine);
        var r = await probe.QueryAsync(_lab.Old, DomainName.Parse("nope.example.lab."), RecordType.A);

        Assert.Equal("NXDOMAIN", r.ResponseCode);
        Assert.True(r.Authoritative);
        Assert.Empty(r.Answers);
        Assert.Equal(RecordType.SOA, Assert.Single(r.Authorities).Type);
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task QueryAsync_RetriesOverTcp_WhenUdpResponseIsTruncated(string engine)
    {
        using var probe = Create(engine);
        var r = await probe.QueryAsync(_lab.Old, DomainName.Parse("big.example.lab."), RecordType.TXT);

        Assert.Equal(ProbeErrorKind.None, r.Error);
        Assert.Equal(24, r.AnswerSet.Count);
        Assert.False(r.Truncated);
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task QueryAsync_ReportsRefused_WhenServerIsNotAuthoritativeAndRecursionIsOff(string engine)
    {
        using var probe = Create(engine);
        // The new provider serves new-dns.lab and example.lab only; BIND refuses other names with recursion off.
        var r = await probe.QueryAsync(_lab.New, DomainName.Parse("old-dns.lab."), RecordType.SOA);

        Assert.Equal(ProbeErrorKind.Refused, r.Error);
        Assert.Equal("REFUSED", r.ResponseCode);
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task QueryAsync_ReportsReferral_WhenAskingTheParent(string engine)
    {
        using var probe = Create(engine);
        var r = await probe.QueryAsync(_lab.TldServer, DomainName.Parse("www.example.lab."), RecordType.A);

        Assert.True(r.IsReferral);
        Assert.Equal(["ns1.old-dns.lab.", "ns2.old-dns.lab."],
            r.Authorities.Where(a => a.Type == RecordType.NS).Select(a => a.Data).Order().ToArray());
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task QueryAsync_ReportsTimeout_WhenNothingListens(string engine)
    {
        using var probe = Create(engine, new DnsProbeSettings(TimeSpan.FromMilliseconds(200), Retries: 1));
        // 127.0.4.250 is in our block but never configured: the packet goes nowhere and nothing answers.
        var silent = new DnsEndpoint(IPAddress.Parse("127.0.4.250"), 53);
        var r = await probe.QueryAsync(silent, DomainName.Parse("example.lab."), RecordType.SOA);

        Assert.Contains(r.Error, new[] { ProbeErrorKind.Timeout, ProbeErrorKind.Network });
        Assert.False(r.Responded);
        Assert.Null(r.ResponseCode);
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task QueryAsync_Recurses_WhenAskedThroughTheResolver(string engine)
    {
        using var probe = Create(engine);
        var r = await probe.QueryAsync(_lab.Resolver, DomainName.Parse("www.example.lab."), RecordType.A, ProbeOptions.Recursive);

        Assert.Equal("203.0.113.10", Assert.Single(r.AnswerSet).Data);
        Assert.False(r.Authoritative);
    }
}
