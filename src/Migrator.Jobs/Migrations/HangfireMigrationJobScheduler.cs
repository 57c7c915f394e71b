using Hangfire;
using Migrator.Core.Migrations;
using Migrator.Core.Ports;

namespace Migrator.Jobs.Migrations;

/// <summary>
/// The workflow's job port: a step a person started runs at once as its Hangfire job (<see cref="MigrationStepJob"/>);
/// every timed step (a due time, a poll, a sample) becomes the migration's timer for that step in the database, run by
/// <see cref="MigrationTimerDispatcher"/> at its due time (never a sleeping loop). Both survive restarts.
/// </summary>
public sealed class HangfireMigrationJobScheduler(IBackgroundJobClient jobs, TimeProvider time, MigrationTimerStore? timers = null, MigrationTimerSignal? signal = null)
    : IMigrationJobScheduler
{
    public bool RunsInBackground => true;

    public bool TimersInDatabase => timers is not null;

    public void TimersWritten() => signal?.Wake();

    public string Schedule(Guid migrationId, MigrationStep step, DateTimeOffset runAt)
    {
        var delay = runAt - time.GetUtcNow();
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        var type = JobTypeFor(step);
        if (delay == TimeSpan.Zero && type == typeof(MigrationStepJob))
            return jobs.Enqueue<MigrationStepJob>(j => j.RunAsync(migrationId, step, CancellationToken.None));
        if (timers is not null)
        {
            timers.Schedule(migrationId, step, runAt);
            signal?.Wake();
            return $"timer {migrationId:N}/{step}";
        }
        return step switch
        {
            MigrationStep.Wait => jobs.Schedule<WaitElapsedJob>(j => j.RunAsync(migrationId, CancellationToken.None), delay),
            MigrationStep.Verify => jobs.Schedule<VerifyCutoverJob>(j => j.RunAsync(migrationId, CancellationToken.None), delay),
            MigrationStep.Soak => jobs.Schedule<SoakSampleJob>(j => j.RunAsync(migrationId, CancellationToken.None), delay),
            MigrationStep.RollBack => jobs.Schedule<RollbackCheckJob>(j => j.RunAsync(migrationId, CancellationToken.None), delay),
            _ => jobs.Schedule<MigrationStepJob>(j => j.RunAsync(migrationId, step, CancellationToken.None), delay),
        };
    }

    /// <summary>The job class of a step: its retry policy holds for the step whether it runs as that job or as a timer.</summary>
    public static Type JobTypeFor(MigrationStep step) => step switch
    {
        MigrationStep.Wait => typeof(WaitElapsedJob),
        MigrationStep.Verify => typeof(VerifyCutoverJob),
        MigrationStep.Soak => typeof(SoakSampleJob),
        MigrationStep.RollBack => typeof(RollbackCheckJob),
        _ => typeof(MigrationStepJob),
    };
}
