using Microsoft.EntityFrameworkCore;

namespace Migrator.Web.Access;

/// <param name="Disabled">Disabled by an administrator (as opposed to a temporary lockout).</param>
public sealed record AccountSummary(string Email, IReadOnlyList<string> Roles, bool LockedOut, string Id = "", bool Disabled = false);

/// <summary>Read-only view of the accounts for the Settings page.</summary>
public sealed class AccountDirectory(IDbContextFactory<MigratorIdentityDbContext> contexts, TimeProvider time)
{
    public async Task<IReadOnlyList<AccountSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(cancellationToken);
        var roles = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           select new { ur.UserId, r.Name }).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        return users.Select(u => new AccountSummary(
                u.Email ?? u.UserName ?? u.Id,
                roles.Where(r => r.UserId == u.Id).Select(r => r.Name!).Order(StringComparer.Ordinal).ToList(),
                u.LockoutEnd > now,
                u.Id,
                UserAdministration.IsDisabled(u)))
            .ToList();
    }
}
