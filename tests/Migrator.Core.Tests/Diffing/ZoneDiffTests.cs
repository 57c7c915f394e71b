using Migrator.Core.Diffing;
using Migrator.Core.Zones;
using static Migrator.Core.Tests.Diffing.DiffTestZones;

namespace Migrator.Core.Tests.Diffing;

public class ZoneDiffTests
{
    [Fact]
    public void Compute_ReturnsNoChanges_WhenValuesDifferOnlyInOrder()
    {
        var old = new[] { Set("www", "A", 300, "192.0.2.1", "192.0.2.2", "192.0.2.3") };
        var @new = new[] { Set("www", "A", 300, "192.0.2.3", "192.0.2.1", "192.0.2.2") };

        var plan = ZoneDiff.Compute(Zone, old, @new);

        Assert.False(plan.HasChanges);
    }

    [Fact]
    public void Compute_ReturnsNoChanges_WhenManyValuesDifferOnlyInOrder()
    {
        var values = Enumerable.Range(0, 20).Select(i => $"192.0.2.{i}").ToArray();
        var plan = ZoneDiff.Compute(Zone, [Set("www", "A", 300, values)], [Set("www", "A", 300, values.Reverse().ToArray())]);
        Assert.False(plan.HasChanges);
    }

    [Fact]
    public void Compute_MatchesSetsByKey_IgnoringNameCase()
    {
        var plan = ZoneDiff.Compute(Zone, [Set("WWW", "A", 300, "192.0.2.1")], [Set("www", "A", 300, "192.0.2.1")]);
        Assert.False(plan.HasChanges);
    }

    [Fact]
    public void Compute_ReturnsOneUpdate_WhenOneValueOfASetChanges()
    {
        var old = new[] { Set("www", "A", 300, "192.0.2.1", "192.0.2.2") };
        var @new = new[] { Set("www", "A", 300, "192.0.2.1", "192.0.2.9") };

        var change = Assert.Single(ZoneDiff.Compute(Zone, old, @new).Changes);

        Assert.Equal(ChangeKind.Update, change.Kind);
        Assert.Equal(["192.0.2.1", "192.0.2.2"], change.Existing!.Values);
        Assert.Equal(["192.0.2.1", "192.0.2.9"], change.Desired!.Values);
    }

    [Fact]
    public void Compute_PlanDoesNotChange_WhenTheCallerMutatesItsValueArrays()
    {
        var values = new[] { "192.0.2.2", "192.0.2.1" };
        var plan = ZoneDiff.Compute(Zone, [], [Set("www", "A", 300, values)]);
        var hash = plan.Hash;

        values[0] = "203.0.113.1";

        Assert.Equal(["192.0.2.1", "192.0.2.2"], plan.Changes[0].Desired!.Values);
        Assert.Equal(hash, PlanRecomputed(plan));
        Assert.False(plan.Changes[0].Desired!.Values is string[]);
    }

    private static string PlanRecomputed(Plan plan) =>
        ZoneDiff.Compute(Zone, [], plan.Changes.Select(c => c.Desired!).ToList()).Hash;

    [Fact]
    public void Compute_ReturnsUpdate_WhenOnlyTheTtlChanges()
    {
        var change = Assert.Single(ZoneDiff.Compute(Zone, [Set("www", "A", 3600, "192.0.2.1")], [Set("www", "A", 300, "192.0.2.1")]).Changes);
        Assert.Equal(ChangeKind.Update, change.Kind);
    }

    [Fact]
    public void Compute_ReturnsNoChanges_WhenOnlyTheTtlChangesAndTtlIsIgnored()
    {
        var plan = ZoneDiff.Compute(Zone, [Set("www", "A", 3600, "192.0.2.1")], [Set("www", "A", 300, "192.0.2.1")],
            new ZoneDiffOptions(IgnoreTtl: true));
        Assert.False(plan.HasChanges);
    }

    [Fact]
    public void Compute_TreatsTypesAsSeparateSets_WhenNamesAreEqual()
    {
        var old = new[] { Set("www", "A", 300, "192.0.2.1") };
        var @new = new[] { Set("www", "A", 300, "192.0.2.1"), Set("www", "AAAA", 300, "2001:db8::1") };

        var change = Assert.Single(ZoneDiff.Compute(Zone, old, @new).Changes);

        Assert.Equal(ChangeKind.Create, change.Kind);
        Assert.Equal(RecordType.AAAA, change.Key.Type);
    }

    [Fact]
    public void Compute_TreatsSetIdentifiersAsSeparateSets()
    {
        var a = Set("www", "A", 60, "192.0.2.1") with { Key = new RecordSetKey(DomainName.Parse("www.example.com."), RecordType.A, "eu") };
        var b = Set("www", "A", 60, "192.0.2.2") with { Key = new RecordSetKey(DomainName.Parse("www.example.com."), RecordType.A, "us") };

        var plan = ZoneDiff.Compute(Zone, [a], [a, b]);

        var change = Assert.Single(plan.Changes);
        Assert.Equal("us", change.Key.SetIdentifier);
    }

