using Migrator.Core.Diffing;
using static Migrator.Core.Tests.Diffing.DiffTestZones;

namespace Migrator.Core.Tests.Diffing;

public class PlanSafetyCheckTests
{
    private static List<Migrator.Core.Zones.RecordSet> WithUpdates(List<Migrator.Core.Zones.RecordSet> zone, int updates) =>
        zone.Select((s, i) => i < updates ? s with { Values = ["198.51.100.1"] } : s).ToList();

    [Fact]
    public void Safety_IsSafe_WhenExactly30PercentAreUpdated()
    {
        var old = Hosts(10);
        var plan = ZoneDiff.Compute(Zone, old, WithUpdates(old, 3));
        Assert.Equal(3, plan.Updates);
        Assert.True(plan.Safety.IsSafe);
    }

    [Fact]
    public void Safety_RefusesUpdates_When31PercentAreUpdated()
    {
        var old = Hosts(100);
        var plan = ZoneDiff.Compute(Zone, old, WithUpdates(old, 31));

        var v = Assert.Single(plan.Safety.Violations);
        Assert.Equal(SafetyViolation.TooManyUpdates, v.Code);
        Assert.Equal("31 of 100 existing record sets would be updated (31%), above the 30% limit", v.Message);
        Assert.False(plan.Safety.Allows(force: false));
        Assert.True(plan.Safety.Allows(force: true));
    }

    [Fact]
    public void Safety_IsSafe_When30Of100AreUpdated()
    {
        var old = Hosts(100);
        Assert.True(ZoneDiff.Compute(Zone, old, WithUpdates(old, 30)).Safety.IsSafe);
    }

    [Fact]
    public void Safety_RefusesDeletes_WhenMoreThan30PercentAreDeleted()
    {
        var old = Hosts(10);
        var plan = ZoneDiff.Compute(Zone, old, old.Skip(4).ToList());

        var v = Assert.Single(plan.Safety.Violations);
        Assert.Equal(SafetyViolation.TooManyDeletes, v.Code);
        Assert.Equal("4 of 10 existing record sets would be deleted (40%), above the 30% limit", v.Message);
    }

    [Fact]
    public void Safety_IsSafe_WhenAZoneOf9SetsIsEmptied()
    {
        var plan = ZoneDiff.Compute(Zone, Hosts(9), []);
        Assert.Equal(9, plan.Deletes);
        Assert.True(plan.Safety.IsSafe);
    }

    [Fact]
    public void Safety_Refuses_WhenAZoneOf10SetsIsEmptied()
    {
        var plan = ZoneDiff.Compute(Zone, Hosts(10), []);
        Assert.Equal(SafetyViolation.TooManyDeletes, Assert.Single(plan.Safety.Violations).Code);
    }

    [Fact]
    public void Safety_IsSafe_WhenOnlyCreatesAreMade()
    {
        Assert.True(ZoneDiff.Compute(Zone, Hosts(10), Hosts(1000)).Safety.IsSafe);
    }

    [Fact]
    public void Safety_RefusesApexNsChange_EvenInASmallZone()
    {
        var plan = ZoneDiff.Compute(Zone, [Set("@", "NS", 3600, "ns1.example.net.")], [Set("@", "NS", 3600, "ns-1.awsdns-1.com.")]);

        var v = Assert.Single(plan.Safety.Violations);
        Assert.Equal(SafetyViolation.ApexNsChange, v.Code);
        Assert.Contains("apex NS set of example.com. would be updated", v.Message);
    }

    [Fact]
    public void Safety_RefusesApexSoaChange()
    {
        var plan = ZoneDiff.Compute(Zone, [Set("@", "SOA", 3600, "a. b. 1 2 3 4 5")], [Set("@", "SOA", 3600, "a. b. 2 2 3 4 5")]);
        Assert.Equal(SafetyViolation.ApexSoaChange, Assert.Single(plan.Safety.Violations).Code);
    }

    [Fact]
    public void Safety_AllowsDelegationNsChange()
    {
        var plan = ZoneDiff.Compute(Zone, [Set("sub", "NS", 3600, "ns1.example.net.")], [Set("sub", "NS", 3600, "ns2.example.net.")]);
        Assert.True(plan.Safety.IsSafe);
    }

    [Fact]
    public void Safety_ListsEveryViolation_WhenSeveralApply()
    {
        var old = Hosts(10).Append(Set("@", "NS", 3600, "ns1.example.net.")).ToList();
        var plan = ZoneDiff.Compute(Zone, old, WithUpdates(Hosts(10), 4));
        Assert.Equal((4, 1), (plan.Updates, plan.Deletes));
        Assert.Equal([SafetyViolation.TooManyUpdates, SafetyViolation.ApexNsChange],
            plan.Safety.Violations.Select(v => v.Code));
        Assert.Contains("4 of 11 existing record sets would be updated (36.4%)", plan.Safety.Violations[0].Message);
    }
}
