using Migrator.Core.Zones;

namespace Migrator.Core.Migrations;

/// <summary>
/// One zone's move to Route 53.
/// Invariant: <see cref="ZoneName"/> is an absolute, lower-case, non-root domain name with a trailing dot,
/// and <see cref="UpdatedAt"/> is never earlier than <see cref="CreatedAt"/>.
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

    /// <summary>States after which the zone is free to be migrated again (MigrationCatalog spells them out for SQL translation).</summary>
    public static readonly IReadOnlySet<MigrationState> FinalStates =
        new HashSet<MigrationState> { MigrationState.Completed, MigrationState.Decommissioned, MigrationState.Abandoned };

    public bool IsFinal => FinalStates.Contains(State);

    public static Migration Draft(DomainName zone, string createdBy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentException.ThrowIfNullOrWhiteSpace(createdBy);
        if (zone.IsRoot) throw new ArgumentException("the root zone cannot be migrated", nameof(zone));
        return new Migration(Guid.NewGuid(), zone.ToLowerString(), MigrationState.Drafted, createdBy, now.ToUniversalTime());
    }
}
