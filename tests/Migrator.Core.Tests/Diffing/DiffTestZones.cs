using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Diffing;

internal static class DiffTestZones
{
    public static readonly DomainName Zone = DomainName.Parse("example.com.");

    public static RecordSet Set(string name, string type, uint ttl, params string[] values) =>
        new(new RecordSetKey(DomainName.Parse(name, Zone), RecordType.Parse(type)), new Ttl(ttl), values);

    /// <summary>A zone of <paramref name="n"/> A sets host0..host(n-1), one value each.</summary>
    public static List<RecordSet> Hosts(int n, uint ttl = 300) =>
        Enumerable.Range(0, n).Select(i => Set($"host{i}", "A", ttl, $"192.0.2.{i % 250}")).ToList();
}
