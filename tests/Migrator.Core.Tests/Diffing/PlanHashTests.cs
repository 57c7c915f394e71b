using Migrator.Core.Diffing;
using static Migrator.Core.Tests.Diffing.DiffTestZones;

namespace Migrator.Core.Tests.Diffing;

public class PlanHashTests
{
    private static readonly List<Migrator.Core.Zones.RecordSet> Old =
    [
        Set("@", "MX", 3600, "10 mx1.example.com.", "20 mx2.example.com."),
        Set("www", "A", 300, "192.0.2.1", "192.0.2.2"),
        Set("api", "CNAME", 300, "www.example.com."),
        Set("old", "TXT", 300, "\"gone\""),
    ];

    private static readonly List<Migrator.Core.Zones.RecordSet> New =
    [
        Set("@", "MX", 3600, "10 mx1.example.com.", "30 mx3.example.com."),
        Set("www", "A", 300, "192.0.2.2", "192.0.2.1"),
        Set("api", "CNAME", 60, "www.example.com."),
        Set("new", "TXT", 300, "\"hello\""),
    ];

    [Fact]
    public void Hash_IsLowerHexSha256()
    {
        Assert.Matches("^[0-9a-f]{64}$", ZoneDiff.Compute(Zone, Old, New).Hash);
    }

    [Fact]
    public void Hash_IsEqual_WhenSetsAndValuesAreShuffled()
    {
        var expected = ZoneDiff.Compute(Zone, Old, New).Hash;
        var rng = new Random(7);
        for (var i = 0; i < 20; i++)
        {
            var old = Old.Select(s => s with { Values = s.Values.OrderBy(_ => rng.Next()).ToArray() }).OrderBy(_ => rng.Next()).ToList();
            var @new = New.Select(s => s with { Values = s.Values.OrderBy(_ => rng.Next()).ToArray() }).OrderBy(_ => rng.Next()).ToList();
            Assert.Equal(expected, ZoneDiff.Compute(Zone, old, @new).Hash);
        }
    }

    [Theory]
    [InlineData(0, "10 mx1.example.com.", "10 mx9.example.com.")]
    [InlineData(2, "www.example.com.", "web.example.com.")]
    [InlineData(3, "\"hello\"", "\"hellO\"")]
    public void Hash_Changes_WhenAnyDesiredValueChanges(int index, string from, string to)
    {
        var before = ZoneDiff.Compute(Zone, Old, New).Hash;
        var changed = New.ToList();
        changed[index] = changed[index] with { Values = changed[index].Values.Select(v => v == from ? to : v).ToArray() };
        Assert.NotEqual(before, ZoneDiff.Compute(Zone, Old, changed).Hash);
    }

    [Fact]
    public void Hash_Changes_WhenADesiredTtlChanges()
    {
        var before = ZoneDiff.Compute(Zone, Old, New).Hash;
        var changed = New.ToList();
        changed[2] = changed[2] with { Ttl = new Migrator.Core.Zones.Ttl(61) };
        Assert.NotEqual(before, ZoneDiff.Compute(Zone, Old, changed).Hash);
    }

    [Fact]
    public void Hash_Changes_WhenAnExistingValueOfAnUpdatedSetChanges()
    {
        // Route 53 deletes must match the old values exactly, so an approval covers them too.
        var before = ZoneDiff.Compute(Zone, Old, New).Hash;
        var changed = Old.ToList();
        changed[0] = Set("@", "MX", 3600, "10 mx1.example.com.", "25 mx2.example.com.");
        Assert.NotEqual(before, ZoneDiff.Compute(Zone, changed, New).Hash);
    }

    [Fact]
    public void Hash_Changes_WhenTheZoneDiffers()
    {
        var other = Migrator.Core.Zones.DomainName.Parse("example.org.");
        Assert.NotEqual(ZoneDiff.Compute(Zone, Old, New).Hash, ZoneDiff.Compute(other, Old, New).Hash);
    }

    [Fact]
    public void Hash_DoesNotDependOnNameCase()
    {
        var upper = New.Select(s => s with { Key = s.Key with { Name = Migrator.Core.Zones.DomainName.Parse(s.Name.ToString().ToUpperInvariant()) } }).ToList();
        Assert.Equal(ZoneDiff.Compute(Zone, Old, New).Hash, ZoneDiff.Compute(Zone, Old, upper).Hash);
    }

    [Fact]
    public void Hash_DistinguishesValueBoundaries()
    {
        var a = ZoneDiff.Compute(Zone, [], [Set("t", "TXT", 300, "\"a\" \"b\"", "\"c\"")]).Hash;
        var b = ZoneDiff.Compute(Zone, [], [Set("t", "TXT", 300, "\"a\"", "\"b\" \"c\"")]).Hash;
        Assert.NotEqual(a, b);
    }
}
