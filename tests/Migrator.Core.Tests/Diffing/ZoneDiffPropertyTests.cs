using CsCheck;
using Migrator.Core.Diffing;
using Migrator.Core.Zones;
using static Migrator.Core.Tests.Diffing.DiffTestZones;

namespace Migrator.Core.Tests.Diffing;

public class ZoneDiffPropertyTests
{
    private static readonly string[] Types = ["A", "AAAA", "TXT", "MX"];

    // Small name and value alphabets so that generated zones overlap and every change kind occurs.
    private static readonly Gen<RecordSet> GenSet =
        Gen.Select(Gen.Int[0, 15], Gen.Int[0, 3], Gen.OneOf(Gen.Const(60u), Gen.Const(300u), Gen.Const(3600u)),
                   Gen.Int[0, 5].HashSet[1, 4])
           .Select((name, type, ttl, values) => Set($"n{name}", Types[type], ttl, values.Order().Select(v => $"v{v}").ToArray()));

    private static readonly Gen<List<RecordSet>> GenZone =
        GenSet.Array[0, 30].Select(sets => sets.DistinctBy(s => s.Key).ToList());

    [Fact]
    public void Compute_DiffOfAZoneWithItself_IsEmpty()
    {
        GenZone.Sample(zone => Assert.False(ZoneDiff.Compute(Zone, zone, zone).HasChanges));
    }

    [Fact]
    public void Compute_PlanAppliedToExisting_GivesDesired()
    {
        Gen.Select(GenZone, GenZone).Sample((old, @new) =>
        {
            var plan = ZoneDiff.Compute(Zone, old, @new);
            var result = old.ToDictionary(s => s.Key);
            foreach (var c in plan.Changes)
            {
                if (c.Kind == ChangeKind.Delete) Assert.True(result.Remove(c.Key));
                else if (c.Kind == ChangeKind.Create) result.Add(c.Key, c.Desired!);
                else result[c.Key] = c.Desired!;
            }
            Assert.Equal(Canonical(@new), Canonical(result.Values));
        });
    }

    [Fact]
    public void Compute_PlanAndHash_DoNotDependOnInputOrder()
    {
        Gen.Select(GenZone, GenZone, Gen.Int).Sample((old, @new, seed) =>
        {
            var rng = new Random(seed);
            var shuffledOld = old.Select(s => s with { Values = s.Values.OrderBy(_ => rng.Next()).ToArray() }).OrderBy(_ => rng.Next()).ToList();
            var shuffledNew = @new.OrderBy(_ => rng.Next()).ToList();
            var a = ZoneDiff.Compute(Zone, old, @new);
            var b = ZoneDiff.Compute(Zone, shuffledOld, shuffledNew);
            Assert.Equal(a.Hash, b.Hash);
            Assert.Equal(a.Changes.Select(c => c.ToString()), b.Changes.Select(c => c.ToString()));
        });
    }

    [Fact]
    public void Compute_ChangesAreOrderedAndKeysUnique()
    {
        Gen.Select(GenZone, GenZone).Sample((old, @new) =>
        {
            var changes = ZoneDiff.Compute(Zone, old, @new).Changes;
            for (var i = 1; i < changes.Length; i++) Assert.True(RecordChange.CompareForPlan(changes[i - 1], changes[i]) < 0);
            Assert.Equal(changes.Length, changes.Select(c => c.Key).Distinct().Count());
        });
    }

    private static List<string> Canonical(IEnumerable<RecordSet> sets) =>
        sets.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Ttl} {string.Join(",", s.Values.Order(StringComparer.Ordinal))}").ToList();
}
