using System.Net;
using DnsClient;
using Migrator.Core.CloudWatchLogs;
using Migrator.Core.Route53;
using Migrator.Core.Tests.Route53;
using Migrator.Core.Zones;
using Migrator.Sandbox.Hosting;
using Migrator.Sandbox.Tests.Support;

namespace Migrator.Core.Tests.CloudWatchLogs;

public sealed class QueryLoggingEmulatorFixture : EmulatorFixtureBase
{
    private static readonly IPAddress DnsAddress = IPAddress.Parse("127.0.3.31");
    protected override string Address => "127.0.3.31";
    protected override void Configure(EmulatorOptions o)
    {
        o.RateLimitPerSecond = 0;
        o.InsyncDelay = TimeSpan.Zero; // a change is INSYNC (and served) when its call returns: no wait on any clock
        o.DnsEndPoint = new IPEndPoint(DnsAddress, FreePort.UdpAndTcp(DnsAddress));
    }

    public CloudWatchLogsClient Logs() => new(Http, Host.BaseAddress, new StaticCredentialSource(new AwsCredentials(AccessKey, SecretKey)), TimeProvider.System);
}

/// <summary>
/// Query logging end to end against the emulator: log group, retention, resource policy, config, then one log line per
/// query sent to the DNS listener, read back with FilterLogEvents.
/// </summary>
public class QueryLoggingEmulatorTests(QueryLoggingEmulatorFixture fx) : IClassFixture<QueryLoggingEmulatorFixture>
{
    private const string Account = "111122223333";

    private async Task<(string ZoneId, DomainName Zone)> ServedZoneAsync(string label)
    {
        var zone = DomainName.Parse($"{label}-{Guid.NewGuid():N}"[..24] + ".example.");
        var created = await fx.Client().CreateHostedZoneAsync(new CreateHostedZoneRequest(zone, Guid.NewGuid().ToString()), CancellationToken.None);
        var change = await fx.Client().ChangeResourceRecordSetsAsync(created.Zone.Id, new ChangeBatch(
            [new Route53Change(ChangeAction.Create, new Route53RecordSet(zone.Prepend("www"), RecordType.A, 60, ["192.0.2.80"]))]), CancellationToken.None);
        Assert.Equal(ChangeStatus.InSync, (await fx.Client().GetChangeAsync(change.Id, CancellationToken.None)).Status);
        return (created.Zone.Id, zone);
    }

