using Microsoft.EntityFrameworkCore;
using Migrator.Core.Persistence;

namespace Migrator.Core.Migrations;

/// <summary>
/// A timed step of one migration (a soak sample, a drift check, an INSYNC poll, the end of a wait), persisted before
/// anything waits for it. Invariant: at most one timer per (migration, step) — the latest schedule stands; a timer is
/// run by whoever holds its lease, and <see cref="Version"/> grows with every write so a run that finishes after its
/// timer was rescheduled never deletes the new due time.
/// </summary>
public sealed class MigrationTimer
{
    private MigrationTimer() { Step = ""; }

    public MigrationTimer(Guid migrationId, MigrationStep step, DateTimeOffset dueAt)
    {
        MigrationId = migrationId; Step = step.ToString(); DueAt = dueAt; Version = 1;
    }

    public long Id { get; private set; }
    public Guid MigrationId { get; private set; }
    public string Step { get; private set; }
    public DateTimeOffset DueAt { get; private set; }
    public long Version { get; private set; }
    public string? LeasedBy { get; private set; }
    public DateTimeOffset? LeaseUntil { get; private set; }
    public int Attempts { get; private set; }
    public string? LastError { get; private set; }
    /// <summary>Set when the step's retries are used up: the timer stays (for the record) and is not run again until rescheduled.</summary>
    public DateTimeOffset? GaveUpAt { get; private set; }
}

/// <summary>A timer claimed by one runner: run it, then <see cref="MigrationTimerStore.CompleteAsync"/> or <see cref="MigrationTimerStore.FailAsync"/>.</summary>
public sealed record ClaimedMigrationTimer(long Id, Guid MigrationId, MigrationStep Step, DateTimeOffset DueAt, long Version, int Attempts);

