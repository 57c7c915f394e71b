using System.Globalization;
using System.Net;
using ARSoft.Tools.Net.Dns;
using Microsoft.Extensions.Time.Testing;
using Migrator.Core.DynamicUpdate;
using Migrator.Core.Probing;
using Migrator.Core.ZoneTransfer;
using Migrator.Core.Zones;
using Migrator.Sandbox.World;
using Xunit;
using Xunit.Abstractions;
using CoreDomainName = Migrator.Core.Zones.DomainName;
using CoreRecordType = Migrator.Core.Zones.RecordType;
using RecordType = ARSoft.Tools.Net.Dns.RecordType;

namespace Migrator.Sandbox.Tests.World;

public sealed class SandboxWorldTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Resolver_AnswersFromOldProvider_WhenFollowingRootAndTld()
    {
        await using var world = await SandboxWorld.StartAsync(TestWorlds.Options());
        var r = await TestWorlds.QueryAsync(world.ResolverEndPoint(0), "www.shop.example.", RecordType.A);
        Assert.Equal(ReturnCode.NoError, r.ReturnCode);
        Assert.False(r.IsAuthoritiveAnswer);
        Assert.True(r.IsRecursionAllowed);
        var a = Assert.Single(r.AnswerRecords.OfType<ARecord>());
        Assert.Equal(IPAddress.Parse("192.0.2.10"), a.Address);
        Assert.Equal(20, a.TimeToLive);
    }

    [Fact]
    public async Task Resolver_FollowsCnameChain_WhenTargetsAreInZone()
    {
        await using var world = await SandboxWorld.StartAsync(TestWorlds.Options());
        var r = await TestWorlds.QueryAsync(world.ResolverEndPoint(1), "img.shop.example.", RecordType.A);
        Assert.Equal(["img.shop.example.", "cdn.shop.example.", "edge.shop.example."],
            r.AnswerRecords.OfType<CNameRecord>().Select(c => c.Name.ToString().ToLowerInvariant()));
        Assert.Equal("192.0.2.50", Assert.Single(r.AnswerRecords.OfType<ARecord>()).Address.ToString());
    }

    [Fact]
    public async Task Resolver_CachesNxDomainForSoaMinimum_ThenAsksAgain()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var options = TestWorlds.Options(time: time);
        await using var world = await SandboxWorld.StartAsync(options);
        var resolver = world.Resolvers[0];
        var r = await TestWorlds.QueryAsync(world.ResolverEndPoint(0), "nope.shop.example.", RecordType.A);
        Assert.Equal(ReturnCode.NxDomain, r.ReturnCode);
        Assert.Equal(options.NegativeTtl, Assert.Single(r.AuthorityRecords.OfType<SoaRecord>()).TimeToLive);
        var upstream = resolver.UpstreamQueries;
        time.Advance(TimeSpan.FromSeconds(options.NegativeTtl) - TimeSpan.FromMilliseconds(1));
        r = await TestWorlds.QueryAsync(world.ResolverEndPoint(0), "nope.shop.example.", RecordType.A);
        Assert.Equal(ReturnCode.NxDomain, r.ReturnCode);
        Assert.Equal(upstream, resolver.UpstreamQueries);
        Assert.Equal(1, r.AuthorityRecords.OfType<SoaRecord>().Single().TimeToLive);
        time.Advance(TimeSpan.FromMilliseconds(1));
        r = await TestWorlds.QueryAsync(world.ResolverEndPoint(0), "nope.shop.example.", RecordType.A);
        Assert.Equal(ReturnCode.NxDomain, r.ReturnCode);
        Assert.True(resolver.UpstreamQueries > upstream);
    }

    [Fact]
    public async Task Resolvers_SeeChangeAtOldProvider_ExactlyWhenTheirEntryExpires()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var options = TestWorlds.Options(time: time);
        await using var world = await SandboxWorld.StartAsync(options);
        for (var i = 0; i < world.Resolvers.Count; i++) Assert.Equal("192.0.2.22", await FirstA(world, i, "admin.shop.example."));

        var key = world.Keys[WorldKeys.OldUpdate].ToTsigKey();
        var client = new DynamicUpdateClient(new DnsEndpoint(world.OldProviderEndPoint.Address, world.Port), key, TimeProvider.System);
        var name = CoreDomainName.Parse("admin.shop.example.");
        var result = await client.SendAsync(CoreDomainName.Parse("shop.example."), [],
            [new UpdateOperation.ReplaceRecordSet(new RecordSet(new RecordSetKey(name, CoreRecordType.A), new Ttl(20), ["192.0.2.99"]))]);
        Assert.True(result.Applied, result.ToString());

        // resolver-a and resolver-b hold the record's 20 s; the ISP-like resolver holds its floor.
        time.Advance(TimeSpan.FromSeconds(options.RecordTtl) - TimeSpan.FromMilliseconds(1));
        for (var i = 0; i < 3; i++) Assert.Equal("192.0.2.22", await FirstA(world, i, "admin.shop.example."));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("192.0.2.99", await FirstA(world, 0, "admin.shop.example."));
        Assert.Equal("192.0.2.99", await FirstA(world, 1, "admin.shop.example."));
        Assert.Equal("192.0.2.22", await FirstA(world, 2, "admin.shop.example."));
        time.Advance(TimeSpan.FromSeconds(options.IspTtlFloor - options.RecordTtl) - TimeSpan.FromMilliseconds(1));
        Assert.Equal("192.0.2.22", await FirstA(world, 2, "admin.shop.example."));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("192.0.2.99", await FirstA(world, 2, "admin.shop.example."));
    }

    private static async Task<string> FirstA(SandboxWorld world, int resolver, string name)
    {
        var r = await TestWorlds.QueryAsync(world.ResolverEndPoint(resolver), name, RecordType.A);
        return r.AnswerRecords.OfType<ARecord>().First().Address.ToString();
    }

    [Fact]
    public async Task OldProvider_TransfersZone_OnlyWithTransferKey()
    {
        await using var world = await SandboxWorld.StartAsync(TestWorlds.Options());
        var zone = CoreDomainName.Parse("shop.example.");
        var ok = await AxfrClient.TransferAsync(zone, world.OldProviderEndPoint, TimeProvider.System, world.Keys[WorldKeys.OldTransfer].ToTsigKey());
        Assert.True(ok.Succeeded, ok.Error?.Message);
        Assert.Equal(world.Zones["shop.example."].Records.Length, ok.Records.Count);
        Assert.Contains(ok.Records, r => r.Type == CoreRecordType.DNAME || r.Type == CoreRecordType.TXT && r.Data.Length > 255);
        var unsigned = await AxfrClient.TransferAsync(zone, world.OldProviderEndPoint, TimeProvider.System);
        Assert.False(unsigned.Succeeded);
        var wrongKey = await AxfrClient.TransferAsync(zone, world.OldProviderEndPoint, TimeProvider.System, world.Keys[WorldKeys.OldUpdate].ToTsigKey());
        Assert.False(wrongKey.Succeeded);
        output.WriteLine($"shop.example: {ok.Records.Count} records by AXFR");
    }

    [Fact]
    public async Task OldProvider_RefusesUpdate_WhenUnsignedOrPrerequisiteFails()
    {
        await using var world = await SandboxWorld.StartAsync(TestWorlds.Options());
        var zone = CoreDomainName.Parse("shop.example.");
        var endpoint = new DnsEndpoint(world.OldProviderEndPoint.Address, world.Port);
        var add = new UpdateOperation.AddRecord(new ResourceRecord(CoreDomainName.Parse("new.shop.example."), CoreRecordType.TXT, new Ttl(20), "\"x\""));
        var unsigned = await new DynamicUpdateClient(endpoint, null, TimeProvider.System).SendAsync(zone, [], [add]);
        Assert.False(unsigned.Applied);
        var client = new DynamicUpdateClient(endpoint, world.Keys[WorldKeys.OldUpdate].ToTsigKey(), TimeProvider.System);
        var failed = await client.SendAsync(zone, [new UpdatePrerequisite.NameInUse(CoreDomainName.Parse("absent.shop.example."))], [add]);
        Assert.False(failed.Applied);
        Assert.Equal("NXDOMAIN", failed.ResponseCode, ignoreCase: true);
        var serial = world.Zones["shop.example."].Serial;
        var applied = await client.SendAsync(zone, [new UpdatePrerequisite.NameNotInUse(CoreDomainName.Parse("new.shop.example."))], [add]);
        Assert.True(applied.Applied, applied.ToString());
        Assert.Equal(serial + 1, world.Zones["shop.example."].Serial);
    }

    [Fact]
    public async Task SignedZone_HasDnskeyAndRrsigs_AndDsAtTld()
    {
        await using var world = await SandboxWorld.StartAsync(TestWorlds.Options());
        var dnskey = await TestWorlds.QueryAsync(world.OldProviderEndPoint, "signed.example.", RecordType.DnsKey, recursion: false);
        Assert.True(dnskey.IsAuthoritiveAnswer);
        // A key-signing key (flags 257, named by the TLD's DS) and a zone-signing key (256) that signs the data.
        var keys = dnskey.AnswerRecords.OfType<DnsKeyRecord>().ToList();
        Assert.Equal([256, 257], keys.Select(k => (int)k.Flags).Order());
        var rrsig = await TestWorlds.QueryAsync(world.OldProviderEndPoint, "www.signed.example.", RecordType.RrSig, recursion: false);
        Assert.Contains(rrsig.AnswerRecords.OfType<RrSigRecord>(), s => s.KeyTag == keys.Single(k => (int)k.Flags == 256).CalculateKeyTag());
        var ds = await TestWorlds.QueryAsync(world.TldEndPoint, "signed.example.", RecordType.Ds, recursion: false);
        Assert.True(ds.IsAuthoritiveAnswer);
        var dsRecord = Assert.IsType<DsRecord>(Assert.Single(ds.AnswerRecords));
        Assert.Equal(keys.Single(k => k.IsSecureEntryPoint).CalculateKeyTag(), dsRecord.KeyTag);
        var viaResolver = await TestWorlds.QueryAsync(world.ResolverEndPoint(0), "signed.example.", RecordType.Ds);
        Assert.Single(viaResolver.AnswerRecords.OfType<DsRecord>());
    }

    [Fact]
    public async Task SignedZone_AnswersAreFullyValidatedByDelv_AnchoredAtItsKeySigningKey()
    {
        // NXDOMAIN proofs are validated against the emulator's listener (DnssecSigningTests), which shares this answer path.
        await using var world = await SandboxWorld.StartAsync(TestWorlds.Options());
        var dnskey = await TestWorlds.QueryAsync(world.OldProviderEndPoint, "signed.example.", RecordType.DnsKey, recursion: false);
        var ksk = dnskey.AnswerRecords.OfType<DnsKeyRecord>().Single(k => k.IsSecureEntryPoint);
        var anchor = $"{(int)ksk.Flags} 3 {(int)ksk.Algorithm} {Convert.ToBase64String(ksk.PublicKey)}";
        foreach (var (name, type, expect) in new[]
        {
            ("www.signed.example.", "A", "; fully validated"),
            ("www.signed.example.", "TXT", "; negative response, fully validated"),
        })
            await Support.Delv.AssertSaysAsync(world.OldProviderEndPoint, "signed.example.", anchor, name, type, expect);
    }

    [Fact]
    public async Task World_KeepsZonesDelegationsAndKeys_WhenRestartedFromItsDataDirectory()
    {
        var dir = TestWorlds.TempDirectory();
        try
        {
            var options = TestWorlds.Options(dir);
            string ds;
            await using (var world = await SandboxWorld.StartAsync(options))
            {
                var client = new DynamicUpdateClient(new DnsEndpoint(world.OldProviderEndPoint.Address, world.Port), world.Keys[WorldKeys.OldUpdate].ToTsigKey(), TimeProvider.System);
                var applied = await client.SendAsync(CoreDomainName.Parse("shop.example."), [],
                    [new UpdateOperation.AddRecord(new ResourceRecord(CoreDomainName.Parse("kept.shop.example."), CoreRecordType.A, new Ttl(20), "192.0.2.123"))]);
                Assert.True(applied.Applied, applied.ToString());
                Assert.Null(world.SetDelegationManually("legacy.example", ["ns-1.route53.example", "ns-2.route53.example"]));
                ds = string.Join(",", world.DelegationAtTld("signed.example").Ds);
            }
            var again = TestWorlds.Options(dir);
            again.AddressPrefix = options.AddressPrefix;
            await using (var world = await SandboxWorld.StartAsync(again))
            {
                var r = await TestWorlds.QueryAsync(world.ResolverEndPoint(0), "kept.shop.example.", RecordType.A);
                Assert.Equal("192.0.2.123", Assert.Single(r.AnswerRecords.OfType<ARecord>()).Address.ToString());
                Assert.Equal(["ns-1.route53.example.", "ns-2.route53.example."], world.DelegationAtTld("legacy.example").NameServers.Order());
                Assert.Equal(ds, string.Join(",", world.DelegationAtTld("signed.example").Ds));
                var transfer = await AxfrClient.TransferAsync(CoreDomainName.Parse("signed.example."), world.OldProviderEndPoint, TimeProvider.System, world.Keys[WorldKeys.OldTransfer].ToTsigKey());
                Assert.True(transfer.Succeeded, transfer.Error?.Message);

                await world.ResetAsync();
                Assert.Equal(["ns1.oldhost.example.", "ns2.oldhost.example."], world.DelegationAtTld("legacy.example").NameServers.Order());
                Assert.DoesNotContain(world.Zones["shop.example."].Records, x => x.Name.ToString() == "kept.shop.example.");
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public async Task World_BindsOnlyLoopback_AndReportsStartCost()
    {
        // Measured, not asserted (machine load must not fail a test): the figures go to the test output.
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var workingSetBefore = Environment.WorkingSet;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var world = await SandboxWorld.StartAsync(TestWorlds.Options());
        var started = clock.Elapsed;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"world start {started.TotalMilliseconds:F0} ms, managed heap +{(after - before) / 1048576.0:F1} MB, working set +{(Environment.WorkingSet - workingSetBefore) / 1048576.0:F1} MB, port {world.Port}"));
        var endpoints = world.Servers.Select(s => s.EndPoint).Concat(Enumerable.Range(0, world.Resolvers.Count).Select(i => world.ResolverEndPoint(i))).ToList();
        Assert.All(endpoints, e => Assert.Equal(127, e.Address.GetAddressBytes()[0]));
        // Every socket this process listens on (UDP bound, TCP LISTEN) is in 127.0.0.0/8.
        foreach (var (file, listenOnly) in new[] { ("/proc/self/net/udp", false), ("/proc/self/net/tcp", true) })
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (listenOnly && f[3] != "0A") continue;
                var hex = f[1].Split(':')[0];
                var firstOctet = Convert.ToByte(hex[6..8], 16); // little-endian in /proc
                var isWorldPort = Convert.ToInt32(f[1].Split(':')[1], 16) == world.Port;
                if (isWorldPort) Assert.Equal(127, firstOctet);
            }
    }
}
