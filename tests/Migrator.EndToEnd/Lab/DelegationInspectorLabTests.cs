using Migrator.Core.Zones;
using Migrator.Core.Tsig;
using Migrator.Core.Probing;

namespace Migrator.EndToEnd.Lab;

public sealed class DelegationInspectorHealthyLabTests(DnsLabFixture fixture) : IClassFixture<DnsLabFixture>
{
    private readonly DnsLab _lab = fixture.Lab;

    [Fact]
    public async Task InspectAsync_ReportsParentAndChildViewsWithoutFindings_WhenDelegationIsHealthy()
    {
        using var probe = new DnsClientProbe();
        var report = await new DelegationInspector(probe).InspectAsync(DnsLab.Zone, [_lab.Root]);

        Assert.True(report.Healthy, string.Join("\n", report.Findings));
        Assert.Equal(DomainName.Parse("lab."), report.ParentZone);
        Assert.Equal([_lab.TldIp], report.ParentServers.Select(s => s.Endpoint.Address).ToArray());
        Assert.Equal(["ns1.old-dns.lab.", "ns2.old-dns.lab."], report.ParentNs.Select(n => n.ToString()));
        Assert.Equal(new Ttl(86400), report.ParentNsTtl);
        Assert.Equal(["ns1.old-dns.lab.", "ns2.old-dns.lab."], report.ChildNs.Select(n => n.ToString()));
        Assert.Equal(new Ttl(15), report.ChildNsTtl);
        Assert.Empty(report.Ds);
        Assert.Equal(2, report.Servers.Count);
        Assert.All(report.Servers, s => { Assert.True(s.Authoritative); Assert.Equal(2024010101u, s.SoaSerial); Assert.Equal(_lab.OldIp, s.Endpoint.Address); });
        // sibling glue (old-dns.lab lies under the parent lab.) comes with the referral
        Assert.Contains(report.Glue, g => g.Name == DomainName.Parse("ns1.old-dns.lab.") && g.Addresses.SequenceEqual([_lab.OldIp]));
    }

    [Fact]
    public async Task InspectFromParentAsync_ReportsDelegation_WhenStartingAtTheParentServers()
    {
        using var probe = new DnsClientProbe();
        var report = await new DelegationInspector(probe).InspectFromParentAsync(
            Migrator.Core.Zones.DomainName.Parse("new-dns.lab."), [_lab.TldServer], [_lab.Root]);

        Assert.True(report.Healthy, string.Join("\n", report.Findings));
        Assert.Equal(["ns-1.new-dns.lab.", "ns-2.new-dns.lab."], report.ParentNs.Select(n => n.ToString()));
        Assert.All(report.Servers, s => Assert.Equal(1u, s.SoaSerial));
    }
}

public sealed class DelegationInspectorLameLabTests(LameLabFixture fixture) : IClassFixture<LameLabFixture>
{
    private readonly DnsLab _lab = fixture.Lab;

    [Fact]
    public async Task InspectAsync_FindsLameServerAndNsMismatch_WhenParentListsAServerThatDoesNotServeTheZone()
    {
        using var probe = new DnsClientProbe();
        var report = await new DelegationInspector(probe).InspectAsync(DnsLab.Zone, [_lab.Root]);

        Assert.False(report.Healthy);
        Assert.Equal(["ns1.lame-dns.lab.", "ns1.old-dns.lab.", "ns2.old-dns.lab."], report.ParentNs.Select(n => n.ToString()));
        Assert.Equal(new Ttl(3600), report.ParentNsTtl);
        var lame = Assert.Single(report.Findings, f => f.RuleId == "DELEG01");
        Assert.Contains("ns1.lame-dns.lab.", lame.Message);
        Assert.Contains(_lab.RootIp.ToString(), lame.Message);
        var mismatch = Assert.Single(report.Findings, f => f.RuleId == "DELEG02");
        Assert.Contains("only at parent [ns1.lame-dns.lab.]", mismatch.Message);
        Assert.Contains("only at child []", mismatch.Message);
        Assert.DoesNotContain(report.Findings, f => f.RuleId is "DELEG04" or "DELEG05" or "DELEG06" or "DELEG07");
        // the lame server's own name cannot be resolved authoritatively either (lame-dns.lab is served by the same
        // non-authoritative address), so its glue has nothing to match; the old provider's glue is fine
        Assert.All(report.Findings.Where(f => f.RuleId == "DELEG03"), f => Assert.Equal("ns1.lame-dns.lab.", f.Server));
        var lameServer = Assert.Single(report.Servers, s => s.Name == DomainName.Parse("ns1.lame-dns.lab."));
        Assert.False(lameServer.Authoritative);
    }
}

public sealed class DelegationInspectorDsLabTests(DnsLabFixture fixture) : IClassFixture<DnsLabFixture>
{
    private readonly DnsLab _lab = fixture.Lab;

    [Fact]
    public async Task InspectAsync_FindsDsWithoutDnskey_WhenTheParentPublishesDsForAnUnsignedZone()
    {
        using var probe = new DnsClientProbe();
        var changer = new Migrator.Core.DynamicUpdate.Rfc2136DelegationChanger(
            new Migrator.Core.DynamicUpdate.DynamicUpdateClient(_lab.TldServer,
                Migrator.Core.Tsig.TsigKey.FromBase64("tld-key", _lab.TldKeySecret), TimeProvider.System), DnsLab.Tld, probe, null, new Migrator.Core.Ports.InMemoryOperationJournal(TimeProvider.System));
        var current = await changer.GetCurrentAsync(DnsLab.Zone, default);
        var ds = "12345 8 2 " + new string('A', 64);
        var (_, result) = await changer.ChangeAsync(current with { DsRecords = [ds] }, current, default);
        Assert.True(result.Applied, result.ToString());

        var report = await new DelegationInspector(probe).InspectAsync(DnsLab.Zone, [_lab.Root]);

        // the report holds RDATA in canonical form (BIND splits long digests)
        Assert.True(Migrator.Core.Zones.Rdata.RdataFormat.TryCanonicalize(Migrator.Core.Zones.RecordType.DS, ds,
            Migrator.Core.Zones.DomainName.Root, out var canonicalDs, out _));
        Assert.Equal([canonicalDs], report.Ds);
        var finding = Assert.Single(report.Findings);
        Assert.Equal("DELEG06", finding.RuleId);
        Assert.Contains("serves no DNSKEY", finding.Message);
        Assert.Equal(["ns1.old-dns.lab.", "ns2.old-dns.lab."], report.ParentNs.Select(n => n.ToString())); // NS set and TTL kept by the DS-only change
        Assert.Equal(new Ttl(86400), report.ParentNsTtl);
    }
}
