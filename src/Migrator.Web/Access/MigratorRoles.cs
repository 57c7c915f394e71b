namespace Migrator.Web.Access;

/// <summary>The four roles. Each grants exactly what its policy lists; there is no implicit hierarchy.</summary>
public static class MigratorRoles
{
    public const string Viewer = "Viewer";
    public const string Operator = "Operator";
    public const string Approver = "Approver";
    public const string Admin = "Admin";

    public static readonly IReadOnlyList<string> All = [Viewer, Operator, Approver, Admin];
}

/// <summary>Authorization policy names used by pages ([Authorize(Policy = ...)]) and API endpoints.</summary>
public static class Policies
{
    /// <summary>Any of the four roles: read migrations, zones, approvals, audit.</summary>
    public const string CanView = nameof(CanView);

    /// <summary>Operator or Admin: create and drive migrations.</summary>
    public const string CanOperate = nameof(CanOperate);

    /// <summary>Approver or Admin: sign cutover plans (never one's own, enforced where approvals are made).</summary>
    public const string CanApprove = nameof(CanApprove);

    /// <summary>Admin only: users, settings, the Hangfire dashboard.</summary>
    public const string IsAdmin = nameof(IsAdmin);
}
