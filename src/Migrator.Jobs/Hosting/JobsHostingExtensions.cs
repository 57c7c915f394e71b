using Microsoft.Extensions.Configuration;
using Hangfire;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Migrator.Core.Hosting;
using Migrator.Core.Migrations;
using Migrator.Core.Ports;
using Migrator.Jobs.Heartbeat;
using Migrator.Jobs.Migrations;

namespace Migrator.Jobs.Hosting;

public static class JobsHostingExtensions
{
    /// <summary>How often the server looks for due scheduled jobs and new queue items (SQLite's default is 15 s).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public const string WorkerCountKey = "Migrator:Jobs:WorkerCount";

    public const string TimersSection = "Migrator:Jobs:Timers";

    /// <summary>Hangfire on its own SQLite file in the data directory, one in-process server, and the jobs.</summary>
    public static IHostApplicationBuilder AddMigratorJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHangfire((sp, config) =>
        {
            var options = sp.GetRequiredService<IOptions<MigratorOptions>>().Value;
            Directory.CreateDirectory(options.DataDirectory!);
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                .UseSQLiteStorage(options.HangfireDatabasePath, new SQLiteStorageOptions { QueuePollInterval = PollInterval });
            sp.GetRequiredService<JobStorageFile>().Stamp();
        });
        builder.Services.AddSingleton(sp => new JobStorageFile(sp.GetRequiredService<IOptions<MigratorOptions>>().Value.HangfireDatabasePath));
        // "Migrator:Jobs:WorkerCount": how many jobs run at once in this process (default: 2 per core, at most 4).
        var workers = builder.Configuration.GetValue<int?>(WorkerCountKey) ?? Math.Min(4, Environment.ProcessorCount * 2);
        if (workers is < 1 or > 100) throw new InvalidOperationException($"{WorkerCountKey} must be 1–100, not {workers}");
        builder.Services.AddHangfireServer(server =>
        {
            server.SchedulePollingInterval = PollInterval;
            server.WorkerCount = workers;
        });
        // Whether the server has announced itself yet (Hangfire runs the processes it finds in DI after announcing).
        builder.Services.AddSingleton<JobServerStartup>();
        builder.Services.AddSingleton<Hangfire.Server.IBackgroundProcess, JobServerAnnouncedProcess>();
        builder.Services.AddTransient<AuditHeartbeatJob>();
        builder.Services.AddSingleton<HeartbeatScheduler>();
        // Migration steps: one thin job per timed step; the workflow schedules them through this port.
        builder.Services.Replace(ServiceDescriptor.Singleton<IMigrationJobScheduler>(sp => new HangfireMigrationJobScheduler(
            sp.GetRequiredService<IBackgroundJobClient>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<MigrationTimerStore>(), sp.GetRequiredService<MigrationTimerSignal>())));
        // Timed steps: the timers table, run by one dispatcher per process ("Migrator:Jobs:Timers": Concurrency, PollInterval, Lease).
        builder.Services.TryAddSingleton(builder.Configuration.GetSection(TimersSection).Get<MigrationTimerOptions>() ?? new MigrationTimerOptions());
        builder.Services.TryAddSingleton<MigrationTimerStore>();
        builder.Services.TryAddSingleton<MigrationTimerSignal>();
        builder.Services.TryAddSingleton<IMigrationTimerHandler, WorkflowTimerHandler>();
        builder.Services.AddHostedService<MigrationTimerDispatcher>();
        builder.Services.AddTransient<MigrationStepJob>();
        builder.Services.AddTransient<WaitElapsedJob>();
        builder.Services.AddTransient<VerifyCutoverJob>();
        builder.Services.AddTransient<SoakSampleJob>();
        builder.Services.AddTransient<RollbackCheckJob>();
        builder.Services.AddTransient<ResumeClaimedStepJob>();
        builder.Services.AddHostedService<ClaimedStepResumer>();
        return builder;
    }
}
