using ARSoft.Tools.Net.Dns;
using Microsoft.Extensions.Time.Testing;
using Migrator.Sandbox.Domains;
using Migrator.Sandbox.Hosting;
using Migrator.Sandbox.Route53;
using Migrator.Sandbox.World;
using Xunit;

namespace Migrator.Sandbox.Tests.World;

/// <summary>The world joined to the Route 53 emulator: its name servers at the TLD, Route 53 Domains changing the TLD, its DNSKEY TTL.</summary>
public sealed class RegistrarDelegationTests
{
    [Fact]
    public async Task Delegation_MovesToRoute53AtTldAndPerResolverAfterExpiry_WhenChangedThroughRoute53Domains()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var options = TestWorlds.Options(time: time);
        options.Port = SandboxWorld.ChoosePort(options);
        await using var world = await SandboxWorld.StartAsync(options);
        var emulatorOptions = new EmulatorOptions { Url = "http://127.0.0.1:0", InsyncDelay = TimeSpan.Zero, DomainOperationDelay = TimeSpan.FromMilliseconds(50) };
        SandboxWorld.ConfigureEmulator(emulatorOptions, options, world.Keys);
        await using var emulator = await EmulatorHost.StartAsync(emulatorOptions);

        // Route 53 holds shop.example with a different www, so the answer tells which provider a resolver asked.
        var created = emulator.Emulator.Route53.CreateHostedZone("shop.example", "world-test", null, false, null, null);
        Assert.Null(created.Error);
        var zoneId = created.Value.Zone.Id;
        var change = emulator.Emulator.Route53.ChangeRecordSets(zoneId, null,
            [new RecordChange("UPSERT", new RecordSetData { Name = R53Name.Parse("www.shop.example"), Type = "A", Ttl = 20, Values = ["198.51.100.10"] })]);
        Assert.Null(change.Error);
        await WaitUntilAsync(() => emulator.Emulator.Route53.GetChange(change.Value!.Id).Value?.Status == "INSYNC");

        for (var i = 0; i < 3; i++) Assert.Equal("192.0.2.10", await WwwAsync(world, i));

        var op = emulator.Emulator.Domains.UpdateNameservers("shop.example",
            DemoZones.Route53NameServers.Select(n => new DomainNameserver(n.TrimEnd('.'), [])).ToList());
        Assert.Null(op.Error);
        await WaitUntilAsync(() => emulator.Emulator.Domains.GetOperation(op.Value!.OperationId).Value!.IsTerminal);
        Assert.Equal("SUCCESSFUL", emulator.Emulator.Domains.GetOperation(op.Value!.OperationId).Value!.Status);

        // The TLD shows the change at once.
        var atTld = await TestWorlds.QueryAsync(world.TldEndPoint, "shop.example.", RecordType.Ns, recursion: false);
        Assert.Equal(DemoZones.Route53NameServers.Order(), atTld.AuthorityRecords.OfType<NsRecord>().Select(n => n.NameServer.ToString()).Order());

        // Everything was cached at t=0: www for 20 s, the delegation for 30 s, all of it for 90 s at the ISP-like resolver.
        var ms = TimeSpan.FromMilliseconds(1);
        time.Advance(TimeSpan.FromSeconds(options.DelegationTtl) - ms);
        Assert.Equal("192.0.2.10", await WwwAsync(world, 0)); // www expired, delegation not: asked the old provider again
        time.Advance(ms);
        Assert.Equal("198.51.100.10", await WwwAsync(world, 1)); // both expired: asked the TLD, followed it to Route 53
        time.Advance(TimeSpan.FromSeconds(options.RecordTtl) - 2 * ms);
        Assert.Equal("192.0.2.10", await WwwAsync(world, 0)); // the www re-read at 30 s - 1 ms lives until 50 s - 1 ms
        time.Advance(ms);
        Assert.Equal("198.51.100.10", await WwwAsync(world, 0));
        time.Advance(TimeSpan.FromSeconds(options.IspTtlFloor - options.DelegationTtl - options.RecordTtl));
        Assert.Equal("192.0.2.10", await WwwAsync(world, 2)); // t = 90 s - 1 ms
        time.Advance(ms);
        Assert.Equal("198.51.100.10", await WwwAsync(world, 2));
    }

    [Fact]
    public void DnskeyTtl_IsShortInTheSandbox_AndRefusedOutOfRange()
    {
        Assert.InRange(new WorldOptions().DnskeyTtl, 1, 60); // Route 53's 3600 s would make the sandbox's DNSSEC walk wait an hour
        var options = new WorldOptions { DnskeyTtl = 0 };
        Assert.Contains("Migrator:Sandbox:World:DnskeyTtl must be 1–86400 s, not 0", options.Validate());
    }

    [Fact]
    public async Task SignedZone_ServesItsDnskeySetWithTheWorldsDnskeyTtl_WhenTheEmulatorIsJoinedToTheWorld()
    {
        var options = TestWorlds.Options();
        options.DnskeyTtl = 7;
        options.Port = SandboxWorld.ChoosePort(options);
        await using var world = await SandboxWorld.StartAsync(options);
        var emulatorOptions = new EmulatorOptions { Url = "http://127.0.0.1:0", InsyncDelay = TimeSpan.Zero };
        SandboxWorld.ConfigureEmulator(emulatorOptions, options, world.Keys);
        Assert.Equal(7, emulatorOptions.DnskeyTtl);
        await using var emulator = await EmulatorHost.StartAsync(emulatorOptions);
        var route53 = emulator.Emulator.Route53;
        var zoneId = route53.CreateHostedZone("shop.example", "dnskey-ttl-test", null, false, null, null).Value.Zone.Id;
        var key = route53.CreateKeySigningKey("ksk-ttl-test", zoneId, "arn:aws:kms:us-east-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "ksk_ttl", "ACTIVE");
        Assert.Null(key.Error);
        var enabled = route53.EnableDnssec(zoneId);
        Assert.Null(enabled.Error);
        await WaitUntilAsync(() => route53.GetChange(enabled.Value!.Id).Value?.Status == "INSYNC");

        var answer = await TestWorlds.QueryAsync(emulatorOptions.DnsEndPoint!, "shop.example.", RecordType.DnsKey, recursion: false);

        var dnskeys = answer.AnswerRecords.OfType<DnsKeyRecord>().ToList();
        Assert.NotEmpty(dnskeys);
        Assert.All(dnskeys, k => Assert.Equal(7, k.TimeToLive));
    }

    private static async Task<string> WwwAsync(SandboxWorld world, int resolver)
    {
        var r = await TestWorlds.QueryAsync(world.ResolverEndPoint(resolver), "www.shop.example.", RecordType.A);
        return r.AnswerRecords.OfType<ARecord>().Single().Address.ToString();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition()) await Task.Delay(20, timeout.Token);
    }
}
