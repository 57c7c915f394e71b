namespace Migrator.Core.Migrations;

/// <summary>How a workflow call ended. The API maps Conflict to 409, Forbidden to 403, Invalid to 400/422, NotFound to 404, Accepted to 202.</summary>
public enum WorkflowOutcome { Succeeded, Accepted, Conflict, Forbidden, Invalid, NotFound }

/// <summary>
/// The result of a workflow command: an outcome, a message for people and the migration's status afterwards (null
/// when the migration does not exist). Expected refusals are results, never exceptions.
/// </summary>
public sealed record WorkflowResult(WorkflowOutcome Outcome, string Message, MigrationStatus? Status = null)
{
    public bool IsSuccess => Outcome is WorkflowOutcome.Succeeded or WorkflowOutcome.Accepted;

    public static WorkflowResult Ok(string message, MigrationStatus? status) => new(WorkflowOutcome.Succeeded, message, status);
    public static WorkflowResult Accepted(string message, MigrationStatus? status) => new(WorkflowOutcome.Accepted, message, status);
    public static WorkflowResult Conflict(string message, MigrationStatus? status = null) => new(WorkflowOutcome.Conflict, message, status);
    public static WorkflowResult Forbidden(string message, MigrationStatus? status = null) => new(WorkflowOutcome.Forbidden, message, status);
    public static WorkflowResult Invalid(string message, MigrationStatus? status = null) => new(WorkflowOutcome.Invalid, message, status);
    public static WorkflowResult NotFound(Guid id) => new(WorkflowOutcome.NotFound, $"no migration {id}");

    public override string ToString() => $"{Outcome}: {Message}";
}
