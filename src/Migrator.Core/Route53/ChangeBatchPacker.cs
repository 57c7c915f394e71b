using Migrator.Core.Zones;

namespace Migrator.Core.Route53;

/// <summary>Per-request limits of ChangeResourceRecordSets (UPSERT counts twice in both).</summary>
public sealed record ChangeBatchLimits(int MaxRecords = 1000, int MaxChars = 32000, int? MaxChanges = null)
{
    public static readonly ChangeBatchLimits Route53 = new();
}

/// <summary>
/// Changes that must be applied in one request: every change at one owner name, DELETEs first, so a replaced set
/// (or a CNAME replaced by other types) is never briefly missing. Invariant: at least one change.
/// </summary>
public sealed record ChangeUnit(IReadOnlyList<Route53Change> Changes)
{
    public int Records { get; } = Changes.Sum(c => c.RecordWeight);
    public int Chars { get; } = Changes.Sum(c => c.CharWeight);
}

/// <summary>The batches to send in order, plus units that had to be split or cannot be sent at all.</summary>
public sealed record PackResult(IReadOnlyList<ChangeBatch> Batches, IReadOnlyList<string> Problems, int LowerBound);

/// <summary>
/// Packs changes into the fewest ChangeResourceRecordSets requests under the record and character limits.
/// </summary>
/// <remarks>
/// <para><b>Problem.</b> Two-dimensional vector bin packing. Each unit i has a = records/1000 and b = chars/32000
/// (UPSERT doubled); a batch holds units whose a-sum and b-sum are each at most 1. "Fewest" is measured against the
/// lower bound L = max(⌈Σrecords/1000⌉, ⌈Σchars/32000⌉), which no packing can beat.</para>
/// <para><b>Algorithm.</b> Open L batches. Take units largest first (by max(a, b)) and put each into the batch, among
/// those where it fits, whose resulting max(a-load, b-load) is smallest; open a new batch only when it fits nowhere.
/// Empty batches are dropped.</para>
/// <para><b>Claim (proved).</b> Let ε = the largest max(a, b) of any unit and M = max(Σa, Σb). If one dimension
/// dominates in every unit (a ≥ b for all units — true whenever values average ≤ 32 characters, as for A, AAAA,
/// CNAME, MX, NS — or b ≥ a for all) and M ≤ L·(1 − ε), the packer uses exactly L batches. Proof: in every batch the
/// dominant load is at least the other, so "smallest resulting max" is "least loaded in the dominant dimension". When a
/// unit is placed, the least loaded of the L batches holds at most (load placed so far)/L &lt; M/L ≤ 1 − ε, so the
/// unit fits there in both dimensions and no batch beyond L is ever opened; fewer than L is impossible.</para>
/// <para><b>Where it can exceed L.</b> (1) Without the slack (M close to L, units not tiny) even an optimal packing
/// may need L + 1. (2) Mixed units (some record-heavy, some character-heavy) can leave batches full in different
/// dimensions; the only guarantee then is that every batch opened beyond L found all open batches more than 1 − ε
/// full in some dimension, so the count is at most ⌈(Σa + Σb)/(1 − ε)⌉, up to about 2L. The tests check the proved
/// class exactly and only the limits for the rest.</para>
/// <para>A unit larger than one request is not atomic: a DELETE+CREATE pair is first tried as one UPSERT
/// (2×new may fit where old+new does not), otherwise it is split into single changes, DELETE first, and reported.</para>
/// </remarks>
public static class ChangeBatchPacker
{
    public static PackResult Pack(IEnumerable<Route53Change> changes, ChangeBatchLimits? limits = null, string? comment = null) =>
        PackUnits(ToUnits(changes, limits ?? ChangeBatchLimits.Route53, out var problems), limits, comment, problems);

