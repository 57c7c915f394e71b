using Microsoft.Extensions.Time.Testing;
using Migrator.Core.Ports;
using Migrator.Core.Route53;
using Migrator.Core.Zones;
using static Migrator.Core.Tests.Route53.FakeRoute53Handler;

namespace Migrator.Core.Tests.Route53;

public class Route53ChangeSchedulerTests
{
    internal static readonly Route53SchedulerOptions Fast = new()
    {
        RequestsPerSecond = 100_000, Burst = 100, PollInterval = TimeSpan.FromMilliseconds(1),
        BaseBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(4), MaxAttempts = 40,
    };

    internal static (FakeRoute53Handler Fake, Route53ChangeScheduler Scheduler) Create(Route53SchedulerOptions? options = null)
    {
        var fake = new FakeRoute53Handler();
        var client = new Route53Client(new HttpClient(fake), new Uri("http://127.0.3.1:1"), new StaticCredentialSource(new("AKIDTEST", "secret")), TimeProvider.System);
        return (fake, new Route53ChangeScheduler(client, TimeProvider.System, options ?? Fast, random: new Random(7)));
    }

    private static ChangeBatch Creates(params string[] names) => new(names.Select(n =>
        new Route53Change(ChangeAction.Create, new Route53RecordSet(DomainName.Parse(n), RecordType.A, 60, ["192.0.2.1"]))).ToList());

    [Fact]
    public async Task AcquireTokenAsync_SpacesCalls_AtConfiguredRate()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var (_, s) = (0, new Route53ChangeScheduler(Create().Scheduler.Client, time, new Route53SchedulerOptions { RequestsPerSecond = 5, Burst = 1 }));
        await s.AcquireTokenAsync(CancellationToken.None); // the one token of the bucket
        var second = s.AcquireTokenAsync(CancellationToken.None);
        var third = s.AcquireTokenAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await second;
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(200));
        await third;
        Assert.Equal(3, s.Stats.Calls);
    }

    [Fact]
    public async Task AcquireTokenAsync_AllowsOneSecondBurstThenRate_ByDefault()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var s = new Route53ChangeScheduler(Create().Scheduler.Client, time, new Route53SchedulerOptions { RequestsPerSecond = 5 });
        time.Advance(TimeSpan.FromSeconds(10)); // idle time does not grow the bucket beyond one second's worth
        for (var i = 0; i < 5; i++) await s.AcquireTokenAsync(CancellationToken.None);
        var sixth = s.AcquireTokenAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.False(sixth.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await sixth;
    }

    [Fact]
    public async Task SubmitAsync_RetriesThrottlingAndPriorRequest_UntilAccepted()
    {
        var (fake, s) = Create();
        fake.Fault = (op, n) => op != "ChangeResourceRecordSets" ? FaultKind.None
            : n switch { 0 or 1 => FaultKind.Throttle, 2 => FaultKind.PriorRequest, 3 => FaultKind.ServerErrorBeforeApply, _ => FaultKind.None };
        var info = await s.SubmitAsync(ZoneId, Creates("a.example.com."), CancellationToken.None);
        Assert.Equal(ChangeStatus.Pending, info.Status);
        Assert.Equal(5, fake.Calls.Count(c => c == "ChangeResourceRecordSets"));
        Assert.Equal((4L, 2L), (s.Stats.Retried, s.Stats.Throttled));
        Assert.Single(fake.Sets, x => x.Name == DomainName.Parse("a.example.com."));
    }

    [Fact]
    public async Task SubmitAsync_NeverRetries_WhenBatchIsInvalid()
    {
        var (fake, s) = Create();
        await s.SubmitAsync(ZoneId, Creates("a.example.com."), CancellationToken.None);
        var e = await Assert.ThrowsAsync<Route53Exception>(() => s.SubmitAsync(ZoneId, Creates("a.example.com."), CancellationToken.None));
        Assert.Equal("InvalidChangeBatch", e.Code);
        Assert.Equal(["Tried to create resource record set [name='a.example.com.', type='A'] but it already exists"], e.Messages);
        Assert.Equal(2, fake.Calls.Count(c => c == "ChangeResourceRecordSets"));
    }

    [Fact]
    public async Task SubmitAsync_ThrowsLastError_WhenThrottledBeyondMaxAttempts()
    {
        var (fake, s) = Create(Fast with { MaxAttempts = 6 });
        fake.Fault = (_, _) => FaultKind.Throttle;
        var e = await Assert.ThrowsAsync<Route53Exception>(() => s.SubmitAsync(ZoneId, Creates("a.example.com."), CancellationToken.None));
        Assert.Equal("Throttling", e.Code);
        Assert.Equal(6, fake.Calls.Count);
    }

    [Fact]
    public async Task SubmitAsync_ReportsAmbiguousChange_WhenLostResponseHadApplied()
    {
        var (fake, s) = Create();
        fake.Fault = (op, n) => op == "ChangeResourceRecordSets" && n == 0 ? FaultKind.LoseResponseAfterApply : FaultKind.None;
        var e = await Assert.ThrowsAsync<Route53AmbiguousChangeException>(() => s.SubmitAsync(ZoneId, Creates("a.example.com."), CancellationToken.None));
        Assert.IsType<HttpRequestException>(e.FirstFailure);
        Assert.Equal(1, fake.ChangesApplied);
    }

    [Fact]
    public async Task ApplyAsync_PollsUntilInSyncAndReportsProgress_ForEachBatch()
    {
        var (fake, s) = Create();
        fake.PollsUntilInSync = 3;
        var reports = new List<ZoneSyncProgress>();
        var events = 0;
        s.ProgressChanged += (zone, _) => { Assert.Equal(ZoneId, zone); events++; };
        var infos = await s.ApplyAsync(ZoneId, [Creates("a.example.com."), Creates("b.example.com.")], new SyncProgress(reports.Add), CancellationToken.None);
        Assert.All(infos, i => Assert.Equal(ChangeStatus.InSync, i.Status));
        Assert.Equal(6, fake.Calls.Count(c => c == "GetChange"));
        Assert.Equal([(0, 2), (1, 2), (2, 2)], reports.Select(r => (r.BatchesDone, r.BatchesTotal)));
        Assert.Equal(3, events);
        // one change in flight per zone: each GetChange INSYNC precedes the next submission
        Assert.Equal(["ChangeResourceRecordSets", "GetChange", "GetChange", "GetChange", "ChangeResourceRecordSets", "GetChange", "GetChange", "GetChange"], fake.Calls);
    }

    [Fact]
    public async Task ApplyAsync_SerialisesBatches_WhenTwoMigrationsShareOneZone()
    {
        var (fake, s) = Create();
        await Task.WhenAll(
            s.ApplyAsync(ZoneId, [Creates("a.example.com."), Creates("b.example.com.")], null, CancellationToken.None),
            s.ApplyAsync(ZoneId, [Creates("c.example.com."), Creates("d.example.com.")], null, CancellationToken.None));
        var seq = fake.Calls;
        for (var i = 0; i < seq.Count - 1; i++)
            if (seq[i] == "ChangeResourceRecordSets") Assert.Equal("GetChange", seq[i + 1]);
    }

    /// <summary>Synchronous IProgress (Progress&lt;T&gt; posts to the thread pool and would race the assertions).</summary>
    internal sealed class SyncProgress(Action<ZoneSyncProgress> report) : IProgress<ZoneSyncProgress>
    {
        public void Report(ZoneSyncProgress value) => report(value);
    }
}
