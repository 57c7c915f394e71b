using Migrator.Core.Probing;
using Migrator.Core.Zones;
using Migrator.Core.Ports;

namespace Migrator.EndToEnd.Lab;

public sealed class ParityLabTests(DnsLabFixture fixture) : IClassFixture<DnsLabFixture>
{
    private readonly DnsLab _lab = fixture.Lab;

    [Theory]
    [InlineData("DnsClient")]
    [InlineData("Multiplexed")]
    public async Task CheckAsync_FindsOnlyTheRecordMadeDifferent_WhenNewProviderDiffersInOneRRset(string engine)
    {
        var sets = LabZone.RecordSets(_lab.OldZoneFile, DnsLab.Zone);
        using var disposable = engine == "DnsClient" ? (IDisposable)new DnsClientProbe() : new MultiplexedUdpProbe();
        var report = await new ParityChecker((IDnsProbe)disposable).CheckAsync(DnsLab.Zone, sets, _lab.Old, _lab.New);

        var problem = Assert.Single(report.Problems);
        Assert.Equal(new RecordSetKey(DomainName.Parse("www.example.lab."), RecordType.A), problem.Key);
        Assert.Equal(ParityOutcome.Differ, problem.Outcome);
        Assert.Equal(["203.0.113.10"], problem.Old.Values);
        Assert.Equal([DnsLabFixture.NewWwwAddress], problem.New.Values);
        // every other RRset of the file (apex SOA/NS excluded, the canary differs by design) matched
        Assert.Equal(sets.Count - 3, report.Checked);
        Assert.Equal(sets.Count - 3 - 1, report.Matched);
        Assert.Contains(report.Results, r => r.Key.Name.ToString() == "*.apps.example.lab." && r.IsMatch);
        Assert.Contains(report.Results, r => r.Key.Name.ToString() == "big.example.lab." && r.IsMatch && r.Old.Values.Count == 24);
    }
}
