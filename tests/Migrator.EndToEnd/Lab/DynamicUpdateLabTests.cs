using Migrator.Core.Tsig;
using System.Net;
using Migrator.Core.DynamicUpdate;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.EndToEnd.Lab;

public sealed class DynamicUpdateLabTests(DnsLabFixture fixture) : IClassFixture<DnsLabFixture>
{
    private readonly DnsLab _lab = fixture.Lab;
    private static DomainName N(string s) => DomainName.Parse(s);
    private TsigKey OldKey => TsigKey.FromBase64("old-key", _lab.OldKeySecret);

    private async Task<ProbeResult> AskOld(string name, RecordType type)
    {
        using var probe = new DnsClientProbe();
        return await probe.QueryAsync(_lab.Old, N(name), type);
    }

    [Fact]
    public async Task WriteCanaryAsync_ServesTheCanary_WhenKeyIsValid()
    {
        var writer = new Rfc2136ZoneWriter(new DynamicUpdateClient(_lab.Old, OldKey, TimeProvider.System));
        var canary = new Canary(DnsLab.Zone, "t1");

        var result = await writer.WriteCanaryAsync(canary, CanarySide.Old, new Ttl(30), CancellationToken.None);

        Assert.True(result.Applied, result.ToString());
        var r = await AskOld(canary.Name.ToString(), RecordType.TXT);
        Assert.Equal("\"migrator-canary=old;id=t1\"", Assert.Single(r.AnswerSet).Data);
        Assert.Equal(30u, r.AnswerSet[0].Ttl.Seconds);
        Assert.Equal(CanaryClassification.Old, canary.Classify(r));
    }

    [Fact]
    public async Task ReplaceAsync_IsCompareAndSet_WhenExpectedValuesAreGiven()
    {
        var writer = new Rfc2136ZoneWriter(new DynamicUpdateClient(_lab.Old, OldKey, TimeProvider.System));
        var key = new RecordSetKey(N("api.example.lab."), RecordType.A);
        var desired = new RecordSet(key, new Ttl(60), ["203.0.113.99"]);

        var stale = await writer.ReplaceAsync(DnsLab.Zone, [desired], [new RecordSet(key, new Ttl(10), ["203.0.113.20"])], CancellationToken.None);
        Assert.Equal(DynamicUpdateStatus.PrerequisiteFailed, stale.Status);
        Assert.Equal("NXRRSET", stale.ResponseCode);
        Assert.Equal(["203.0.113.20", "203.0.113.21"], (await AskOld("api.example.lab.", RecordType.A)).AnswerSet.Select(a => a.Data).Order());

        var fresh = await writer.ReplaceAsync(DnsLab.Zone, [desired],
            [new RecordSet(key, new Ttl(10), ["203.0.113.21", "203.0.113.20"])], CancellationToken.None);
        Assert.True(fresh.Applied, fresh.ToString());
        var after = (await AskOld("api.example.lab.", RecordType.A)).AnswerSet;
        Assert.Equal("203.0.113.99", Assert.Single(after).Data);
        Assert.Equal(60u, after[0].Ttl.Seconds);
    }

    [Fact]
    public async Task LowerTtlsAsync_LowersOnlySetsAboveTheCeiling()
    {
        var writer = new Rfc2136ZoneWriter(new DynamicUpdateClient(_lab.Old, OldKey, TimeProvider.System));
        var mx = new RecordSet(new RecordSetKey(N("example.lab."), RecordType.MX), new Ttl(10), ["10 mail.example.lab.", "20 mail2.example.lab."]);

        var result = await writer.LowerTtlsAsync(DnsLab.Zone, [mx], new Ttl(5), CancellationToken.None);

        Assert.True(result.Applied, result.ToString());
        var r = await AskOld("example.lab.", RecordType.MX);
        Assert.Equal(2, r.AnswerSet.Count);
        Assert.All(r.AnswerSet, a => Assert.Equal(5u, a.Ttl.Seconds));
    }

    [Fact]
    public async Task SendAsync_ReportsBadSignatureWithoutTheSecret_WhenSecretIsWrong()
    {
        var wrongSecret = Convert.ToBase64String(new byte[32]);
        var client = new DynamicUpdateClient(_lab.Old, TsigKey.FromBase64("old-key", wrongSecret), TimeProvider.System);
        var set = new RecordSet(new RecordSetKey(N("mail.example.lab."), RecordType.A), new Ttl(10), ["192.0.2.1"]);

        var result = await client.SendAsync(DnsLab.Zone, [], [new UpdateOperation.ReplaceRecordSet(set)]);

        Assert.Equal(DynamicUpdateStatus.NotAuthorized, result.Status);
        Assert.Contains("BADSIG", result.ResponseCode);
        Assert.DoesNotContain(wrongSecret, result.ToString());
        Assert.DoesNotContain(_lab.OldKeySecret, result.ToString());
        Assert.Equal("203.0.113.25", Assert.Single((await AskOld("mail.example.lab.", RecordType.A)).AnswerSet).Data);
    }

