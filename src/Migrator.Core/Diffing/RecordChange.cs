using Migrator.Core.Zones;

namespace Migrator.Core.Diffing;

/// <summary>
/// The kinds of change, declared in the order a plan lists and applies them: Delete, Create, Update (octoDNS's order).
/// Deleting first lets a name switch between CNAME and other types in one all-or-nothing Route 53 batch (a CNAME
/// cannot be created while an A still sits at the name); Route 53 evaluates a batch in order and applies it atomically,
/// so the deletes open no gap as long as the batch packer keeps a name's changes in the same batch.
/// </summary>
public enum ChangeKind
{
    Delete = 0,
    Create = 1,
    Update = 2,
}

/// <summary>
/// One change to one RRset. Invariant: Delete has only <see cref="Existing"/>, Create only <see cref="Desired"/>,
/// Update both, with equal keys and different TTLs or value sets; the sets are read-only copies, values in ordinal order.
/// </summary>
public sealed record RecordChange
{
    public ChangeKind Kind { get; }
    public RecordSetKey Key { get; }
    public RecordSet? Existing { get; }
    public RecordSet? Desired { get; }

    private RecordChange(ChangeKind kind, RecordSetKey key, RecordSet? existing, RecordSet? desired)
    {
        Kind = kind; Key = key; Existing = Freeze(existing); Desired = Freeze(desired);
    }

    /// <summary>
    /// A private, read-only copy with values in ordinal order, so a stored plan cannot change under its hash when the
    /// caller reuses its lists, and shows values the same way whatever order they were read in.
    /// </summary>
    private static RecordSet? Freeze(RecordSet? set)
    {
        if (set is null) return null;
        var values = new string[set.Values.Count];
        for (var i = 0; i < values.Length; i++) values[i] = set.Values[i];
        Array.Sort(values, StringComparer.Ordinal);
        return new RecordSet(set.Key, set.Ttl, Array.AsReadOnly(values));
    }

    public static RecordChange Create(RecordSet desired) => new(ChangeKind.Create, desired.Key, null, desired);
    public static RecordChange Delete(RecordSet existing) => new(ChangeKind.Delete, existing.Key, existing, null);

    public static RecordChange Update(RecordSet existing, RecordSet desired)
    {
        if (existing.Key != desired.Key)
            throw new ArgumentException($"an update needs equal keys, got {existing.Key} and {desired.Key}", nameof(desired));
        return new(ChangeKind.Update, existing.Key, existing, desired);
    }

    /// <summary>Fixed plan order: kind (Delete, Create, Update), then the key in DNSSEC canonical order.</summary>
    public static int CompareForPlan(RecordChange a, RecordChange b)
    {
        var c = a.Kind.CompareTo(b.Kind);
        return c != 0 ? c : a.Key.CompareTo(b.Key);
    }

    public override string ToString() => $"{Kind} {Key}";
}
