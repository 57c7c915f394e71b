using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Migrator.Core.Migrations;
using Migrator.Core.Migrations.Adapters;
using Migrator.Core.Persistence;
using Migrator.Core.Ports;

namespace Migrator.Core.Tests.Migrations;

/// <summary>A step runner whose outcome per step the test decides; by default every step is done at once.</summary>
public sealed class ScriptedRunner : IMigrationStepRunner
{
    public Func<StepContext, CancellationToken, Task<StepOutcome>> Run { get; set; } =
        (c, _) => Task.FromResult<StepOutcome>(new StepOutcome.Done($"{c.Step} done", new { step = c.Step.ToString() }));

    public string PlanHash { get; set; } = new('a', 64);

    /// <summary>The cutover plan an approval request stores (a test that reads the plan sets a real one).</summary>
    public string CutoverPlanJson { get; set; } = "{}";

    public int Calls;

    public Task<StepOutcome> RunAsync(StepContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        return Run(context, cancellationToken);
    }

    public Task<string> VerifyRollbackAsync(StepContext context, CancellationToken cancellationToken) => Task.FromResult("verified");

    /// <summary>What the next drift checks find: null = alike; else the differences (stored as the sample's detail).</summary>
    public string? Drift { get; set; }

    public async Task<MigrationSample> SampleDriftAsync(StepContext context, CancellationToken cancellationToken)
    {
        var sample = new MigrationSample(context.Migration.Id, MigrationSampleKinds.Drift, context.Now, Drift is null,
            Drift is null ? "19 sets alike" : $"1 of 19 differ: {Drift}", Drift is null ? "[]" : $"[\"{Drift}\"]");
        await context.AddSampleAsync(sample, cancellationToken);
        return sample;
    }

    /// <summary>The way back from DNSSEC signing; by default the runner cannot.</summary>
    public Func<StepContext, CancellationToken, Task<StepOutcome>> TurnOff { get; set; } =
        (_, _) => Task.FromResult<StepOutcome>(new StepOutcome.Blocked("this runner cannot turn DNSSEC off"));

    public Task<StepOutcome> TurnOffDnssecAsync(StepContext context, CancellationToken cancellationToken) => TurnOff(context, cancellationToken);

    public Task<StepOutcome> PrepareCutoverPlanAsync(StepContext context, CancellationToken cancellationToken) =>
        Task.FromResult<StepOutcome>(new StepOutcome.Done("plan ready", new { hash = PlanHash },
            new MigrationPatch().Set(m => m.PlanHash, PlanHash).Set(m => m.CutoverPlanJson, CutoverPlanJson)));
}

/// <summary>A records-only job scheduler: what the workflow asked to run, and when.</summary>
public sealed class RecordingJobs(bool background) : IMigrationJobScheduler
{
    public List<(Guid Id, MigrationStep Step, DateTimeOffset At)> Scheduled { get; } = [];
    public bool RunsInBackground => background;

    /// <summary>As the Hangfire scheduler with the timers table: the workflow writes timed steps itself, in its transactions.</summary>
    public bool TimersInDatabase { get; init; }

    public int TimersWrittenCalls;

    public void TimersWritten() => Interlocked.Increment(ref TimersWrittenCalls);

    public string Schedule(Guid migrationId, MigrationStep step, DateTimeOffset runAt)
    {
        lock (Scheduled) Scheduled.Add((migrationId, step, runAt));
        return $"job-{Scheduled.Count}";
    }
}

/// <summary>A migrated SQLite file, a fake clock, a scripted runner and the workflow over them.</summary>
public sealed class WorkflowHarness : IDbContextFactory<MigratorDbContext>, IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("migrator-workflow-tests-").FullName;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    public ScriptedRunner Runner { get; } = new();
    public RecordingJobs Jobs { get; set; } = new(background: false);

    public static readonly MigrationActor Alice = new("alice", MigrationRole.Operator);
    public static readonly MigrationActor Bob = new("bob", MigrationRole.Approver);
    public static readonly MigrationActor Carol = new("carol", MigrationRole.Operator, MigrationRole.Approver);
    public static readonly MigrationActor Victor = new("victor", MigrationRole.Viewer);

    public static MigrationPlanAnswers Answers => new()
    {
        OldServers = ["127.0.0.12"],
        Source = new ZoneSourceChoice(ZoneSourceKind.Axfr, "127.0.0.12"),
        Delegation = new DelegationChangerChoice(DelegationChangerKind.Manual, ParentServers: ["127.0.0.11"], RegistrarContact: "dana"),
        Updaters = [new AutomatedUpdater("certbot", "web team")],
    };

    /// <summary>EF Core interceptors every context of the harness gets (e.g. a crash right after a commit).</summary>
    public List<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor> Interceptors { get; } = [];

    private DbContextOptions<MigratorDbContext> Options => new DbContextOptionsBuilder<MigratorDbContext>()
        .UseSqlite(MigratorDbContext.SqliteConnectionString(Path.Combine(_directory, "migrator.db")))
        .AddInterceptors(Interceptors)
        .Options;

    public MigratorDbContext CreateDbContext() => new(Options);

    public MigrationWorkflow Workflow() =>
        new(this, Time, Runner, new ConfiguredTsigKeyStore(Array.Empty<TsigKeyOptions>()), Jobs);

    public async Task InitializeAsync()
    {
        await using var db = CreateDbContext();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Drives a new migration with the scripted runner until it is in <paramref name="state"/> (on the forward path).</summary>
    /// <param name="answers">The plan's answers; default <see cref="Answers"/>.</param>
    public async Task<Guid> MigrationInAsync(MigrationState state, string zone = "example.lab.", MigrationPlanAnswers? answers = null)
    {
        var wf = Workflow();
        var created = await wf.CreateAsync(zone, Alice);
        Assert.True(created.IsSuccess, created.Message);
        var id = created.Status!.Id;
        while (created.Status!.State != state)
        {
            var s = created.Status!.State;
            created = s switch
            {
                MigrationState.Drafted => await wf.PlanAsync(id, answers ?? Answers, Alice),
                MigrationState.Waited when created.Status.ApprovalRequestedBy is null => await wf.RequestApprovalAsync(id, Alice),
                MigrationState.Waited => await wf.ApproveAsync(id, created.Status.PlanHash!, Bob),
                MigrationState.Soaked when state != MigrationState.Soaked => await TickAllThenAdvance(wf, id),
                _ => await wf.AdvanceAsync(id, Alice),
            };
            Assert.True(created.IsSuccess, $"{s}: {created.Message}");
        }
        return id;
    }

    private static async Task<WorkflowResult> TickAllThenAdvance(MigrationWorkflow wf, Guid id)
    {
        await wf.TickUpdaterAsync(id, "certbot", Alice);
        return await wf.AdvanceAsync(id, Alice);
    }
}
