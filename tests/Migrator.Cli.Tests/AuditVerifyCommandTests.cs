using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Auditing;
using Migrator.Core.Persistence;

namespace Migrator.Cli.Tests;

/// <summary>Finding 5: `migrator audit verify --db FILE` names the first changed row, straight from the database file.</summary>
public sealed class AuditVerifyCommandTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("migrator-cli-audit-").FullName;
    private string Db => Path.Combine(directory, "migrator.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private async Task<long> SeedAsync()
    {
        await using var db = new MigratorDbContext(new DbContextOptionsBuilder<MigratorDbContext>().UseSqlite(MigratorDbContext.SqliteConnectionString(Db)).Options);
        await db.Database.MigrateAsync();
        var at = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        for (var i = 1; i <= 4; i++)
        {
            db.AuditEvents.Add(AuditEvent.Create(at.AddMinutes(i), "alice@example.test", "test action", $"row:{i}"));
            await db.SaveChangesAsync();
        }
        return await db.AuditEvents.Where(e => e.Target == "row:2").Select(e => e.Id).SingleAsync();
    }

    [Fact]
    public async Task AuditVerify_ExitsZeroThenOneNamingTheRow_WhenARowIsChangedBehindTheAppsBack()
    {
        var victim = await SeedAsync();
        SqliteConnection.ClearAllPools();

        var intact = MigratorProcess.Run("audit", "verify", "--db", Db);
        Assert.True(intact.Code == 0, intact.Stdout + intact.Stderr);
        Assert.Contains("intact: 4 rows", intact.Stdout);

        await using (var connection = new SqliteConnection($"Data Source={Db}"))
        {
            await connection.OpenAsync();
            using var tamper = connection.CreateCommand();
            tamper.CommandText = $"""DROP TRIGGER "AuditEvents_NoUpdate"; UPDATE "AuditEvents" SET "Actor" = 'nobody' WHERE "Id" = {victim};""";
            await tamper.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();

        var broken = MigratorProcess.Run("audit", "verify", "--db", Db);
        Assert.Equal(1, broken.Code);
        Assert.Contains($"changed at row {victim}", broken.Stdout);

        var export = MigratorProcess.Run("audit", "export", "--db", Db);
        Assert.Equal(0, export.Code);
        Assert.Equal(4, export.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void AuditVerify_ExitsTwo_WhenDatabaseFileMissing()
    {
        var result = MigratorProcess.Run("audit", "verify", "--db", Path.Combine(directory, "absent.db"));
        Assert.Equal(2, result.Code);
        Assert.Contains("does not exist", result.Stderr);
    }
}
