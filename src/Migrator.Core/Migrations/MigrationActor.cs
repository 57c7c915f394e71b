namespace Migrator.Core.Migrations;

/// <summary>
/// Who may take a lifecycle step. Mirrors the web roles by name (Viewer, Operator, Approver, Admin) without knowing
/// ASP.NET; <see cref="System"/> is the scheduler acting on its own (timed jobs).
/// </summary>
public enum MigrationRole { Viewer, Operator, Approver, Admin, System }

/// <summary>
/// The person (or the scheduler) asking for a step, with the roles the caller checked on the server.
/// Invariant: <see cref="Name"/> is non-blank; the roles are the caller's, never widened here.
/// </summary>
public sealed record MigrationActor
{
    public string Name { get; }
    public IReadOnlySet<MigrationRole> Roles { get; }

    public MigrationActor(string name, IEnumerable<MigrationRole> roles)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name.Trim();
        Roles = roles.ToHashSet();
    }

    public MigrationActor(string name, params MigrationRole[] roles) : this(name, (IEnumerable<MigrationRole>)roles) { }

    /// <summary>The scheduler: takes the timed steps (waits, verification, soak) and automatic rollback.</summary>
    public static MigrationActor System { get; } = new(Auditing.AuditActions.SystemActor, MigrationRole.System);

    /// <summary>From role names as the web layer stores them ("Operator", "Approver", ...); unknown names are ignored.</summary>
    public static MigrationActor FromRoleNames(string name, IEnumerable<string> roleNames) =>
        new(name, roleNames.Select(r => Enum.TryParse<MigrationRole>(r, ignoreCase: true, out var role) && role != MigrationRole.System ? role : (MigrationRole?)null)
            .Where(r => r is not null).Select(r => r!.Value));

    public bool IsSystem => Roles.Contains(MigrationRole.System);

    /// <summary>True when any of the actor's roles is among <paramref name="allowed"/>.</summary>
    public bool MayAct(IReadOnlyCollection<MigrationRole> allowed) => Roles.Any(allowed.Contains);

    public override string ToString() => $"{Name} ({string.Join(", ", Roles.Order())})";
}