    [Fact]
    public async Task SendAsync_ReportsRefused_WhenKeyIsNotAllowedToUpdateTheZone()
    {
        var client = new DynamicUpdateClient(_lab.Old, TsigKey.FromBase64("tld-key", _lab.TldKeySecret), TimeProvider.System);
        var set = new RecordSet(new RecordSetKey(N("mail.example.lab."), RecordType.A), new Ttl(10), ["192.0.2.1"]);

        var result = await client.SendAsync(DnsLab.Zone, [], [new UpdateOperation.ReplaceRecordSet(set)]);

        Assert.Equal(DynamicUpdateStatus.Refused, result.Status);
    }

    [Fact]
    public async Task SendAsync_ReportsNotAuthoritative_WhenServerDoesNotServeTheZone()
    {
        var client = new DynamicUpdateClient(_lab.Old, OldKey, TimeProvider.System);
        var set = new RecordSet(new RecordSetKey(N("x.new-dns.lab."), RecordType.A), new Ttl(10), ["192.0.2.1"]);

        var result = await client.SendAsync(N("new-dns.lab."), [], [new UpdateOperation.ReplaceRecordSet(set)]);

        Assert.Equal(DynamicUpdateStatus.NotAuthorized, result.Status);
        Assert.Equal("NOTAUTH", result.ResponseCode);
    }

    [Fact]
    public void TsigKey_ToStringHidesTheSecret()
    {
        var key = TsigKey.FromBase64("old-key", _lab.OldKeySecret);
        Assert.Equal("TSIG key old-key. (hmac-sha256)", key.ToString());
    }
}

public sealed class DelegationChangerLabTests(DnsLabFixture fixture) : IClassFixture<DnsLabFixture>
{
    private readonly DnsLab _lab = fixture.Lab;

    [Fact]
    public async Task ChangeAsync_ReplacesNsAndGlueAtTheParent_AndRefusesAStaleExpectation()
    {
        using var probe = new DnsClientProbe();
        var changer = new Rfc2136DelegationChanger(new DynamicUpdateClient(_lab.TldServer, TsigKey.FromBase64("tld-key", _lab.TldKeySecret), TimeProvider.System),
            DnsLab.Tld, probe, null, new InMemoryOperationJournal(TimeProvider.System));

        var current = await changer.GetCurrentAsync(DnsLab.Zone, CancellationToken.None);
        Assert.Equal(["ns1.old-dns.lab.", "ns2.old-dns.lab."], current.NameServers.Select(n => n.Name.ToString()).Order());
        Assert.Equal(86400u, current.Ttl!.Value.Seconds);

        // in-zone name server with glue, plus the new provider's out-of-zone name
        var desired = new Delegation(DnsLab.Zone,
            [new DelegatedNameServer(DomainName.Parse("ns-1.new-dns.lab."), []),
             new DelegatedNameServer(DomainName.Parse("ns.example.lab."), [_lab.NewIp])],
            [], new Ttl(300));

        var stale = await changer.ChangeAsync(desired, current with { NameServers = [current.NameServers[0]] }, CancellationToken.None);
        Assert.Equal(DynamicUpdateStatus.PrerequisiteFailed, stale.Result.Status);
        Assert.Equal(DelegationChangeStatus.Failed, await changer.GetStatusAsync(stale.OperationId, CancellationToken.None));

        var (id, result) = await changer.ChangeAsync(desired, current, CancellationToken.None);
        Assert.True(result.Applied, result.ToString());
        Assert.Equal(DelegationChangeStatus.Succeeded, await changer.GetStatusAsync(id, CancellationToken.None));

        var after = await changer.GetCurrentAsync(DnsLab.Zone, CancellationToken.None);
        Assert.Equal(["ns-1.new-dns.lab.", "ns.example.lab."], after.NameServers.Select(n => n.Name.ToString()).Order());
        Assert.Equal(300u, after.Ttl!.Value.Seconds);
        Assert.Equal([_lab.NewIp], after.NameServers.Single(n => n.Name.ToString() == "ns.example.lab.").Glue);
        var glue = await probe.QueryAsync(_lab.TldServer, DomainName.Parse("ns.example.lab."), RecordType.A);
        Assert.Contains(glue.Additionals.Concat(glue.Authorities).Concat(glue.Answers), r => r.Type == RecordType.A && r.Data == _lab.NewIp.ToString());
    }
}
