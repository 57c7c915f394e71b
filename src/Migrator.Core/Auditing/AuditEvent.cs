namespace Migrator.Core.Auditing;

/// <summary>
/// One line of the append-only audit log: who did what to which target, and when.
/// Invariant: immutable once saved (sealed into the hash chain as it is saved); never carries secrets (passwords, keys) in <see cref="Details"/>.
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

    /// <summary>Position in the hash chain (1, 2, 3, … with no gaps); null only for rows written before the chain existed.</summary>
    public long? Sequence { get; private set; }

    /// <summary>SHA-256 (hex) over the previous row's hash and this row's content; see <see cref="AuditChain"/>.</summary>
    public string? Hash { get; private set; }

    internal void Seal(long sequence, string hash)
    {
        if (Sequence is not null) throw new InvalidOperationException($"Audit event {Id} is already sealed.");
        Sequence = sequence;
        Hash = hash;
    }

    internal void Unseal()
    {
        if (Id > 0) return;
        Sequence = null;
        Hash = null;
    }

    public static AuditEvent Create(DateTimeOffset at, string actor, string action, string? target = null, string? details = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        return new AuditEvent(at.ToUniversalTime(), actor, action, target, details);
    }
}
