using Microsoft.Extensions.Time.Testing;
using Migrator.Sandbox.Control;

namespace Migrator.Sandbox.Tests.Control;

public sealed class FaultsAndRateLimitTests
{
    [Fact]
    public void TokenBucket_RefusesAfterBurst_AndRefillsWithTime()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(time, burst: 3, perSecond: 2);
        Assert.True(bucket.TryTake() && bucket.TryTake() && bucket.TryTake());
        Assert.False(bucket.TryTake());
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(bucket.TryTake());
        time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.True(bucket.TryTake());
        Assert.False(bucket.TryTake());
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(3, Enumerable.Range(0, 5).Count(_ => bucket.TryTake())); // never more than the burst
    }

    [Fact]
    public void TokenBucket_NeverThrottles_WhenRefillIsZero()
    {
        var bucket = new TokenBucket(new FakeTimeProvider(), burst: 1, perSecond: 0);
        Assert.All(Enumerable.Range(0, 100), _ => Assert.True(bucket.TryTake()));
    }

    [Fact]
    public void FaultInjector_FailsNextNCallsOfOneOperation_ThenStops()
    {
        var faults = new FaultInjector([new FaultRule { Operation = "ChangeResourceRecordSets", Code = "Throttling", Count = 2 }]);
        Assert.Null(faults.Decide("GetChange"));
        Assert.Equal(("Throttling", 400, "Rate exceeded"), Tuple(faults.Decide("ChangeResourceRecordSets")));
        Assert.NotNull(faults.Decide("ChangeResourceRecordSets"));
        Assert.Null(faults.Decide("ChangeResourceRecordSets"));
        Assert.Empty(faults.Snapshot());
    }

    [Fact]
    public void FaultInjector_FiresAtRoughlyTheConfiguredProbability()
    {
        var faults = new FaultInjector([new FaultRule { Code = "InternalError", Probability = 0.25 }], seed: 42);
        var fired = Enumerable.Range(0, 4000).Count(_ => faults.Decide("ListHostedZones") is { Code: "InternalError", Status: 500 });
        Assert.InRange(fired, 850, 1150);
    }

    [Fact]
    public void FaultInjector_AddsLatency_WithoutError_WhenRuleHasNoCode()
    {
        var faults = new FaultInjector([new FaultRule { LatencyMs = 250 }]);
        var d = faults.Decide("GetChange");
        Assert.Equal(250, d?.LatencyMs);
        Assert.Null(d?.Code);
    }

    private static (string?, int, string) Tuple(FaultDecision? d) => (d!.Code, d.Status, d.Message);
}
