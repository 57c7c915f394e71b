namespace Migrator.Web.Access;

/// <summary>A demo account that exists only in sandbox mode; its password is public by design (shown on the sign-in page).</summary>
public sealed record SandboxAccount(string Role, string Email, string Password);

public static class SandboxAccounts
{
    /// <summary>Demo accounts live under this domain; real mode refuses to start while any exist.</summary>
    public const string Domain = "sandbox.local";

    public static readonly IReadOnlyList<SandboxAccount> All =
        MigratorRoles.All.Select(role => new SandboxAccount(role, $"{role.ToLowerInvariant()}@{Domain}", $"{role}-sandbox-1")).ToList();

    /// <summary>True for any address whose domain is <see cref="Domain"/>, in any case, with or without a trailing dot or surrounding space.</summary>
    public static bool IsSandboxEmail(string? email)
    {
        if (email is null) return false;
        var at = email.LastIndexOf('@');
        if (at < 0) return false;
        var domain = email[(at + 1)..].Trim().TrimEnd('.');
        return domain.Equals(Domain, StringComparison.OrdinalIgnoreCase);
    }
}
