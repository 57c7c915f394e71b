using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Migrator.Core.Migrations;
using Migrator.Core.Persistence;
using Migrator.Jobs.Migrations;

namespace Migrator.Jobs.Tests.Migrations;

/// <summary>The dispatcher runs due timers from the database, retries by the step's job policy, and leaves a rescheduled timer in place.</summary>
public sealed class MigrationTimerDispatcherTests : IDbContextFactory<MigratorDbContext>, IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("migrator-timer-tests-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    public MigratorDbContext CreateDbContext() => new(new DbContextOptionsBuilder<MigratorDbContext>()
        .UseSqlite(MigratorDbContext.SqliteConnectionString(Path.Combine(_directory, "migrator.db"))).Options);

    public async Task InitializeAsync()
    {
        await using var db = CreateDbContext();
        await db.Database.MigrateAsync();
        await MigratorDbContext.UseWriteAheadLogAsync(db, default);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private sealed class RecordingHandler : IMigrationTimerHandler
    {
        public ConcurrentQueue<ClaimedMigrationTimer> Runs { get; } = new();
        public Func<ClaimedMigrationTimer, Task> Run { get; set; } = _ => Task.CompletedTask;
        public event Action? Ran;

        public async Task RunAsync(ClaimedMigrationTimer timer, CancellationToken cancellationToken)
        {
            Runs.Enqueue(timer);
            try { await Run(timer); }
            finally { Ran?.Invoke(); }
        }
    }

    private async Task<Guid> MigrationAsync(string zone = "example.lab")
    {
        var outcome = await new MigrationCatalog(this, _time).DraftAsync(zone, "alice", default);
        return outcome.Migration!.Id;
    }

    private MigrationTimerDispatcher Dispatcher(MigrationTimerStore store, IMigrationTimerHandler handler, MigrationTimerSignal signal) =>
        new(store, handler, signal, _time, new MigrationTimerOptions { PollInterval = TimeSpan.FromMilliseconds(50) }, NullLogger<MigrationTimerDispatcher>.Instance);

    /// <summary>Waits (generously) until the condition holds, re-checking when the handler ran or every 50 ms.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Generous;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {Generous.TotalSeconds:F0} s: {what}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Dispatcher_RunsADueTimerOnce_AndDeletesIt()
    {
        var id = await MigrationAsync();
        var store = new MigrationTimerStore(this, _time);
        var handler = new RecordingHandler();
        var signal = new MigrationTimerSignal();
        store.Schedule(id, MigrationStep.Soak, _time.GetUtcNow());
        store.Schedule(id, MigrationStep.Verify, _time.GetUtcNow().AddMinutes(25));
        using var dispatcher = Dispatcher(store, handler, signal);
        await dispatcher.StartAsync(default);

        await UntilAsync(async () => (await store.ListAsync(id)).All(t => t.Step != nameof(MigrationStep.Soak)), "the soak timer ran and was deleted");
        await dispatcher.StopAsync(default);

        var run = Assert.Single(handler.Runs);
        Assert.Equal((id, MigrationStep.Soak), (run.MigrationId, run.Step));
        Assert.Equal(nameof(MigrationStep.Verify), Assert.Single(await store.ListAsync(id)).Step); // not due: not run
    }

    [Fact]
    public async Task Dispatcher_RetriesAfterTheStepJobsDelay_WhenARunThrows()
    {
        var id = await MigrationAsync();
        var store = new MigrationTimerStore(this, _time);
        var handler = new RecordingHandler();
        var failures = 1;
        handler.Run = _ => Interlocked.Decrement(ref failures) >= 0 ? throw new InvalidOperationException("probe outage") : Task.CompletedTask;
        store.Schedule(id, MigrationStep.Soak, _time.GetUtcNow());
        using var dispatcher = Dispatcher(store, handler, new MigrationTimerSignal());
        await dispatcher.StartAsync(default);

        await UntilAsync(async () => (await store.ListAsync(id)).SingleOrDefault() is { Attempts: 1 }, "the failed run was recorded");
        var failed = Assert.Single(await store.ListAsync(id));
        Assert.Contains("probe outage", failed.LastError);
        Assert.Equal(_time.GetUtcNow() + MigrationTimerDispatcher.RetryAfter(MigrationStep.Soak, 0), failed.DueAt);

        _time.Advance(MigrationTimerDispatcher.RetryAfter(MigrationStep.Soak, 0)!.Value);
        await UntilAsync(async () => (await store.ListAsync(id)).Count == 0, "the retry ran and the timer was deleted");
        await dispatcher.StopAsync(default);
        Assert.Equal(2, handler.Runs.Count);
    }

    [Fact]
    public async Task Dispatcher_LeavesTheNextTimer_WhenTheRunScheduledIt()
    {
        var id = await MigrationAsync();
        var store = new MigrationTimerStore(this, _time);
        var signal = new MigrationTimerSignal();
        var handler = new RecordingHandler();
        handler.Run = t => { store.Schedule(t.MigrationId, t.Step, t.DueAt.AddSeconds(10)); return Task.CompletedTask; };
        store.Schedule(id, MigrationStep.Soak, _time.GetUtcNow());
        using var dispatcher = Dispatcher(store, handler, signal);
        await dispatcher.StartAsync(default);

        await UntilAsync(async () => (await store.ListAsync(id)).SingleOrDefault() is { LeasedBy: null } t && t.DueAt > _time.GetUtcNow(), "the next sample is due");
        _time.Advance(TimeSpan.FromSeconds(10));
        signal.Wake();
        await UntilAsync(() => Task.FromResult(handler.Runs.Count >= 2), "the next sample ran");
        await dispatcher.StopAsync(default);
        Assert.Equal(_time.GetUtcNow().AddSeconds(10), Assert.Single(await store.ListAsync(id)).DueAt);
    }

    [Theory]
    [InlineData(MigrationStep.Soak, 0, 15)]
    [InlineData(MigrationStep.Soak, 7, 300)]
    [InlineData(MigrationStep.CutOver, 0, 10)]
    public void RetryAfter_FollowsTheStepJobsRetryPolicy(MigrationStep step, int attempts, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), MigrationTimerDispatcher.RetryAfter(step, attempts));

    [Fact]
    public void RetryAfter_GivesUp_WhenTheJobsAttemptsAreUsed() =>
        Assert.Null(MigrationTimerDispatcher.RetryAfter(MigrationStep.Soak, 9));
}
