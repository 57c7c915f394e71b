using Migrator.Core.Diffing;
using Migrator.Core.Linting;
using Migrator.Core.Migrations;
using Migrator.Core.Zones;

namespace Migrator.Web.Dashboard;

/// <summary>
/// One record of the stored inventory as the records review shows it: its TTL now and the TTL the cutover plan sets
/// (null when Route 53 does not take the type), and the worst open lint finding at its name and type.
/// </summary>
public sealed record RecordRow(string Name, string Type, uint Ttl, uint? CutoverTtl, string Data, LintSeverity? Finding)
{
    public bool Migrated => CutoverTtl is not null;
    public bool TtlChanges => CutoverTtl is { } t && t != Ttl;
}

/// <summary>What the records table shows: a text match on name or data, one type, only rows with an open finding, only rows whose TTL the plan lowers.</summary>
public sealed record RecordFilter(string? Text = null, string? Type = null, bool WithFindings = false, bool TtlChanges = false);

/// <summary>Which findings the findings table shows: one severity (null: all), and whether accepted ones are included.</summary>
public sealed record FindingFilter(LintSeverity? Severity = null, bool IncludeAccepted = true);

public enum VerdictKind { NoPlanYet, Safe, Refused }

/// <summary>The safety check's verdict in words, from the stored cutover plan or, when the check refused it, from the step's blocker.</summary>
public sealed record SafetyVerdictView(VerdictKind Kind, string Summary, IReadOnlyList<string> Reasons);

/// <summary>
/// The records review of one migration: the inventory with its findings, the TTLs the policy sets and the diff against
/// Route 53 from the one stored <see cref="CutoverPlan"/>. Pure: built from what the workflow returns, no I/O.
/// Invariant: <see cref="Rows"/> keeps the inventory's order and holds every inventoried record once.
/// </summary>
public sealed class RecordsReview
{
    private RecordsReview(IReadOnlyList<RecordRow> rows, IReadOnlyList<InventoryFinding> findings, CutoverPlan? plan, SafetyVerdictView verdict, uint targetTtl)
    {
        Rows = rows; Findings = findings; Plan = plan; Verdict = verdict; TargetTtl = targetTtl;
        Types = rows.Select(r => r.Type).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        LoweredCount = rows.Count(r => r.TtlChanges);
        NotMigratedCount = rows.Count(r => !r.Migrated);
    }

    public IReadOnlyList<RecordRow> Rows { get; }
    public IReadOnlyList<InventoryFinding> Findings { get; }
    public CutoverPlan? Plan { get; }
    public SafetyVerdictView Verdict { get; }
    public uint TargetTtl { get; }
    public IReadOnlyList<string> Types { get; }
    public int LoweredCount { get; }
    public int NotMigratedCount { get; }

    /// <summary>The words the cutover step writes into the blocker when the safety check refuses a plan.</summary>
    private const string SafetyRefusal = "refused by the safety check";

    public static RecordsReview Build(MigrationStatus status, IReadOnlyList<ResourceRecord> inventory, CutoverPlan? plan)
    {
        ArgumentNullException.ThrowIfNull(status);
        var zone = DomainName.Parse(status.Zone);
        var target = status.Plan?.TargetTtlSeconds ?? new MigrationPlanAnswers().TargetTtlSeconds;
        // The same policy code the steps use, so the TTL shown is the TTL the plan sets.
        var cutoverSets = MigrationStepRunner.WithCeiling(MigrationStepRunner.MigratableSets(inventory, null), new Ttl(target), zone)
            .ToDictionary(s => (s.Name, s.Type), s => s.Ttl.Seconds);

        var open = new Dictionary<(string Owner, string? Type), LintSeverity>();
        foreach (var f in status.Findings.Where(f => !f.IsAccepted))
        {
            var key = (f.Owner.ToLowerInvariant(), f.Type);
            var severity = Enum.Parse<LintSeverity>(f.Severity);
            if (!open.TryGetValue(key, out var worst) || severity > worst) open[key] = severity;
        }

        var rows = new List<RecordRow>(inventory.Count);
        foreach (var r in inventory)
        {
            var owner = r.Name.ToString().ToLowerInvariant();
            var type = r.Type.ToString();
            LintSeverity? worst = null;
            if (open.TryGetValue((owner, type), out var byType)) worst = byType;
            if (open.TryGetValue((owner, null), out var byName) && (worst is null || byName > worst)) worst = byName;
            rows.Add(new RecordRow(r.Name.ToString(), type, r.Ttl.Seconds,
                cutoverSets.TryGetValue((r.Name, r.Type), out var ttl) ? ttl : null, r.Data, worst));
        }
        return new RecordsReview(rows, status.Findings, plan, VerdictOf(status, plan), target);
    }

    public static SafetyVerdictView VerdictOf(MigrationStatus status, CutoverPlan? plan)
    {
        if (plan is not null)
        {
            var counts = $"{Count(plan, ChangeKind.Create)} to create, {Count(plan, ChangeKind.Update)} to update, {Count(plan, ChangeKind.Delete)} to delete " +
                         $"of {plan.ExistingSetCount} record sets in Route 53";
            return plan.IsSafe
                ? new(VerdictKind.Safe, $"Safe: {counts}. No more than 30% of the sets change or go, and the apex NS and SOA stay as they are.", [])
                : new(VerdictKind.Refused, $"Refused: {counts}. Cutover will not apply this plan.", plan.SafetyViolations);
        }
        if (status.Blocker is { } blocker && blocker.Contains(SafetyRefusal, StringComparison.Ordinal))
            return new(VerdictKind.Refused, "Refused: the safety check stopped the cutover plan, so none was stored. Fix the records (or Route 53's zone) and request approval again.",
                [blocker]);
        return new(VerdictKind.NoPlanYet,
            "No cutover plan yet. It is computed against Route 53's current records when an Operator requests approval (in Waited); " +
            "it is the plan the approver signs and cutover applies.", []);
    }

    private static int Count(CutoverPlan plan, ChangeKind kind) => plan.Changes.Count(c => c.Kind == kind);

    public IReadOnlyList<RecordRow> Apply(RecordFilter filter)
    {
        var text = filter.Text?.Trim();
        IEnumerable<RecordRow> rows = Rows;
        if (!string.IsNullOrEmpty(text))
            rows = rows.Where(r => r.Name.Contains(text, StringComparison.OrdinalIgnoreCase) || r.Data.Contains(text, StringComparison.OrdinalIgnoreCase));
        if (!string.IsNullOrEmpty(filter.Type)) rows = rows.Where(r => r.Type == filter.Type);
        if (filter.WithFindings) rows = rows.Where(r => r.Finding is not null);
        if (filter.TtlChanges) rows = rows.Where(r => r.TtlChanges);
        return rows as IReadOnlyList<RecordRow> ?? rows.ToList();
    }

    public IReadOnlyList<InventoryFinding> Apply(FindingFilter filter) =>
        Findings.Where(f => filter.Severity is null || f.Severity == filter.Severity.ToString())
                .Where(f => filter.IncludeAccepted || !f.IsAccepted)
                .OrderByDescending(f => Enum.Parse<LintSeverity>(f.Severity)).ThenBy(f => f.IsAccepted)
                .ToList();

    public int OpenCount(LintSeverity severity) => Findings.Count(f => !f.IsAccepted && f.Severity == severity.ToString());
}
