using Migrator.Core.Notifications;

namespace Migrator.Web.Tests.Dashboard;

public sealed class MigrationNotifierTests
{
    [Fact]
    public async Task Publish_ReachesEverySubscriber_WhenOneThrowsDisposed()
    {
        var notifier = new InProcessMigrationNotifier();
        var received = new TaskCompletionSource<MigrationChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var closed = notifier.Subscribe(_ => throw new ObjectDisposedException("circuit"));
        using var open = notifier.Subscribe(c => { received.TrySetResult(c); return Task.CompletedTask; });

        var change = new MigrationChange(Guid.NewGuid(), MigrationChangeKind.StateChanged);
        notifier.Publish(change);

        Assert.Same(change, await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Dispose_StopsDelivery_WhenSubscriptionDisposedTwice()
    {
        var notifier = new InProcessMigrationNotifier();
        var calls = 0;
        var subscription = notifier.Subscribe(_ => { Interlocked.Increment(ref calls); return Task.CompletedTask; });
        subscription.Dispose();
        subscription.Dispose();

        notifier.Publish(new MigrationChange(null, MigrationChangeKind.Audit));

        Assert.Equal(0, notifier.ListenerCount);
        Assert.Equal(0, calls);
    }
}
