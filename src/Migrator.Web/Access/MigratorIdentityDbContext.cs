using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Persistence;

namespace Migrator.Web.Access;

/// <summary>
/// The accounts and roles (ASP.NET Identity) in the Migrator database, beside Core's <see cref="MigratorDbContext"/>.
/// Invariant: its schema history is <see cref="MigrationsHistoryTable"/>, never Core's, and it is migrated after Core
/// (databases created before the split got these tables from Core's first migration; see Schema/IdentityTables).
/// </summary>
public sealed class MigratorIdentityDbContext(DbContextOptions<MigratorIdentityDbContext> options)
    : IdentityDbContext<IdentityUser, IdentityRole, string>(options)
{
    public const string MigrationsHistoryTable = "__EFMigrationsHistory_Identity";

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        MigratorDbContext.ApplyStoreConventions(configurationBuilder);
}
