using CsCheck;
using Migrator.Core.Diffing;
using Migrator.Core.Zones;
using static Migrator.Core.Tests.Diffing.DiffTestZones;

namespace Migrator.Core.Tests.Diffing;

/// <summary>
/// The diff from raw records matches records without building sets first; these pin it to the diff of the sets that
/// <see cref="RecordSet.Group"/> builds (first record's name and TTL, duplicate values collapsed).
/// </summary>
public class ZoneDiffFromRecordsTests
{
    private static readonly string[] Types = ["A", "MX", "NS", "SOA", "RRSIG"];
    private static readonly string[] Owners = ["@", "n0", "N0", "n1", "n2", "N2", "n3"];

    // Few owners (in two cases), types, TTLs and values, so sets split across the input, repeat values and collide.
    private static readonly Gen<ResourceRecord> GenRecord =
        Gen.Select(Gen.Int[0, Owners.Length - 1], Gen.Int[0, Types.Length - 1], Gen.OneOf(Gen.Const(60u), Gen.Const(300u)), Gen.Int[0, 3])
           .Select((owner, type, ttl, value) => Record(Owners[owner], Types[type], ttl, $"v{value}"));

    private static readonly Gen<ZoneDiffOptions> GenOptions =
        Gen.Select(Gen.Bool, Gen.Bool, Gen.Bool).Select((soa, ns, ttl) => new ZoneDiffOptions(soa, ns, ttl));

    [Fact]
    public void Compute_FromRecords_EqualsTheDiffOfGroupedSets()
    {
        Gen.Select(GenRecord.List[0, 25], GenRecord.List[0, 25], GenOptions).Sample((old, @new, options) =>
            AssertSamePlan(ZoneDiff.Compute(Zone, RecordSet.Group(old), RecordSet.Group(@new), options), ZoneDiff.Compute(Zone, old, @new, options)));
    }

    [Fact]
    public void Compute_FromRecords_EqualsTheDiffOfGroupedSets_WhenZonesAreBigEnoughToBeMatchedInParallel()
    {
        var old = new List<ResourceRecord>();
        var @new = new List<ResourceRecord>();
        for (var i = 0; i < 60_000; i++)
        {
            old.Add(Record($"host{i}", "A", 300, $"192.0.2.{i % 250}"));
            old.Add(Record($"host{i}", "A", 300, $"192.0.2.{i % 250}")); // duplicate value
            var owner = i % 7 == 0 ? $"HOST{i}" : $"host{i}"; // same set, other case
            if (i % 1000 == 1) continue; // deleted
            @new.Add(Record(owner, "A", i % 1000 == 2 ? 60u : 300u, $"192.0.2.{i % 250}"));
            if (i % 1000 == 3) @new.Add(Record(owner, "A", 300, "198.51.100.1")); // value added
            if (i % 1000 == 4) @new.Add(Record($"new{i}", "TXT", 300, "\"x\"")); // created
        }
        @new.Reverse();

        var plan = ZoneDiff.Compute(Zone, old, @new);

        Assert.Equal((60, 60, 120), (plan.Deletes, plan.Creates, plan.Updates));
        AssertSamePlan(ZoneDiff.Compute(Zone, RecordSet.Group(old), RecordSet.Group(@new)), plan);
    }

    [Fact]
    public void Compute_FromRecords_TakesTheFirstRecordsTtlAndOwner_WhenASetIsSplitAcrossTheInput()
    {
        ResourceRecord[] old = [Record("www", "A", 300, "192.0.2.1"), Record("mail", "A", 300, "192.0.2.9"), Record("www", "A", 300, "192.0.2.2")];
        ResourceRecord[] @new = [Record("WWW", "A", 60, "192.0.2.2"), Record("mail", "A", 300, "192.0.2.9"), Record("www", "A", 300, "192.0.2.1"), Record("www", "A", 300, "192.0.2.2")];

        var change = Assert.Single(ZoneDiff.Compute(Zone, old, @new).Changes);

        Assert.Equal(ChangeKind.Update, change.Kind);
        Assert.Equal("www.example.com.", change.Existing!.Name.ToString());
        Assert.Equal("WWW.example.com.", change.Desired!.Name.ToString());
        Assert.Equal((300u, 60u), (change.Existing.Ttl.Seconds, change.Desired.Ttl.Seconds));
        Assert.Equal(["192.0.2.1", "192.0.2.2"], change.Desired.Values);
    }

    [Fact]
    public void Compute_FromRecords_ReturnsNoChanges_WhenOnlyDuplicateValuesDiffer()
    {
        ResourceRecord[] old = [Record("www", "A", 300, "192.0.2.1"), Record("www", "A", 300, "192.0.2.1"), Record("www", "A", 300, "192.0.2.2")];
        ResourceRecord[] @new = [Record("www", "A", 300, "192.0.2.2"), Record("www", "A", 300, "192.0.2.1"), Record("www", "A", 300, "192.0.2.2")];

        Assert.False(ZoneDiff.Compute(Zone, old, @new).HasChanges);
    }

    [Fact]
    public void Compute_FromRecords_ComparesValuesAsSets_WhenSetsHoldMoreThanEightValues()
    {
        var values = Enumerable.Range(0, 12).Select(i => $"192.0.2.{i}").ToArray();
        var old = values.Select(v => Record("www", "A", 300, v)).ToList();
        var same = values.Reverse().Concat(values).Select(v => Record("www", "A", 300, v)).ToList();
        var changed = values.Skip(1).Append("192.0.2.99").Select(v => Record("www", "A", 300, v)).ToList();

        Assert.False(ZoneDiff.Compute(Zone, old, same).HasChanges);
        var update = Assert.Single(ZoneDiff.Compute(Zone, old, changed).Changes);
        Assert.Equal(12, update.Desired!.Values.Count);
    }

    [Fact]
    public void Compute_FromRecords_LeavesApexSoaAndNsOutOfTheCount_WhenAskedToIgnoreThem()
    {
        ResourceRecord[] old = [Record("@", "SOA", 300, "a. b. 1 2 3 4 5"), Record("@", "NS", 300, "ns1."), Record("www", "A", 300, "192.0.2.1")];
        ResourceRecord[] @new = [Record("@", "SOA", 300, "a. b. 2 2 3 4 5"), Record("@", "NS", 300, "ns9.")];

        var plan = ZoneDiff.Compute(Zone, old, @new, ZoneDiffOptions.Route53);

        Assert.Equal(1, plan.ExistingSetCount);
        Assert.Equal("Delete www.example.com. A", Assert.Single(plan.Changes).ToString());
    }

    private static ResourceRecord Record(string owner, string type, uint ttl, string data) =>
        new(DomainName.Parse(owner, Zone), RecordType.Parse(type), new Ttl(ttl), data);

    /// <summary>Equal hash, counts and changes, owner case, TTLs and values included (the hash lower-cases names).</summary>
    private static void AssertSamePlan(Plan expected, Plan actual)
    {
        Assert.Equal(expected.Hash, actual.Hash);
        Assert.Equal(expected.ExistingSetCount, actual.ExistingSetCount);
        Assert.Equal(Describe(expected), Describe(actual));
    }

    private static List<string> Describe(Plan plan) =>
        plan.Changes.Select(c => $"{c.Kind} {Describe(c.Existing)} -> {Describe(c.Desired)}").ToList();

    private static string Describe(RecordSet? set) =>
        set is null ? "-" : $"{set.Name} {set.Type} {set.Ttl.Seconds} {string.Join(",", set.Values)}";
}
