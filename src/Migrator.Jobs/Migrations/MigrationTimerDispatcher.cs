using System.Collections.Concurrent;
using System.Reflection;
using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Migrator.Core.Migrations;

namespace Migrator.Jobs.Migrations;

/// <summary>Settings of the timer dispatcher ("Migrator:Jobs:Timers").</summary>
public sealed record MigrationTimerOptions
{
    /// <summary>How many timed steps run at once in this process (probes are I/O: many fit on one core).</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>How often the database is read for timers other processes scheduled (this process's own wake the dispatcher at once).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claim holds without renewal: a process that dies loses its timers to another after this.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>Wakes the dispatcher when this process schedules a timer (so it need not wait for its next poll).</summary>
public sealed class MigrationTimerSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try { _wake.Release(); } catch (SemaphoreFullException) { /* already awake */ }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);
}

/// <summary>Runs one claimed timer.</summary>
public interface IMigrationTimerHandler
{
    Task RunAsync(ClaimedMigrationTimer timer, CancellationToken cancellationToken);
}

/// <summary>A timer's step, run by the workflow as a job would run it: under the migration's distributed lock, as the scheduler.</summary>
public sealed class WorkflowTimerHandler(MigrationWorkflow workflow, JobStorage storage, ILogger<WorkflowTimerHandler> logger) : IMigrationTimerHandler
{
    public Task RunAsync(ClaimedMigrationTimer timer, CancellationToken cancellationToken) =>
        MigrationJob.RunLockedAsync(workflow, storage, logger, timer.MigrationId, timer.Step, cancellationToken);
}

/// <summary>
/// Runs the migrations' timed steps (soak samples, drift checks, INSYNC and parent polls, the ends of waits) from the
/// timers table: claims what is due (compare-and-set with a lease, so several processes share the work and a dead
/// one's timers are taken over), runs up to <see cref="MigrationTimerOptions.Concurrency"/> at once, and sleeps until
/// the next due time, the poll interval, or a wake-up from this process. One Hangfire job per migration per sample
/// cost several storage writes and a queue poll each; at 100 migrations sampled every 10 s that lagged by 10 s.
/// Retries follow the <see cref="AutomaticRetryAttribute"/> of the step's job class (one home for each policy).
/// </summary>
public sealed class MigrationTimerDispatcher(
    MigrationTimerStore store,
    IMigrationTimerHandler handler,
    MigrationTimerSignal signal,
    TimeProvider time,
    MigrationTimerOptions options,
    ILogger<MigrationTimerDispatcher> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<long, Task> _running = new();

    /// <summary>This process's name on its claims.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}" is var o && o.Length > 128 ? o[^128..] : o;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var renewedAt = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.PollInterval;
            try
            {
                var free = options.Concurrency - _running.Count;
                var claimed = await store.ClaimDueAsync(Owner, free, options.Lease, stoppingToken);
                foreach (var t in claimed) _running[t.Id] = RunOneAsync(t, stoppingToken);
                if (time.GetUtcNow() - renewedAt > options.Lease / 3)
                {
                    await store.RenewAsync(Owner, _running.Keys.ToList(), options.Lease, stoppingToken);
                    renewedAt = time.GetUtcNow();
                }
                if (free > 0 && claimed.Count == free) wait = TimeSpan.Zero; // more may be due
                else if (free > claimed.Count && await store.NextDueAsync(stoppingToken) is { } next)
                    wait = next - time.GetUtcNow() is var d && d < wait ? (d < TimeSpan.Zero ? TimeSpan.Zero : d) : wait;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Migration timers: reading or claiming due timers failed; trying again in {Wait}", wait);
            }
            if (wait <= TimeSpan.Zero) continue;
            try { await signal.WaitAsync(wait, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
        await Task.WhenAll(_running.Values.ToList());
    }

    private async Task RunOneAsync(ClaimedMigrationTimer timer, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await handler.RunAsync(timer, stoppingToken);
            await store.CompleteAsync(timer, CancellationToken.None);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the lease runs out and another process (or this one restarted) runs the timer again.
        }
        catch (Exception e)
        {
            var retry = RetryAfter(timer.Step, timer.Attempts);
            logger.LogWarning(e, "Migration {Id}: timed {Step} failed (attempt {Attempt}); {Next}", timer.MigrationId, timer.Step, timer.Attempts + 1,
                retry is { } r ? $"retrying in {r}" : "giving up");
            try { await store.FailAsync(timer, $"{e.GetType().Name}: {e.Message}", retry, CancellationToken.None); }
            catch (Exception e2) { logger.LogError(e2, "Migration {Id}: recording the failure of {Step} failed; its lease will run out", timer.MigrationId, timer.Step); }
        }
        finally
        {
            _running.TryRemove(timer.Id, out _);
            signal.Wake();
        }
    }

    /// <summary>The delay before retry number <paramref name="attempts"/> + 1 of a step, or null when its job's policy gives up.</summary>
    public static TimeSpan? RetryAfter(MigrationStep step, int attempts)
    {
        var policy = HangfireMigrationJobScheduler.JobTypeFor(step).GetCustomAttribute<AutomaticRetryAttribute>(inherit: false);
        if (policy is null || attempts + 1 >= policy.Attempts) return null;
        var delays = policy.DelaysInSeconds is { Length: > 0 } d ? d : [60];
        return TimeSpan.FromSeconds(delays[Math.Min(attempts, delays.Length - 1)]);
    }
}
