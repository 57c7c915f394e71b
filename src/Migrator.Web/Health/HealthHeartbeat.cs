using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Migrator.Web.Health;

/// <summary>A recurring no-op job: its last execution, as Hangfire records it, proves due jobs actually run.</summary>
public sealed class HealthHeartbeatJob
{
    public const string RecurringJobId = "migrator-health-heartbeat";
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    [AutomaticRetry(Attempts = 0)]
    public void Run() { }
}

/// <summary>Registers the heartbeat at start (idempotent: AddOrUpdate by id).</summary>
internal sealed class HealthHeartbeatRegistration(IRecurringJobManager recurring) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<HealthHeartbeatJob>(HealthHeartbeatJob.RecurringJobId, job => job.Run(), Cron.Minutely());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Healthy when the heartbeat job ran within <see cref="Grace"/>; right after start (no run yet) the process gets the
/// same grace before the missing run counts as a failure.
/// </summary>
public sealed class HeartbeatHealthCheck(JobStorage storage, TimeProvider time) : IHealthCheck
{
    public static readonly TimeSpan Grace = HealthHeartbeatJob.Interval * 3;
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var last = await Task.Run(() =>
            {
                using var connection = storage.GetConnection();
                return Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection, [HealthHeartbeatJob.RecurringJobId])
                    .FirstOrDefault()?.LastExecution;
            }, cancellationToken);
            return Evaluate(last is null ? null : new DateTimeOffset(DateTime.SpecifyKind(last.Value, DateTimeKind.Utc)), _startedAt, time.GetUtcNow());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"job storage does not answer: {e.Message}", e);
        }
    }

    public static HealthCheckResult Evaluate(DateTimeOffset? lastRun, DateTimeOffset startedAt, DateTimeOffset now)
    {
        if (lastRun is { } last && now - last <= Grace)
            return HealthCheckResult.Healthy($"heartbeat job ran {(now - last).TotalSeconds:F0} s ago");
        if (now - startedAt <= Grace && (lastRun is null || lastRun < startedAt))
            return HealthCheckResult.Healthy("waiting for the first heartbeat job since start");
        return HealthCheckResult.Unhealthy(lastRun is null
            ? $"the heartbeat job has not run in the {(now - startedAt).TotalMinutes:F0} min since start: due jobs are not running"
            : $"the heartbeat job last ran {(now - lastRun.Value).TotalMinutes:F1} min ago (expected every {HealthHeartbeatJob.Interval.TotalMinutes:F0} min): due jobs are not running");
    }
}
