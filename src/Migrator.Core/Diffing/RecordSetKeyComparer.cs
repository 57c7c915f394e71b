using Migrator.Core.Zones;

namespace Migrator.Core.Diffing;

/// <summary>
/// Equality of <see cref="RecordSetKey"/> without the generic record-struct path: type code first (cheapest), then the
/// set identifier, then the name (case-insensitive, hash cached by <see cref="DomainName"/>). Same semantics as
/// <see cref="RecordSetKey"/>'s own equality.
/// </summary>
internal sealed class RecordSetKeyComparer : IEqualityComparer<RecordSetKey>
{
    public static readonly RecordSetKeyComparer Instance = new();

    public bool Equals(RecordSetKey x, RecordSetKey y) =>
        x.Type.Code == y.Type.Code && string.Equals(x.SetIdentifier, y.SetIdentifier, StringComparison.Ordinal) && x.Name.Equals(y.Name);

    public int GetHashCode(RecordSetKey key) =>
        key.SetIdentifier is null
            ? key.Name.GetHashCode() * 31 + key.Type.Code
            : HashCode.Combine(key.Name.GetHashCode(), key.Type.Code, StringComparer.Ordinal.GetHashCode(key.SetIdentifier));
}

/// <summary>
/// Groups records into sets exactly as <see cref="RecordSet.Group"/> does (first record's TTL, exact duplicates
/// dropped, first-seen order) but without a hash set per set: most sets hold one value, so duplicates are found by
/// scanning the few values already seen.
/// </summary>
internal static class RecordSetGrouper
{
    private struct Builder(RecordSetKey key, Ttl ttl, string first)
    {
        public readonly RecordSetKey Key = key;
        public readonly Ttl Ttl = ttl;
        public readonly string First = first;
        public List<string>? All;
    }

    /// <param name="index">Each set's position in the returned list, by key.</param>
    public static List<RecordSet> Group(IEnumerable<ResourceRecord> records, out Dictionary<RecordSetKey, int> index)
    {
        var capacity = records.TryGetNonEnumeratedCount(out var n) ? n : 0;
        index = new Dictionary<RecordSetKey, int>(capacity, RecordSetKeyComparer.Instance);
        var builders = new List<Builder>(capacity);
        foreach (var r in records)
        {
            var key = new RecordSetKey(r.Name, r.Type);
            if (!index.TryGetValue(key, out var i))
            {
                index.Add(key, builders.Count);
                builders.Add(new Builder(key, r.Ttl, r.Data));
                continue;
            }
            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(builders);
            ref var b = ref span[i];
            if (b.All is null)
            {
                if (string.Equals(b.First, r.Data, StringComparison.Ordinal)) continue;
                b.All = [b.First, r.Data];
                continue;
            }
            if (!Contains(b.All, r.Data)) b.All.Add(r.Data);
        }

        var sets = new List<RecordSet>(builders.Count);
        foreach (var b in builders)
            sets.Add(new RecordSet(b.Key, b.Ttl, b.All is null ? [b.First] : b.All));
        return sets;
    }

    private static bool Contains(List<string> values, string value)
    {
        foreach (var v in values)
            if (string.Equals(v, value, StringComparison.Ordinal)) return true;
        return false;
    }
}