    [Fact]
    public async Task EnsureAsync_MakesGroupRetentionPolicyAndConfig_AndTheListenerLogsEachQuery()
    {
        var (zoneId, zone) = await ServedZoneAsync("qlog");
        var setup = new QueryLoggingSetup(fx.Logs(), fx.Client());

        var result = await setup.EnsureAsync(new QueryLoggingPlan(zone, zoneId, Account), CancellationToken.None);

        Assert.True(result.CreatedLogGroup && result.CreatedConfig);
        var group = await fx.Logs().FindLogGroupAsync(QueryLoggingSetup.LogGroupName(zone), CancellationToken.None);
        Assert.NotNull(group);
        Assert.Equal(365, group.RetentionInDays);
        Assert.Equal($"arn:aws:logs:us-east-1:{Account}:log-group:/aws/route53/{zone.ToLowerString().TrimEnd('.')}", group.Arn);
        var policy = Assert.Single(await fx.Logs().DescribeResourcePoliciesAsync(CancellationToken.None), p => p.Name == QueryLoggingSetup.ResourcePolicyName);
        Assert.Contains("\"aws:SourceAccount\":\"" + Account + "\"", policy.Document, StringComparison.Ordinal);

        var dns = new LookupClient(new LookupClientOptions(new NameServer(fx.Host.DnsEndPoint!)) { UseCache = false, Recursion = false, Timeout = TimeSpan.FromSeconds(5) });
        await dns.QueryAsync(zone.Prepend("www").ToString(), QueryType.A);
        await dns.QueryAsync(zone.Prepend("nope").ToString(), QueryType.AAAA);

        var events = (await fx.Logs().FilterLogEventsAsync(result.LogGroupName, null, null, null, null, null, CancellationToken.None)).Events;
        Assert.Equal(2, events.Count);
        var bare = Route53Names.BareId(zoneId);
        Assert.All(events, e => Assert.Equal($"{bare}/SBX1", e.LogStreamName));
        var www = events[0].Message.Split(' ');
        Assert.Equal(["1.0", bare, zone.Prepend("www").ToString().TrimEnd('.'), "A", "NOERROR", "UDP", "SBX1", "127.0.0.1", "-"],
            [www[0], www[2], www[3], www[4], www[5], www[6], www[7], www[8], www[9]]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", www[1]);
        Assert.Contains(" AAAA NXDOMAIN UDP ", events[1].Message, StringComparison.Ordinal);

        var filtered = await fx.Logs().FilterLogEventsAsync(result.LogGroupName, null, null, "NXDOMAIN", null, null, CancellationToken.None);
        Assert.Single(filtered.Events);
    }

    [Fact]
    public async Task EnsureAsync_ChangesNothing_WhenRunAgain()
    {
        var (zoneId, zone) = await ServedZoneAsync("again");
        var setup = new QueryLoggingSetup(fx.Logs(), fx.Client());
        var first = await setup.EnsureAsync(new QueryLoggingPlan(zone, zoneId, Account, 30), CancellationToken.None);

        var second = await setup.EnsureAsync(new QueryLoggingPlan(zone, zoneId, Account, 30), CancellationToken.None);

        Assert.Equal(first.QueryLoggingConfigId, second.QueryLoggingConfigId);
        Assert.False(second.CreatedLogGroup || second.WroteResourcePolicy || second.CreatedConfig);
    }

    [Fact]
    public async Task CreateQueryLoggingConfig_IsRefused_WhenNoResourcePolicyLetsRoute53Write()
    {
        var (zoneId, zone) = await ServedZoneAsync("nopolicy");
        var name = "/custom/" + zone.ToLowerString().TrimEnd('.');
        await fx.Logs().CreateLogGroupAsync(name, CancellationToken.None);

        var e = await Assert.ThrowsAsync<Route53Exception>(() =>
            fx.Client().CreateQueryLoggingConfigAsync(zoneId, $"arn:aws:logs:us-east-1:{Account}:log-group:{name}", CancellationToken.None));

        Assert.Equal("InsufficientCloudWatchLogsResourcePolicy", e.Code);
    }

    [Fact]
    public async Task CreateQueryLoggingConfig_IsRefused_WhenTheLogGroupDoesNotExist()
    {
        var (zoneId, zone) = await ServedZoneAsync("nogroup");

        var e = await Assert.ThrowsAsync<Route53Exception>(() =>
            fx.Client().CreateQueryLoggingConfigAsync(zoneId, $"arn:aws:logs:us-east-1:{Account}:log-group:/aws/route53/{zone.ToLowerString().TrimEnd('.')}", CancellationToken.None));

        Assert.Equal("NoSuchCloudWatchLogsLogGroup", e.Code);
    }

    [Fact]
    public async Task PutRetentionPolicy_RefusesAValueCloudWatchDoesNotAccept_BeforeSending()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => fx.Logs().PutRetentionPolicyAsync("/aws/route53/x", 364, CancellationToken.None));
    }

    [Fact]
    public async Task CreateLogGroup_ThrowsResourceAlreadyExists_WhenCalledTwice()
    {
        var name = "/aws/route53/twice-" + Guid.NewGuid().ToString("N")[..8];
        await fx.Logs().CreateLogGroupAsync(name, CancellationToken.None);

        var e = await Assert.ThrowsAsync<Route53Exception>(() => fx.Logs().CreateLogGroupAsync(name, CancellationToken.None));

        Assert.Equal("ResourceAlreadyExistsException", e.Code);
    }
}
