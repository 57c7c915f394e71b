using CsCheck;
using Migrator.Core.Zones;

namespace Migrator.Core.Tests.Zones;

public class RecordSetGroupTests
{
    private static readonly DomainName Zone = DomainName.Parse("example.com.");
    private static readonly string[] Owners = ["www", "WWW", "mail", "@"];
    private static readonly string[] Types = ["A", "TXT", "RRSIG"];

    // Few owners (in two cases), types and TTLs, up to 12 values: sets split across the input, repeat values, and grow
    // past the few values that are scanned for duplicates before a hash set takes over.
    private static readonly Gen<ResourceRecord> GenRecord =
        Gen.Select(Gen.Int[0, Owners.Length - 1], Gen.Int[0, Types.Length - 1], Gen.OneOf(Gen.Const(60u), Gen.Const(300u)), Gen.Int[0, 11])
           .Select((owner, type, ttl, value) => Record(Owners[owner], Types[type], ttl, $"v{value}"));

    [Fact]
    public void Group_MatchesTheRule_FirstSeenOrderFirstRecordsNameAndTtlDistinctValues()
    {
        GenRecord.List[0, 60].Sample(records =>
            Assert.Equal(Describe(Expected(records)), Describe(RecordSet.Group(records))));
    }

    [Fact]
    public void Group_KeepsTheFirstRecordsOwnerAndTtl_AndDropsDuplicateValues()
    {
        var values = Enumerable.Range(0, 10).Select(i => $"192.0.2.{i}").ToList();
        var records = new List<ResourceRecord> { Record("WWW", "A", 60, "192.0.2.0"), Record("mail", "A", 300, "192.0.2.9") };
        records.AddRange(values.Concat(values).Select(v => Record("www", "A", 300, v)));

        var sets = RecordSet.Group(records);

        Assert.Equal(["WWW.example.com. A 60", "mail.example.com. A 300"], sets.Select(s => $"{s.Name} {s.Type} {s.Ttl.Seconds}"));
        Assert.Equal(values, sets[0].Values);
        Assert.Equal(["192.0.2.9"], sets[1].Values);
    }

    /// <summary>The rule written plainly: keys in first-seen order, each set as its first record says, values distinct in first-seen order.</summary>
    private static List<RecordSet> Expected(List<ResourceRecord> records) =>
        records.GroupBy(r => new RecordSetKey(r.Name, r.Type))
               .Select(g => new RecordSet(new RecordSetKey(g.First().Name, g.First().Type), g.First().Ttl,
                   g.Select(r => r.Data).Distinct(StringComparer.Ordinal).ToList()))
               .ToList();

    private static List<string> Describe(IEnumerable<RecordSet> sets) =>
        sets.Select(s => $"{s.Name} {s.Type} {s.Ttl.Seconds} {string.Join(",", s.Values)}").ToList();

    private static ResourceRecord Record(string owner, string type, uint ttl, string data) =>
        new(DomainName.Parse(owner, Zone), RecordType.Parse(type), new Ttl(ttl), data);
}
