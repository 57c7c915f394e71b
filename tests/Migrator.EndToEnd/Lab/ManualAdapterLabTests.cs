using Migrator.Core.Tsig;
using Migrator.Core.DynamicUpdate;
using Migrator.Core.Manual;
using Migrator.Core.Ports;
using Migrator.Core.Probing;
using Migrator.Core.Zones;

namespace Migrator.EndToEnd.Lab;

public sealed class ManualAdapterLabTests(DnsLabFixture fixture) : IClassFixture<DnsLabFixture>
{
    private readonly DnsLab _lab = fixture.Lab;
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 21, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ManualZoneWriter_IsNotDoneUntilTheDnsShowsTheChange()
    {
        using var probe = new DnsClientProbe();
        var writer = new ManualZoneWriter(probe, [_lab.Old], new InMemoryOperationJournal(TimeProvider.System));
        var desired = new RecordSet(new RecordSetKey(DomainName.Parse("mail2.example.lab."), RecordType.A), new Ttl(5), ["203.0.113.26"]);

        var before = await writer.ReplaceRecordSetsAsync(DnsLab.Zone, [desired], default);
        Assert.False(before.Applied);
        Assert.Contains("mail2.example.lab. A at " + _lab.OldIp + " has TTL 10, not 5", before.Message);

        // the operator lowers the TTL "in the provider's console" (here: an RFC 2136 update standing in for it)
        var console = new Rfc2136ZoneWriter(_lab.OldZoneClient());
        Assert.True((await console.ReplaceAsync(DnsLab.Zone, [desired], null, default)).Applied);

        var after = await writer.VerifyAsync([desired], default);
        Assert.True(after.Done);
        Assert.True(after.VerifiedByDns);
        Assert.Null(after.Override);
    }

    [Fact]
    public async Task ManualZoneWriter_IsDoneWithActorAndReason_WhenOperatorOverrides()
    {
        using var probe = new DnsClientProbe();
        var writer = new ManualZoneWriter(probe, [_lab.Old], new InMemoryOperationJournal(TimeProvider.System));
        var desired = new RecordSet(new RecordSetKey(DomainName.Parse("sip.example.lab."), RecordType.A), new Ttl(10), ["192.0.2.99"]);

        Assert.False((await writer.VerifyAsync([desired], default)).Done);
        var o = writer.Override([desired], new ManualOverride("alice@example.com", "provider caches its API for an hour; checked in the console", Now));
        var after = await writer.VerifyAsync([desired], default);

        Assert.True(o.Done);
        Assert.True(after.Done);
        Assert.False(after.VerifiedByDns);
        Assert.Equal("alice@example.com", after.Override!.Actor);
        Assert.Contains("provider caches its API", after.Override.Reason);
        Assert.Throws<ArgumentException>(() => new ManualOverride("alice", "  ", Now));
    }

    [Fact]
    public async Task ManualDelegationChanger_SucceedsOnlyWhenTheParentShowsTheNewDelegation()
    {
        using var probe = new DnsClientProbe();
        var changer = new ManualDelegationChanger(probe, [_lab.TldServer], new InMemoryOperationJournal(TimeProvider.System));
        var current = await changer.GetCurrentAsync(DnsLab.Zone, default);
        Assert.Equal(["ns1.old-dns.lab.", "ns2.old-dns.lab."], current.NameServers.Select(n => n.Name.ToString()).Order());

        var desired = new Delegation(DnsLab.Zone,
            [new DelegatedNameServer(DomainName.Parse("ns-1.new-dns.lab."), []), new DelegatedNameServer(DomainName.Parse("ns-2.new-dns.lab."), [])], []);
        var id = await changer.RequestChangeAsync(desired, default);
        Assert.Contains("set the name servers to ns-1.new-dns.lab., ns-2.new-dns.lab.", changer.Instructions(id));
        Assert.Equal(DelegationChangeStatus.InProgress, await changer.GetStatusAsync(id, default));
        var waiting = await changer.VerifyAsync(id, default);
        Assert.Contains("shows NS [ns1.old-dns.lab. ns2.old-dns.lab.]", waiting.Message);

        // the operator changes it "at the registrar" (an RFC 2136 update of the lab's TLD stands in for it)
        var registrar = new Rfc2136DelegationChanger(new DynamicUpdateClient(_lab.TldServer, TsigKey.FromBase64("tld-key", _lab.TldKeySecret), TimeProvider.System), DnsLab.Tld, probe, null, new InMemoryOperationJournal(TimeProvider.System));
        Assert.True((await registrar.ChangeAsync(desired with { Ttl = new Ttl(60) }, null, default)).Result.Applied);

        Assert.Equal(DelegationChangeStatus.Succeeded, await changer.GetStatusAsync(id, default));
        Assert.True((await changer.VerifyAsync(id, default)).VerifiedByDns);
    }

    [Fact]
    public async Task ManualDelegationChanger_SucceedsOnOverride_AndKeepsThePendingEvidence()
    {
        using var probe = new DnsClientProbe();
        var changer = new ManualDelegationChanger(probe, [_lab.TldServer], new InMemoryOperationJournal(TimeProvider.System));
        var desired = new Delegation(DnsLab.Zone, [new DelegatedNameServer(DomainName.Parse("ns9.elsewhere.lab."), [])], []);
        var id = await changer.RequestChangeAsync(desired, default);

        changer.Override(id, new ManualOverride("bob", "registry shows it; parent servers lag", Now));
        var check = await changer.VerifyAsync(id, default);

        Assert.Equal(DelegationChangeStatus.Succeeded, await changer.GetStatusAsync(id, default));
        Assert.True(check.Done);
        Assert.False(check.VerifiedByDns);
        Assert.Equal("bob", check.Override!.Actor);
        Assert.NotEmpty(check.Pending);
    }
}
