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

    /// <summary>Newest first, at most <paramref name="take"/> (1..100,000) events matching <paramref name="filter"/>.</summary>
    public async Task<IReadOnlyList<AuditEvent>> SearchAsync(AuditFilter filter, int take, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.AuditEvents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Target)) query = query.Where(e => e.Target == filter.Target);
        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            var actor = filter.Actor.Trim().ToLowerInvariant();
            query = query.Where(e => e.Actor.ToLower() == actor);
        }
        if (!string.IsNullOrWhiteSpace(filter.Action)) query = query.Where(e => e.Action == filter.Action);
        // Stored as UTC ticks with the offset: compare in UTC only.
        if (filter.From is { } f) { var from = f.ToUniversalTime(); query = query.Where(e => e.At >= from); }
        if (filter.To is { } t) { var to = t.ToUniversalTime(); query = query.Where(e => e.At < to); }
        return await query.OrderByDescending(e => e.Id).Take(Math.Clamp(take, 1, 100_000)).ToListAsync(cancellationToken);
    }

    /// <summary>The distinct actors in the log, for filter pickers.</summary>
    public async Task<IReadOnlyList<string>> ActorsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.AuditEvents.AsNoTracking().Select(e => e.Actor).Distinct().OrderBy(a => a).ToListAsync(cancellationToken);
    }
}

/// <summary>
/// Which audit events to show: all fields optional and combined with AND. <see cref="Target"/> matches exactly
/// (e.g. "migration:{id}"); <see cref="Actor"/> matches exactly, case-insensitively; the time range is [From, To).
/// </summary>
public sealed record AuditFilter(string? Target = null, string? Actor = null, DateTimeOffset? From = null, DateTimeOffset? To = null, string? Action = null);
