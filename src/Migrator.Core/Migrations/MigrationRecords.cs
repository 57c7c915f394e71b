namespace Migrator.Core.Migrations;

/// <summary>
/// One transition of a migration: from, to, who, when and the evidence (JSON). Written in the same transaction as the
/// state change and its audit event. Invariant: immutable once saved.
/// </summary>
public sealed class MigrationHistoryEntry
{
    private MigrationHistoryEntry() { Step = From = To = Actor = EvidenceJson = ""; }

    public MigrationHistoryEntry(Guid migrationId, string step, MigrationState from, MigrationState to, string actor, DateTimeOffset at, string evidenceJson)
    {
        MigrationId = migrationId; Step = step; From = from.ToString(); To = to.ToString(); Actor = actor; At = at; EvidenceJson = evidenceJson;
    }

    public long Id { get; private set; }
    public Guid MigrationId { get; private set; }
    public string Step { get; private set; }
    public string From { get; private set; }
    public string To { get; private set; }
    public string Actor { get; private set; }
    public DateTimeOffset At { get; private set; }
    public string EvidenceJson { get; private set; }
}

public static class MigrationOperationKinds
{
    public const string HostedZoneCreate = "route53-create-hosted-zone";
    public const string Route53Change = "route53-change";
    public const string DomainsOperation = "route53domains-operation";
    public const string Rfc2136Update = "rfc2136-update";
    public const string ManualConfirmation = "manual-confirmation";
    public const string DelegationChange = "delegation-change";
    /// <summary>A DNSSEC signing call to Route 53 (key-signing key, enable/disable signing), or an observation of its effect.</summary>
    public const string Route53Dnssec = "route53-dnssec";
    /// <summary>A DS change at the parent (publish or withdraw), through the delegation changer.</summary>
    public const string DsChange = "ds-change";
    /// <summary>A wait the DNSSEC sequence observed and timed (signed zone served, DS seen or gone at the parent).</summary>
    public const string Observation = "observation";
    /// <summary>A security-records plan of the advisor's proposals (one row per round, see <see cref="AdvicePlan"/>).</summary>
    public const string AdvicePlan = "advice-plan";
}

public static class MigrationOperationStatus
{
    /// <summary>Written before the request is sent: after a crash, a Pending operation may or may not have happened.</summary>
    public const string Pending = "Pending";
    /// <summary>The outside system accepted it (a change id is known) but it is not done yet.</summary>
    public const string Submitted = "Submitted";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
}

/// <summary>
/// Something Migrator asked an outside system to do (a Route 53 change, a Domains operation, an RFC 2136 update, a
/// manual step), persisted before it is started. Invariant: (MigrationId, Key) is unique, so a resumed step finds the
/// operation it started instead of starting a second one.
/// </summary>
public sealed class MigrationOperation
{
    private MigrationOperation() { Key = Kind = Status = Description = ""; }

    public MigrationOperation(Guid migrationId, string key, string kind, string description, string? requestJson, DateTimeOffset at)
    {
        Id = Guid.NewGuid(); MigrationId = migrationId; Key = key; Kind = kind; Description = description; RequestJson = requestJson;
        Status = MigrationOperationStatus.Pending; CreatedAt = UpdatedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid MigrationId { get; private set; }
    /// <summary>Idempotency key within the migration, e.g. "cutover:e:batch-0".</summary>
    public string Key { get; private set; }
    public string Kind { get; private set; }
    public string Description { get; private set; }
    public string Status { get; private set; }
    /// <summary>The outside system's id (Route 53 change id, Domains operation id).</summary>
    public string? ExternalId { get; private set; }
    public string? RequestJson { get; private set; }
    public string? ResultJson { get; private set; }
    /// <summary>Who confirmed a manual step, and why.</summary>
    public string? ConfirmedBy { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public void Submitted(string? externalId, string? resultJson, DateTimeOffset at)
    {
        Status = MigrationOperationStatus.Submitted; ExternalId = externalId ?? ExternalId; ResultJson = resultJson ?? ResultJson; UpdatedAt = at;
    }

    public void Succeeded(string? resultJson, DateTimeOffset at)
    {
        Status = MigrationOperationStatus.Succeeded; ResultJson = resultJson ?? ResultJson; UpdatedAt = at;
    }

    public void Failed(string? resultJson, DateTimeOffset at)
    {
        Status = MigrationOperationStatus.Failed; ResultJson = resultJson ?? ResultJson; UpdatedAt = at;
    }

    public void Confirm(string actor, string reason, DateTimeOffset at)
    {
        ConfirmedBy = $"{actor}: {reason}"; Status = MigrationOperationStatus.Succeeded; UpdatedAt = at;
    }
}

public static class MigrationSampleKinds
{
    public const string Drift = "drift";
    public const string Propagation = "propagation";
    public const string Delegation = "delegation";
    /// <summary>An operator accepted the drift of the latest drift sample (same differences stay accepted); Summary holds who and why.</summary>
    public const string DriftAccepted = "drift-accepted";
    /// <summary>What the plan's resolvers said about the zone with DO set (secure, insecure, bogus) while DNSSEC changed.</summary>
    public const string Dnssec = "dnssec";
}

/// <summary>A drift or propagation measurement taken during the wait or the soak; stored, never kept in memory only.</summary>
public sealed class MigrationSample
{
    private MigrationSample() { Kind = Summary = ""; }

    public MigrationSample(Guid migrationId, string kind, DateTimeOffset at, bool ok, string summary, string? detailJson)
    {
        MigrationId = migrationId; Kind = kind; At = at; Ok = ok; Summary = summary; DetailJson = detailJson;
    }

    public long Id { get; private set; }
    public Guid MigrationId { get; private set; }
    public string Kind { get; private set; }
    public DateTimeOffset At { get; private set; }
    public bool Ok { get; private set; }
    public string Summary { get; private set; }
    public string? DetailJson { get; private set; }
}

/// <summary>
/// The delegation as it was before cutover changed it (registrar's view and each parent server's), saved before any
/// change. Invariant: one per migration, never updated (the primary key is the migration id; a second insert fails).
/// It is removed only when a cutover stopped because the parent no longer shows it and no delegation change of ours was
/// ever submitted, in the transaction that copies it verbatim into that stop's history row; the next cutover saves anew.
/// </summary>
public sealed class DelegationSnapshotRecord
{
    private DelegationSnapshotRecord() { Json = Sha256 = ""; }

    public DelegationSnapshotRecord(Guid migrationId, DateTimeOffset takenAt, string json, string sha256)
    {
        MigrationId = migrationId; TakenAt = takenAt; Json = json; Sha256 = sha256;
    }

    public Guid MigrationId { get; private set; }
    public DateTimeOffset TakenAt { get; private set; }
    public string Json { get; private set; }
    public string Sha256 { get; private set; }
}
