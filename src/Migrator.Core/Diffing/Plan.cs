using System.Collections.Immutable;
using Migrator.Core.Zones;

namespace Migrator.Core.Diffing;

/// <summary>Why the mass-change guard refuses a plan. <see cref="Code"/> is stable for scripts; the message is for people.</summary>
public sealed record SafetyViolation(string Code, string Message)
{
    public const string TooManyUpdates = "too-many-updates";
    public const string TooManyDeletes = "too-many-deletes";
    public const string ApexNsChange = "apex-ns-change";
    public const string ApexSoaChange = "apex-soa-change";

    public override string ToString() => Message;
}

/// <summary>The guard's verdict on a plan. Invariant: <see cref="IsSafe"/> exactly when there are no violations.</summary>
public sealed record SafetyVerdict(ImmutableArray<SafetyViolation> Violations)
{
    public bool IsSafe => Violations.IsEmpty;

    /// <summary>Whether the plan may be applied: safe, or unsafe and explicitly forced.</summary>
    public bool Allows(bool force) => IsSafe || force;
}

/// <summary>
/// What it takes to turn the existing zone into the desired one: a pure, immutable value computed once, stored, shown,
/// approved by <see cref="Hash"/> and then applied. Invariants: <see cref="Changes"/> is in the fixed order of
/// <see cref="RecordChange.CompareForPlan"/>, each key appears at most once, and <see cref="Hash"/> is the SHA-256 of the
/// canonical serialisation of the zone, the existing set count and the changes — independent of input order.
/// </summary>
public sealed record Plan
{
    public DomainName Zone { get; }
    public ImmutableArray<RecordChange> Changes { get; }

    /// <summary>Number of existing sets considered (ignored apex sets excluded); the base of the safety percentages.</summary>
    public int ExistingSetCount { get; }

    public ZoneDiffOptions Options { get; }
    public SafetyVerdict Safety { get; }

    /// <summary>Lower-case hex SHA-256; equal plans have equal hashes whatever order their inputs came in.</summary>
    public string Hash { get; }

    internal Plan(DomainName zone, ImmutableArray<RecordChange> changes, int existingSetCount, ZoneDiffOptions options, SafetyPolicy policy)
    {
        Zone = zone;
        Changes = changes;
        ExistingSetCount = existingSetCount;
        Options = options;
        Safety = PlanSafetyCheck.Evaluate(zone, changes, existingSetCount, policy);
        Hash = PlanHasher.Compute(zone, existingSetCount, changes);
    }

    public bool HasChanges => !Changes.IsEmpty;
    public int Creates => Count(ChangeKind.Create);
    public int Updates => Count(ChangeKind.Update);
    public int Deletes => Count(ChangeKind.Delete);

    private int Count(ChangeKind kind)
    {
        var n = 0;
        foreach (var c in Changes) if (c.Kind == kind) n++;
        return n;
    }
}
