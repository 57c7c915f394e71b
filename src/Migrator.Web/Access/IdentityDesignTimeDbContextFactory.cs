using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Migrator.Core.Hosting;
using Migrator.Core.Persistence;

namespace Migrator.Web.Access;

/// <summary>Lets dotnet-ef create the account schema's migrations without starting the web host; the database path is irrelevant there.</summary>
internal sealed class IdentityDesignTimeDbContextFactory : IDesignTimeDbContextFactory<MigratorIdentityDbContext>
{
    public MigratorIdentityDbContext CreateDbContext(string[] args)
    {
        var db = new DbContextOptionsBuilder<MigratorIdentityDbContext>();
        var options = new MigratorOptions { DataDirectory = Path.Combine(Path.GetTempPath(), "migrator-design-time") };
        MigratorDbContext.UseMigratorDatabase(db, options, MigratorIdentityDbContext.MigrationsHistoryTable);
        return new MigratorIdentityDbContext(db.Options);
    }
}
