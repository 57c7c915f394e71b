using Microsoft.EntityFrameworkCore;
using Migrator.Core.Auditing;
using Migrator.Core.Persistence;
using Migrator.Core.Zones;

namespace Migrator.Core.Migrations;

/// <summary>Outcome of asking for a new draft: the migration, or why it was refused.</summary>
public sealed record DraftOutcome(Migration? Migration, DraftRefusal? Refusal, string? Message)
{
    public bool Succeeded => Migration is not null;
    public static DraftOutcome Created(Migration m) => new(m, null, null);
    public static DraftOutcome Refused(DraftRefusal refusal, string message) => new(null, refusal, message);
}

public enum DraftRefusal
{
    InvalidZoneName,
    AlreadyInProgress,
}

/// <summary>Lists migrations and starts new ones; every change is saved together with its audit event.</summary>
public sealed class MigrationCatalog(IDbContextFactory<MigratorDbContext> contexts, TimeProvider time)
{
    /// <summary>Newest first.</summary>
    public async Task<IReadOnlyList<Migration>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Migrations.AsNoTracking().OrderByDescending(m => m.CreatedAt).ToListAsync(cancellationToken);
    }

    public async Task<Migration?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Migrations.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
    }

    public async Task<IReadOnlyList<Migration>> InStateAsync(MigrationState state, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Migrations.AsNoTracking().Where(m => m.State == state).OrderBy(m => m.UpdatedAt).ToListAsync(cancellationToken);
    }

    public async Task<DraftOutcome> DraftAsync(string zoneName, string actor, CancellationToken cancellationToken = default)
    {
        // Names from people: Unicode to A-labels, controls/bidi/'*'/over-long refused, before any other work.
        if (!ZoneNameInput.TryCheck(zoneName, out var check, out var error))
            return DraftOutcome.Refused(DraftRefusal.InvalidZoneName, error + ".");
        var zone = check!.Name;

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var normalized = zone.ToLowerString();
        var open = await db.Migrations.AsNoTracking()
            .Where(m => m.ZoneName == normalized
                        && m.State != MigrationState.Completed && m.State != MigrationState.Decommissioned && m.State != MigrationState.Abandoned)
            .FirstOrDefaultAsync(cancellationToken);
        if (open is not null)
            return DraftOutcome.Refused(DraftRefusal.AlreadyInProgress, $"{normalized} already has a migration in state {open.State}.");

        var migration = Migration.Draft(zone, actor, time.GetUtcNow());
        db.Migrations.Add(migration);
        db.AuditEvents.Add(AuditEvent.Create(migration.CreatedAt, actor, AuditActions.MigrationDrafted, $"migration:{migration.Id}", normalized));
        await db.SaveChangesAsync(cancellationToken);
        return DraftOutcome.Created(migration);
    }
}
