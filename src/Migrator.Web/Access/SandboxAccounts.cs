namespace Migrator.Web.Access;

/// <summary>A demo account that exists only in sandbox mode; its password is public by design (shown on the sign-in page).</summary>
public sealed record SandboxAccount(string Role, string Email, string Password);

public static class SandboxAccounts
{
    /// <summary>Demo accounts live under this domain; real mode refuses to start while any exist.</summary>
    public const string Domain = "sandbox.local";

    public static readonly IReadOnlyList<SandboxAccount> All =
        MigratorRoles.All.Select(role => new SandboxAccount(role, $"{role.ToLowerInvariant()}@{Domain}", $"{role}-sandbox-1")).ToList();

    public static bool IsSandboxEmail(string? email) =>
        email is not null && email.EndsWith("@" + Domain, StringComparison.OrdinalIgnoreCase);
}