    [Fact]
    public void Compute_OrdersChangesDeleteCreateUpdate_ThenByKey()
    {
        var old = new[] { Set("b", "A", 300, "192.0.2.1"), Set("z", "A", 300, "192.0.2.1"), Set("a", "A", 300, "192.0.2.1"), Set("y", "TXT", 300, "\"x\"") };
        var @new = new[] { Set("b", "A", 300, "192.0.2.2"), Set("c", "MX", 300, "10 mail.example.com."), Set("a", "A", 300, "192.0.2.9"), Set("d", "A", 300, "192.0.2.1") };

        var plan = ZoneDiff.Compute(Zone, old, @new);

        Assert.Equal(
            ["Delete y.example.com. TXT", "Delete z.example.com. A", "Create c.example.com. MX", "Create d.example.com. A",
             "Update a.example.com. A", "Update b.example.com. A"],
            plan.Changes.Select(c => c.ToString()));
        Assert.Equal((2, 2, 2), (plan.Creates, plan.Updates, plan.Deletes));
    }

    [Fact]
    public void Compute_LeavesApexSoaAndNsOut_WhenAskedToIgnoreThem()
    {
        var old = new[] { Set("@", "SOA", 3600, "ns1.example.com. h.example.com. 1 7200 900 1209600 300"), Set("@", "NS", 3600, "ns1.example.com.") };
        var @new = new[] { Set("@", "SOA", 900, "ns-1.awsdns-1.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"), Set("@", "NS", 172800, "ns-1.awsdns-1.com.") };

        var plan = ZoneDiff.Compute(Zone, old, @new, ZoneDiffOptions.Route53);

        Assert.False(plan.HasChanges);
        Assert.Equal(0, plan.ExistingSetCount);
    }

    [Fact]
    public void Compute_KeepsNonApexNs_WhenApexNsIsIgnored()
    {
        var plan = ZoneDiff.Compute(Zone, [], [Set("sub", "NS", 3600, "ns1.sub.example.com.")], ZoneDiffOptions.Route53);
        Assert.Equal(ChangeKind.Create, Assert.Single(plan.Changes).Kind);
    }

    [Fact]
    public void Compute_GroupsRecords_WhenGivenRecords()
    {
        var n = DomainName.Parse("www.example.com.");
        var old = new[] { new ResourceRecord(n, RecordType.A, new Ttl(300), "192.0.2.1"), new ResourceRecord(n, RecordType.A, new Ttl(300), "192.0.2.2") };
        var @new = new[] { new ResourceRecord(n, RecordType.A, new Ttl(300), "192.0.2.2"), new ResourceRecord(n, RecordType.A, new Ttl(300), "192.0.2.1") };
        Assert.False(ZoneDiff.Compute(Zone, old, @new).HasChanges);
    }

    [Fact]
    public void Compute_FindsEveryChange_WhenZonesAreBigEnoughToBeMatchedInParallel()
    {
        var old = Hosts(120_000);
        var @new = old.Select((s, i) => i % 1000 == 0 ? s with { Ttl = new Ttl(60) } : s).Where((_, i) => i % 1000 != 1).ToList();
        @new.Add(Set("extra", "A", 300, "192.0.2.1"));
        @new.Reverse();

        var plan = ZoneDiff.Compute(Zone, old, @new);

        Assert.Equal((1, 120, 120), (plan.Creates, plan.Updates, plan.Deletes));
        Assert.Equal(ZoneDiff.Compute(Zone, old, @new.AsEnumerable().Reverse().ToList()).Hash, plan.Hash);
    }

    [Fact]
    public void Compute_Throws_WhenAKeyAppearsTwiceInABigZone()
    {
        var @new = Hosts(120_000);
        @new.Add(@new[3]);
        var created = Hosts(120_000);
        created.Add(Set("dup", "A", 300, "192.0.2.1"));
        created.Add(Set("dup", "A", 300, "192.0.2.2"));

        Assert.Contains("host3.example.com. A twice", Assert.Throws<ArgumentException>(() => ZoneDiff.Compute(Zone, Hosts(120_000), @new)).Message);
        Assert.Contains("dup.example.com. A twice", Assert.Throws<ArgumentException>(() => ZoneDiff.Compute(Zone, Hosts(120_000), created)).Message);
    }

    [Fact]
    public void Compute_Throws_WhenAKeyAppearsTwice()
    {
        var dup = new[] { Set("www", "A", 300, "192.0.2.1"), Set("www", "A", 300, "192.0.2.2") };
        Assert.Throws<ArgumentException>(() => ZoneDiff.Compute(Zone, [], dup));
    }
}
