using Migrator.Core.ZoneFiles;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Route53;

/// <summary>
/// Deterministic record sets for load tests and benchmarks (a load generator, so it lives beside them, not in Core):
/// set i is always the same, one value each, a mix of A, AAAA, TXT and MX. Invariant: names are distinct and lie below
/// the zone.
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

    /// <summary>The sets as a BIND master file, with the apex SOA and NS a zone file needs (the name server lies outside the
    /// zone so that it needs no address record of its own, which would be one more set).</summary>
    public static void WriteZoneFile(string path, DomainName zone, IReadOnlyList<RecordSet> sets)
    {
        using var writer = new StreamWriter(path);
        ZoneFileWriter.Write(writer, new ResourceRecord(zone, RecordType.SOA, new Ttl(900), $"ns1.example.net. hostmaster.{zone} 1 7200 900 1209600 300"));
        ZoneFileWriter.Write(writer, new ResourceRecord(zone, RecordType.NS, new Ttl(900), "ns1.example.net."));
        foreach (var s in sets)
            foreach (var v in s.Values)
                ZoneFileWriter.Write(writer, new ResourceRecord(s.Name, s.Type, s.Ttl, v));
    }
}
