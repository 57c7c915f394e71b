using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Migrator.Core.Persistence;

/// <summary>Lets dotnet-ef create migrations without starting the web host; the database path is irrelevant there.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<MigratorDbContext>
{
    public MigratorDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<MigratorDbContext>()
            .UseSqlite(MigratorDbContext.SqliteConnectionString(Path.Combine(Path.GetTempPath(), "migrator-design-time.db")))
            .Options);
}
