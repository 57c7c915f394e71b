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

    /// <summary>
    /// Up to this many values, "is this value already in the set" is answered by scanning them; beyond it, by a hash.
    /// Most sets hold one or two values. The one threshold of the three places that drop duplicate values: grouping
    /// (<see cref="Group"/>), the diff's matcher and the zone file assembler.
    /// </summary>
    internal const int DuplicateScanLimit = 8;

    /// <summary>
    /// Groups records into sets in first-seen order; a set takes the name and TTL of its first record (BIND's rule) and
    /// drops exact duplicate values. Most sets hold one value, so no hash set is built per set.
    /// </summary>
    public static IReadOnlyList<RecordSet> Group(IEnumerable<ResourceRecord> records)
    {
        var capacity = records.TryGetNonEnumeratedCount(out var n) ? n : 0;
        var index = new Dictionary<RecordSetKey, int>(capacity, Diffing.RecordSetKeyComparer.Instance);
        var builders = new List<SetBuilder>(capacity);
        foreach (var r in records)
        {
            ref var i = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(index, new RecordSetKey(r.Name, r.Type), out var known);
            if (!known) { i = builders.Count; builders.Add(new SetBuilder(r)); }
            else System.Runtime.InteropServices.CollectionsMarshal.AsSpan(builders)[i].Add(r.Data);
        }
        var sets = new RecordSet[builders.Count];
        for (var i = 0; i < sets.Length; i++) sets[i] = builders[i].Build();
        return sets;
    }

    private struct SetBuilder(ResourceRecord first)
    {
        private List<string>? _values;
        private HashSet<string>? _seen;

        public void Add(string value)
        {
            if (_values is null)
            {
                if (string.Equals(first.Data, value, StringComparison.Ordinal)) return;
                _values = [first.Data, value];
                return;
            }
            if (_seen is not null) { if (_seen.Add(value)) _values.Add(value); return; }
            foreach (var v in _values) if (string.Equals(v, value, StringComparison.Ordinal)) return;
            _values.Add(value);
            if (_values.Count > RecordSet.DuplicateScanLimit) _seen = new HashSet<string>(_values, StringComparer.Ordinal);
        }

        public readonly RecordSet Build() => new(new RecordSetKey(first.Name, first.Type), first.Ttl, _values ?? [first.Data]);
    }
}
