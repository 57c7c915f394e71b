using Microsoft.Extensions.Time.Testing;
using Migrator.Core.Route53;

namespace Migrator.Core.Tests.Route53;

/// <summary>Finding 3: dashboard reads never take the tokens a cutover or rollback needs.</summary>
public sealed class SchedulerReadPriorityTests
{
    [Fact]
    public void AcquireReadToken_LeavesHalfTheBurstForChanges_WhenReadsFlood()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var s = new Route53ChangeScheduler(Route53ChangeSchedulerTests.Create().Scheduler.Client, time, new Route53SchedulerOptions { RequestsPerSecond = 5, Burst = 6 });
        var reads = Enumerable.Range(0, 20).Select(_ => s.AcquireReadTokenAsync(CancellationToken.None)).ToList();
        Assert.Equal(3, reads.Count(r => r.IsCompletedSuccessfully)); // burst 6, reserve 3

        // A rollback arriving now gets its tokens at once: three without waiting.
        for (var i = 0; i < 3; i++)
            Assert.True(s.AcquireTokenAsync(CancellationToken.None).IsCompletedSuccessfully, $"change token {i + 1} had to wait behind reads");
        Assert.Equal(3, reads.Count(r => r.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task AcquireReadToken_WaitsWhileAChangeIsQueued()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var s = new Route53ChangeScheduler(Route53ChangeSchedulerTests.Create().Scheduler.Client, time, new Route53SchedulerOptions { RequestsPerSecond = 5, Burst = 2 });
        await s.AcquireTokenAsync(CancellationToken.None);
        await s.AcquireTokenAsync(CancellationToken.None);
        var change = s.AcquireTokenAsync(CancellationToken.None); // queued: bucket at -1
        var read = s.AcquireReadTokenAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(200));
        await change;
        Assert.False(read.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));
        await read.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
