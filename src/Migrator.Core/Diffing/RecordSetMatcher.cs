using System.Runtime.InteropServices;
using Migrator.Core.Zones;

namespace Migrator.Core.Diffing;

/// <summary>
/// The diff from raw records without a <see cref="RecordSet"/> per set. Records of the existing zone are chained per set
/// (int arrays, one hash table keyed by (name, type)); each desired record is attached to the existing set it matches,
/// or to a set of its own when it matches none. Only changed sets become <see cref="RecordSet"/>s. Grouping follows
/// <see cref="RecordSet.Group"/> exactly: a set takes its first record's name and TTL, exact duplicate values collapse.
/// Invariant: gives the same plan as grouping both zones with <see cref="RecordSet.Group"/> and diffing the sets.
/// </summary>
internal sealed class RecordSetMatcher
{
    private const int ParallelThreshold = 50_000;

    private readonly IReadOnlyList<ResourceRecord> _existing;
    private readonly IReadOnlyList<ResourceRecord> _desired;
    private readonly Dictionary<RecordSetKey, int> _byKey;
    private readonly Chains _existingSets;
    private Chains _desiredSets = null!; // index = existing set's index; created sets are numbered after them

    private RecordSetMatcher(IReadOnlyList<ResourceRecord> existing, IReadOnlyList<ResourceRecord> desired)
    {
        _existing = existing;
        _desired = desired;
        _byKey = new Dictionary<RecordSetKey, int>(existing.Count, RecordSetKeyComparer.Instance);
        _existingSets = new Chains(existing.Count, existing.Count);
    }

    public static Plan Compute(DomainName zone, IEnumerable<ResourceRecord> existing, IEnumerable<ResourceRecord> desired,
        ZoneDiffOptions options, SafetyPolicy policy)
    {
        var matcher = new RecordSetMatcher(
            existing as IReadOnlyList<ResourceRecord> ?? existing.ToArray(), desired as IReadOnlyList<ResourceRecord> ?? desired.ToArray());
        return matcher.Diff(zone, options, policy);
    }

    private Plan Diff(DomainName zone, ZoneDiffOptions options, SafetyPolicy policy)
    {
        var parallel = _existing.Count + _desired.Count > ParallelThreshold;
        IndexExisting();
        var existingCount = _existingSets.Count;

        // Lookups only read the table, so they run in parallel; linking records into sets stays in input order.
        var match = new int[_desired.Count];
        var unmatched = new int[2];
        ForChunks(_desired.Count, parallel, (chunk, start, end) =>
        {
            for (var i = start; i < end; i++)
                if (!_byKey.TryGetValue(new RecordSetKey(_desired[i].Name, _desired[i].Type), out match[i])) { match[i] = -1; unmatched[chunk]++; }
        });
        Dictionary<RecordSetKey, int>? created = null;
        _desiredSets = new Chains(_desired.Count, existingCount + unmatched[0] + unmatched[1]) { Count = existingCount };
        for (var i = 0; i < match.Length; i++)
        {
            var s = match[i];
            if (s < 0)
            {
                created ??= new Dictionary<RecordSetKey, int>(RecordSetKeyComparer.Instance);
                ref var c = ref CollectionsMarshal.GetValueRefOrAddDefault(created, new RecordSetKey(_desired[i].Name, _desired[i].Type), out var known);
                if (!known) c = _desiredSets.Count++;
                s = c;
            }
            _desiredSets.Append(s, i);
        }

        var ignoredExisting = 0;
        var partial = new List<RecordChange>?[2];
        ForChunks(existingCount, parallel, (chunk, start, end) =>
        {
            var changes = new List<RecordChange>();
            for (var s = start; s < end; s++)
            {
                var key = KeyOf(_existing, _existingSets, s);
                if (ZoneDiff.IsIgnored(zone, key, options)) { Interlocked.Increment(ref ignoredExisting); continue; }
                if (_desiredSets.First(s) < 0) { changes.Add(RecordChange.Delete(SetOf(_existing, _existingSets, s))); continue; }
                if ((!options.IgnoreTtl && _existing[_existingSets.First(s)].Ttl != _desired[_desiredSets.First(s)].Ttl) || !SameValues(s))
                    changes.Add(RecordChange.Update(SetOf(_existing, _existingSets, s), SetOf(_desired, _desiredSets, s)));
            }
            partial[chunk] = changes;
        });
        var all = new List<RecordChange>();
        foreach (var p in partial) if (p is not null) all.AddRange(p);
        for (var s = existingCount; s < _desiredSets.Count; s++)
        {
            var set = SetOf(_desired, _desiredSets, s);
            if (!ZoneDiff.IsIgnored(zone, set.Key, options)) all.Add(RecordChange.Create(set));
        }
        all.Sort(RecordChange.CompareForPlan);
        return new Plan(zone, [.. all], existingCount - ignoredExisting, options, policy);
    }

