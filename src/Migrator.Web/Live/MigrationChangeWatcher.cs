using Microsoft.EntityFrameworkCore;
using Migrator.Core.Notifications;
using Migrator.Core.Persistence;

namespace Migrator.Web.Live;

/// <summary>
/// Publishes a change for every migration row whose UpdatedAt moved and for every new audit event, whoever wrote it
/// (this process, a Hangfire job, another web process on the same database). Steps that publish themselves reach
/// pages sooner; this makes sure nothing written to the database is missed by an open page.
/// </summary>
public sealed class MigrationChangeWatcher(
    IDbContextFactory<MigratorDbContext> contexts,
    IMigrationNotifier notifier,
    TimeProvider time,
    ILogger<MigrationChangeWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private Dictionary<Guid, DateTimeOffset> seen = [];
    private long lastAuditId;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await PollAsync(publish: false, stoppingToken);
            using var timer = new PeriodicTimer(Interval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try { await PollAsync(publish: true, stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Reading migration changes failed; trying again in {Interval}", Interval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>One look at the database; the first (publish: false) only learns where things stand.</summary>
    internal async Task PollAsync(bool publish, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Migrations.AsNoTracking().Select(m => new { m.Id, m.UpdatedAt }).ToListAsync(cancellationToken);
        var now = rows.ToDictionary(r => r.Id, r => r.UpdatedAt);
        var auditId = await db.AuditEvents.AsNoTracking().MaxAsync(e => (long?)e.Id, cancellationToken) ?? 0;
        if (publish)
        {
            foreach (var (id, updatedAt) in now)
            {
                if (!seen.TryGetValue(id, out var before)) notifier.Publish(new MigrationChange(id, MigrationChangeKind.Created));
                else if (before != updatedAt) notifier.Publish(new MigrationChange(id, MigrationChangeKind.StateChanged));
            }
            if (auditId > lastAuditId) notifier.Publish(new MigrationChange(null, MigrationChangeKind.Audit));
        }
        seen = now;
        lastAuditId = auditId;
    }
}
