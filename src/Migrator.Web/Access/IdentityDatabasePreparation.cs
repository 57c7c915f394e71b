using Microsoft.EntityFrameworkCore;

namespace Migrator.Web.Access;

/// <summary>Applies the account schema's pending migrations at start, after Core's (registered after AddMigratorCore).</summary>
internal sealed class IdentityDatabasePreparation(IDbContextFactory<MigratorIdentityDbContext> contexts, ILogger<IdentityDatabasePreparation> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0) return;
        logger.LogInformation("Applying {Count} account database migration(s): {Migrations}", pending.Count, pending);
        await db.Database.MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
