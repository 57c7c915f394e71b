using System.Collections.Immutable;
using Migrator.Sandbox.Route53;

namespace Migrator.Sandbox.Tests.Route53;

/// <summary>Batch semantics without HTTP: atomicity, ordering, whole-batch reporting, apex invariants.</summary>
public sealed class ChangeBatchRulesTests
{
    private static HostedZoneState Zone(params RecordSetData[] extra)
    {
        var name = R53Name.Parse("example.com");
        RecordSetData[] apex =
        [
            new() { Name = name, Type = "SOA", Ttl = 900, Values = ["ns-1.awsdns-00.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"] },
            new() { Name = name, Type = "NS", Ttl = 172800, Values = ["ns-1.awsdns-00.com."] },
        ];
        return new HostedZoneState
        {
            Id = "Z0TEST", Name = name, CallerReference = "r", Sequence = 1, CreatedAt = DateTimeOffset.UnixEpoch, NameServers = ["ns-1.awsdns-00.com"],
            Records = new ZoneRecords(apex.Concat(extra).ToImmutableSortedDictionary(s => s.Key, s => s)),
        };
    }

    private static RecordSetData Set(string name, string type, long ttl, params string[] values) =>
        new() { Name = R53Name.Parse(name), Type = type, Ttl = ttl, Values = [.. values] };

    [Fact]
    public void Apply_ReportsEveryProblemInOneMessage_AndAppliesNothing()
    {
        var zone = Zone();
        var result = ChangeBatchRules.Apply(zone, [
            new("CREATE", Set("ok.example.com", "A", 60, "192.0.2.1")),
            new("CREATE", Set("x.example.com", "A", 60, "999.0.0.1")),
            new("DELETE", Set("gone.example.com", "A", 60, "192.0.2.1")),
        ], 10_000);
        Assert.Equal("InvalidChangeBatch", result.Error?.Code);
        Assert.Equal("[Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '999.0.0.1'', " +
                     "Tried to delete resource record set [name='gone.example.com.', type='A'] but it was not found]", result.Error!.Message);
        Assert.Equal(2, zone.Records.Count);
    }

    [Fact]
    public void Apply_AllowsReplacingApexNs_WhenDeleteAndCreateAreInOneBatch()
    {
        var zone = Zone();
        var oldNs = zone.Records.Sets.Values.Single(s => s.Type == "NS");
        var result = ChangeBatchRules.Apply(zone, [new("DELETE", oldNs), new("CREATE", Set("example.com", "NS", 300, "ns-2.awsdns-00.net."))], 10_000);
        Assert.Null(result.Error);
        Assert.Equal(300, result.Value!.Sets.Values.Single(s => s.Type == "NS").Ttl);
    }

    [Fact]
    public void Apply_RefusesCnameLoop()
    {
        var result = ChangeBatchRules.Apply(Zone(Set("a.example.com", "CNAME", 60, "b.example.com.")),
            [new("CREATE", Set("b.example.com", "CNAME", 60, "a.example.com."))], 10_000);
        Assert.Equal("[RRSet of type CNAME with DNS name b.example.com. is not permitted as it creates a CNAME loop in the zone.]", result.Error?.Message);
    }

    [Fact]
    public void Apply_CountsUpsertTwice_AgainstThe1000RecordLimit()
    {
        var values = Enumerable.Range(0, 250).Select(i => $"10.0.{i / 200}.{i % 200}").ToArray();
        RecordChange[] Batch(string action) => [.. Enumerable.Range(0, 2).Select(i => new RecordChange(action, Set($"h{i}.example.com", "A", 60, values)))];
        Assert.Null(ChangeBatchRules.Apply(Zone(), Batch("CREATE"), 10_000).Error);
        Assert.Null(ChangeBatchRules.Apply(Zone(), Batch("UPSERT"), 10_000).Error); // 2 x 250 x 2 = 1000: at the limit
        var three = Enumerable.Range(0, 3).Select(i => new RecordChange("UPSERT", Set($"h{i}.example.com", "A", 60, values[..167]))).ToArray();
        Assert.Equal("[Number of records limit of 1000 exceeded.]", ChangeBatchRules.Apply(Zone(), three, 10_000).Error?.Message);
    }

    [Fact]
    public void Apply_RefusesBatch_WhenZoneWouldExceedRecordSetQuota()
    {
        var result = ChangeBatchRules.Apply(Zone(), [new("CREATE", Set("a.example.com", "A", 60, "192.0.2.1"))], maxSetsPerZone: 2);
        Assert.Equal("InvalidChangeBatch", result.Error?.Code);
    }
}
