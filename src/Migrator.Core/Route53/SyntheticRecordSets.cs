using Migrator.Core.Zones;

namespace Migrator.Core.Route53;

/// <summary>
/// Deterministic record sets for load tests and benchmarks: set i is always the same, one value each, a mix of
/// A, AAAA, TXT and MX. Invariant: names are distinct and lie below the zone.
/// </summary>
public static class SyntheticRecordSets
{
    public static IReadOnlyList<RecordSet> Generate(DomainName zone, int count) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var name = zone.Prepend($"host{i:D6}");
            return (i % 4) switch
            {
                0 => new RecordSet(new(name, RecordType.A), new Ttl(300), [$"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"]),
                1 => new RecordSet(new(name, RecordType.AAAA), new Ttl(300), [System.Net.IPAddress.Parse($"2001:db8::{i >> 16:x}:{i & 0xffff:x}").ToString()]),
                2 => new RecordSet(new(name, RecordType.TXT), new Ttl(600), [$"\"record {i} of a synthetic zone\""]),
                _ => new RecordSet(new(name, RecordType.MX), new Ttl(3600), [$"10 mx{i % 7}.{zone}"]),
            };
        }).ToList();
}
