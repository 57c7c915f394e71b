using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Migrator.Core.Persistence;
using Migrator.Core.Migrations;
using Migrator.Jobs.Migrations;

namespace Migrator.Jobs.Tests.Migrations;

public sealed class HangfireMigrationJobSchedulerTests
{
    private sealed class RecordingClient : IBackgroundJobClient
    {
        public List<(Job Job, IState State)> Created { get; } = [];

        public string Create(Job job, IState state)
        {
            Created.Add((job, state));
            return Created.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool ChangeState(string jobId, IState state, string expectedState) => true;
    }

    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(MigrationStep.Wait, typeof(WaitElapsedJob))]
    [InlineData(MigrationStep.Verify, typeof(VerifyCutoverJob))]
    [InlineData(MigrationStep.Soak, typeof(SoakSampleJob))]
    [InlineData(MigrationStep.RollBack, typeof(RollbackCheckJob))]
    [InlineData(MigrationStep.CutOver, typeof(MigrationStepJob))]
    public void Schedule_SchedulesTheStepsOwnJobAtItsDueTime_WithIdsOnly_WhenNoTimerStoreIsGiven(MigrationStep step, Type jobType)
    {
        var client = new RecordingClient();
        var id = Guid.NewGuid();
        new HangfireMigrationJobScheduler(client, Time).Schedule(id, step, Time.GetUtcNow().AddMinutes(25));

        var (job, state) = Assert.Single(client.Created);
        Assert.Equal(jobType, job.Type);
        var scheduled = Assert.IsType<ScheduledState>(state);
        // Hangfire turns the delay (due time − the injected clock's now) into EnqueueAt on its own clock.
        Assert.InRange(scheduled.EnqueueAt - scheduled.ScheduledAt, TimeSpan.FromMinutes(25) - TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(25) + TimeSpan.FromSeconds(5));
        Assert.Contains(id, job.Args);
        Assert.All(job.Args, a => Assert.True(a is null or Guid or MigrationStep or CancellationToken, $"job argument {a?.GetType()} is not an id"));
    }

    [Fact]
    public async Task Schedule_WritesTheMigrationsTimer_NotAHangfireJob_WhenTheStepIsTimed()
    {
        var dir = Directory.CreateTempSubdirectory("migrator-scheduler-tests-").FullName;
        try
        {
            var contexts = new Contexts(Path.Combine(dir, "migrator.db"));
            await using (var db = contexts.CreateDbContext()) await db.Database.MigrateAsync();
            var id = (await new MigrationCatalog(contexts, Time).DraftAsync("example.lab", "alice", default)).Migration!.Id;
            var client = new RecordingClient();
            var store = new MigrationTimerStore(contexts, Time);

            new HangfireMigrationJobScheduler(client, Time, store, new MigrationTimerSignal()).Schedule(id, MigrationStep.Soak, Time.GetUtcNow().AddSeconds(10));

            Assert.Empty(client.Created);
            var timer = Assert.Single(await store.ListAsync(id));
            Assert.Equal((nameof(MigrationStep.Soak), Time.GetUtcNow().AddSeconds(10)), (timer.Step, timer.DueAt));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class Contexts(string path) : IDbContextFactory<MigratorDbContext>
    {
        public MigratorDbContext CreateDbContext() => new(new DbContextOptionsBuilder<MigratorDbContext>().UseSqlite(MigratorDbContext.SqliteConnectionString(path)).Options);
    }

    [Fact]
    public void Schedule_EnqueuesAtOnce_WhenAPersonStartedABackgroundStep()
    {
        var client = new RecordingClient();
        new HangfireMigrationJobScheduler(client, Time).Schedule(Guid.NewGuid(), MigrationStep.Rehearse, Time.GetUtcNow());
        var (job, state) = Assert.Single(client.Created);
        Assert.Equal(typeof(MigrationStepJob), job.Type);
        Assert.IsType<EnqueuedState>(state);
    }

    [Fact]
    public async Task TimersWritten_WakesTheDispatcher_AndTheWorkflowIsToldTimersAreRows_WhenATimerStoreIsGiven()
    {
        var signal = new MigrationTimerSignal();
        var withTimers = new HangfireMigrationJobScheduler(new RecordingClient(), Time, new MigrationTimerStore(new Contexts("unused.db"), Time), signal);
        Assert.True(withTimers.TimersInDatabase);
        Assert.False(((Core.Ports.IMigrationJobScheduler)new HangfireMigrationJobScheduler(new RecordingClient(), Time)).TimersInDatabase);
        Assert.False(await signal.WaitAsync(TimeSpan.Zero, default));
        withTimers.TimersWritten();
        Assert.True(await signal.WaitAsync(TimeSpan.Zero, default));
    }

    [Fact]
    public void EveryMigrationJob_DeclaresItsRetryPolicy()
    {
        foreach (var type in new[] { typeof(MigrationStepJob), typeof(WaitElapsedJob), typeof(VerifyCutoverJob), typeof(SoakSampleJob), typeof(RollbackCheckJob) })
            Assert.NotNull(type.GetCustomAttributes(typeof(AutomaticRetryAttribute), inherit: false).SingleOrDefault());
    }
}
