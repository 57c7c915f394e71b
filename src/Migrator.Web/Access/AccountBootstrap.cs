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
internal sealed class AccountBootstrap(IServiceScopeFactory scopes, IOptions<MigratorOptions> options, AuditLog audit, SetupToken setupToken, ILogger<AccountBootstrap> logger) : IHostedService
{
    /// <summary>Written on first start: the mode this data directory belongs to.</summary>
    public const string ModeFileName = "mode";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();

        foreach (var role in MigratorRoles.All)
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole(role)), $"create role {role}");

        var mode = options.Value.Mode;
        var directory = options.Value.DataDirectory!;
        var emails = await users.Users.Where(u => u.Email != null).Select(u => u.Email!).ToListAsync(cancellationToken);
        var demo = emails.Where(SandboxAccounts.IsSandboxEmail).ToList();
        var owner = ReadModeFile(directory) ?? (emails.Count == 0 ? null : demo.Count > 0 ? MigratorMode.Sandbox : MigratorMode.Real);
        if (mode == MigratorMode.Real && (owner == MigratorMode.Sandbox || demo.Count > 0))
            throw new InvalidOperationException(
                $"Real mode refuses a data directory that was used in sandbox mode ({directory}" +
                (demo.Count > 0 ? $"; it holds demo accounts with public passwords: {string.Join(", ", demo)}" : "") + "). " +
                "Set Migrator:DataDirectory to a new directory for real mode, or leave it unset to use the default real-mode directory.");
        if (mode == MigratorMode.Sandbox && owner == MigratorMode.Real)
            throw new InvalidOperationException(
                $"Sandbox mode refuses a data directory that holds real-mode data ({directory}): it would add demo accounts with public passwords beside real ones. " +
                "Start with Migrator__Mode=Real to use it, or set Migrator:DataDirectory to another directory (or leave it unset) for the sandbox.");
        WriteModeFile(directory, mode);

        if (mode == MigratorMode.Real)
        {
            if (emails.Count == 0)
            {
                var token = setupToken.Issue();
                // Straight to the console (and the 0600 file), never through logging.
                Console.Out.WriteLine($"No account exists yet. Create the first administrator at {AccountEndpoints.SetupPath} with this one-time setup token:");
                Console.Out.WriteLine($"  {token}");
                Console.Out.WriteLine($"  (also in {setupToken.FilePath})");
                Console.Out.Flush();
                logger.LogInformation("Setup token issued; it is printed on the console and stored in {Path}", setupToken.FilePath);
            }
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

    private static MigratorMode? ReadModeFile(string directory)
    {
        var path = Path.Combine(directory, ModeFileName);
        if (!File.Exists(path)) return null;
        var text = File.ReadAllText(path).Trim();
        return Enum.TryParse<MigratorMode>(text, ignoreCase: true, out var mode) && Enum.IsDefined(mode)
            ? mode
            : throw new InvalidOperationException($"{path} says '{text}', not Sandbox or Real; fix or delete it.");
    }

    private static void WriteModeFile(string directory, MigratorMode mode)
    {
        var path = Path.Combine(directory, ModeFileName);
        if (!File.Exists(path)) File.WriteAllText(path, mode + Environment.NewLine);
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"Could not {what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
    }
}
