using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Persistence;

namespace Migrator.Jobs.Tests.Heartbeat;

/// <summary>A migrated SQLite database file of its own, as the app uses it.</summary>
public sealed class HeartbeatDatabase : IDbContextFactory<MigratorDbContext>, IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("migrator-jobs-tests-").FullName;

    private DbContextOptions<MigratorDbContext> Options => new DbContextOptionsBuilder<MigratorDbContext>()
        .UseSqlite(MigratorDbContext.SqliteConnectionString(Path.Combine(directory, "migrator.db")))
        .Options;

    public MigratorDbContext CreateDbContext() => new(Options);

    public async Task InitializeAsync()
    {
        await using var db = CreateDbContext();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
        return Task.CompletedTask;
    }
}
