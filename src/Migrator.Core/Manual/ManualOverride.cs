namespace Migrator.Core.Manual;

/// <summary>
/// An operator's decision to treat a manual step as done although the DNS does not (yet) show it.
/// Invariant: actor and reason are non-blank; the record goes to the audit log as is.
/// </summary>
public sealed record ManualOverride
{
    public string Actor { get; }
    public string Reason { get; }
    public DateTimeOffset At { get; }

    public ManualOverride(string actor, string reason, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(actor)) throw new ArgumentException("an override needs the acting user", nameof(actor));
        if (string.IsNullOrWhiteSpace(reason)) throw new ArgumentException("an override needs a reason", nameof(reason));
        Actor = actor.Trim();
        Reason = reason.Trim();
        At = at;
    }
}

/// <summary>Outcome of checking a manual step. Invariant: <see cref="Done"/> is true only when verified by DNS or overridden.</summary>
public sealed record ManualCheckResult(bool Done, bool VerifiedByDns, IReadOnlyList<string> Pending, string Message, ManualOverride? Override = null)
{
    public static ManualCheckResult Overridden(ManualOverride o, IReadOnlyList<string> pending) =>
        new(true, false, pending, $"marked done by {o.Actor} without DNS evidence: {o.Reason}", o);
}