/// <summary>
/// The timers in the database, shared by every process: scheduling is an upsert on (migration, step); claiming is
/// compare-and-set on the timer's version with a lease (a process that dies loses its claims when the lease runs out);
/// a finished run deletes its timer only if nobody rescheduled it meanwhile. No in-process lock guards any of it.
/// </summary>
public sealed class MigrationTimerStore(IDbContextFactory<MigratorDbContext> contexts, TimeProvider time)
{
    /// <summary>Sets the due time of the migration's timer for <paramref name="step"/> (creating it), releasing any lease.</summary>
    public void Schedule(Guid migrationId, MigrationStep step, DateTimeOffset dueAt)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var db = contexts.CreateDbContext();
            try
            {
                ScheduleInAsync(db, migrationId, step, dueAt, CancellationToken.None).GetAwaiter().GetResult();
                return;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another process inserted the same (migration, step) first: update theirs.
            }
        }
    }

    /// <summary>
    /// The upsert of <see cref="Schedule"/> inside the caller's context and transaction, so a timer commits (or not)
    /// together with the state change that calls for it. The caller has written the migration's row in the same
    /// transaction first: that row lock serialises writers of the migration's timers.
    /// </summary>
    public static async Task ScheduleInAsync(MigratorDbContext db, Guid migrationId, MigrationStep step, DateTimeOffset dueAt, CancellationToken ct)
    {
        var name = step.ToString();
        var updated = await db.MigrationTimers.Where(t => t.MigrationId == migrationId && t.Step == name)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.DueAt, dueAt).SetProperty(t => t.Version, t => t.Version + 1)
                .SetProperty(t => t.LeasedBy, (string?)null).SetProperty(t => t.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(t => t.Attempts, 0).SetProperty(t => t.LastError, (string?)null).SetProperty(t => t.GaveUpAt, (DateTimeOffset?)null), ct);
        if (updated > 0) return;
        var timer = new MigrationTimer(migrationId, step, dueAt);
        db.MigrationTimers.Add(timer);
        try { await db.SaveChangesAsync(ct); }
        finally { db.Entry(timer).State = EntityState.Detached; }
    }

    /// <summary>Claims up to <paramref name="max"/> due, unleased (or lease-expired) timers for <paramref name="owner"/>, oldest due first.</summary>
    public async Task<IReadOnlyList<ClaimedMigrationTimer>> ClaimDueAsync(string owner, int max, TimeSpan lease, CancellationToken ct)
    {
        if (max <= 0) return [];
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var due = await db.MigrationTimers.AsNoTracking()
            .Where(t => t.GaveUpAt == null && t.DueAt <= now && (t.LeaseUntil == null || t.LeaseUntil < now))
            .OrderBy(t => t.DueAt).Take(max)
            .Select(t => new { t.Id, t.MigrationId, t.Step, t.DueAt, t.Version, t.Attempts })
            .ToListAsync(ct);
        var claimed = new List<ClaimedMigrationTimer>(due.Count);
        if (due.Count == 0) return claimed;
        var until = now + lease;
        // One transaction for the batch: one commit (one journal sync) instead of one per timer.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var t in due)
        {
            var won = await db.MigrationTimers
                .Where(x => x.Id == t.Id && x.Version == t.Version && (x.LeaseUntil == null || x.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeasedBy, owner).SetProperty(x => x.LeaseUntil, until)
                    .SetProperty(x => x.Version, t.Version + 1), ct);
            if (won == 1 && Enum.TryParse<MigrationStep>(t.Step, out var step))
                claimed.Add(new ClaimedMigrationTimer(t.Id, t.MigrationId, step, t.DueAt, t.Version + 1, t.Attempts));
        }
        await tx.CommitAsync(ct);
        return claimed;
    }

    /// <summary>The earliest due time of a timer nobody holds, or null when none waits.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.MigrationTimers.AsNoTracking().Where(t => t.GaveUpAt == null && t.LeaseUntil == null)
            .OrderBy(t => t.DueAt).Select(t => (DateTimeOffset?)t.DueAt).FirstOrDefaultAsync(ct);
    }

    /// <summary>Extends the leases <paramref name="owner"/> still holds (long runs keep their claim while the process lives).</summary>
    public async Task RenewAsync(string owner, IReadOnlyCollection<long> ids, TimeSpan lease, CancellationToken ct)
    {
        if (ids.Count == 0) return;
        var until = time.GetUtcNow() + lease;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.MigrationTimers.Where(t => ids.Contains(t.Id) && t.LeasedBy == owner && t.LeaseUntil != null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseUntil, until), ct);
    }

    /// <summary>The run is done: deletes the timer unless it was rescheduled meanwhile (then the new due time stands).</summary>
    public async Task CompleteAsync(ClaimedMigrationTimer timer, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.MigrationTimers.Where(t => t.Id == timer.Id && t.Version == timer.Version).ExecuteDeleteAsync(ct);
    }

    /// <summary>The run threw: tries again after <paramref name="retryAfter"/>, or gives up (null) and keeps the error.</summary>
    public async Task FailAsync(ClaimedMigrationTimer timer, string error, TimeSpan? retryAfter, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var text = error.Length > 1000 ? error[..1000] : error;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.MigrationTimers.Where(t => t.Id == timer.Id && t.Version == timer.Version)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.DueAt, retryAfter is { } d ? now + d : timer.DueAt)
                .SetProperty(t => t.Version, timer.Version + 1).SetProperty(t => t.Attempts, timer.Attempts + 1)
                .SetProperty(t => t.LastError, text).SetProperty(t => t.LeasedBy, (string?)null).SetProperty(t => t.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(t => t.GaveUpAt, retryAfter is null ? now : (DateTimeOffset?)null), ct);
    }

    /// <summary>The timers of a migration (the status page's "due next"; tests).</summary>
    public async Task<IReadOnlyList<MigrationTimer>> ListAsync(Guid migrationId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.MigrationTimers.AsNoTracking().Where(t => t.MigrationId == migrationId).ToListAsync(ct);
        return rows.OrderBy(t => t.DueAt).ToList();
    }
}
