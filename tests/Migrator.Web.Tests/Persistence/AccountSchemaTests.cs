using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using IMigrator = Microsoft.EntityFrameworkCore.Migrations.IMigrator;
using Migrator.Core.Hosting;
using Migrator.Core.Migrations;
using Migrator.Core.Persistence;
using Migrator.Core.Zones;
using Migrator.Web.Access;
using Migrator.Web.Tests.Hosting;

namespace Migrator.Web.Tests.Persistence;

/// <summary>The accounts moved from Core's context to the web app's own one, on the same database.</summary>
public sealed class AccountSchemaTests
{
    /// <summary>Core's last migration while its context still held the AspNet* tables: the schema of every database made before the split.</summary>
    private const string LastCoreMigrationWithAccounts = "20261202095113_BlockerIsWait";

    private const string Email = "owner@corp.example";
    private const string Password = "Owner-password-of-2026";

    [Fact]
    public async Task Startup_KeepsAccountsAndMigrations_WhenDatabaseWasCreatedBeforeAccountsLeftCore()
    {
        var directory = Directory.CreateTempSubdirectory("migrator-web-tests-").FullName;
        try
        {
            var path = Path.Combine(directory, "migrator.db");
            Guid migrationId;
            await using (var db = new MigratorDbContext(new DbContextOptionsBuilder<MigratorDbContext>()
                             .UseSqlite(MigratorDbContext.SqliteConnectionString(path)).Options))
            {
                await db.GetService<IMigrator>().MigrateAsync(LastCoreMigrationWithAccounts);
                await InsertOperatorAsync(db);
                var migration = Migration.Draft(DomainName.Parse("kept.example"), Email, DateTimeOffset.UtcNow);
                db.Migrations.Add(migration);
                await db.SaveChangesAsync();
                migrationId = migration.Id;
            }
            var before = await TablesAsync(path);
            Assert.Contains("AspNetUsers", before.Keys);
            SqliteConnection.ClearAllPools();

            await using (var app = new MigratorWebFactory(nameof(MigratorMode.Real), directory))
            {
                using var client = app.CreateBrowserLikeClient();
                var signedIn = await SignIn.PostSignInAsync(client, Email, Password);
                Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
                Assert.Equal("/", signedIn.Headers.Location?.OriginalString);

                var account = Assert.Single(await app.Service<AccountDirectory>().ListAsync());
                Assert.Equal(Email, account.Email);
                Assert.Equal([MigratorRoles.Operator], account.Roles);

                await using var core = await app.Service<IDbContextFactory<MigratorDbContext>>().CreateDbContextAsync();
                Assert.Equal(core.Database.GetMigrations(), await core.Database.GetAppliedMigrationsAsync());
                Assert.Equal("kept.example.", (await core.Migrations.SingleAsync(m => m.Id == migrationId)).ZoneName);
                await using var accounts = await app.Service<IDbContextFactory<MigratorIdentityDbContext>>().CreateDbContextAsync();
                Assert.Equal(accounts.Database.GetMigrations(), await accounts.Database.GetAppliedMigrationsAsync());
            }

            var after = await TablesAsync(path);
            // Start-up adds rows (the missing roles, audit events) but must not drop a table or lose a row.
            foreach (var (table, rows) in before)
                Assert.True(after.TryGetValue(table, out var now) && now >= rows, $"{table}: {rows} rows before, {(after.TryGetValue(table, out var n) ? n : "no table")} after");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task AccountMigrations_CreateTheAccountTables_WhenDatabaseHasNone()
    {
        var directory = Directory.CreateTempSubdirectory("migrator-web-tests-").FullName;
        try
        {
            var db = new DbContextOptionsBuilder<MigratorIdentityDbContext>();
            MigratorDbContext.UseMigratorDatabase(db, new MigratorOptions { DataDirectory = directory }, MigratorIdentityDbContext.MigrationsHistoryTable);
            await using var accounts = new MigratorIdentityDbContext(db.Options);
            await accounts.Database.MigrateAsync();

            accounts.Roles.Add(new IdentityRole(MigratorRoles.Viewer) { NormalizedName = MigratorRoles.Viewer.ToUpperInvariant() });
            accounts.Users.Add(new IdentityUser(Email) { Email = Email, LockoutEnd = DateTimeOffset.UnixEpoch.AddDays(1) });
            await accounts.SaveChangesAsync();
            accounts.ChangeTracker.Clear();
            Assert.Equal(DateTimeOffset.UnixEpoch.AddDays(1), (await accounts.Users.SingleAsync()).LockoutEnd);
            Assert.Equal(accounts.Database.GetMigrations(), await accounts.Database.GetAppliedMigrationsAsync());
            Assert.DoesNotContain("__EFMigrationsHistory", (await TablesAsync(Path.Combine(directory, "migrator.db"))).Keys);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>An operator as the web app of main wrote it: rows straight into Core's AspNet* tables, with a real password hash.</summary>
    private static async Task InsertOperatorAsync(MigratorDbContext db)
    {
        var user = new IdentityUser(Email) { Email = Email, EmailConfirmed = true };
        var hash = new PasswordHasher<IdentityUser>().HashPassword(user, Password);
        var roleId = Guid.NewGuid().ToString();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "AspNetRoles" ("Id", "Name", "NormalizedName", "ConcurrencyStamp") VALUES ({roleId}, {MigratorRoles.Operator}, {MigratorRoles.Operator.ToUpperInvariant()}, {Guid.NewGuid().ToString()})
            """);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "AspNetUsers" ("Id", "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed", "PasswordHash", "SecurityStamp",
                "ConcurrencyStamp", "PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount")
            VALUES ({user.Id}, {Email}, {Email.ToUpperInvariant()}, {Email}, {Email.ToUpperInvariant()}, 1, {hash}, {Guid.NewGuid().ToString("N")},
                {Guid.NewGuid().ToString()}, 0, 0, 1, 0)
            """);
        await db.Database.ExecuteSqlAsync($"""INSERT INTO "AspNetUserRoles" ("UserId", "RoleId") VALUES ({user.Id}, {roleId})""");
    }

    /// <summary>Every table of the database file with its row count.</summary>
    private static async Task<Dictionary<string, long>> TablesAsync(string path)
    {
        await using var connection = new SqliteConnection(MigratorDbContext.SqliteConnectionString(path));
        await connection.OpenAsync();
        var names = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        }
        var tables = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{name}\"";
            tables[name] = (long)(await count.ExecuteScalarAsync())!;
        }
        return tables;
    }
}
