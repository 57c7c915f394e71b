using Migrator.Core.Zones;

namespace Migrator.Core.Migrations;

/// <summary>
/// One zone's move to Route 53.
/// Invariant: <see cref="ZoneName"/> is an absolute, lower-case, non-root domain name with a trailing dot,
/// and <see cref="UpdatedAt"/> is never earlier than <see cref="CreatedAt"/>. <see cref="State"/> and every column a
/// step writes change only through <see cref="MigrationTransitions"/>, a compare-and-set on <see cref="State"/> and
/// <see cref="Version"/>; <see cref="Version"/> grows by one with every write.
/// </summary>
public sealed class Migration
{
    private Migration(Guid id, string zoneName, MigrationState state, string createdBy, DateTimeOffset createdAt)
    {
        Id = id;
        ZoneName = zoneName;
        State = state;
        CreatedBy = createdBy;
        CreatedAt = createdAt;
        UpdatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public string ZoneName { get; private set; }
    public MigrationState State { get; private set; }
    public string CreatedBy { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Concurrency token: every compare-and-set names the version it read.</summary>
    public long Version { get; private set; }

    /// <summary>The plan's answers as JSON (<see cref="MigrationPlanAnswers"/>); null until planned.</summary>
    public string? PlanJson { get; private set; }

    /// <summary>Uploaded zone file text (the Upload source reads it).</summary>
    public string? ZoneUpload { get; private set; }

    /// <summary>The inventory: the old zone's records as JSON, its SOA serial and content hash.</summary>
    public string? InventoryJson { get; private set; }
    public long? InventorySerial { get; private set; }
    public string? InventoryHash { get; private set; }
    /// <summary>Lint findings of the inventory as JSON, and the ones accepted (key, reason, who, when).</summary>
    public string? LintJson { get; private set; }
    public string? AcceptedFindingsJson { get; private set; }

    /// <summary>The Route 53 hosted zone (bare id) and its name servers as JSON.</summary>
    public string? HostedZoneId { get; private set; }
    public string? TargetNameServersJson { get; private set; }

    /// <summary>The longest TTL before lowering (record and delegation), and when the lowered TTLs were observed.</summary>
    public long? OldTtlSeconds { get; private set; }
    public DateTimeOffset? TtlsObservedAt { get; private set; }

    /// <summary>When the next timed step is due (the wait's end, verification, soak end); screens count it down.</summary>
    public DateTimeOffset? DueAt { get; private set; }

    /// <summary>The current cutover plan (JSON) and its hash; the approval request and the approval bound to a hash.</summary>
    public string? CutoverPlanJson { get; private set; }
    public string? PlanHash { get; private set; }
    public string? ApprovalRequestedBy { get; private set; }
    public DateTimeOffset? ApprovalRequestedAt { get; private set; }
    public string? ApprovedPlanHash { get; private set; }
    public string? ApprovedBy { get; private set; }
    public DateTimeOffset? ApprovedAt { get; private set; }

    /// <summary>The last cutover sub-step finished (a–h), so a resumed cutover continues after it.</summary>
    public string? CutoverStage { get; private set; }
    public DateTimeOffset? DelegationChangedAt { get; private set; }
    public long? DelegationTtlSeconds { get; private set; }

    /// <summary>A claimed step being run (by a request or a job), and since when: the claim is the compare-and-set lease.</summary>
    public string? RunningStep { get; private set; }
    public DateTimeOffset? RunningSince { get; private set; }
    public string? RunningBy { get; private set; }

    /// <summary>Why the last attempt of a step stopped (shown until the step succeeds).</summary>
    public string? Blocker { get; private set; }

    /// <summary>
    /// True while <see cref="Blocker"/> says what the migration waits for (a due time, a change not yet INSYNC): the
    /// scheduler will go on by itself. False when it is a problem a person must solve. Set with the blocker by
    /// <see cref="MigrationPatch"/> (<c>Set(x =&gt; x.Blocker, …)</c> is a problem, <c>Waiting(…)</c> a wait).
    /// </summary>
    public bool BlockerIsWait { get; private set; }

    /// <summary>Automated updaters ticked off (JSON: name, who, when).</summary>
    public string? UpdaterTicksJson { get; private set; }

    /// <summary>States after which the zone is free to be migrated again (MigrationCatalog spells them out for SQL translation).</summary>
    public static readonly IReadOnlySet<MigrationState> FinalStates =
        new HashSet<MigrationState> { MigrationState.Completed, MigrationState.Decommissioned, MigrationState.Abandoned };

    public bool IsFinal => FinalStates.Contains(State);

    public MigrationPlanAnswers? Answers => PlanJson is null ? null : MigrationPlanAnswers.FromJson(PlanJson);

    public DomainName Zone => DomainName.Parse(ZoneName);

    public static Migration Draft(DomainName zone, string createdBy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentException.ThrowIfNullOrWhiteSpace(createdBy);
        if (zone.IsRoot) throw new ArgumentException("the root zone cannot be migrated", nameof(zone));
        return new Migration(Guid.NewGuid(), zone.ToLowerString(), MigrationState.Drafted, createdBy, now.ToUniversalTime());
    }
}
