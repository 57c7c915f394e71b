using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Migrator.Sandbox.World;
using Xunit;

namespace Migrator.Sandbox.Tests.World;

/// <summary>signed.example at the old provider answers as a signing server does (RFC 4035 §3.1): RRSIGs and NSEC proofs only when the query sets DO.</summary>
public sealed class WorldDnssecAnswerTests
{
    private static async Task<DnsMessage> AskAsync(IPEndPoint server, string name, RecordType type, bool dnssecOk)
    {
        var client = new ARSoft.Tools.Net.Dns.DnsClient([server.Address], [new UdpClientTransport(server.Port), new TcpClientTransport(server.Port)], false, 5000);
        return await client.ResolveAsync(DomainName.Parse(name), type, RecordClass.INet, new DnsQueryOptions
        {
            IsRecursionDesired = false, IsEDnsEnabled = true, IsDnsSecOk = dnssecOk, EDnsOptions = new OptRecord { UdpPayloadSize = 1232, IsDnsSecOk = dnssecOk },
        }) ?? throw new TimeoutException($"no answer from {server} for {name} {type}");
    }

    [Fact]
    public async Task OldProvider_AddsTheCoveringRrsig_OnlyWhenDoIsSet()
    {
        await using var world = await SandboxWorld.StartAsync(TestWorlds.Options());

        var plain = await AskAsync(world.OldProviderEndPoint, "www.signed.example.", RecordType.A, dnssecOk: false);
        Assert.Single(plain.AnswerRecords.OfType<ARecord>());
        Assert.DoesNotContain(plain.AnswerRecords, r => r.RecordType == RecordType.RrSig);

        var withDo = await AskAsync(world.OldProviderEndPoint, "www.signed.example.", RecordType.A, dnssecOk: true);
        Assert.True(withDo.IsAuthoritiveAnswer);
        Assert.Single(withDo.AnswerRecords.OfType<ARecord>());
        var sig = Assert.Single(withDo.AnswerRecords, r => r.RecordType == RecordType.RrSig);
        Assert.Equal("www.signed.example.", sig.Name.ToString().ToLowerInvariant());
        Assert.Equal(RecordType.A, Assert.IsType<RrSigRecord>(sig).TypeCovered);
    }

    [Fact]
    public async Task OldProvider_ProvesNoSuchNameWithNsecAndSignatures_WhenDoIsSet()
    {
        await using var world = await SandboxWorld.StartAsync(TestWorlds.Options());
        var r = await AskAsync(world.OldProviderEndPoint, "nope.signed.example.", RecordType.A, dnssecOk: true);

        Assert.Equal(ReturnCode.NxDomain, r.ReturnCode);
        Assert.Single(r.AuthorityRecords.OfType<SoaRecord>());
        Assert.Contains(r.AuthorityRecords, x => x.RecordType == RecordType.NSec);
        Assert.True(r.AuthorityRecords.Count(x => x.RecordType == RecordType.RrSig) >= 2, string.Join("\n", r.AuthorityRecords)); // SOA's and NSEC's
    }

    [Fact]
    public async Task OldProvider_SignsNothing_ForAnUnsignedZone()
    {
        await using var world = await SandboxWorld.StartAsync(TestWorlds.Options());
        var r = await AskAsync(world.OldProviderEndPoint, "www.shop.example.", RecordType.A, dnssecOk: true);
        Assert.Single(r.AnswerRecords.OfType<ARecord>());
        Assert.DoesNotContain(r.AnswerRecords, x => x.RecordType == RecordType.RrSig);
    }
}
