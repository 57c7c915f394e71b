using Hangfire;
using Migrator.Core.Migrations;
using Migrator.Core.Ports;

namespace Migrator.Jobs.Migrations;

/// <summary>
/// The workflow's job port on Hangfire: each step goes to its thin job, as <c>BackgroundJob.Schedule</c> at its due time
/// (never a sleeping loop); jobs survive restarts in Hangfire's storage.
/// </summary>
public sealed class HangfireMigrationJobScheduler(IBackgroundJobClient jobs, TimeProvider time) : IMigrationJobScheduler
{
    public bool RunsInBackground => true;

    public string Schedule(Guid migrationId, MigrationStep step, DateTimeOffset runAt)
    {
        var delay = runAt - time.GetUtcNow();
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        return step switch
        {
            MigrationStep.Wait => jobs.Schedule<WaitElapsedJob>(j => j.RunAsync(migrationId, CancellationToken.None), delay),
            MigrationStep.Verify => jobs.Schedule<VerifyCutoverJob>(j => j.RunAsync(migrationId, CancellationToken.None), delay),
            MigrationStep.Soak => jobs.Schedule<SoakSampleJob>(j => j.RunAsync(migrationId, CancellationToken.None), delay),
            MigrationStep.RollBack => jobs.Schedule<RollbackCheckJob>(j => j.RunAsync(migrationId, CancellationToken.None), delay),
            _ => delay == TimeSpan.Zero
                ? jobs.Enqueue<MigrationStepJob>(j => j.RunAsync(migrationId, step, CancellationToken.None))
                : jobs.Schedule<MigrationStepJob>(j => j.RunAsync(migrationId, step, CancellationToken.None), delay),
        };
    }
}
