using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Auditing;
using Migrator.Core.Persistence;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Persistence;

[Collection(SandboxAppCollection.Name)]
public sealed class AuditLogAppendOnlyTests(SandboxApp app)
{
    private async Task<(MigratorDbContext Db, AuditEvent Event)> RecordedEventAsync()
    {
        var recorded = await app.Service<AuditLog>().RecordAsync("tester", "append-only probe", "test:target", "original");
        var db = await app.Service<IDbContextFactory<MigratorDbContext>>().CreateDbContextAsync();
        return (db, await db.AuditEvents.SingleAsync(e => e.Id == recorded.Id));
    }

    [Fact]
    public async Task SaveChanges_Throws_WhenAuditEventModified()
    {
        var (db, audit) = await RecordedEventAsync();
        await using var _ = db;
        db.Entry(audit).Property(e => e.Details).CurrentValue = "rewritten";
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        Assert.Contains($"audit event {audit.Id} cannot be modified", error.Message);
    }

    [Fact]
    public async Task SaveChanges_Throws_WhenAuditEventDeleted()
    {
        var (db, audit) = await RecordedEventAsync();
        await using var _ = db;
        db.AuditEvents.Remove(audit);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        Assert.Contains($"audit event {audit.Id} cannot be deleted", error.Message);
    }

    [Fact]
    public async Task Database_RefusesBulkUpdateAndDelete_OfAuditEvents()
    {
        var (db, audit) = await RecordedEventAsync();
        await using var _ = db;
        var update = await Assert.ThrowsAsync<SqliteException>(() => db.AuditEvents.Where(e => e.Id == audit.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.Details, "rewritten")));
        Assert.Contains("append-only: update refused", update.Message);
        var delete = await Assert.ThrowsAsync<SqliteException>(() => db.AuditEvents.ExecuteDeleteAsync());
        Assert.Contains("append-only: delete refused", delete.Message);

        await using var fresh = await app.Service<IDbContextFactory<MigratorDbContext>>().CreateDbContextAsync();
        Assert.Equal("original", (await fresh.AuditEvents.SingleAsync(e => e.Id == audit.Id)).Details);
    }
}