    private void IndexExisting()
    {
        for (var i = 0; i < _existing.Count; i++)
        {
            var r = _existing[i];
            ref var s = ref CollectionsMarshal.GetValueRefOrAddDefault(_byKey, new RecordSetKey(r.Name, r.Type), out var known);
            if (!known) s = _existingSets.Count++;
            _existingSets.Append(s, i);
        }
    }

    /// <summary>Runs <paramref name="body"/>(chunk, start, end) over [0, count) as chunk 0, or in two halves on two threads.</summary>
    private static void ForChunks(int count, bool parallel, Action<int, int, int> body)
    {
        if (!parallel) { body(0, 0, count); return; }
        var half = count / 2;
        Parallel.Invoke(() => body(0, 0, half), () => body(1, half, count));
    }

    private static RecordSetKey KeyOf(IReadOnlyList<ResourceRecord> records, Chains sets, int s)
    {
        var first = records[sets.First(s)];
        return new RecordSetKey(first.Name, first.Type);
    }

    /// <summary>The set as <see cref="RecordSet.Group"/> builds it: first record's name and TTL, distinct values in first-seen order.</summary>
    private static RecordSet SetOf(IReadOnlyList<ResourceRecord> records, Chains sets, int s)
    {
        var first = records[sets.First(s)];
        var values = new List<string>();
        var seen = sets.LongerThan(s, RecordSet.DuplicateScanLimit) ? new HashSet<string>(StringComparer.Ordinal) : null;
        for (var i = sets.First(s); i >= 0; i = sets.Next(i))
        {
            var v = records[i].Data;
            if (seen is null ? !Contains(values, v) : seen.Add(v)) values.Add(v);
        }
        return new RecordSet(new RecordSetKey(first.Name, first.Type), first.Ttl, values);
    }

    private static bool Contains(List<string> values, string value)
    {
        foreach (var v in values)
            if (string.Equals(v, value, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>Set equality of the values of existing set <paramref name="s"/> and its desired counterpart (duplicates collapse).</summary>
    private bool SameValues(int s)
    {
        int a = _existingSets.First(s), b = _desiredSets.First(s);
        if (_existingSets.Next(a) < 0 && _desiredSets.Next(b) < 0)
            return string.Equals(_existing[a].Data, _desired[b].Data, StringComparison.Ordinal);
        if (!_existingSets.LongerThan(s, RecordSet.DuplicateScanLimit) && !_desiredSets.LongerThan(s, RecordSet.DuplicateScanLimit))
            return ContainsAll(_existing, _existingSets, a, _desired, _desiredSets, b) && ContainsAll(_desired, _desiredSets, b, _existing, _existingSets, a);
        var left = new HashSet<string>(StringComparer.Ordinal);
        for (var i = a; i >= 0; i = _existingSets.Next(i)) left.Add(_existing[i].Data);
        var right = new HashSet<string>(StringComparer.Ordinal);
        for (var i = b; i >= 0; i = _desiredSets.Next(i)) right.Add(_desired[i].Data);
        return left.SetEquals(right);
    }

    private static bool ContainsAll(IReadOnlyList<ResourceRecord> haystack, Chains haystackSets, int h,
        IReadOnlyList<ResourceRecord> needles, Chains needleSets, int n)
    {
        for (var i = n; i >= 0; i = needleSets.Next(i))
        {
            var found = false;
            for (var j = h; j >= 0 && !found; j = haystackSets.Next(j))
                found = string.Equals(haystack[j].Data, needles[i].Data, StringComparison.Ordinal);
            if (!found) return false;
        }
        return true;
    }

    /// <summary>Records chained into sets, in input order: per set its first and last record, per record the next one (−1 ends).</summary>
    private sealed class Chains
    {
        private readonly int[] _first, _last, _next;

        public Chains(int records, int maxSets)
        {
            _first = new int[maxSets];
            _last = new int[maxSets];
            _next = new int[records];
            Array.Fill(_first, -1);
            Array.Fill(_next, -1);
        }

        public int Count { get; set; }
        public int First(int set) => _first[set];
        public int Next(int record) => _next[record];

        public bool LongerThan(int set, int length)
        {
            var n = 0;
            for (var i = _first[set]; i >= 0; i = _next[i]) if (++n > length) return true;
            return false;
        }

        public void Append(int set, int record)
        {
            if (_first[set] < 0) _first[set] = record;
            else _next[_last[set]] = record;
            _last[set] = record;
        }
    }
}
