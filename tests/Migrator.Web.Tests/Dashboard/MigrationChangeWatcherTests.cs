using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Migrator.Core.Migrations;
using Migrator.Core.Notifications;
using Migrator.Core.Persistence;
using Migrator.Web.Live;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Dashboard;

[Collection(SandboxAppCollection.Name)]
public sealed class MigrationChangeWatcherTests(SandboxApp app)
{
    [Fact]
    public async Task Poll_PublishesCreatedAndAudit_WhenAnotherWriterDraftsMigration()
    {
        var notifier = new InProcessMigrationNotifier();
        var changes = new List<MigrationChange>();
        using var _ = notifier.Subscribe(c => { lock (changes) changes.Add(c); return Task.CompletedTask; });
        var watcher = new MigrationChangeWatcher(app.Service<IDbContextFactory<MigratorDbContext>>(), notifier, TimeProvider.System,
            NullLogger<MigrationChangeWatcher>.Instance);
        await watcher.PollAsync(publish: false, CancellationToken.None);

        var drafted = await app.Service<MigrationCatalog>().DraftAsync($"watched-{Guid.NewGuid():N}.example", "op@sandbox.local");
        await watcher.PollAsync(publish: true, CancellationToken.None);

        lock (changes)
        {
            Assert.Contains(changes, c => c.MigrationId == drafted.Migration!.Id && c.Kind == MigrationChangeKind.Created);
            Assert.Contains(changes, c => c.Kind == MigrationChangeKind.Audit);
        }
    }

    [Fact]
    public async Task Poll_PublishesNothing_WhenNothingChanged()
    {
        var notifier = new InProcessMigrationNotifier();
        var count = 0;
        using var _ = notifier.Subscribe(_ => { Interlocked.Increment(ref count); return Task.CompletedTask; });
        var watcher = new MigrationChangeWatcher(app.Service<IDbContextFactory<MigratorDbContext>>(), notifier, TimeProvider.System,
            NullLogger<MigrationChangeWatcher>.Instance);
        await watcher.PollAsync(publish: false, CancellationToken.None);
        await watcher.PollAsync(publish: true, CancellationToken.None);
        Assert.Equal(0, Volatile.Read(ref count));
    }
}
