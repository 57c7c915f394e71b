using System.Reflection;
using Hangfire;
using Hangfire.Common;
using Hangfire.InMemory;
using Hangfire.States;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Migrator.Core.Auditing;
using Migrator.Jobs.Heartbeat;

namespace Migrator.Jobs.Tests.Heartbeat;

public sealed class AuditHeartbeatJobTests : IAsyncLifetime
{
    private readonly HeartbeatDatabase database = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    private async Task<long> RequestAsync(string action = AuditActions.HeartbeatScheduled) =>
        (await new AuditLog(database, time).RecordAsync("admin@example.test", action)).Id;

    private async Task<List<AuditEvent>> RanEventsAsync()
    {
        await using var db = database.CreateDbContext();
        return await db.AuditEvents.Where(e => e.Action == AuditActions.ScheduledJobRan).ToListAsync();
    }

    [Fact]
    public async Task RunAsync_RecordsJobRanForItsRequest()
    {
        var requestId = await RequestAsync();
        time.Advance(TimeSpan.FromSeconds(12));

        await new AuditHeartbeatJob(database, time).RunAsync(requestId, CancellationToken.None);

        var ran = Assert.Single(await RanEventsAsync());
        Assert.Equal(AuditHeartbeatJob.TargetFor(requestId), ran.Target);
        Assert.Equal(AuditActions.SystemActor, ran.Actor);
        Assert.Equal(time.GetUtcNow(), ran.At);
        Assert.Contains("requested by admin@example.test", ran.Details);
        Assert.Contains("ran 12.0 s later", ran.Details);
    }

    [Fact]
    public async Task RunAsync_WritesOnce_WhenReplayedAfterSuccess()
    {
        var requestId = await RequestAsync();
        var job = new AuditHeartbeatJob(database, time);
        await job.RunAsync(requestId, CancellationToken.None);
        await job.RunAsync(requestId, CancellationToken.None);
        Assert.Single(await RanEventsAsync());
    }

    [Fact]
    public async Task RunAsync_Throws_WhenRequestIsNotAHeartbeat()
    {
        var otherId = await RequestAsync(AuditActions.MigrationDrafted);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new AuditHeartbeatJob(database, time).RunAsync(otherId, CancellationToken.None));
        Assert.Contains($"Audit event {otherId} is 'migration drafted'", error.Message);
        Assert.Empty(await RanEventsAsync());
    }

    [Fact]
    public void AuditHeartbeatJob_DeclaresItsRetryPolicy()
    {
        var retry = typeof(AuditHeartbeatJob).GetCustomAttribute<AutomaticRetryAttribute>();
        Assert.NotNull(retry);
        Assert.Equal(3, retry.Attempts);
        Assert.Equal(AttemptsExceededAction.Fail, retry.OnAttemptsExceeded);
    }

    [Fact]
    public async Task ScheduleAsync_AuditsRequestAndSchedulesJobWithItsIdOnly()
    {
        var storage = new InMemoryStorage();
        var client = new BackgroundJobClient(storage);
        var scheduled = await new HeartbeatScheduler(new AuditLog(database, time), client, time)
            .ScheduleAsync("admin@example.test", TimeSpan.FromSeconds(30));

        Assert.Equal(time.GetUtcNow().AddSeconds(30), scheduled.DueAt);
        using var connection = storage.GetConnection();
        var data = connection.GetJobData(scheduled.JobId);
        Assert.Equal(ScheduledState.StateName, data.State);
        Assert.Equal(typeof(AuditHeartbeatJob), data.Job.Type);
        Assert.Equal(nameof(AuditHeartbeatJob.RunAsync), data.Job.Method.Name);
        Assert.Equal(scheduled.RequestEventId, data.Job.Args[0]);

        await using var db = database.CreateDbContext();
        var request = await db.AuditEvents.SingleAsync(e => e.Id == scheduled.RequestEventId);
        Assert.Equal(AuditActions.HeartbeatScheduled, request.Action);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(24 * 3600 + 1)]
    public async Task ScheduleAsync_Throws_WhenDelayOutOfRange(int seconds)
    {
        var scheduler = new HeartbeatScheduler(new AuditLog(database, time), new BackgroundJobClient(new InMemoryStorage()), time);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => scheduler.ScheduleAsync("admin@example.test", TimeSpan.FromSeconds(seconds)));
    }
}
