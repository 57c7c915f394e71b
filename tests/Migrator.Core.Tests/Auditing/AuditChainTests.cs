using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Auditing;
using Migrator.Core.Persistence;

namespace Migrator.Core.Tests.Auditing;

/// <summary>Finding 5: the audit log's hash chain names the first changed, removed or inserted row.</summary>
public sealed class AuditChainTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("migrator-audit-chain-").FullName;
    private string DatabasePath => Path.Combine(directory, "migrator.db");

    private MigratorDbContext Open() =>
        new(new DbContextOptionsBuilder<MigratorDbContext>().UseSqlite(MigratorDbContext.SqliteConnectionString(DatabasePath)).Options);

    public async Task InitializeAsync()
    {
        await using var db = Open();
        await db.Database.MigrateAsync();
        var at = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        for (var i = 1; i <= 5; i++)
        {
            db.AuditEvents.Add(AuditEvent.Create(at.AddMinutes(i), "alice@example.test", "test action", $"row:{i}", $"details {i}"));
            await db.SaveChangesAsync();
        }
        // Two in one SaveChanges: sealed in order.
        db.AuditEvents.Add(AuditEvent.Create(at.AddMinutes(6), "bob@example.test", "test action", "row:6"));
        db.AuditEvents.Add(AuditEvent.Create(at.AddMinutes(7), "bob@example.test", "test action", "row:7"));
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
        return Task.CompletedTask;
    }

    private async Task TamperAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = """DROP TRIGGER IF EXISTS "AuditEvents_NoUpdate"; DROP TRIGGER IF EXISTS "AuditEvents_NoDelete"; DROP INDEX IF EXISTS "IX_AuditEvents_Sequence"; """ + sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<AuditChainReport> VerifyAsync()
    {
        await using var db = Open();
        return await AuditChain.VerifyAsync(db);
    }

    private async Task<long> IdOfAsync(string target)
    {
        await using var db = Open();
        return await db.AuditEvents.Where(e => e.Target == target).Select(e => e.Id).SingleAsync();
    }

    [Fact]
    public async Task Verify_IsIntactWithSequenceOneToSeven_WhenNobodyTampered()
    {
        var report = await VerifyAsync();
        Assert.True(report.Intact, report.FirstBreak?.Message);
        Assert.Equal(7, report.RowsChecked);
        Assert.Matches("^[0-9a-f]{64}$", report.HeadHash);
        await using var db = Open();
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long?)i), await db.AuditEvents.OrderBy(e => e.Sequence).Select(e => e.Sequence).ToListAsync());
    }

    [Fact]
    public async Task Verify_ReportsChangedRow_WhenDetailsEdited()
    {
        var id = await IdOfAsync("row:3");
        await TamperAsync($"""UPDATE "AuditEvents" SET "Details" = 'innocent' WHERE "Id" = {id};""");
        var report = await VerifyAsync();
        Assert.Equal(AuditChainBreakKind.Changed, report.FirstBreak?.Kind);
        Assert.Equal(id, report.FirstBreak?.RowId);
    }

    [Fact]
    public async Task Verify_ReportsRemovedRow_WhenARowIsDeleted()
    {
        var next = await IdOfAsync("row:4");
        await TamperAsync($"""DELETE FROM "AuditEvents" WHERE "Target" = 'row:3';""");
        var report = await VerifyAsync();
        Assert.Equal(AuditChainBreakKind.Removed, report.FirstBreak?.Kind);
        Assert.Equal(next, report.FirstBreak?.RowId);
        Assert.Contains("sequence 3", report.FirstBreak?.Message);
    }

    [Fact]
    public async Task Verify_ReportsInsertedRow_WhenARowIsAddedWithoutHash()
    {
        await TamperAsync("""INSERT INTO "AuditEvents" ("At", "Actor", "Action", "Target") VALUES (0, 'mallory', 'test action', 'forged');""");
        var report = await VerifyAsync();
        Assert.Equal(AuditChainBreakKind.Inserted, report.FirstBreak?.Kind);
        Assert.Equal(await IdOfAsync("forged"), report.FirstBreak?.RowId);
    }

    [Fact]
    public async Task Verify_ReportsInsertedRow_WhenARowReusesASequenceNumber()
    {
        await TamperAsync("""INSERT INTO "AuditEvents" ("At", "Actor", "Action", "Target", "Sequence", "Hash") SELECT "At", 'mallory', "Action", 'copy', "Sequence", "Hash" FROM "AuditEvents" WHERE "Target" = 'row:2';""");
        var report = await VerifyAsync();
        Assert.NotNull(report.FirstBreak);
        Assert.Contains(report.FirstBreak!.Kind, new[] { AuditChainBreakKind.Inserted, AuditChainBreakKind.Changed });
    }
}
