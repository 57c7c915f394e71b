using Microsoft.AspNetCore.Identity;
using Migrator.Core.Auditing;

namespace Migrator.Web.Access;

public enum UserChangeOutcome { Done, NotFound, Refused }

/// <summary>The account created, or why not (field → messages); exactly one of the two.</summary>
public sealed record UserCreation(IdentityUser? User, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Succeeded => User is not null;
}

/// <summary>What an administrator change did; <see cref="Message"/> says why when refused.</summary>
public sealed record UserChangeResult(UserChangeOutcome Outcome, string? Message = null)
{
    public static readonly UserChangeResult Done = new(UserChangeOutcome.Done);
    public static readonly UserChangeResult NotFound = new(UserChangeOutcome.NotFound, "no such user");
    public static UserChangeResult Refused(string message) => new(UserChangeOutcome.Refused, message);
}

/// <summary>
/// Administrator actions on accounts, each audited and each taking effect on the account's next request (browser
/// sessions and API tokens alike, via <see cref="UserSessionGuard"/>): disable, enable, end sessions, change role.
/// Invariant kept: at least one enabled Admin remains, and an Admin cannot disable or demote themself.
/// </summary>
public sealed class UserAdministration(UserManager<IdentityUser> users, AuditLog audit)
{
    /// <summary>
    /// Disabled accounts are locked out until <see cref="DateTimeOffset.MaxValue"/>. The database keeps times to 0.1 ms
    /// (DateTimeOffsetToBinaryConverter), so the stored end reads back a little earlier: compare with a day's margin.
    /// </summary>
    public static bool IsDisabled(IdentityUser user) => user.LockoutEnd is { } end && end >= DateTimeOffset.MaxValue.AddDays(-1);

