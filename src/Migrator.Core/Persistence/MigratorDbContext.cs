using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Migrator.Core.Auditing;
using Migrator.Core.Migrations;

namespace Migrator.Core.Persistence;

/// <summary>
/// Identity accounts, migrations and the audit log in one database.
/// Invariant: an <see cref="AuditEvent"/> once saved is never updated or deleted through this context
/// (and the schema's triggers refuse it for raw SQL too).
/// </summary>
public sealed class MigratorDbContext(DbContextOptions<MigratorDbContext> options) : IdentityDbContext(options)
{
    public DbSet<Migration> Migrations => Set<Migration>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public static string SqliteConnectionString(string databasePath) =>
        new SqliteConnectionStringBuilder { DataSource = databasePath, ForeignKeys = true }.ToString();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<Migration>(m =>
        {
            m.HasKey(x => x.Id);
            m.Property(x => x.ZoneName).HasMaxLength(255).IsRequired();
            m.Property(x => x.State).HasConversion<string>().HasMaxLength(32);
            m.Property(x => x.CreatedBy).HasMaxLength(256).IsRequired();
            m.HasIndex(x => x.ZoneName);
        });

        builder.Entity<AuditEvent>(a =>
        {
            a.HasKey(x => x.Id);
            a.Property(x => x.Id).ValueGeneratedOnAdd();
            a.Property(x => x.Actor).HasMaxLength(256).IsRequired();
            a.Property(x => x.Action).HasMaxLength(64).IsRequired();
            a.Property(x => x.Target).HasMaxLength(512);
            a.Property(x => x.Details).HasMaxLength(4000);
            a.HasIndex(x => x.At);
            a.Property(x => x.Hash).HasMaxLength(64);
            a.HasIndex(x => x.Sequence).IsUnique();
        });
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset columns stored as text; UTC ticks sort correctly.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        SaveChangesAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult();

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseAuditRewrites();
        var added = ChangeTracker.Entries<AuditEvent>().Where(e => e.State == EntityState.Added && e.Entity.Sequence is null).Select(e => e.Entity).ToList();
        if (added.Count == 0) return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);

        // The chain's head is read and extended in one write transaction (SQLite: BEGIN IMMEDIATE), so two writers never share a head.
        var own = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            await AuditChain.SealAddedAsync(this, added, cancellationToken);
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            if (own is not null) await own.CommitAsync(cancellationToken);
            return saved;
        }
        catch
        {
            // A failed save leaves the events unsaved; they are sealed again (with a fresh head) on the next attempt.
            foreach (var e in added) e.Unseal();
            throw;
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
    }

    private void RefuseAuditRewrites()
    {
        var rewritten = ChangeTracker.Entries<AuditEvent>()
            .FirstOrDefault(e => e.State is EntityState.Modified or EntityState.Deleted);
        if (rewritten is not null)
            throw new InvalidOperationException(
                $"The audit log is append-only: audit event {rewritten.Entity.Id} cannot be {(rewritten.State == EntityState.Deleted ? "deleted" : "modified")}.");
    }
}
