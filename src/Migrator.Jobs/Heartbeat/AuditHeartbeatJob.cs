using Hangfire;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Auditing;
using Migrator.Core.Persistence;

namespace Migrator.Jobs.Heartbeat;

/// <summary>
/// Proves the scheduler runs (and survives restarts): writes "scheduled job ran" for the request that scheduled it.
/// Idempotent: a retry or a replay after a crash finds its own event and writes nothing more.
/// </summary>
[AutomaticRetry(Attempts = 3, DelaysInSeconds = [5, 30, 120], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
public sealed class AuditHeartbeatJob(IDbContextFactory<MigratorDbContext> contexts, TimeProvider time)
{
    public static string TargetFor(long requestEventId) => $"audit:{requestEventId}";

    public async Task RunAsync(long requestEventId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var request = await db.AuditEvents.AsNoTracking().SingleOrDefaultAsync(e => e.Id == requestEventId, cancellationToken)
            ?? throw new InvalidOperationException($"Heartbeat request audit event {requestEventId} does not exist.");
        if (request.Action != AuditActions.HeartbeatScheduled)
            throw new InvalidOperationException($"Audit event {requestEventId} is '{request.Action}', not a heartbeat request.");

        var target = TargetFor(requestEventId);
        if (await db.AuditEvents.AnyAsync(e => e.Action == AuditActions.ScheduledJobRan && e.Target == target, cancellationToken))
            return;

        var now = time.GetUtcNow();
        db.AuditEvents.Add(AuditEvent.Create(now, AuditActions.SystemActor, AuditActions.ScheduledJobRan, target,
            $"requested by {request.Actor} at {request.At:O}; ran {(now - request.At).TotalSeconds:F1} s later"));
        await db.SaveChangesAsync(cancellationToken);
    }
}
