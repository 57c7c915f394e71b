using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Migrator.Core.Auditing;
using Migrator.Core.Hosting;

namespace Migrator.Web.Access;

/// <summary>
/// At start: makes sure the four roles exist; in sandbox mode creates the missing demo accounts and prints their
/// credentials once; in real mode refuses to run on a database that still holds demo accounts (known passwords).
/// </summary>
internal sealed class AccountBootstrap(IServiceScopeFactory scopes, IOptions<MigratorOptions> options, AuditLog audit, ILogger<AccountBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();

        foreach (var role in MigratorRoles.All)
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole(role)), $"create role {role}");

        if (options.Value.Mode == MigratorMode.Real)
        {
            var demo = await users.Users.Where(u => u.Email != null && u.Email.EndsWith("@" + SandboxAccounts.Domain)).Select(u => u.Email).ToListAsync(cancellationToken);
            if (demo.Count > 0)
                throw new InvalidOperationException(
                    $"Real mode refuses a data directory that was used in sandbox mode (it holds demo accounts with public passwords: {string.Join(", ", demo)}). " +
                    $"Point Migrator:DataDirectory at a new directory for real mode.");
            return;
        }

        var created = new List<SandboxAccount>();
        foreach (var account in SandboxAccounts.All)
        {
            if (await users.FindByEmailAsync(account.Email) is not null) continue;
            var user = new IdentityUser { UserName = account.Email, Email = account.Email, EmailConfirmed = true };
            Check(await users.CreateAsync(user, account.Password), $"create demo account {account.Email}");
            Check(await users.AddToRoleAsync(user, account.Role), $"give {account.Email} the role {account.Role}");
            await audit.RecordAsync(AuditActions.SystemActor, AuditActions.UserCreated, $"user:{account.Email}", $"sandbox demo account, role {account.Role}", cancellationToken);
            created.Add(account);
        }

        if (created.Count > 0)
        {
            logger.LogInformation("Created {Count} sandbox demo account(s); their credentials are on the sign-in page", created.Count);
            // Straight to the console, not through logging: these demo passwords are public, but log pipelines must never carry passwords.
            Console.Out.WriteLine("Sandbox demo accounts (shown once here; always on the sign-in page in sandbox mode):");
            foreach (var a in created) Console.Out.WriteLine($"  {a.Role,-9} {a.Email,-26} {a.Password}");
            Console.Out.Flush();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"Could not {what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
    }
}
