using System.Text.Json;
using Migrator.Core.Linting;

namespace Migrator.Core.Migrations;

/// <summary>A lint finding of the inventory with its stable key and, once accepted, who accepted it and why.</summary>
public sealed record InventoryFinding(string Key, string RuleId, string Severity, string Owner, string? Type, string Message, string SuggestedFix,
    string? AcceptedBy = null, string? AcceptedReason = null, DateTimeOffset? AcceptedAt = null)
{
    public bool IsError => Severity == nameof(LintSeverity.Error);
    public bool IsAccepted => AcceptedBy is not null;

    public static string KeyOf(LintFinding f) => $"{f.RuleId} {f.Owner.ToLowerString()} {f.Type?.ToString() ?? "-"}";
}

/// <summary>An automated updater from the plan and whether it has been re-pointed to Route 53.</summary>
public sealed record UpdaterStatus(string Name, string Owner, bool Ticked, string? TickedBy, DateTimeOffset? TickedAt);

/// <summary>
/// What any screen, the API and the CLI show about one migration: the state, the next step and who must take it,
/// the due time, the plan hashes and the saved delegation snapshot. Secrets never appear here (TSIG keys are named only).
/// </summary>
public sealed record MigrationStatus(
    Guid Id,
    string Zone,
    MigrationState State,
    long Version,
    MigrationStep? NextStep,
    IReadOnlyList<MigrationRole> NextStepRoles,
    bool NextStepIsTimed,
    string? NextStepPreconditions,
    DateTimeOffset? DueAt,
    string? PlanHash,
    string? ApprovedPlanHash,
    string? ApprovedBy,
    DateTimeOffset? ApprovedAt,
    string? ApprovalRequestedBy,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? RunningStep,
    string? CutoverStage,
    string? Blocker,
    string? HostedZoneId,
    IReadOnlyList<string> TargetNameServers,
    long? InventorySerial,
    string? InventoryHash,
    int InventoryRecordCount,
    IReadOnlyList<InventoryFinding> Findings,
    IReadOnlyList<UpdaterStatus> Updaters,
    MigrationPlanAnswers? Plan,
    DelegationSnapshot? Snapshot,
    string? SnapshotSha256)
{
    /// <summary>
    /// True when <see cref="Blocker"/> is a wait the scheduler ends by itself (soaking until, waiting for INSYNC), false
    /// when a person must act on it. Dashboards show the first as progress, the second as a problem.
    /// </summary>
    public bool BlockerIsWait { get; init; }

    /// <summary>Where DNSSEC signing stands, from the migration's operations; null in lists (read for one migration only).</summary>
    public DnssecProgress? Dnssec { get; init; }

    /// <summary>Who must act next in words ("an Approver who is not alice", "the scheduler at 12:05").</summary>
    public string WhoActsNext => NextStep switch
    {
        null => "nobody: the migration is finished",
        MigrationStep.Approve when ApprovalRequestedBy is null => "an Operator: request approval",
        MigrationStep.Approve => $"an Approver who is not {ApprovalRequestedBy}",
        _ when NextStepIsTimed && DueAt is { } d => $"the scheduler at {d:u}",
        _ => string.Join(" or ", NextStepRoles.Where(r => r != MigrationRole.System)),
    };

    internal static MigrationStatus From(Migration m, DelegationSnapshotRecord? snapshot)
    {
        var next = MigrationLifecycle.Next(m.State);
        var answers = m.Answers;
        var ticks = Ticks(m);
        return new MigrationStatus(m.Id, m.ZoneName, m.State, m.Version, next?.Step, next?.Roles ?? [],
            next is not null && next.Roles[0] == MigrationRole.System, next?.Preconditions, m.DueAt,
            m.PlanHash, m.ApprovedPlanHash, m.ApprovedBy, m.ApprovedAt, m.ApprovalRequestedBy, m.CreatedBy, m.CreatedAt, m.UpdatedAt,
            m.RunningStep, m.CutoverStage, m.Blocker, m.HostedZoneId,
            m.TargetNameServersJson is null ? [] : JsonSerializer.Deserialize<List<string>>(m.TargetNameServersJson) ?? [],
            m.InventorySerial, m.InventoryHash, m.InventoryJson is null ? 0 : InventoryRecords.Count(m.InventoryJson),
            FindingsOf(m), (answers?.Updaters ?? []).Select(u => ticks.TryGetValue(u.Name, out var t)
                ? new UpdaterStatus(u.Name, u.Owner, true, t.By, t.At) : new UpdaterStatus(u.Name, u.Owner, false, null, null)).ToList(),
            answers, snapshot is null ? null : DelegationSnapshot.FromJson(snapshot.Json), snapshot?.Sha256)
        {
            BlockerIsWait = m.Blocker is not null && m.BlockerIsWait,
        };
    }

    internal sealed record Tick(string By, DateTimeOffset At);

    internal static Dictionary<string, Tick> Ticks(Migration m) =>
        m.UpdaterTicksJson is null ? new(StringComparer.OrdinalIgnoreCase)
            : new(JsonSerializer.Deserialize<Dictionary<string, Tick>>(m.UpdaterTicksJson, MigrationPlanAnswers.Json) ?? [], StringComparer.OrdinalIgnoreCase);

    internal static IReadOnlyList<InventoryFinding> FindingsOf(Migration m)
    {
        if (m.LintJson is null) return [];
        var findings = JsonSerializer.Deserialize<List<InventoryFinding>>(m.LintJson, MigrationPlanAnswers.Json) ?? [];
        var accepted = m.AcceptedFindingsJson is null ? new Dictionary<string, InventoryFinding>()
            : (JsonSerializer.Deserialize<List<InventoryFinding>>(m.AcceptedFindingsJson, MigrationPlanAnswers.Json) ?? []).ToDictionary(f => f.Key);
        return findings.Select(f => accepted.TryGetValue(f.Key, out var a) ? f with { AcceptedBy = a.AcceptedBy, AcceptedReason = a.AcceptedReason, AcceptedAt = a.AcceptedAt } : f).ToList();
    }
}

/// <summary>One row of a migration's history as the screens show it.</summary>
public sealed record MigrationHistoryView(string Step, MigrationState From, MigrationState To, string Actor, DateTimeOffset At, JsonElement Evidence);

/// <summary>An operation started outside (Route 53 change, Domains operation, RFC 2136 update, manual step).</summary>
public sealed record MigrationOperationView(Guid Id, string Key, string Kind, string Description, string Status, string? ExternalId,
    string? ConfirmedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? ResultJson);

/// <summary>A stored drift/propagation sample.</summary>
public sealed record MigrationSampleView(string Kind, DateTimeOffset At, bool Ok, string Summary, string? DetailJson);
