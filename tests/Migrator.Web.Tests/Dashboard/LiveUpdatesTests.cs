using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Migrator.Core.Notifications;
using Migrator.Web.Components.Shared;

namespace Migrator.Web.Tests.Dashboard;

public sealed class LiveUpdatesTests
{
    [Fact]
    public async Task OnChange_SeesOnlyItsMigration_WhenFilteredById()
    {
        await using var ctx = new BunitContext();
        var notifier = new InProcessMigrationNotifier();
        ctx.Services.AddSingleton<IMigrationNotifier>(notifier);
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var mine = Guid.NewGuid();
        var seen = new List<MigrationChange>();
        var cut = ctx.Render<LiveUpdates>(p => p
            .Add(c => c.MigrationId, mine)
            .Add(c => c.OnChange, (MigrationChange c) => seen.Add(c)));

        notifier.Publish(new MigrationChange(Guid.NewGuid(), MigrationChangeKind.StateChanged));
        notifier.Publish(new MigrationChange(mine, MigrationChangeKind.Progress, "batch 3 of 10", 0.3));

        cut.WaitForAssertion(() => Assert.Equal(mine, Assert.Single(seen).MigrationId), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Dispose_Unsubscribes_WhenPageCloses()
    {
        await using var ctx = new BunitContext();
        var notifier = new InProcessMigrationNotifier();
        ctx.Services.AddSingleton<IMigrationNotifier>(notifier);
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var cut = ctx.Render<LiveUpdates>();
        Assert.Equal(1, notifier.ListenerCount);

        cut.Instance.Dispose();

        Assert.Equal(0, notifier.ListenerCount);
    }

    [Fact]
    public async Task OnInitialized_DoesNotSubscribe_WhenPrerendering()
    {
        await using var ctx = new BunitContext();
        var notifier = new InProcessMigrationNotifier();
        ctx.Services.AddSingleton<IMigrationNotifier>(notifier);
        ctx.SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        ctx.Render<LiveUpdates>();
        Assert.Equal(0, notifier.ListenerCount);
    }
}
