namespace Migrator.Core.Auditing;

/// <summary>
/// One line of the append-only audit log: who did what to which target, and when.
/// Invariant: immutable once created; never carries secrets (passwords, keys) in <see cref="Details"/>.
/// </summary>
public sealed class AuditEvent
{
    private AuditEvent(DateTimeOffset at, string actor, string action, string? target, string? details)
    {
        At = at;
        Actor = actor;
        Action = action;
        Target = target;
        Details = details;
    }

    public long Id { get; private set; }
    public DateTimeOffset At { get; private set; }
    public string Actor { get; private set; }
    public string Action { get; private set; }
    public string? Target { get; private set; }
    public string? Details { get; private set; }

    public static AuditEvent Create(DateTimeOffset at, string actor, string action, string? target = null, string? details = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        return new AuditEvent(at.ToUniversalTime(), actor, action, target, details);
    }
}