    /// <summary>
    /// Adds an account with one role (the API's POST /api/admin/users and the Users page). Refusals come back as field
    /// errors (email, role, user — the password rules); the password is never recorded, only the email and role are audited.
    /// </summary>
    public async Task<UserCreation> CreateAsync(string? emailText, string? password, string? role, string actor, CancellationToken ct = default)
    {
        var email = emailText?.Trim() ?? "";
        var errors = new Dictionary<string, string[]>();
        if (role is null || !MigratorRoles.All.Contains(role))
            errors["role"] = [$"role must be one of {string.Join(", ", MigratorRoles.All)}"];
        if (SandboxAccounts.IsSandboxEmail(email))
            errors["email"] = [$"addresses at {SandboxAccounts.Domain} are reserved for sandbox demo accounts"];
        if (errors.Count > 0) return new UserCreation(null, errors);

        var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, password ?? "");
        if (!created.Succeeded)
            return new UserCreation(null, new Dictionary<string, string[]> { ["user"] = created.Errors.Select(e => e.Description).ToArray() });
        var added = await users.AddToRoleAsync(user, role!);
        if (!added.Succeeded)
            throw new InvalidOperationException($"Could not give {email} the role {role}: {string.Join("; ", added.Errors.Select(e => e.Description))}");
        await audit.RecordAsync(actor, AuditActions.UserCreated, $"user:{email}", $"role {role}", ct);
        return new UserCreation(user, new Dictionary<string, string[]>());
    }

    /// <summary>A strong initial password for a new account (shown once to the administrator who adds it): 20 characters from four classes.</summary>
    public static string NewInitialPassword()
    {
        const string lower = "abcdefghijkmnopqrstuvwxyz", upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", digits = "23456789", symbols = "-_.!#%+";
        const string all = lower + upper + digits + symbols;
        var chars = new char[20];
        chars[0] = lower[System.Security.Cryptography.RandomNumberGenerator.GetInt32(lower.Length)];
        chars[1] = upper[System.Security.Cryptography.RandomNumberGenerator.GetInt32(upper.Length)];
        chars[2] = digits[System.Security.Cryptography.RandomNumberGenerator.GetInt32(digits.Length)];
        chars[3] = symbols[System.Security.Cryptography.RandomNumberGenerator.GetInt32(symbols.Length)];
        for (var i = 4; i < chars.Length; i++) chars[i] = all[System.Security.Cryptography.RandomNumberGenerator.GetInt32(all.Length)];
        System.Security.Cryptography.RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }

    public async Task<UserChangeResult> DisableAsync(string userId, string actor, CancellationToken ct = default)
    {
        if (await users.FindByIdAsync(userId) is not { } user) return UserChangeResult.NotFound;
        if (IsSelf(user, actor)) return UserChangeResult.Refused("you cannot disable your own account");
        if (await IsLastEnabledAdminAsync(user)) return UserChangeResult.Refused("this is the last enabled Admin");
        Check(await users.SetLockoutEnabledAsync(user, true));
        Check(await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue));
        Check(await users.UpdateSecurityStampAsync(user));
        await audit.RecordAsync(actor, AuditActions.UserDisabled, $"user:{user.Email}", "sessions and API tokens stop at once", ct);
        return UserChangeResult.Done;
    }

    public async Task<UserChangeResult> EnableAsync(string userId, string actor, CancellationToken ct = default)
    {
        if (await users.FindByIdAsync(userId) is not { } user) return UserChangeResult.NotFound;
        Check(await users.SetLockoutEndDateAsync(user, null));
        Check(await users.ResetAccessFailedCountAsync(user));
        await audit.RecordAsync(actor, AuditActions.UserEnabled, $"user:{user.Email}", cancellationToken: ct);
        return UserChangeResult.Done;
    }

    /// <summary>Every browser session of the account ends on its next request (the security stamp changes).</summary>
    public async Task<UserChangeResult> EndSessionsAsync(string userId, string actor, CancellationToken ct = default)
    {
        if (await users.FindByIdAsync(userId) is not { } user) return UserChangeResult.NotFound;
        Check(await users.UpdateSecurityStampAsync(user));
        await audit.RecordAsync(actor, AuditActions.SessionsEnded, $"user:{user.Email}", cancellationToken: ct);
        return UserChangeResult.Done;
    }

    /// <summary>Replaces the account's role; its sessions end so the new role applies at once.</summary>
    public async Task<UserChangeResult> SetRoleAsync(string userId, string role, string actor, CancellationToken ct = default)
    {
        if (!MigratorRoles.All.Contains(role)) return UserChangeResult.Refused($"role must be one of {string.Join(", ", MigratorRoles.All)}");
        if (await users.FindByIdAsync(userId) is not { } user) return UserChangeResult.NotFound;
        var current = await users.GetRolesAsync(user);
        if (current.Count == 1 && current[0] == role) return UserChangeResult.Done;
        if (role != MigratorRoles.Admin && current.Contains(MigratorRoles.Admin))
        {
            if (IsSelf(user, actor)) return UserChangeResult.Refused("you cannot take the Admin role from yourself");
            if (await IsLastEnabledAdminAsync(user)) return UserChangeResult.Refused("this is the last enabled Admin");
        }
        Check(await users.RemoveFromRolesAsync(user, current));
        Check(await users.AddToRoleAsync(user, role));
        Check(await users.UpdateSecurityStampAsync(user));
        await audit.RecordAsync(actor, AuditActions.RoleChanged, $"user:{user.Email}", $"{string.Join(",", current)} → {role}", ct);
        return UserChangeResult.Done;
    }

    private static bool IsSelf(IdentityUser user, string actor) =>
        string.Equals(user.UserName, actor, StringComparison.OrdinalIgnoreCase) || string.Equals(user.Email, actor, StringComparison.OrdinalIgnoreCase);

    private async Task<bool> IsLastEnabledAdminAsync(IdentityUser user)
    {
        if (!await users.IsInRoleAsync(user, MigratorRoles.Admin)) return false;
        var admins = await users.GetUsersInRoleAsync(MigratorRoles.Admin);
        return admins.Count(a => !IsDisabled(a)) <= 1 && !IsDisabled(user);
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