    /// <summary>Groups changes by owner name (DELETEs first); splits groups too large for one request.</summary>
    public static IReadOnlyList<ChangeUnit> ToUnits(IEnumerable<Route53Change> changes, ChangeBatchLimits limits, out List<string> problems)
    {
        problems = [];
        var units = new List<ChangeUnit>();
        foreach (var group in changes.GroupBy(c => c.RecordSet.Name).OrderBy(g => g.Key))
        {
            var ordered = group.OrderBy(c => c.Action == ChangeAction.Delete ? 0 : 1).ThenBy(c => c.RecordSet.Type.Code).ToList();
            var unit = new ChangeUnit(ordered);
            if (Fits(unit, limits)) { units.Add(unit); continue; }
            foreach (var set in ordered.GroupBy(c => (c.RecordSet.Type, c.RecordSet.SetIdentifier)))
            {
                var pair = new ChangeUnit(set.OrderBy(c => c.Action == ChangeAction.Delete ? 0 : 1).ToList());
                if (Fits(pair, limits)) { units.Add(pair); continue; }
                var created = pair.Changes.Where(c => c.Action != ChangeAction.Delete).ToList();
                if (created.Count == 1 && pair.Changes.Count == 2)
                {
                    var upsert = new ChangeUnit([created[0] with { Action = ChangeAction.Upsert }]);
                    if (Fits(upsert, limits)) { units.Add(upsert); continue; }
                }
                foreach (var c in pair.Changes)
                {
                    var single = new ChangeUnit([c]);
                    if (!Fits(single, limits))
                        throw new ArgumentException($"{c.RecordSet.Name} {c.RecordSet.Type}: one {c.Action} needs {single.Records} records and {single.Chars} characters, more than one Route 53 request allows ({limits.MaxRecords}, {limits.MaxChars})");
                    units.Add(single);
                }
                problems.Add($"{set.First().RecordSet.Name} {set.Key.Type}: too large for one request; replaced in {pair.Changes.Count} requests, so the set is briefly incomplete");
            }
        }
        return units;
    }

    public static PackResult PackUnits(IReadOnlyList<ChangeUnit> units, ChangeBatchLimits? limits = null, string? comment = null, List<string>? problems = null)
    {
        limits ??= ChangeBatchLimits.Route53;
        var totalRecords = units.Sum(u => (long)u.Records);
        var totalChars = units.Sum(u => (long)u.Chars);
        var lowerBound = (int)Math.Max(Ceil(totalRecords, limits.MaxRecords), Ceil(totalChars, limits.MaxChars));
        if (limits.MaxChanges is { } mc) lowerBound = Math.Max(lowerBound, (int)Ceil(units.Sum(u => (long)u.Changes.Count), mc));

        var bins = new List<Bin>(lowerBound);
        for (var i = 0; i < lowerBound; i++) bins.Add(new Bin());
        var order = Enumerable.Range(0, units.Count)
            .OrderByDescending(i => Math.Max((double)units[i].Records / limits.MaxRecords, (double)units[i].Chars / limits.MaxChars))
            .ThenBy(i => i);
        foreach (var i in order)
        {
            var u = units[i];
            if (!Fits(u, limits)) throw new ArgumentException($"a change unit of {u.Records} records and {u.Chars} characters exceeds one request");
            Bin? best = null;
            var bestLoad = double.MaxValue;
            foreach (var b in bins)
            {
                if (b.Records + u.Records > limits.MaxRecords || b.Chars + u.Chars > limits.MaxChars) continue;
                if (limits.MaxChanges is { } max && b.Changes + u.Changes.Count > max) continue;
                var load = Math.Max((double)(b.Records + u.Records) / limits.MaxRecords, (double)(b.Chars + u.Chars) / limits.MaxChars);
                if (load < bestLoad) { best = b; bestLoad = load; }
            }
            if (best is null) { best = new Bin(); bins.Add(best); }
            best.Add(i, u);
        }
        // Units keep their input (name) order inside and across batches, so output is deterministic and readable.
        var batches = bins.Where(b => b.Units.Count > 0)
            .OrderBy(b => b.Units.Min())
            .Select(b => new ChangeBatch(b.Units.Order().SelectMany(i => units[i].Changes).ToList(), comment))
            .ToList();
        return new PackResult(batches, problems ?? [], lowerBound);
    }

    private static bool Fits(ChangeUnit u, ChangeBatchLimits l) =>
        u.Records <= l.MaxRecords && u.Chars <= l.MaxChars && (l.MaxChanges is not { } m || u.Changes.Count <= m);

    private static long Ceil(long total, int per) => (total + per - 1) / per;

    private sealed class Bin
    {
        public List<int> Units { get; } = [];
        public int Records, Chars, Changes;
        public void Add(int index, ChangeUnit u) { Units.Add(index); Records += u.Records; Chars += u.Chars; Changes += u.Changes.Count; }
    }
}
