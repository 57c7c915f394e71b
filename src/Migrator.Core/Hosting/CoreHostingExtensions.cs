using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Migrator.Core.Auditing;
using Migrator.Core.Migrations;
using Migrator.Core.Persistence;

namespace Migrator.Core.Hosting;

public static class CoreHostingExtensions
{
    /// <summary>Options, the EF Core database (migrated at start), the audit log and the migration catalog.</summary>
    public static IHostApplicationBuilder AddMigratorCore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MigratorOptions>()
            .BindConfiguration(MigratorOptions.SectionName)
            .PostConfigure<IHostEnvironment>((options, env) => options.ResolveDataDirectory(env.ContentRootPath))
            .Validate(o => Enum.IsDefined(o.Mode), $"{MigratorOptions.SectionName}:Mode must be Sandbox or Real.")
            .Validate(o => o.DataDirectory is { Length: > 0 } d && Path.IsPathFullyQualified(d),
                $"{MigratorOptions.SectionName}:DataDirectory must resolve to an absolute path.")
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddDbContextFactory<MigratorDbContext>((sp, db) =>
            MigratorDbContext.UseMigratorDatabase(db, sp.GetRequiredService<IOptions<MigratorOptions>>().Value));
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<MigrationCatalog>();
        builder.Services.AddMigrationWorkflow();
        // Registered first so the schema exists before any other hosted service (web server, Hangfire) starts.
        builder.Services.AddHostedService<DatabasePreparation>();
        return builder;
    }
}
