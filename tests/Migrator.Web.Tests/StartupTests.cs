using System.Net;
using Microsoft.EntityFrameworkCore;
using Migrator.Core.Hosting;
using Migrator.Core.Persistence;
using Migrator.Web.Access;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests;

[Collection(SandboxAppCollection.Name)]
public sealed class StartupTests(SandboxApp app)
{
    [Fact]
    public async Task Startup_AppliesEveryMigration_WhenDataDirectoryStartsEmpty()
    {
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        await using var db = await app.Service<IDbContextFactory<MigratorDbContext>>().CreateDbContextAsync();
        var all = db.Database.GetMigrations().ToList();
        Assert.NotEmpty(all);
        Assert.Equal(all, await db.Database.GetAppliedMigrationsAsync());
        await using var accounts = await app.Service<IDbContextFactory<MigratorIdentityDbContext>>().CreateDbContextAsync();
        Assert.NotEmpty(accounts.Database.GetMigrations());
        Assert.Equal(accounts.Database.GetMigrations(), await accounts.Database.GetAppliedMigrationsAsync());
        Assert.True(File.Exists(Path.Combine(app.DataDirectory, "migrator.db")));
        Assert.True(File.Exists(Path.Combine(app.DataDirectory, "hangfire.db")));
    }

    [Fact]
    public async Task Model_HasNoChangesMissingFromMigrations()
    {
        await using var db = await app.Service<IDbContextFactory<MigratorDbContext>>().CreateDbContextAsync();
        Assert.False(db.Database.HasPendingModelChanges(), "the model changed without a migration: run dotnet ef migrations add");
    }

    [Fact]
    public async Task AccountModel_HasNoChangesMissingFromMigrations()
    {
        await using var db = await app.Service<IDbContextFactory<MigratorIdentityDbContext>>().CreateDbContextAsync();
        Assert.False(db.Database.HasPendingModelChanges(), "the account model changed without a migration: run dotnet ef migrations add --context MigratorIdentityDbContext");
    }

    [Fact]
    public async Task Startup_CreatesOneDemoAccountPerRole_WhenSandbox()
    {
        var accounts = await app.Service<AccountDirectory>().ListAsync();
        foreach (var demo in SandboxAccounts.All)
            Assert.Contains(accounts, a => a.Email == demo.Email && a.Roles.SequenceEqual([demo.Role]));
    }
}

public sealed class StartupConfigurationTests
{
    [Fact]
    public async Task Startup_Fails_WhenModeIsNotSandboxOrReal()
    {
        await using var app = new MigratorWebFactory("Rael");
        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("Rael", Flatten(error));
    }

    [Fact]
    public async Task Startup_RefusesRealMode_WhenDataDirectoryHoldsDemoAccounts()
    {
        var directory = Directory.CreateTempSubdirectory("migrator-web-tests-").FullName;
        try
        {
            await using (var sandbox = new MigratorWebFactory(nameof(MigratorMode.Sandbox), directory))
                sandbox.CreateClient().Dispose();

            await using var real = new MigratorWebFactory(nameof(MigratorMode.Real), directory);
            var error = Assert.ThrowsAny<Exception>(() => real.CreateClient());
            Assert.Contains("Real mode refuses a data directory that was used in sandbox mode", Flatten(error));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Flatten(Exception e) => e is AggregateException a
        ? string.Join(" | ", a.Flatten().InnerExceptions.Select(Flatten))
        : e.Message + (e.InnerException is null ? "" : " | " + Flatten(e.InnerException));
}
