using Microsoft.EntityFrameworkCore;
using Migrator.Core.Persistence;

namespace Migrator.Core.Auditing;

/// <summary>Writes standalone audit events and reads the log. State changes add their event to the same SaveChanges instead.</summary>
public sealed class AuditLog(IDbContextFactory<MigratorDbContext> contexts, TimeProvider time)
{
    public async Task<AuditEvent> RecordAsync(string actor, string action, string? target = null, string? details = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var audit = AuditEvent.Create(time.GetUtcNow(), actor, action, target, details);
        db.AuditEvents.Add(audit);
        await db.SaveChangesAsync(cancellationToken);
        return audit;
    }

    /// <summary>Newest first.</summary>
    public async Task<IReadOnlyList<AuditEvent>> LatestAsync(int take, string? action = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.AuditEvents.AsNoTracking();
        if (action is not null) query = query.Where(e => e.Action == action);
        return await query.OrderByDescending(e => e.Id).Take(Math.Clamp(take, 1, 1000)).ToListAsync(cancellationToken);
    }
}
