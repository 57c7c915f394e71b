using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Migrator.Core.Migrations.Adapters;
using Migrator.Core.Ports;
using Migrator.Core.Probing;

namespace Migrator.Core.Migrations;

public static class MigrationHosting
{
    /// <summary>"Migrator:Steps": PollInterval and SampleInterval of the steps (TimeSpan, e.g. "00:00:05").</summary>
    public const string StepsSection = "Migrator:Steps";

    /// <summary>
    /// The workflow and what it needs: the step runner, the adapter factory, the TSIG key store ("Migrator:TsigKeys"),
    /// the Route 53 accounts ("Migrator:AwsAccounts"; sandbox replaces the source) and an inline job scheduler that
    /// Migrator.Jobs replaces with Hangfire.
    /// </summary>
    public static IServiceCollection AddMigrationWorkflow(this IServiceCollection services)
    {
        services.TryAddSingleton<ITsigKeyStore>(sp => new ConfiguredTsigKeyStore(
            sp.GetRequiredService<IConfiguration>().GetSection(ConfiguredTsigKeyStore.SectionName).Get<List<TsigKeyOptions>>() ?? []));
        services.TryAddSingleton<IRoute53AccountSource, ConfiguredRoute53AccountSource>();
        services.TryAddSingleton<IMigrationJobScheduler, InlineMigrationJobScheduler>();
        services.TryAddSingleton<IDnsProbe>(_ => new DnsClientProbe());
        services.TryAddSingleton<MigrationAdapterFactory>();
        services.TryAddSingleton<IMigrationStepRunner, MigrationStepRunner>();
        services.TryAddSingleton(new MigrationWorkflowOptions());
        services.TryAddSingleton(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var options = configuration.GetSection(StepsSection).Get<MigrationStepOptions>() ?? new MigrationStepOptions();
            return CutoverHalt.Parse(configuration[CutoverHalt.ConfigurationKey], configuration[CutoverHalt.MarkerDirectoryKey]) is { } halt
                ? options with { CutoverCheckpoint = halt.AtCheckpointAsync }
                : options;
        });
        services.TryAddSingleton<MigrationWorkflow>();
        return services;
    }
}
