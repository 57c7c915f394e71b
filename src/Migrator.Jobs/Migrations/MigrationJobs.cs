using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Logging;
using Migrator.Core.Migrations;

namespace Migrator.Jobs.Migrations;

/// <summary>
/// What every migration job does: take the migration's distributed lock (one step at a time per migration, across
/// processes), then ask the workflow to run the step as the scheduler. Jobs carry ids only; state lives in the database.
/// </summary>
public abstract class MigrationJob(MigrationWorkflow workflow, JobStorage storage, ILogger logger)
{
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    public static string LockName(Guid migrationId) => $"migrator:migration:{migrationId:N}";

    protected Task RunStepAsync(Guid migrationId, MigrationStep step, CancellationToken ct, bool resumeOnly = false) =>
        RunLockedAsync(workflow, storage, logger, migrationId, step, ct, resumeOnly);

    /// <summary>Runs the step as the scheduler under the migration's distributed lock (jobs and timers alike).</summary>
    public static async Task RunLockedAsync(MigrationWorkflow workflow, JobStorage storage, ILogger logger, Guid migrationId, MigrationStep step,
        CancellationToken ct, bool resumeOnly = false)
    {
        using var connection = storage.GetConnection();
        IDisposable held;
        try { held = connection.AcquireDistributedLock(LockName(migrationId), LockTimeout); }
        catch (DistributedLockTimeoutException)
        {
            // Another process runs a step of this migration; the claim in the database decides, so try again later.
            throw new InvalidOperationException($"migration {migrationId} is busy in another worker; {step} will be retried");
        }
        using (held)
        {
            var result = await workflow.RunStepAsync(migrationId, step, MigrationActor.System, ct, fromJob: true, resumeOnly: resumeOnly);
            logger.LogInformation("Migration {Id}: job {Step} → {Outcome}: {Message}", migrationId, step, result.Outcome, result.Message);
        }
    }
}

/// <summary>Runs a step a person started (inventory, rehearsal, TTL lowering, cutover, completion) and its polls (INSYNC, parent, manual).</summary>
[AutomaticRetry(Attempts = 5, DelaysInSeconds = [10, 30, 60, 120, 300], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
public sealed class MigrationStepJob(MigrationWorkflow workflow, JobStorage storage, ILogger<MigrationStepJob> logger) : MigrationJob(workflow, storage, logger)
{
    public Task RunAsync(Guid migrationId, MigrationStep step, CancellationToken cancellationToken) => RunStepAsync(migrationId, step, cancellationToken);
}

/// <summary>The end of the wait after the TTLs were lowered (with drift checks meanwhile): TtlLowered → Waited.</summary>
[AutomaticRetry(Attempts = 10, DelaysInSeconds = [30, 60, 120, 300, 600], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
public sealed class WaitElapsedJob(MigrationWorkflow workflow, JobStorage storage, ILogger<WaitElapsedJob> logger) : MigrationJob(workflow, storage, logger)
{
    public Task RunAsync(Guid migrationId, CancellationToken cancellationToken) => RunStepAsync(migrationId, MigrationStep.Wait, cancellationToken);
}

/// <summary>The re-test at + 5 × the new delegation TTL: CutOver → Verified.</summary>
[AutomaticRetry(Attempts = 10, DelaysInSeconds = [15, 30, 60, 120, 300], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
public sealed class VerifyCutoverJob(MigrationWorkflow workflow, JobStorage storage, ILogger<VerifyCutoverJob> logger) : MigrationJob(workflow, storage, logger)
{
    public Task RunAsync(Guid migrationId, CancellationToken cancellationToken) => RunStepAsync(migrationId, MigrationStep.Verify, cancellationToken);
}

/// <summary>One soak sample (drift, propagation), then the next one scheduled, until the soak ends: Verified → Soaked.</summary>
[AutomaticRetry(Attempts = 10, DelaysInSeconds = [15, 30, 60, 120, 300], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
public sealed class SoakSampleJob(MigrationWorkflow workflow, JobStorage storage, ILogger<SoakSampleJob> logger) : MigrationJob(workflow, storage, logger)
{
    public Task RunAsync(Guid migrationId, CancellationToken cancellationToken) => RunStepAsync(migrationId, MigrationStep.Soak, cancellationToken);
}

/// <summary>After a rollback, at + 5 × the delegation TTL: does the parent show the saved delegation again? (stored as a sample).</summary>
[AutomaticRetry(Attempts = 10, DelaysInSeconds = [15, 30, 60, 120, 300], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
public sealed class RollbackCheckJob(MigrationWorkflow workflow, JobStorage storage, ILogger<RollbackCheckJob> logger) : MigrationJob(workflow, storage, logger)
{
    public Task RunAsync(Guid migrationId, CancellationToken cancellationToken) => RunStepAsync(migrationId, MigrationStep.RollBack, cancellationToken);
}

/// <summary>
/// Continues a step whose claim outlived its process (killed mid-step): enqueued by <see cref="ClaimedStepResumer"/> when a
/// process starts. Under the migration's lock, and only while the step is still claimed, so a step another live process
/// finished meanwhile is left alone.
/// </summary>
[AutomaticRetry(Attempts = 10, DelaysInSeconds = [10, 30, 60, 120, 300], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
public sealed class ResumeClaimedStepJob(MigrationWorkflow workflow, JobStorage storage, ILogger<ResumeClaimedStepJob> logger) : MigrationJob(workflow, storage, logger)
{
    public Task RunAsync(Guid migrationId, MigrationStep step, CancellationToken cancellationToken) => RunStepAsync(migrationId, step, cancellationToken, resumeOnly: true);
}

/// <summary>
/// At start-up, hands every claimed step to <see cref="ResumeClaimedStepJob"/>. Without it a step killed mid-run (SIGKILL,
/// power loss) would wait for Hangfire to re-deliver its job, which SQLite storage does only after its invisibility
/// timeout (30 minutes); cutover must not sit half-done that long.
/// </summary>
public sealed class ClaimedStepResumer(MigrationWorkflow workflow, IBackgroundJobClient jobs, ILogger<ClaimedStepResumer> logger) : Microsoft.Extensions.Hosting.IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (id, step) in await workflow.ClaimedStepsAsync(cancellationToken))
        {
            var jobId = jobs.Enqueue<ResumeClaimedStepJob>(j => j.RunAsync(id, step, CancellationToken.None));
            logger.LogWarning("Migration {Id}: {Step} was claimed by a process that stopped; resuming it as job {JobId}", id, step, jobId);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
