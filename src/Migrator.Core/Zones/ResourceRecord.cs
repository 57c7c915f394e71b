namespace Migrator.Core.Zones;

/// <summary>
/// One resource record, class IN. <see cref="Data"/> is the RDATA in canonical presentation form as the zone writer
/// prints it (names absolute with a trailing dot), so records from a zone file, AXFR, Route 53 and DNS probes compare equal.
/// </summary>
public sealed record ResourceRecord(DomainName Name, RecordType Type, Ttl Ttl, string Data);

/// <summary>Identity of an RRset in the octoDNS manner: (name, type, set identifier). Values are compared separately.</summary>
public readonly record struct RecordSetKey(DomainName Name, RecordType Type, string? SetIdentifier = null) : IComparable<RecordSetKey>
{
    public int CompareTo(RecordSetKey other)
    {
        var c = Name.CompareTo(other.Name);
        if (c != 0) return c;
        c = Type.Code.CompareTo(other.Type.Code);
        return c != 0 ? c : string.CompareOrdinal(SetIdentifier, other.SetIdentifier);
    }

    public override string ToString() => SetIdentifier is null ? $"{Name} {Type}" : $"{Name} {Type} [{SetIdentifier}]";
}

/// <summary>An RRset: one TTL and a set of distinct values (presentation form). Invariant: at least one value.</summary>
public sealed record RecordSet(RecordSetKey Key, Ttl Ttl, IReadOnlyList<string> Values)
{
    public DomainName Name => Key.Name;
    public RecordType Type => Key.Type;

    public IEnumerable<ResourceRecord> Records => Values.Select(v => new ResourceRecord(Key.Name, Key.Type, Ttl, v));

    /// <summary>Groups records into sets; the set takes the TTL of its first record (BIND's rule).</summary>
    public static IReadOnlyList<RecordSet> Group(IEnumerable<ResourceRecord> records)
    {
        var sets = new Dictionary<RecordSetKey, (Ttl Ttl, List<string> Values, HashSet<string> Seen)>();
        var order = new List<RecordSetKey>();
        foreach (var r in records)
        {
            var key = new RecordSetKey(r.Name, r.Type);
            if (!sets.TryGetValue(key, out var s))
            {
                s = (r.Ttl, new List<string>(), new HashSet<string>(StringComparer.Ordinal));
                sets[key] = s; order.Add(key);
            }
            if (s.Seen.Add(r.Data)) s.Values.Add(r.Data);
        }
        return order.Select(k => new RecordSet(k, sets[k].Ttl, sets[k].Values)).ToList();
    }
}
