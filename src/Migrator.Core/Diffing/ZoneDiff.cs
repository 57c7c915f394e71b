using System.Collections.Immutable;
using Migrator.Core.Zones;

namespace Migrator.Core.Diffing;

/// <summary>
/// Compares two versions of a zone in the octoDNS manner: sets are matched by (name, type, set identifier) and their
/// values compared as sets (order-insensitive, ordinal). Pure: the same inputs in any order give an equal plan and hash.
/// </summary>
public static class ZoneDiff
{
    public static Plan Compute(DomainName zone, IEnumerable<ResourceRecord> existing, IEnumerable<ResourceRecord> desired,
        ZoneDiffOptions? options = null, SafetyPolicy? policy = null)
    {
        // The grouping index of the existing zone doubles as the diff's lookup table: one hash table fewer.
        var existingSets = RecordSetGrouper.Group(existing, out var byKey);
        return ComputeCore(zone, existingSets, byKey, RecordSetGrouper.Group(desired, out _), options, policy);
    }

    public static Plan Compute(DomainName zone, IReadOnlyList<RecordSet> existing, IReadOnlyList<RecordSet> desired,
        ZoneDiffOptions? options = null, SafetyPolicy? policy = null)
    {
        var byKey = new Dictionary<RecordSetKey, int>(existing.Count, RecordSetKeyComparer.Instance);
        for (var i = 0; i < existing.Count; i++)
            if (!byKey.TryAdd(existing[i].Key, i))
                throw new ArgumentException($"the existing zone holds {existing[i].Key} twice; group records into sets first", nameof(existing));
        return ComputeCore(zone, existing, byKey, desired, options, policy);
    }

    /// <param name="byKey">Index of every set in <paramref name="existing"/>, ignored ones included.</param>
    private static Plan ComputeCore(DomainName zone, IReadOnlyList<RecordSet> existing, Dictionary<RecordSetKey, int> byKey,
        IReadOnlyList<RecordSet> desired, ZoneDiffOptions? options, SafetyPolicy? policy)
    {
        options ??= ZoneDiffOptions.Default;
        policy ??= SafetyPolicy.Default;

        // Only the apex SOA and NS can be ignored, so two lookups tell how many existing sets are out of scope.
        var ignoredExisting = 0;
        if (options.IgnoreApexSoa && byKey.ContainsKey(new RecordSetKey(zone, RecordType.SOA))) ignoredExisting++;
        if (options.IgnoreApexNs && byKey.ContainsKey(new RecordSetKey(zone, RecordType.NS))) ignoredExisting++;

        var changes = new List<RecordChange>();
        var matched = new bool[existing.Count];
        var matchedCount = 0;
        HashSet<RecordSetKey>? created = null; // only to catch a key given twice among the creates
        for (var i = 0; i < desired.Count; i++)
        {
            var set = desired[i];
            if (IsIgnored(zone, set.Key, options)) continue;
            if (!byKey.TryGetValue(set.Key, out var index))
            {
                if (!(created ??= new HashSet<RecordSetKey>(RecordSetKeyComparer.Instance)).Add(set.Key)) throw Duplicate(set.Key);
                changes.Add(RecordChange.Create(set));
                continue;
            }
            if (matched[index]) throw Duplicate(set.Key);
            matched[index] = true;
            matchedCount++;
            var old = existing[index];
            if ((!options.IgnoreTtl && old.Ttl != set.Ttl) || !SameValues(old.Values, set.Values))
                changes.Add(RecordChange.Update(old, set));
        }

        var existingCount = byKey.Count - ignoredExisting;
        if (matchedCount < existingCount)
            foreach (var index in byKey.Values)
                if (!matched[index] && !IsIgnored(zone, existing[index].Key, options)) changes.Add(RecordChange.Delete(existing[index]));

        changes.Sort(RecordChange.CompareForPlan);
        return new Plan(zone, [.. changes], existingCount, options, policy);
    }

    private static ArgumentException Duplicate(RecordSetKey key) =>
        new($"the desired zone holds {key} twice; group records into sets first", "desired");

    private static bool IsIgnored(DomainName zone, RecordSetKey key, ZoneDiffOptions options)
    {
        if (!options.IgnoreApexNs && !options.IgnoreApexSoa) return false;
        if (key.Type != RecordType.NS && key.Type != RecordType.SOA) return false;
        if (!key.Name.Equals(zone)) return false;
        return key.Type == RecordType.NS ? options.IgnoreApexNs : options.IgnoreApexSoa;
    }

    /// <summary>Set equality of values (duplicates collapse). Small sets, the usual case, avoid allocating.</summary>
    internal static bool SameValues(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        if (a.Count == 1 && b.Count == 1) return string.Equals(a[0], b[0], StringComparison.Ordinal);
        if (a.Count <= 8 && b.Count <= 8) return ContainsAll(a, b) && ContainsAll(b, a);
        var left = new HashSet<string>(a, StringComparer.Ordinal);
        return left.SetEquals(b);
    }

    private static bool ContainsAll(IReadOnlyList<string> haystack, IReadOnlyList<string> needles)
    {
        for (var i = 0; i < needles.Count; i++)
        {
            var found = false;
            for (var j = 0; j < haystack.Count && !found; j++)
                found = string.Equals(haystack[j], needles[i], StringComparison.Ordinal);
            if (!found) return false;
        }
        return true;
    }
}
