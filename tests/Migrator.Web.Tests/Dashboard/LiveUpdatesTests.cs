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
    public async Task OnChange_GetsTheNewestProgressAndOneReload_WhenABurstArrivesWhileItIsBusy()
    {
        await using var ctx = new BunitContext();
        var notifier = new InProcessMigrationNotifier();
        ctx.Services.AddSingleton<IMigrationNotifier>(notifier);
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var id = Guid.NewGuid();
        var release = new TaskCompletionSource();
        var seen = new List<MigrationChange>();
        var cut = ctx.Render<LiveUpdates>(p => p
            .Add(c => c.MigrationId, id)
            .Add(c => c.OnChange, async (MigrationChange c) =>
            {
                lock (seen) seen.Add(c);
                if (seen.Count == 1) await release.Task;
            }));

        notifier.Publish(new MigrationChange(id, MigrationChangeKind.StateChanged, "first"));
        cut.WaitForAssertion(() => Assert.Single(seen), TimeSpan.FromSeconds(10));
        for (var i = 1; i <= 5; i++) notifier.Publish(new MigrationChange(id, MigrationChangeKind.Progress, $"{i} of 5", i / 5.0));
        notifier.Publish(new MigrationChange(id, MigrationChangeKind.StateChanged, "second"));
        notifier.Publish(new MigrationChange(id, MigrationChangeKind.StateChanged, "third"));
        // Every publish is queued on the renderer before the release is: by then the burst has been folded.
        await cut.InvokeAsync(() => release.SetResult());

        cut.WaitForAssertion(() => Assert.Equal(["first", "third", "5 of 5"], seen.Select(c => c.Message)), TimeSpan.FromSeconds(10));
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
