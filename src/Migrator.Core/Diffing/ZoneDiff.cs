using System.Collections.Immutable;
using Migrator.Core.Zones;

namespace Migrator.Core.Diffing;

/// <summary>
/// Compares two versions of a zone in the octoDNS manner: sets are matched by (name, type, set identifier) and their
/// values compared as sets (order-insensitive, ordinal). Pure: the same inputs in any order give an equal plan and hash.
/// </summary>
public static class ZoneDiff
{
    private const int ParallelGroupingThreshold = 50_000;

    /// <summary>The diff of the sets that <see cref="RecordSet.Group"/> makes of each zone, computed without building them.</summary>
    public static Plan Compute(DomainName zone, IEnumerable<ResourceRecord> existing, IEnumerable<ResourceRecord> desired,
        ZoneDiffOptions? options = null, SafetyPolicy? policy = null) =>
        RecordSetMatcher.Compute(zone, existing, desired, options ?? ZoneDiffOptions.Default, policy ?? SafetyPolicy.Default);

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

        // Lookups only read the dictionary, so big zones are matched in parallel chunks; "matched" flags are set with
        // Interlocked so a key given twice is caught even when the two copies land in different chunks.
        var matched = new int[existing.Count];
        var chunks = desired.Count > ParallelGroupingThreshold ? Math.Clamp(Environment.ProcessorCount, 1, 4) : 1;
        var partial = new (List<RecordChange> Changes, int Matched)[chunks];
        var chunkSize = (desired.Count + chunks - 1) / Math.Max(chunks, 1);
        void Match(int chunk)
        {
            var changes = new List<RecordChange>();
            var count = 0;
            var end = Math.Min(desired.Count, (chunk + 1) * chunkSize);
            for (var i = chunk * chunkSize; i < end; i++)
            {
                var set = desired[i];
                if (IsIgnored(zone, set.Key, options)) continue;
                if (!byKey.TryGetValue(set.Key, out var index))
                {
                    changes.Add(RecordChange.Create(set));
                    continue;
                }
                if (Interlocked.Exchange(ref matched[index], 1) == 1) throw Duplicate(set.Key);
                count++;
                var old = existing[index];
                if ((!options.IgnoreTtl && old.Ttl != set.Ttl) || !SameValues(old.Values, set.Values))
                    changes.Add(RecordChange.Update(old, set));
            }
            partial[chunk] = (changes, count);
        }
        if (chunks == 1) Match(0);
        else
        {
            try { Parallel.For(0, chunks, Match); }
            catch (AggregateException e) when (e.InnerException is ArgumentException duplicate)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(duplicate);
            }
        }

        var changes = new List<RecordChange>();
        var matchedCount = 0;
        foreach (var (c, m) in partial) { changes.AddRange(c); matchedCount += m; }

        var existingCount = byKey.Count - ignoredExisting;
        if (matchedCount < existingCount)
            for (var i = 0; i < existing.Count; i++)
                if (matched[i] == 0 && !IsIgnored(zone, existing[i].Key, options)) changes.Add(RecordChange.Delete(existing[i]));

        changes.Sort(RecordChange.CompareForPlan);
        // A key given twice among the creates sorts next to itself (keys of other kinds exist in the old zone).
        for (var i = 1; i < changes.Count; i++)
            if (changes[i].Kind == ChangeKind.Create && changes[i - 1].Kind == ChangeKind.Create && RecordSetKeyComparer.Instance.Equals(changes[i].Key, changes[i - 1].Key))
                throw Duplicate(changes[i].Key);
        return new Plan(zone, [.. changes], existingCount, options, policy);
    }

    private static ArgumentException Duplicate(RecordSetKey key) =>
        new($"the desired zone holds {key} twice; group records into sets first", "desired");

    internal static bool IsIgnored(DomainName zone, RecordSetKey key, ZoneDiffOptions options)
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
