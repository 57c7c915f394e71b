using Hangfire;
using Migrator.Core.Auditing;

namespace Migrator.Jobs.Heartbeat;

/// <summary>The request is audited first so the job can take only its id, and a lost job is visible in the log.</summary>
public sealed record ScheduledHeartbeat(long RequestEventId, string JobId, DateTimeOffset DueAt);

public sealed class HeartbeatScheduler(AuditLog audit, IBackgroundJobClient jobs, TimeProvider time)
{
    public static readonly TimeSpan MaxDelay = TimeSpan.FromHours(24);

    public async Task<ScheduledHeartbeat> ScheduleAsync(string actor, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        if (delay < TimeSpan.Zero || delay > MaxDelay)
            throw new ArgumentOutOfRangeException(nameof(delay), delay, $"a heartbeat delay must be between 0 and {MaxDelay}");
        var dueAt = time.GetUtcNow() + delay;
        var request = await audit.RecordAsync(actor, AuditActions.HeartbeatScheduled, details: $"due at {dueAt:O}", cancellationToken: cancellationToken);
        var jobId = jobs.Schedule<AuditHeartbeatJob>(job => job.RunAsync(request.Id, CancellationToken.None), delay);
        return new ScheduledHeartbeat(request.Id, jobId, dueAt);
    }
}
