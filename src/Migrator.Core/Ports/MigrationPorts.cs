using Migrator.Core.Migrations;
using Migrator.Core.Tsig;

namespace Migrator.Core.Ports;

/// <summary>
/// Runs a lifecycle step later or in the background (Hangfire in Migrator.Jobs; Core knows nothing of it). Jobs take
/// the migration id and the step only and call <see cref="MigrationWorkflow.RunStepAsync"/>.
/// </summary>
public interface IMigrationJobScheduler
{
    /// <summary>False when there is no background runner: the workflow then runs background steps inline.</summary>
    bool RunsInBackground { get; }

    /// <summary>Runs the step at <paramref name="runAt"/> (now or earlier: as soon as possible); returns the job id.</summary>
    string Schedule(Guid migrationId, MigrationStep step, DateTimeOffset runAt);

    /// <summary>
    /// True when timed steps are rows of the timers table (<see cref="MigrationTimerStore"/>): the workflow then writes a
    /// step's follow-up in the same transaction as the change that calls for it (a crash between two commits would lose
    /// the timer and leave the migration waiting for nothing) and calls <see cref="TimersWritten"/> after the commit.
    /// </summary>
    bool TimersInDatabase => false;

    /// <summary>Timers were committed by the workflow: a runner of this process may look at once instead of at its next poll.</summary>
    void TimersWritten() { }
}

/// <summary>No background runner: steps run in the caller's request, timed steps wait for a person to advance them.</summary>
public sealed class InlineMigrationJobScheduler : IMigrationJobScheduler
{
    public bool RunsInBackground => false;
    public string Schedule(Guid migrationId, MigrationStep step, DateTimeOffset runAt) => "";
}

/// <summary>TSIG keys by name, from configuration. Plans name keys; secrets never leave the store (never stored, logged or shown).</summary>
public interface ITsigKeyStore
{
    bool Contains(string name);
    TsigKey? Find(string name);
}
