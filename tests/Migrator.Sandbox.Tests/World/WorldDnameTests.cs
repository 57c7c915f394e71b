using System.Net;
using ARSoft.Tools.Net.Dns;
using Migrator.Sandbox.World;
using Xunit;

namespace Migrator.Sandbox.Tests.World;

/// <summary>legacy.example's DNAME (old → shop.example.) is served as BIND serves it: the DNAME plus a synthesized CNAME (RFC 6672).</summary>
public sealed class WorldDnameTests
{
    [Fact]
    public async Task OldProvider_AnswersDnameAndSynthesizedCname_WhenNameIsBelowTheDname()
    {
        await using var world = await SandboxWorld.StartAsync(TestWorlds.Options());
        var r = await TestWorlds.QueryAsync(world.OldProviderEndPoint, "www.old.legacy.example.", RecordType.A, recursion: false);

        Assert.Equal(ReturnCode.NoError, r.ReturnCode);
        Assert.True(r.IsAuthoritiveAnswer);
        var dname = Assert.Single(r.AnswerRecords, x => x.RecordType == RecordType.DName);
        Assert.Equal("old.legacy.example.", dname.Name.ToString().ToLowerInvariant());
        var cname = Assert.Single(r.AnswerRecords.OfType<CNameRecord>());
        Assert.Equal("www.old.legacy.example.", cname.Name.ToString().ToLowerInvariant());
        Assert.Equal("www.shop.example.", cname.CanonicalName.ToString().ToLowerInvariant());
        Assert.Equal(dname.TimeToLive, cname.TimeToLive);
        Assert.Empty(r.AnswerRecords.OfType<ARecord>()); // the target is in another zone: the resolver follows it
    }

    [Fact]
    public async Task OldProvider_AnswersTheDnameItself_WhenAskedForItsOwner()
    {
        await using var world = await SandboxWorld.StartAsync(TestWorlds.Options());
        var r = await TestWorlds.QueryAsync(world.OldProviderEndPoint, "old.legacy.example.", RecordType.DName, recursion: false);
        Assert.Single(r.AnswerRecords, x => x.RecordType == RecordType.DName);
        Assert.Empty(r.AnswerRecords.OfType<CNameRecord>());
    }

    [Fact]
    public async Task Resolver_FollowsTheSynthesizedCnameIntoAnotherZone_WhenNameIsBelowTheDname()
    {
        await using var world = await SandboxWorld.StartAsync(TestWorlds.Options());
        var r = await TestWorlds.QueryAsync(world.ResolverEndPoint(0), "www.old.legacy.example.", RecordType.A);

        Assert.Equal(ReturnCode.NoError, r.ReturnCode);
        Assert.Equal("www.shop.example.", Assert.Single(r.AnswerRecords.OfType<CNameRecord>()).CanonicalName.ToString().ToLowerInvariant());
        Assert.Equal(IPAddress.Parse("192.0.2.10"), Assert.Single(r.AnswerRecords.OfType<ARecord>()).Address);
    }
}
